"""Fogmap's app layer: what the pages show, built over :mod:`gmm_core`.

::

    shell/        what every page shares: sidebar, navigation, session state and the
                  URL, shared widgets, data caches, the live chart (Streamlit)
    plotting/     Plotly, no Streamlit: the figure builder and palette, projections
                  and ellipses, the layers every map draws, the fog charts, the loop
    words.py      every label and formatter, once (no Streamlit, no Plotly)
    questions.py  a question with its answer and feedback (no Streamlit, no Plotly)
    lesson_steps.py
                  the lesson path's steps, as data (no Streamlit, no Plotly)
    explorer/ stepper/ shapes/ choosing_k/
                  one package per lesson: its numbers (model), its figures (Plotly
                  only) and its panels (Streamlit)
    cli.py        the ``fogmap`` command of an installed wheel: ``streamlit run``
                  on the packaged ``app.py`` (no page or lesson imports it)

Arrows point down: a lesson may import ``shell``, ``plotting``, ``words`` and
``gmm_core``, never another lesson; ``plotting`` and ``words`` import no Streamlit;
``gmm_core`` imports nothing from here. ``tests/test_layers.py`` keeps these rules.
"""
