"""What every page shares: the sidebar and its data source, navigation, session
state and the URL, the widgets every lesson uses, the data caches and the live chart.

This is the only shared package that uses Streamlit. It may import
:mod:`gmm_app.plotting`, :mod:`gmm_app.words` and :mod:`gmm_core`, never a lesson.
"""
