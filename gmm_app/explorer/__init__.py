"""Fog explorer: K-Means' islands against the mixture's hills in fog on the same data.

``model``     the numbers beyond gmm_core (no Streamlit, no Plotly)
``figures``   its maps and charts (Plotly, no Streamlit)
``panels``    what the page shows (Streamlit)

May import :mod:`gmm_app.shell`, :mod:`gmm_app.plotting`, :mod:`gmm_app.words` and
:mod:`gmm_core`; never another lesson.
"""
