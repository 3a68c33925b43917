"""Choosing K: BIC, AIC, ICL and held-out likelihood against K, fit against penalty.

``figures``   the criteria, razor and held-out charts (Plotly, no Streamlit)
``panels``    what the page shows (Streamlit)

May import :mod:`gmm_app.shell`, :mod:`gmm_app.plotting`, :mod:`gmm_app.words` and
:mod:`gmm_core`; never another lesson.
"""
