"""Covariance shapes: spherical, diag, full and tied side by side, the shape sandbox
and a singular covariance breaking and being fixed.

``model``     the numbers: the fits' settings and results (``TypeFit``), the demo
              data, the clones' places, the parameter formula (numpy over
              :mod:`gmm_core` and ``words``; no Streamlit, no Plotly)
``model_checks``  the "Check yourself" questions, answers and feedback (``model``,
              ``words``; no Streamlit, no Plotly)
``figures``   the sandbox, the demo map and the collapse curves (``model`` and
              :mod:`gmm_app.plotting`; Plotly, no Streamlit)
``caches``    the timed fits, cached with ``st.cache_data`` (``model``; Streamlit)
``panels``    the settings row, the four panels and the comparison table
``sandbox``   the shape sandbox (a fragment)
``singular``  a covariance made singular, then fixed
``checks_panel``  "Check yourself": the toggle, the questions and their feedback
              (``panels``, ``sandbox``, ``singular`` and ``checks_panel`` are
              Streamlit and may import the modules above; none imports another)

May import :mod:`gmm_app.shell`, :mod:`gmm_app.plotting`, :mod:`gmm_app.words` and
:mod:`gmm_core`; never another lesson.
"""
