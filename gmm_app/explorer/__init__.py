"""Fog explorer: K-Means' islands against the mixture's hills in fog on the same data.

Numbers (no Streamlit, no Plotly; numpy, scipy, scikit-learn, pandas,
:mod:`gmm_core`, :mod:`gmm_app.words` and the numpy-only
:mod:`gmm_app.plotting.geometry`):

``model``           tempering (the fog), matching islands to hills, the outlier
                    cut, both fits (K-Means and the GMM: :class:`Analysis`),
                    DBSCAN, what can go wrong with a fit (few samples, needles)
``model_maps``      the plane drawn and the grids behind the maps (:class:`ViewMaps`)
``model_tables``    words and tables: whole percents, the recipe sentence, the
                    selection, the soft table, the CSV export
``model_checks``    the "Check yourself" questions (points P, Q, R), their answers
                    and feedback

Figures (Plotly, no Streamlit; may import the model modules and
:mod:`gmm_app.plotting`):

``figures``         :class:`MapView` and the pieces every map is made of
``figures_map``     the big map (regions, borders, valleys, hills, outliers)
``figures_panels``  the four small panels (islands, hills, soft, how sure) and DBSCAN's
``figures_charts``  the recipe bar, the log-density histogram, the 3-D and contour hills

Streamlit:

``caches``          ``st.cache_data`` around the model's fits, grids and DBSCAN
``settings``        K, covariance type, seed, restarts, the view, the URL
``panels``          the fog controls and summary, the four panels, diagnostics, DBSCAN
``map_panels``      the big map, outliers, the selection table, the export
``hills_panels``    the smoothie recipe and the hills
``limits_panels``   when to use which, and where Gaussian hills go wrong
``checks_panel``    "Check yourself": the toggle, the questions and their feedback

Every module may import :mod:`gmm_app.shell` (Streamlit modules only),
:mod:`gmm_app.plotting` (figures and panels), :mod:`gmm_app.words` and
:mod:`gmm_core`, and the modules listed before it here; never another lesson, and
never another module's underscore names.
"""
