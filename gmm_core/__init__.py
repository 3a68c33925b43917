"""Fogmap's numerical core: Gaussian mixtures fitted by EM, one step at a time.

numpy and scipy (and scikit-learn for k-means seeding and bundled data); never
Streamlit or Plotly. The vocabulary and layouts are scikit-learn's.
"""

from gmm_core.datasets import PRESETS, Dataset, Preset, load_preset
from gmm_core.errors import FogmapError
from gmm_core.fit import FitResult, Restart, fit
from gmm_core.init import INIT_METHODS, from_means, initialize
from gmm_core.kmeans import KMeansStep, kmeans_steps
from gmm_core.mixture import (
    COVARIANCE_TYPES,
    EMStep,
    GMMParams,
    aic,
    aic_penalty,
    as_2d,
    bic,
    bic_penalty,
    e_step,
    em_steps,
    log_normalise,
    mahalanobis,
    n_parameters,
    responsibilities,
    score_samples,
)
from gmm_core.tabular import (
    read_table,
    soft_assignment_table,
    spreadsheet_safe,
    subsample,
    text_columns,
    with_labels,
)

__all__ = [
    "COVARIANCE_TYPES",
    "INIT_METHODS",
    "PRESETS",
    "Dataset",
    "EMStep",
    "FitResult",
    "FogmapError",
    "GMMParams",
    "KMeansStep",
    "Preset",
    "Restart",
    "aic",
    "aic_penalty",
    "as_2d",
    "bic",
    "bic_penalty",
    "e_step",
    "em_steps",
    "fit",
    "from_means",
    "initialize",
    "kmeans_steps",
    "load_preset",
    "log_normalise",
    "mahalanobis",
    "n_parameters",
    "read_table",
    "responsibilities",
    "score_samples",
    "soft_assignment_table",
    "spreadsheet_safe",
    "subsample",
    "text_columns",
    "with_labels",
]
