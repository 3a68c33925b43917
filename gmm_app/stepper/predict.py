"""Predict first: the questions the stepper asks before it reveals a half-step.

Pure numbers and words (no Streamlit, no Plotly), so every answer and every
sentence of feedback is computed from the trace on screen and can be tested on
its own. The panel that asks them is :mod:`.predict_panel`.

Three kinds of question, aimed at what students of mixtures get wrong:

* before an E-step, **which hill will claim this point most?** (a point in a
  valley, where distance alone does not settle it: weights and widths count);
* before an M-step, **where will this hill's top move?** (three marked spots: the
  true new top, where hard assignments would put it, and "it stays put");
* once per run, **can the log-likelihood go down on the next step?**
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gmm_app.plotting.geometry import drawn_points
from gmm_app.questions import Feedback
from gmm_app.stepper.model import n_positions, phase_of
from gmm_app.words import and_list, hill_name, hill_title, plural, share_percent
from gmm_core import EMStep, mahalanobis, responsibilities

Kind = Literal["point", "move", "climb"]
KINDS: tuple[Kind, ...] = ("point", "move", "climb")
# "How sure are you?": the choices offered with a point question.
SURENESS = (0.5, 0.7, 0.9, 0.99)
# A point whose likeliest hill holds between these is in a valley: worth asking.
_VALLEY = (0.55, 0.9)
_AIM = 0.72  # the likeliest share the question prefers (not obvious, not a coin toss)
_POOL = 25  # candidates the point is drawn from, so it is not the same every time
# Spots closer than this share of the data's spread count as the same spot; a top
# that moves less is not worth a question (its spots would sit on each other).
_SAME_SPOT = 0.12
# The climb question is asked before this M-step of a run.
CLIMB_AT_ITERATION = 2


@dataclass(frozen=True)
class PointQuestion:
    """Which hill will claim point ``point`` most in the E-step at ``position``?

    Attributes
    ----------
    position : int
        The E-step half-step it reveals.
    point : int
        Row of the point asked about.
    resp : ndarray of shape (K,)
        The point's responsibilities in that E-step (the core's numbers).
    sigmas : ndarray of shape (K,)
        Its distance from each hill top in standard deviations (Mahalanobis).
    weights : ndarray of shape (K,)
        The hills' weights used by that E-step.
    log_dets : ndarray of shape (K,)
        log det of each hill's covariance (how widely it spreads).
    """

    position: int
    point: int
    resp: np.ndarray
    sigmas: np.ndarray
    weights: np.ndarray
    log_dets: np.ndarray

    @property
    def answer(self) -> int:
        """The hill that claims the point most."""
        return int(np.argmax(self.resp))


@dataclass(frozen=True)
class MoveQuestion:
    """Where will hill ``hill``'s top move in the M-step at ``position``?

    Attributes
    ----------
    position : int
        The M-step half-step it reveals.
    hill : int
        The hill whose top moves furthest in this M-step.
    spots : ndarray of shape (3, D)
        The three marked candidates, in the order shown (spot 1, 2, 3).
    answer : int
        Index into ``spots`` of the true new top.
    decoys : tuple of str
        For each spot, what it is: "true", "hard" (where hard assignments would
        put the top) or "stay" (the old top).
    old_mean, new_mean : ndarray of shape (D,)
    pullers : ndarray of int, shape (P,)
        The points that pulled the top hardest (largest responsibility times
        distance from the old top), strongest first.
    puller_resp : ndarray of shape (P,)
        Their responsibilities for the hill.
    spread : float
        The data's typical spread (to say how far apart spots are).
    """

    position: int
    hill: int
    spots: np.ndarray
    answer: int
    decoys: tuple[str, ...]
    old_mean: np.ndarray
    new_mean: np.ndarray
    pullers: np.ndarray
    puller_resp: np.ndarray
    spread: float


@dataclass(frozen=True)
class ClimbQuestion:
    """Can the log-likelihood go down in the M-step at ``position``?

    Attributes
    ----------
    position : int
    before, after : float
        Mean log-likelihood per point before and after that iteration.
    """

    position: int
    before: float
    after: float

    answer: bool = False  # pure EM never lowers the log-likelihood

    @property
    def change(self) -> float:
        """after - before."""
        return self.after - self.before


###############################################################################
# Which question, if any, comes before a half-step


def question_kind(trace: tuple[EMStep, ...], position: int) -> Kind | None:
    """What is asked before ``position`` is revealed (None: nothing).

    E-steps ask about a point; M-steps about a moving top, except the M-step of
    iteration :data:`CLIMB_AT_ITERATION`, which asks whether the log-likelihood
    can fall. The guess and positions past the trace ask nothing.
    """
    if not 0 < position < n_positions(trace):
        return None
    if trace[0].params.n_components < 2:
        return None  # one hill claims every point and nothing can be guessed
    phase, t = phase_of(position)
    if phase == "e":
        return "point"
    return "climb" if t == CLIMB_AT_ITERATION else "move"


def point_question(
    X: np.ndarray,
    trace: tuple[EMStep, ...],
    position: int,
    avoid: Sequence[int] = (),
) -> PointQuestion:
    """The point to ask about before the E-step at ``position``.

    A point drawn on the map whose likeliest hill holds 55-90% (a valley: the
    answer is not obvious), nearest 72% first, picked from the best few by a
    generator seeded by ``position``, so each E-step asks about another point.
    When no point is in a valley, the least sure one.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    trace : tuple of EMStep
    position : int
        An E-step position (odd).
    avoid : sequence of int
        Points already asked about in this run.

    Returns
    -------
    PointQuestion
    """
    _, t = phase_of(position)
    params = trace[t - 1].params
    resp = responsibilities(X, params)
    shown = drawn_points(len(X))
    fresh = np.setdiff1d(shown, np.asarray(avoid, dtype=int))
    if len(fresh) == 0:
        fresh = shown
    best = resp[fresh].max(axis=1)
    valley = fresh[(best >= _VALLEY[0]) & (best <= _VALLEY[1])]
    if len(valley):
        order = np.argsort(np.abs(resp[valley].max(axis=1) - _AIM), kind="stable")
        pool = valley[order[:_POOL]]
        point = int(np.random.default_rng(position).choice(pool))
    else:
        point = int(fresh[np.argmin(best)])
    covs = params.full_covariances()
    return PointQuestion(
        position,
        point,
        resp[point],
        mahalanobis(X[point : point + 1], params)[0],
        params.weights.copy(),
        np.linalg.slogdet(covs)[1],
    )


def move_question(
    X: np.ndarray, trace: tuple[EMStep, ...], position: int
) -> MoveQuestion | None:
    """The top to ask about before the M-step at ``position``.

    The hill whose top moves furthest; its three spots are the true new top,
    the mean of the points it would own with hard assignments (K-Means' update:
    "soft is hard in disguise"), and its old top ("it stays put"). When the hard
    mean sits on the true top, the third spot goes as far past the true top as
    the old one is behind it. None when no top moves enough to tell spots apart.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    trace : tuple of EMStep
    position : int
        An M-step position (even, > 0).

    Returns
    -------
    MoveQuestion or None
    """
    _, t = phase_of(position)
    before, after = trace[t - 1].params, trace[t].params
    resp = responsibilities(X, before)
    moves = np.linalg.norm(after.means - before.means, axis=1)
    hill = int(np.argmax(moves))
    spread = float(np.sqrt(np.mean(np.var(X, axis=0)))) or 1.0
    if moves[hill] < _SAME_SPOT * spread:
        return None
    old, new = before.means[hill], after.means[hill]
    owned = resp.argmax(axis=1) == hill
    hard = X[owned].mean(axis=0) if owned.any() else None
    if hard is None or np.linalg.norm(hard - new) < _SAME_SPOT * spread:
        third, kind = new + (new - old), "past"
    else:
        third, kind = hard, "hard"
    if np.linalg.norm(third - old) < _SAME_SPOT * spread:
        third, kind = new + (new - old), "past"
    candidates = [(new, "true"), (third, kind), (old, "stay")]
    order = np.random.default_rng(position).permutation(3)
    spots = np.stack([candidates[i][0] for i in order])
    decoys = tuple(candidates[i][1] for i in order)
    pull = resp[:, hill] * np.linalg.norm(X - old, axis=1)
    pullers = np.argsort(pull)[::-1][:3]
    return MoveQuestion(
        position,
        hill,
        spots,
        int(decoys.index("true")),
        decoys,
        old.copy(),
        new.copy(),
        pullers,
        resp[pullers, hill],
        spread,
    )


def climb_question(trace: tuple[EMStep, ...], position: int) -> ClimbQuestion:
    """The log-likelihood before and after the iteration revealed at ``position``."""
    _, t = phase_of(position)
    return ClimbQuestion(
        position,
        float(trace[t - 1].mean_log_likelihood),
        float(trace[t].mean_log_likelihood),
    )


###############################################################################
# Feedback


def _why_point(q: PointQuestion) -> str:
    """One sentence of why, from the E-step's own numbers."""
    a = q.answer
    order = np.argsort(q.resp)[::-1]
    runner = int(order[1])
    nearest = int(np.argmin(q.sigmas))
    facts = (
        f"Point #{q.point} is {q.sigmas[a]:.2f} standard deviations from "
        f"{hill_name(a)}'s top and {q.sigmas[runner]:.2f} from {hill_name(runner)}'s; "
        f"{hill_name(a)} weighs {q.weights[a]:.0%} and {hill_name(runner)} "
        f"{q.weights[runner]:.0%}."
    )
    if nearest == a:
        return facts + f" Nearer in standard deviations, {hill_name(a)} claims it most."
    reasons = []
    if q.weights[a] > q.weights[nearest]:
        reasons.append(
            f"{hill_name(a)} is heavier ({q.weights[a]:.0%} against "
            f"{q.weights[nearest]:.0%})"
        )
    if q.log_dets[a] < q.log_dets[nearest]:
        reasons.append(
            f"{hill_name(a)} is narrower, so its density near the point is higher "
            f"than {hill_name(nearest)}'s, which is spread thinner"
        )
    because = " and ".join(reasons) if reasons else "the two bells add up that way"
    return (
        facts + f" {hill_title(nearest)}'s top is nearer in standard deviations "
        f"({q.sigmas[nearest]:.2f}), but {because}: distance alone does not decide."
    )


def point_feedback(q: PointQuestion, guess: int, sure: float | None) -> Feedback:
    """Right or wrong for a point question, the point's true shares and why.

    Parameters
    ----------
    q : PointQuestion
    guess : int
        The hill the student picked.
    sure : float or None
        How sure they said they were (one of :data:`SURENESS`), if they said.

    Returns
    -------
    Feedback
    """
    a = q.answer
    right = guess == a
    headline = (
        f"Right: {hill_name(a)} claims point #{q.point} most."
        if right
        else f"Not this time: {hill_name(a)} claims point #{q.point} most, "
        f"not {hill_name(guess)}."
    )
    shares = ", ".join(
        f"{hill_name(k)} {share_percent(float(r))}"
        for k, r in sorted(enumerate(q.resp), key=lambda kr: -kr[1])
    )
    lines = [f"Its responsibilities in this E-step: {shares}.", _why_point(q)]
    if sure is not None:
        mine = float(q.resp[guess])
        gap = sure - mine
        if abs(gap) <= 0.1:
            verdict = "About as sure as the E-step: well judged."
        elif gap > 0:
            verdict = (
                "The E-step is less sure than you were: near a valley its shares "
                "stay soft."
            )
        else:
            verdict = "The E-step is surer than you were."
        lines.append(
            f"You were {sure:.0%} sure of {hill_name(guess)}; the E-step gives it "
            f"{share_percent(mine)}. {verdict}"
        )
    return Feedback(right, headline, tuple(lines))


def move_feedback(q: MoveQuestion, choice: int) -> Feedback:
    """Right or wrong for a move question, how far off, and why.

    Parameters
    ----------
    q : MoveQuestion
    choice : int
        The spot picked (0, 1 or 2 for spot 1, 2, 3).

    Returns
    -------
    Feedback
    """
    name = hill_name(q.hill)
    right = choice == q.answer
    off = float(np.linalg.norm(q.spots[choice] - q.new_mean))
    headline = (
        f"Right: spot {q.answer + 1} is {name}'s new top."
        if right
        else f"Not this time: {name}'s new top is spot {q.answer + 1}; your spot "
        f"{choice + 1} is {off:.3g} away from it ({off / q.spread:.1f} of the data's "
        "typical spread)."
    )
    moved = float(np.linalg.norm(q.new_mean - q.old_mean))
    pullers = and_list([f"#{int(i)}" for i in q.pullers])
    shares = ", ".join(f"{r:.0%}" for r in q.puller_resp)
    lines = [
        f"The new top is the average of all the points, each weighted by its "
        f"responsibility for {name}: it moved {moved:.3g}.",
        f"Points {pullers} pulled hardest: far from the old top and still "
        f"{shares} {name}'s.",
    ]
    wrong_kind = q.decoys[choice]
    if wrong_kind == "hard":
        lines.append(
            "Your spot is where the top would go if each point counted wholly for "
            "its likeliest hill (K-Means' update). The M-step counts every point, "
            f"in proportion to its share: points only partly {name}'s still pull."
        )
    elif wrong_kind == "stay":
        lines.append(
            "Your spot is where the top is now. The E-step only changed who belongs "
            "where; the M-step is what moves the hills, to the weighted average."
        )
    elif wrong_kind == "past":
        lines.append(
            "Your spot is as far past the new top as the old top is behind it: the "
            "M-step jumps straight to the weighted average, not beyond."
        )
    return Feedback(right, headline, tuple(lines))


def climb_feedback(q: ClimbQuestion, says_can_fall: bool) -> Feedback:
    """Right or wrong for "can the log-likelihood go down?", with this run's numbers."""
    right = says_can_fall == q.answer
    headline = (
        "Right: an EM step never lowers the log-likelihood."
        if right
        else "Not so: an EM step never lowers the log-likelihood."
    )
    change = q.change
    went = (
        f"up by {change:.3g}"
        if change > 0
        else "down by "
        f"{-change:.2g}, which only `reg_covar` (the small width added to "
        "every hill) can cause"
        if change < 0
        else "nowhere: EM has stopped moving"
    )
    lines = (
        f"Here it went from {q.before:.4f} to {q.after:.4f} per point: {went}.",
        "Why: the E-step makes a lower bound touch the log-likelihood at the "
        "current hills; the M-step raises that bound as far as it goes, and the "
        "log-likelihood is never below the bound.",
    )
    return Feedback(right, headline, lines)


###############################################################################
# The tally


_LOOK_AGAIN: dict[Kind, str] = {
    "point": "which hill claims a point: open *Every number, worked out* and click "
    "a point in a valley; weight and width count as well as distance",
    "move": "where a top moves: the M-step's weighted average (the parameter table "
    "and the arrows on the map), where every point pulls by its share",
    "climb": "whether EM can go downhill: the log-likelihood chart only ever rises",
}


def tally_text(tally: dict[str, tuple[int, int]]) -> str:
    """The running score, "3 of 4 right".

    Parameters
    ----------
    tally : dict
        Kind -> (right, asked).
    """
    right = sum(r for r, _ in tally.values())
    asked = sum(a for _, a in tally.values())
    return f"{right} of {plural(asked, 'prediction')} right"


def summary_lines(tally: dict[str, tuple[int, int]]) -> list[str]:
    """At convergence: which kinds were missed, and where to look again.

    Parameters
    ----------
    tally : dict
        Kind -> (right, asked).

    Returns
    -------
    list of str
        Empty when nothing was asked; otherwise a line per kind missed, or one
        line saying every prediction was right.
    """
    asked = {k: v for k, v in tally.items() if v[1]}
    if not asked:
        return []
    missed = [k for k in KINDS if k in asked and asked[k][0] < asked[k][1]]
    if not missed:
        return [f"Every prediction right ({tally_text(tally)}): you can see EM coming."]
    return [
        f"{asked[k][1] - asked[k][0]} of {asked[k][1]} missed on {_LOOK_AGAIN[k]}."
        for k in missed
    ]
