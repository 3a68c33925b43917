"""EM stepper: one E-step or M-step at a time, forward and back, every number shown.

``model``      positions in a trace and what a half-step shows, in numbers and words
``equations``  the E- and M-step formulas filled in with the core's numbers (LaTeX)
``traces``     the cached runs (a whole EM trace, K-Means in lockstep, restarts)
``figures``    its own charts (Plotly, no Streamlit)
``panels``     what the page shows (Streamlit)

May import :mod:`gmm_app.shell`, :mod:`gmm_app.plotting`, :mod:`gmm_app.words` and
:mod:`gmm_core`; never another lesson.
"""
