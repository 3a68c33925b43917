"""The E-step and M-step formulas filled in with the core's own numbers (LaTeX).

Pure functions, no Streamlit: every number comes from :mod:`gmm_core`, so what
the student reads is what EM computed.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_app.words import hill_name, matrix, sci, sci_from_log, vector
from gmm_core import GMMParams, log_normalise
from gmm_core.mixture import estimate_parameters, weighted_log_prob


def _sub(k: int) -> str:
    return hill_name(k).split(" ", 1)[1]


def _log_of_shown(text: str) -> float:
    """The natural log of a number as :func:`sci` shows it ("1.23 \\times 10^{-5}")."""
    mantissa, _, exponent = text.partition(r" \times 10^{")
    try:
        value = float(mantissa)
    except ValueError:  # \infty
        return math.nan
    if value <= 0:
        return -math.inf
    return math.log(value) + int(exponent.rstrip("}") or 0) * math.log(10)


def _checkable_product(
    weight: float, density_log: float, product_log: float
) -> tuple[str, str, str]:
    """Weight, density and their product as shown, the factors to enough digits.

    The product keeps three significant digits; the factors get as many as it
    takes (at least three) for their product, rounded the same way, to read as
    the shown product: the line checks on a calculator.
    """
    product = sci_from_log(product_log)
    for digits in range(3, 18):
        shown_weight = sci(weight, digits)
        shown_density = sci_from_log(density_log, digits)
        log_shown = _log_of_shown(shown_weight) + _log_of_shown(shown_density)
        if math.isfinite(log_shown) and sci_from_log(log_shown) == product:
            break
    return shown_weight, shown_density, product


def responsibility_steps(x: np.ndarray, index: int, params: GMMParams) -> list[str]:
    """The E-step for one point, filled in.

    Parameters
    ----------
    x : ndarray of shape (D,)
        The point.
    index : int
        Its row number, for the labels.
    params : GMMParams
        The hills the E-step asks.

    Returns
    -------
    list of str
        LaTeX lines: the formula, each hill's weighted density, the sum, and every
        responsibility.
    """
    x = np.asarray(x, dtype=np.float64).reshape(1, -1)
    wlp = weighted_log_prob(x, params)[0]
    total, resp = log_normalise(wlp)
    log_total = float(total)
    i = index
    lines = [
        rf"\gamma_{{{i},k}} = "
        rf"\frac{{\pi_k\,\mathcal{{N}}(x_{{{i}}}\mid\mu_k,\Sigma_k)}}"
        rf"{{\sum_j \pi_j\,\mathcal{{N}}(x_{{{i}}}\mid\mu_j,\Sigma_j)}}"
        rf"\qquad x_{{{i}}} = {vector(x[0])}"
    ]
    for k in range(params.n_components):
        s = _sub(k)
        density_log = float(wlp[k] - math.log(params.weights[k]))
        weight, density, product = _checkable_product(
            float(params.weights[k]), density_log, float(wlp[k])
        )
        lines.append(
            rf"\pi_{s}\,\mathcal{{N}}(x_{{{i}}}\mid\mu_{s},\Sigma_{s}) = "
            rf"{weight} \times {density} = {product}"
        )
    lines.append(rf"\text{{sum over hills}} = {sci_from_log(log_total)}")
    for k in range(params.n_components):
        s = _sub(k)
        lines.append(
            rf"\gamma_{{{i},{s}}} = \frac{{{sci_from_log(float(wlp[k]))}}}"
            rf"{{{sci_from_log(log_total)}}} = {resp[k]:.4f}"
        )
    return lines


def m_step_steps(
    X: np.ndarray,
    resp: np.ndarray,
    k: int,
    params: GMMParams,
    reg_covar: float,
) -> list[str]:
    """The M-step for one hill, filled in.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    resp : ndarray of shape (N, K)
        The responsibilities the M-step used.
    k : int
        The hill.
    params : GMMParams
        The hills the M-step produced (from the trace).
    reg_covar : float

    Returns
    -------
    list of str
        LaTeX lines: N_k, the weight, the mean and the covariance.
    """
    nk, _, _, _ = estimate_parameters(X, resp, params.covariance_type, reg_covar)
    n = X.shape[0]
    s = _sub(k)
    t = params.covariance_type
    lines = [
        rf"N_{s} = \sum_i \gamma_{{i,{s}}} = {sci(float(nk[k]), 5)}",
        rf"\pi_{s} = \frac{{N_{s}}}{{N}} = \frac{{{sci(float(nk[k]), 5)}}}{{{n}}} = "
        rf"{params.weights[k]:.4f}",
        rf"\mu_{s} = \frac{{1}}{{N_{s}}}\sum_i \gamma_{{i,{s}}}\,x_i = "
        rf"{vector(params.means[k])}",
    ]
    reg_value = rf" + {sci(reg_covar)}" if reg_covar > 0 else ""
    reg = rf"{reg_value}\,I" if reg_covar > 0 else ""
    if t == "full":
        lines.append(
            rf"\Sigma_{s} = \frac{{1}}{{N_{s}}}\sum_i \gamma_{{i,{s}}}"
            rf"(x_i-\mu_{s})(x_i-\mu_{s})^\top{reg} = {matrix(params.covariances[k])}"
        )
    elif t == "tied":
        lines.append(
            r"\Sigma = \frac{1}{N}\sum_k\sum_i \gamma_{i,k}(x_i-\mu_k)(x_i-\mu_k)^\top"
            rf"{reg} = {matrix(params.covariances)}"
            r"\quad\text{(shared by every hill)}"
        )
    elif t == "diag":
        lines.append(
            rf"\sigma^2_{{{s},d}} = \frac{{1}}{{N_{s}}}\sum_i \gamma_{{i,{s}}}"
            rf"(x_{{i,d}}-\mu_{{{s},d}})^2{reg_value} = "
            rf"{vector(params.covariances[k])}"
        )
    else:
        lines.append(
            rf"\sigma^2_{s} = \frac{{1}}{{D\,N_{s}}}\sum_i \gamma_{{i,{s}}}"
            rf"\lVert x_i-\mu_{s}\rVert^2{reg_value} = "
            rf"{sci(float(params.covariances[k]), 5)}"
        )
    return lines
