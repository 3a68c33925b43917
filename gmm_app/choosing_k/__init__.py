"""Choosing K: BIC, AIC, ICL and held-out likelihood against K, fit against penalty.

``model``     the numbers: the sweep's settings, its arrays per covariance type
              (``summarise``), the table and the parameter breakdown (numpy and
              pandas over :mod:`gmm_core`; no Streamlit, no Plotly)
``verdict``   which K each criterion prefers, in words (``model``, ``words``; no
              Streamlit, no Plotly)
``model_checks``  the "Check yourself" questions, answers and feedback (``model``,
              ``words``; no Streamlit, no Plotly)
``figures``   the criteria, razor and held-out charts, with ``figures_marks``
              (unsupported K, falls of the fit) (``model`` and
              :mod:`gmm_app.plotting`; Plotly, no Streamlit)
``sweeps``    the cached sweep with its progress bar (Streamlit)
``settings``  the settings row and the URL (Streamlit)
``panels``    what the page shows (Streamlit; the modules above)
``checks_panel``  "Check yourself", which hides BIC's pick until it is guessed
              (Streamlit; the modules above but ``panels``)

May import :mod:`gmm_app.shell`, :mod:`gmm_app.plotting`, :mod:`gmm_app.words` and
:mod:`gmm_core`; never another lesson.
"""
