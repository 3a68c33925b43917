"""EM stepper: one E-step or M-step at a time, forward and back, every number shown.

No Streamlit, no Plotly (numbers and words):

``model``        positions in a trace and what a half-step shows (``View``), the
                 warnings' tests, a clicked point, K-Means paired with EM, restart
                 verdicts, the collapse lab's start. Imports ``gmm_core`` only.
``narration``    what a half-step says: the narration, why the trace ended, the
                 parameter table's text. Imports ``model``, ``words``, ``gmm_core``.
``equations``    the E- and M-step formulas filled in with the core's numbers
                 (LaTeX). Imports ``words``, ``gmm_core``.
``reproduce``    the run as a scikit-learn script (text): the data's generator
                 call or ``pd.read_csv``, the page's start as literal arrays,
                 ``max_iter`` = the page's iterations. Imports ``gmm_core``.
``predict``      predict first: which question comes before a half-step, its
                 answer and its feedback, all from the trace. Imports ``model``,
                 ``plotting.geometry`` (numpy only), ``words``, ``gmm_core``.

Plotly, no Streamlit:

``figures``      the lesson's own charts: log-likelihood, responsibility heatmap,
                 K-Means map, restart gallery. Imports ``plotting``, ``words``,
                 ``gmm_core``.
``figures_export``  the whole run as one animated figure (a frame per half-step
                 from ``plotting.fog``, the log-likelihood beside it, play, pause
                 and a slider) and a self-contained HTML file. Imports
                 ``model``, ``plotting``, ``words``, ``gmm_core``.

Streamlit, each importing only the modules above it here (and ``shell``,
``plotting``, ``words``, ``gmm_core``):

``caches``       the ``st.cache_data`` runs: a whole EM trace, K-Means, restarts.
``settings``     the settings row, the URL, the student's own starting means, the
                 trace those settings give, and the session-state keys.
``controls``     Reset, Back, Next, Play and the scrubber: they only move the
                 position.
``panels``       what a half-step shows: loop and narration, the map, the side
                 charts, the parameter table, the worked-out equations.
``experiments``  K-Means in lockstep, the restart gallery, the collapse lab.
``takeaway``     "Take it with you": Download this run (built on the click) and
                 the scikit-learn script. Imports ``figures_export``,
                 ``reproduce``, ``settings``.

The page (``pages/2_EM_stepper.py``) calls ``settings``, ``controls``, ``panels``,
``experiments``, ``takeaway`` and ``model.view_at``. No module imports another's
underscore names, and the lesson never imports another lesson.
"""
