"""Half-step positions in an EM trace, and what each position shows (no Streamlit).

Pure numbers: no Streamlit, no Plotly, so every rule the panels follow can be
tested on its own. What a position says in words is :mod:`.narration`.

A trace of T iterations has 2T + 1 positions ("half-steps"):

* position 0: the guess (iteration 0's parameters, no point asked yet);
* position 2t - 1: the E-step of iteration t: responsibilities computed from
  iteration t-1's parameters, drawn with iteration t-1's hills;
* position 2t: the M-step of iteration t: iteration t's hills, the points keeping
  the responsibilities that moved them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gmm_app.plotting.events import as_int, customdata_rows
from gmm_core import EMStep, GMMParams, KMeansStep, Restart, responsibilities
from gmm_core.init import initialize, loneliest_point

_Phase = Literal["guess", "e", "m"]


def n_positions(trace: tuple[EMStep, ...]) -> int:
    """Number of half-step positions in ``trace`` (2T + 1)."""
    return 2 * (len(trace) - 1) + 1


def phase_of(position: int) -> tuple[_Phase, int]:
    """The phase and iteration of a position.

    (``"guess"``, 0) at 0, (``"e"``, t) at 2t - 1, (``"m"``, t) at 2t.
    """
    if position <= 0:
        return "guess", 0
    if position % 2 == 1:
        return "e", (position + 1) // 2
    return "m", position // 2


def clamp(position: int, trace: tuple[EMStep, ...]) -> int:
    """``position`` limited to the trace."""
    return int(min(max(position, 0), n_positions(trace) - 1))


@dataclass(frozen=True, eq=False)
class View:
    """Everything a page needs to draw one half-step.

    Attributes
    ----------
    position : int
    phase : {"guess", "e", "m"}
    iteration : int
        The iteration the half-step belongs to (0 for the guess).
    params : GMMParams
        The hills drawn at this position.
    resp : ndarray of shape (N, K) or None
        Responsibilities colouring the points (None at the guess).
    previous_resp : ndarray of shape (N, K) or None
        The responsibilities of the E-step before this one (for an E-step).
    previous_params : GMMParams or None
        The hills before this M-step (for an M-step).
    trail : ndarray of shape (S, K, D)
        The means of every iteration up to the one drawn.
    log_likelihoods : ndarray of shape (T + 1,)
        Mean log-likelihood of every iteration of the trace.
    shown_iteration : int
        Which iteration's parameters are drawn.
    is_last : bool
        True at the last position of the trace.
    step : EMStep
        The trace step whose parameters are drawn.
    """

    position: int
    phase: _Phase
    iteration: int
    params: GMMParams
    resp: np.ndarray | None
    previous_resp: np.ndarray | None
    previous_params: GMMParams | None
    trail: np.ndarray
    log_likelihoods: np.ndarray
    shown_iteration: int
    is_last: bool
    step: EMStep

    @property
    def changed(self) -> np.ndarray:
        """Indices of points whose most likely hill changed in this E-step."""
        if self.phase != "e" or self.resp is None or self.previous_resp is None:
            return np.empty(0, dtype=int)
        before = self.previous_resp.argmax(axis=1)
        return np.flatnonzero(before != self.resp.argmax(axis=1))


def view_at(X: np.ndarray, trace: tuple[EMStep, ...], position: int) -> View:
    """What the page shows at ``position`` of ``trace``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        The data the trace was fitted to.
    trace : tuple of EMStep
    position : int
        Clamped to the trace.

    Returns
    -------
    View
    """
    position = clamp(position, trace)
    phase, t = phase_of(position)
    shown = t - 1 if phase == "e" else t
    resp = previous_resp = previous_params = None
    if phase in ("e", "m"):
        resp = responsibilities(X, trace[t - 1].params)
    if phase == "e" and t >= 2:
        previous_resp = responsibilities(X, trace[t - 2].params)
    if phase == "m":
        previous_params = trace[t - 1].params
    trail = np.stack([s.params.means for s in trace[: shown + 1]])
    lls = np.array([s.mean_log_likelihood for s in trace])
    return View(
        position,
        phase,
        t,
        trace[shown].params,
        resp,
        previous_resp,
        previous_params,
        trail,
        lls,
        shown,
        position == n_positions(trace) - 1,
        trace[shown],
    )


###############################################################################
# Warnings at the end of a trace


def data_spread(view: View) -> float:
    """A typical length in the data: the widest hill's largest standard deviation.

    Parameters
    ----------
    view : View

    Returns
    -------
    float
    """
    return float(np.sqrt(np.max(view.step.params.full_covariances(), initial=0.0)))


def hills_stacked(params: GMMParams, spread: float) -> bool:
    """True when every hill top is (almost) at the same place.

    Parameters
    ----------
    params : GMMParams
    spread : float
        A typical length in the data (:func:`data_spread`); tops closer than 2% of
        it count as stacked.

    Returns
    -------
    bool
        False for a single hill.
    """
    if params.n_components < 2:
        return False
    means = params.means
    gaps = np.linalg.norm(means[:, None, :] - means[None, :, :], axis=2)
    return bool(gaps.max() < 0.02 * max(spread, 1e-12))


def first_dip(log_likelihoods: np.ndarray) -> int | None:
    """The first iteration whose log-likelihood fell (more than 1e-9), if any.

    Pure EM never lowers it; ``reg_covar`` can, a little, when a hill is narrow.

    Parameters
    ----------
    log_likelihoods : ndarray of shape (T + 1,)
        Mean log-likelihood of iterations 0 to T.

    Returns
    -------
    int or None
    """
    dips = np.flatnonzero(np.diff(log_likelihoods) < -1e-9)
    return int(dips[0]) + 1 if len(dips) else None


###############################################################################
# A click on a map


def clicked_point(event: object) -> int | None:
    """The row number of the point a student clicked on a map, if any.

    Point traces carry the row number first in ``customdata``; Plotly hands back a
    single-column ``customdata`` as a bare number, and a row of a typed array
    (numpy ``customdata``) as a dict keyed by column number.

    Parameters
    ----------
    event : object
        What ``st.plotly_chart(..., on_select="rerun")`` returned (or None).

    Returns
    -------
    int or None
    """
    rows = customdata_rows(event)
    return as_int(rows[0][0]) if rows else None


###############################################################################
# Beside the stepper: K-Means in lockstep, restarts, a collapse


def kmeans_beside(
    km: tuple[KMeansStep, ...], view: View
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """The K-Means step paired with EM's half-step, and its caption.

    The guess pairs with K-Means' starting centres, an E-step with an assign step
    (hard responsibilities), an M-step with an update step.

    Parameters
    ----------
    km : tuple of KMeansStep
        K-Means from the trace's starting means.
    view : View
        EM's half-step.

    Returns
    -------
    centers : ndarray of shape (K, D)
    labels : ndarray of shape (N,) or None
        None at the guess (no point assigned yet).
    caption : str
    """
    phase, t = view.phase, view.iteration
    if phase == "guess":
        centers, labels, what = km[0].centers, None, "the same starting centres"
    elif phase == "e":
        s = min(t - 1, len(km) - 1)
        centers, labels, what = (
            km[s].centers,
            km[s].labels,
            f"assign step {s}: every point to its nearest centre, 100% sure",
        )
    else:
        s = min(t, len(km) - 1)
        centers, labels, what = (
            km[s].centers,
            km[max(s - 1, 0)].labels,
            f"update step {s}: each centre to the mean of its points",
        )
    done = (
        f" K-Means converged at step {len(km) - 1}."
        if km[-1].converged and t >= len(km) - 1 and phase != "guess"
        else ""
    )
    caption = f"K-Means, {what}.{done} Clear day: hard borders, round islands."
    return centers, labels, caption


def restart_verdicts(restarts: Sequence[Restart]) -> list[tuple[Restart, str]]:
    """Restarts best first, each with its verdict.

    Parameters
    ----------
    restarts : sequence of Restart

    Returns
    -------
    list of (Restart, str)
        Collapsed runs last; the verdict is "best", "local optimum" (more than
        1e-3 below the best final log-likelihood per point) or "collapsed".
    """
    ranked = sorted(
        restarts,
        key=lambda r: (not r.collapsed, r.final_log_likelihood),
        reverse=True,
    )
    best = max(
        (r.final_log_likelihood for r in ranked if not r.collapsed), default=None
    )
    verdicts = []
    for r in ranked:
        if r.collapsed:
            flag = "collapsed"
        elif best is not None and r.final_log_likelihood < best - 1e-3:
            flag = "local optimum"
        else:
            flag = "best"
        verdicts.append((r, flag))
    return verdicts


def collapse_start(
    X: np.ndarray, n_components: int, seed: int
) -> tuple[list[tuple[float, ...]], list[float]]:
    """Starting means and widths that make EM collapse when ``reg_covar`` is 0.

    A narrow first hill sits on the loneliest point (the one farthest from its
    nearest neighbour), so narrow that the neighbour is 6 of its standard
    deviations away; the others start at k-means++ means of the rest.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
        The hills wanted; at least 2 and at most N - 1 are used.
    seed : int

    Returns
    -------
    means : list of K tuples of D floats
    widths : list of K floats
        Each hill's starting width, relative to the data's spread.

    Raises
    ------
    FogmapError
        When the data cannot be set up (too few points, all identical...).
    """
    k = max(2, min(n_components, X.shape[0] - 1))
    lonely, gap = loneliest_point(X)
    others = initialize(
        np.delete(X, lonely, axis=0), k - 1, method="k-means++", seed=seed
    ).means
    spread = float(
        np.sqrt(np.trace(np.atleast_2d(np.cov(X, rowvar=False))) / X.shape[1])
    )
    means = [tuple(map(float, X[lonely]))] + [tuple(map(float, p)) for p in others]
    return means, [gap / (6 * spread)] + [0.5] * (k - 1)
