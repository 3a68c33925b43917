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
from gmm_app.words import plural
from gmm_core import (
    EMStep,
    GMMParams,
    KMeansStep,
    Restart,
    responsibilities,
    score_samples,
)
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
    return hills_spread(view.step.params)


def hills_spread(params: GMMParams) -> float:
    """The widest hill's largest standard deviation, in data units.

    Parameters
    ----------
    params : GMMParams

    Returns
    -------
    float
    """
    return float(np.sqrt(np.max(params.full_covariances(), initial=0.0)))


# Hills whose tops are closer than this many standard deviations (of the widest
# hill), with shapes this alike, are one hill drawn K times: every point gives
# each the same share, so no M-step can pull them apart.
STACKED_GAP = 0.25
STACKED_SHAPE = 0.25


def top_gap(means: np.ndarray) -> float:
    """The largest distance between two hill tops.

    Parameters
    ----------
    means : ndarray of shape (K, D)

    Returns
    -------
    float
        0 for a single hill.
    """
    gaps = np.linalg.norm(means[:, None, :] - means[None, :, :], axis=2)
    return float(gaps.max(initial=0.0))


def hills_stacked(params: GMMParams, spread: float) -> bool:
    """True when the hills are (almost) one hill drawn K times.

    Parameters
    ----------
    params : GMMParams
    spread : float
        A typical length in the data (:func:`data_spread`): tops closer than
        ``STACKED_GAP`` of it, on hills whose covariances differ by less than
        ``STACKED_SHAPE`` of the largest entry, count as stacked.

    Returns
    -------
    bool
        False for a single hill.
    """
    if params.n_components < 2:
        return False
    cov = params.full_covariances()
    scale = max(float(np.abs(cov).max()), 1e-300)
    alike = float(np.abs(cov - cov.mean(axis=0)).max()) < STACKED_SHAPE * scale
    return alike and top_gap(params.means) < STACKED_GAP * max(spread, 1e-12)


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


@dataclass(frozen=True, eq=False)
class KMeansView:
    """The K-Means step paired with one of EM's half-steps.

    The guess pairs with K-Means' starting centres, E-step t with assign step t
    (every point to its nearest centre: a hard E-step), M-step t with update step t
    (each centre to the mean of its points).

    Attributes
    ----------
    centers : ndarray of shape (K, D)
    labels : ndarray of shape (N,) or None
        Each point's island; None at the guess (no point assigned yet).
    moved_from : ndarray of shape (K, D) or None
        The centres before this update step (None unless a centre just moved).
    trail : ndarray of shape (S, K, D)
        The centres of every update so far, the starting ones first.
    step : int
        The assign or update step shown (0 at the guess).
    caption : str
    """

    centers: np.ndarray
    labels: np.ndarray | None
    moved_from: np.ndarray | None
    trail: np.ndarray
    step: int
    caption: str


def kmeans_beside(km: Sequence[KMeansStep], view: View) -> KMeansView:
    """The K-Means step paired with EM's half-step, numbered as EM's.

    ``km[0]`` assigns the points to the starting centres (assign step 1);
    ``km[n]`` moves the centres (update step n) and assigns again (assign step
    n + 1). When EM goes on after K-Means stopped, K-Means stays at its last step.

    Parameters
    ----------
    km : sequence of KMeansStep
        K-Means from the trace's starting means.
    view : View
        EM's half-step.

    Returns
    -------
    KMeansView
    """
    phase, t = view.phase, view.iteration
    last = len(km) - 1  # update steps K-Means took
    centres = np.stack([s.centers for s in km])
    stop = (
        f" K-Means has converged: assign step {last + 1} moved no point to another "
        f"island, so update step {last} was its last."
        if km[-1].converged
        else f" K-Means stopped at its limit of {plural(last, 'update step')}."
    )
    if phase == "guess":
        return KMeansView(
            km[0].centers,
            None,
            None,
            centres[:1],
            0,
            "K-Means, the same starting centres as EM's guess. Clear day: hard "
            "borders, round islands.",
        )
    if phase == "e":
        n = min(t, last + 1)
        step = km[n - 1]
        what = (
            f"assign step {n}: every point to its nearest centre, 100% sure."
            if n == t
            else f"still at assign step {n}."
        )
        moved_from, trail = None, centres[:n]
    else:
        n = min(t, last)
        step = km[n]
        what = (
            f"update step {n}: each centre to the mean of its island."
            if n == t
            else f"still after update step {n}."
        )
        moved_from = km[n - 1].centers if n == t and n > 0 else None
        trail = centres[: n + 1]
    labels = step.labels if phase == "e" else km[max(n - 1, 0)].labels
    done = stop if t >= last + 1 else ""
    if view.is_last and (t < last if phase == "m" else t <= last):
        done = f" EM stops here; K-Means would go on to update step {last}."
    caption = f"K-Means, {what}{done} Clear day: hard borders, round islands."
    return KMeansView(step.centers, labels, moved_from, trail, n, caption)


def restart_verdicts(
    restarts: Sequence[Restart], tol: float = 1e-3
) -> list[tuple[Restart, str]]:
    """Restarts best first, each with its verdict.

    Runs whose final log-likelihoods are closer than ``tol`` are tied: EM's own
    yardstick (it stops when a step gains less than ``tol``) cannot tell them
    apart, so none of them is "best" on its own.

    Parameters
    ----------
    restarts : sequence of Restart
    tol : float
        The tolerance the runs stopped at.

    Returns
    -------
    list of (Restart, str)
        Collapsed runs last. The verdict is "collapsed"; "local optimum" (more
        than ``tol`` below the top); for the runs within ``tol`` of the top,
        "best" when there is one, "tied for best" when there are several and
        "all tied" when every run that did not collapse is among them.
    """
    ranked = sorted(
        restarts,
        key=lambda r: (not r.collapsed, r.final_log_likelihood),
        reverse=True,
    )
    fine = [r.final_log_likelihood for r in ranked if not r.collapsed]
    best = max(fine, default=None)
    n_top = sum(1 for ll in fine if best is not None and ll > best - tol)
    if n_top == 1:
        top = "best"
    else:
        top = "all tied" if n_top == len(fine) else "tied for best"
    verdicts = []
    for r in ranked:
        if r.collapsed:
            flag = "collapsed"
        elif best is not None and r.final_log_likelihood <= best - tol:
            flag = "local optimum"
        else:
            flag = top
        verdicts.append((r, flag))
    return verdicts


def stuck_runs(restarts: Sequence[Restart]) -> list[Restart]:
    """The restarts that ended with every hill stacked on the others.

    Parameters
    ----------
    restarts : sequence of Restart

    Returns
    -------
    list of Restart
        Those whose final hills are one hill drawn K times (:func:`hills_stacked`).
    """
    return [
        r
        for r in restarts
        if not r.collapsed and hills_stacked(r.params, hills_spread(r.params))
    ]


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


def hill_width(params: GMMParams, k: int) -> float:
    """Hill ``k``'s narrowest standard deviation (its width across, in data units).

    Parameters
    ----------
    params : GMMParams
    k : int

    Returns
    -------
    float
    """
    values = np.linalg.eigvalsh(params.full_covariances()[k])
    return float(np.sqrt(max(values.min(), 0.0)))


@dataclass(frozen=True, eq=False)
class CollapseRise:
    """What the likelihood does as a collapsed hill narrows further.

    EM stops at a collapse; this takes the last step's hills and narrows the
    collapsed one on, everything else fixed, to show there is no top to reach.

    Attributes
    ----------
    hill : int
        The collapsed hill.
    widths : ndarray of shape (M,)
        Its width (:func:`hill_width`), widest first: from its width one
        iteration before the collapse, through its width where EM stopped, to
        narrower still.
    log_likelihoods : ndarray of shape (M,)
        Mean log-likelihood per point at each width.
    em_widths, em_log_likelihoods : ndarray of shape (T + 1,)
        The hill's width and the mean log-likelihood at each EM iteration.
    per_decade : float
        What each tenfold narrowing adds per point at the narrow end.
    """

    hill: int
    widths: np.ndarray
    log_likelihoods: np.ndarray
    em_widths: np.ndarray
    em_log_likelihoods: np.ndarray
    per_decade: float


def collapse_rise(
    X: np.ndarray, trace: Sequence[EMStep], decades: int = 6
) -> CollapseRise | None:
    """The likelihood of the last step with its collapsed hill narrowed on.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        The data the trace was fitted to.
    trace : sequence of EMStep
        A trace that ended in a collapse.
    decades : int
        How many tenfold narrowings past where EM stopped.

    Returns
    -------
    CollapseRise or None
        None unless one hill (not a tied covariance) collapsed. The narrowed
        hill is centred exactly on the data point nearest its top.
    """
    last = trace[-1]
    params = last.params
    if not last.collapsed or params.covariance_type == "tied":
        return None
    k = last.collapsed[0]
    em_widths = np.array([hill_width(s.params, k) for s in trace])
    stop = float(em_widths[-1])
    if stop <= 0:
        return None
    below = 10.0 ** -np.arange(1, decades + 1)
    before = float(em_widths[-2]) if len(em_widths) > 1 else 10 * stop
    widths = np.concatenate(
        [np.geomspace(max(before, stop), stop, 13)[:-1], [stop], stop * below]
    )
    # The hill sits on its point up to rounding; narrowed far past that, a
    # rounding error would count as a distance, so it is put exactly on it.
    means = params.means.copy()
    means[k] = X[np.argmin(((X - means[k]) ** 2).sum(axis=1))]
    lls = []
    for w in widths:
        cov = params.covariances.copy()
        cov[k] = cov[k] * (w / stop) ** 2
        narrowed = GMMParams(params.weights, means, cov, params.covariance_type)
        lls.append(float(score_samples(X, narrowed).mean()))
    lls_arr = np.array(lls)
    return CollapseRise(
        k,
        widths,
        lls_arr,
        em_widths,
        np.array([s.mean_log_likelihood for s in trace]),
        float(lls_arr[-1] - lls_arr[-2]),
    )
