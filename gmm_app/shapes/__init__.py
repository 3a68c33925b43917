"""Covariance shapes: spherical, diag, full and tied side by side, the shape sandbox
and a singular covariance breaking and being fixed.

``figures``   the sandbox, the demo map and the collapse curves (Plotly, no Streamlit)
``panels``    what the page shows (Streamlit)

May import :mod:`gmm_app.shell`, :mod:`gmm_app.plotting`, :mod:`gmm_app.words` and
:mod:`gmm_core`; never another lesson.
"""
