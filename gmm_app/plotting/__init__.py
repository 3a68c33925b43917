"""Plotly, no Streamlit: what every chart of every lesson is drawn with.

``builder``   the figure builder (plain dicts, validated once in the tests), the
              layout, the palette and marker shapes
``geometry``  2-D views of D-dimensional data, ellipses, the seeded sample a chart draws
``layers``    what every map draws: a hill's outlines, the hill tops
``fog``       the fog map and the 1-D fog curves and responsibility bands (Home, the
              explorer, the stepper, Covariance shapes and Choosing K draw them)
``loop``      the surveyor's loop diagram (Home and the stepper)
``events``    what a student clicked or selected on a chart (its ``customdata``)

May import :mod:`gmm_app.words` and :mod:`gmm_core`; never Streamlit, the shell or a
lesson.
"""
