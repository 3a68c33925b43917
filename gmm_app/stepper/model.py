"""Half-step positions in an EM trace, and what each position shows (no Streamlit).

A trace of T iterations has 2T + 1 positions ("half-steps"):

* position 0: the guess (iteration 0's parameters, no point asked yet);
* position 2t - 1: the E-step of iteration t: responsibilities computed from
  iteration t-1's parameters, drawn with iteration t-1's hills;
* position 2t: the M-step of iteration t: iteration t's hills, the points keeping
  the responsibilities that moved them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gmm_app.words import hill_name, hill_title, plural
from gmm_core import EMStep, GMMParams, responsibilities

Phase = Literal["guess", "e", "m"]


def n_positions(trace: tuple[EMStep, ...]) -> int:
    """Number of half-step positions in ``trace`` (2T + 1)."""
    return 2 * (len(trace) - 1) + 1


def phase_of(position: int) -> tuple[Phase, int]:
    """The phase and iteration of a position.

    (``"guess"``, 0) at 0, (``"e"``, t) at 2t - 1, (``"m"``, t) at 2t.
    """
    if position <= 0:
        return "guess", 0
    if position % 2 == 1:
        return "e", (position + 1) // 2
    return "m", position // 2


def position_of(phase: Phase, iteration: int) -> int:
    """Inverse of :func:`phase_of`."""
    if phase == "guess" or iteration <= 0:
        return 0
    return 2 * iteration - 1 if phase == "e" else 2 * iteration


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
    phase: Phase
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
# Narration


def _direction(delta: np.ndarray) -> str:
    """A movement in words: "0.8 units right", "1.2 units up and left"."""
    if not np.any(np.abs(delta) > 1e-12):
        return "did not move"
    if delta.shape[0] == 1:
        size = abs(float(delta[0]))
        return f"{size:.2g} units {'right' if delta[0] > 0 else 'left'}"
    dx, dy = float(delta[0]), float(delta[1])
    size = math.hypot(dx, dy)
    words = []
    if abs(dy) > 0.38 * size:
        words.append("up" if dy > 0 else "down")
    if abs(dx) > 0.38 * size:
        words.append("right" if dx > 0 else "left")
    return f"{size:.2g} units {' and '.join(words)}"


def narrate(view: View, init_name: str = "") -> str:
    """What the last half-step did, in a sentence or three.

    Parameters
    ----------
    view : View
    init_name : str
        How the guess was made, completing "K hills placed ..." (e.g. "by
        k-means++").

    Returns
    -------
    str
        Markdown.
    """
    k = view.params.n_components
    if view.phase == "guess":
        how = f" {init_name}" if init_name else ""
        return (
            f"**The guess.** {k} hills placed{how}. No point has been asked yet: "
            "take the first E-step to see who belongs where."
        )
    resp = view.resp
    assert resp is not None
    if view.phase == "e":
        top = np.sort(resp, axis=1)[:, ::-1]
        doubt = int(np.argmin(top[:, 0] - (top[:, 1] if k > 1 else 0.0)))
        shares = " / ".join(
            f"{resp[doubt, j]:.0%} {hill_name(int(j))}"
            for j in np.argsort(resp[doubt])[::-1][: min(k, 2)]
        )
        if view.previous_resp is None:
            moved = "Every point now has its shares of each hill."
        else:
            n = len(view.changed)
            moved = (
                "No point changed its most likely hill."
                if n == 0
                else f"{n} point{'s' if n != 1 else ''} changed "
                f"{'their' if n != 1 else 'its'} most likely hill."
            )
        sure = "" if k == 1 else f" The most uncertain point is #{doubt} at {shares}."
        return f"**E-step {view.iteration}: who belongs where?** {moved}{sure}"
    before = view.previous_params
    assert before is not None
    after = view.params
    move = np.linalg.norm(after.means - before.means, axis=1)
    grow = after.weights - before.weights
    sentences = []
    j = int(np.argmax(move))
    if move[j] <= 1e-12:
        sentences.append("No hill moved.")
    else:
        sentences.append(
            f"{hill_title(j)} moved most: "
            f"{_direction(after.means[j, :2] - before.means[j, :2])}."
        )
    g = int(np.argmax(np.abs(grow)))
    if abs(grow[g]) >= 0.005:
        verb = "grew" if grow[g] > 0 else "shrank"
        sentences.append(
            f"{hill_title(g)} {verb} from {before.weights[g]:.0%} to "
            f"{after.weights[g]:.0%} of the data."
        )
    lls = view.log_likelihoods
    t = view.iteration
    sentences.append(
        f"Log-likelihood per point: {lls[t - 1]:.4f} → {lls[t]:.4f} "
        f"({lls[t] - lls[t - 1]:+.2g})."
    )
    return f"**M-step {t}: move and reshape the hills.** " + " ".join(sentences)


def stop_message(step: EMStep, tol: float, max_iter: int) -> str:
    """Why the trace ended, for the last position."""
    if step.stop_reason == "converged":
        return (
            f"**Converged** after {plural(step.iteration, 'iteration')}: the last "
            "step raised "
            f"the log-likelihood by less than the tolerance ({tol:g}). The map has "
            "stopped changing."
        )
    if step.stop_reason == "collapsed":
        names = ", ".join(hill_name(k) for k in step.collapsed)
        return (
            f"**Stopped: {names} collapsed** at iteration {step.iteration}. A hill "
            "squeezed onto a single point (or a line) has no width, so its density and "
            "the likelihood shoot off to infinity: a *singularity*, not a better map. "
            "Fixes: raise `reg_covar` (it keeps every hill a little wide), choose a "
            "simpler covariance type (spherical or tied), use fewer hills or more data."
        )
    return (
        f"**Stopped at the maximum of {plural(max_iter, 'iteration')}** before the "
        f"log-likelihood settled (tolerance {tol:g}). Raise the maximum to go on."
    )
