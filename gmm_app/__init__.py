"""What Fogmap's pages share: the sidebar, session state, cached work, figures.

``gmm_app.figures`` is pure Plotly (no Streamlit) so every figure can be tested on
its own; the other modules are Streamlit glue over :mod:`gmm_core`.
"""
