"""The Fog explorer's "Check yourself" questions: numbers and words (no Streamlit).

Every question is built from the fit on screen (the points, the fog, the valley
threshold, both methods' labels), so its answer follows the data, K, the type and
the fog. The panel that asks them is :mod:`gmm_app.explorer.checks_panel`; the
points asked about are marked on the big map as P, Q and R.

Aimed at what students of mixtures get wrong:

* **which of P and Q sits in a foggy valley?** (reading the fog: a soft
  assignment is not a hard one in disguise);
* **would K-Means and the GMM agree on R?** (K-Means is not a GMM with the fog
  cleared: the GMM weighs widths and weights, K-Means only distances);
* **how many points change hill if the fog is cleared?** (none: tempering sharpens
  or blurs the shares, it never moves the top share).
"""

from __future__ import annotations

import numpy as np

from gmm_app.explorer.model import temper
from gmm_app.plotting.geometry import drawn_points
from gmm_app.questions import Check
from gmm_app.words import hill_name, island_name, plural, share_percent

# A point this sure of its hill counts as plainly on it (the valley question's
# other point is at least this sure, or halfway from the threshold to 1).
_SURE = 0.9


def _rng(seed: int, n_points: int, k: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(n_points), int(k)])


###############################################################################
# The questions


def valley_check(
    probs: np.ndarray, threshold: float, fog: float, seed: int
) -> Check | None:
    """Which of two marked points, P and Q, sits in a foggy valley?

    One point whose likeliest hill holds under ``threshold`` and one plainly on
    its hill, drawn from the points the map shows; which is P is drawn too.

    Parameters
    ----------
    probs : ndarray of shape (N, K)
        The points' shares at the fog on screen.
    threshold : float
        Foggy valleys are under this share.
    fog : float
        The fog (temperature) on screen, named in the explanation.
    seed : int
        The page's seed (with N and K, it picks the points).

    Returns
    -------
    Check or None
        None when no drawn point is in a valley, or none is plainly on a hill.
    """
    n, k = probs.shape
    if k < 2:
        return None
    shown = drawn_points(n)
    top = probs.max(axis=1)
    valley = shown[top[shown] < threshold]
    plain = shown[top[shown] >= max(_SURE, (1 + threshold) / 2)]
    if len(valley) == 0 or len(plain) == 0:
        return None
    rng = _rng(seed, n, k)
    low, high = int(rng.choice(valley)), int(rng.choice(plain))
    valley_is_p = bool(rng.integers(2))
    p, q = (low, high) if valley_is_p else (high, low)
    names = {p: "P", q: "Q"}

    def said(i: int) -> str:
        return (
            f"{names[i]} (point #{i}) gives its likeliest hill, "
            f"{hill_name(int(probs[i].argmax()))}, {share_percent(float(top[i]))}"
        )

    why = (
        f"{said(low)}: under the valley threshold of {share_percent(threshold)}, so "
        f"it is in a foggy valley. {said(high)}.",
        f"A point in a valley is shared: its other hills get "
        f"{share_percent(1 - float(top[low]))} of it between them at fog "
        f"T = {fog:g}. Soft assignments are not hard ones in disguise.",
    )
    return Check(
        key="check_fx_valley",
        prompt="Two points are marked **P** and **Q** on the big map. "
        "Which one sits in a foggy valley?",
        options=("P", "Q"),
        answers=(0 if valley_is_p else 1,),
        why=why,
        wrong=("", ""),
        marks=((p, "P"), (q, "Q")),
    )


def agree_check(
    X: np.ndarray,
    log_prob: np.ndarray,
    kmeans_labels: np.ndarray,
    kmeans_centres: np.ndarray,
    seed: int,
) -> Check | None:
    """Would K-Means and the GMM agree on the marked point R?

    R is drawn from the points near a border: where the two disagree, or (as
    often, when both kinds exist) where they agree but the GMM is under 90% sure.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        The data fitted.
    log_prob : ndarray of shape (N, K)
        The GMM's weighted log-densities (``Analysis.log_prob``).
    kmeans_labels : ndarray of int, shape (N,)
        Each point's island (named after the hill it overlaps most).
    kmeans_centres : ndarray of shape (K, D)
        Island centres, in island order.
    seed : int

    Returns
    -------
    Check or None
        None for one hill, or when no drawn point is near a border.
    """
    n, k = log_prob.shape
    if k < 2:
        return None
    resp = temper(log_prob, 1.0)
    hills = resp.argmax(axis=1)
    shown = drawn_points(n)
    differ = shown[kmeans_labels[shown] != hills[shown]]
    close = shown[(kmeans_labels[shown] == hills[shown]) & (resp[shown].max(1) < _SURE)]
    rng = _rng(seed + 1, n, k)
    pools = [pool for pool in (differ, close) if len(pool)]
    if not pools:
        return None
    pool = pools[int(rng.integers(len(pools)))]
    r = int(rng.choice(pool))
    hill, island = int(hills[r]), int(kmeans_labels[r])
    agree = hill == island
    dist = np.linalg.norm(kmeans_centres - X[r], axis=1)
    near = (
        f"K-Means puts R (point #{r}) on {island_name(island)}: its nearest centre, "
        f"{dist[island]:.3g} away"
    )
    if not agree:
        near += f" ({island_name(hill)}'s is {dist[hill]:.3g})"
    share = share_percent(float(resp[r, hill]))
    gmm = f"The GMM's likeliest hill for R is {hill_name(hill)}, with {share}."
    if agree:
        lesson = (
            "They agree here, yet the GMM gives "
            f"{hill_name(hill)} only {share} of R: K-Means would give it all."
        )
    else:
        lesson = (
            "K-Means looks only at the distance to each centre; the GMM also "
            "weighs each hill's width and weight. So they can split a point "
            "differently: K-Means is not a GMM with the fog cleared."
        )
    return Check(
        key="check_fx_agree",
        prompt="Point **R** is marked on the big map. Would K-Means and the GMM "
        "put it on the same cluster (island A with hill A, and so on)?",
        options=("Yes, the same", "No, they differ"),
        answers=(0 if agree else 1,),
        why=(near + ".", gmm, lesson),
        wrong=("", ""),
        marks=((r, "R"),),
    )


def clear_day_check(log_prob: np.ndarray, fog: float, threshold: float) -> Check:
    """If the fog were cleared (T = 0), how many points would change hill?

    Parameters
    ----------
    log_prob : ndarray of shape (N, K)
        The GMM's weighted log-densities.
    fog : float
        The fog on screen.
    threshold : float
        The valley threshold on screen.

    Returns
    -------
    Check
        Options: none, only the valley points, about half.
    """
    n = len(log_prob)
    now = temper(log_prob, fog)
    clear = temper(log_prob, 0.0)
    moved = int((now.argmax(axis=1) != clear.argmax(axis=1)).sum())
    in_valley = int((now.max(axis=1) < threshold).sum())
    answer = 0 if moved == 0 else 1 if moved <= in_valley else 2
    return Check(
        key="check_fx_clear",
        prompt=f"The fog is at T = {fog:g}. If you slid it to **0 (clear day)**, "
        "how many points would change their likeliest hill?",
        options=(
            "None",
            f"Some of the {plural(in_valley, 'point')} in foggy valleys",
            "About half of them",
        ),
        answers=(answer,),
        why=(
            f"At T = 0 every point goes wholly to its likeliest hill: "
            f"{moved:,} of {n:,} change hill.",
            "The fog raises every share to the power 1/T and renormalises: the "
            "order of a point's shares never changes, so neither does its top hill. "
            "Fog blurs or sharpens; only refitting moves a point.",
        ),
        wrong=(
            "",
            "Valley points get sharper shares, but their top hill stays the top.",
            "Tempering keeps each point's order of shares.",
        ),
    )


def explorer_checks(
    X: np.ndarray,
    log_prob: np.ndarray,
    probs: np.ndarray,
    kmeans_labels: np.ndarray,
    kmeans_centres: np.ndarray,
    *,
    fog: float,
    threshold: float,
    seed: int,
) -> list[Check]:
    """The explorer's questions for what is on screen (those that can be asked).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    log_prob : ndarray of shape (N, K)
    probs : ndarray of shape (N, K)
        Shares at the fog on screen.
    kmeans_labels : ndarray of int, shape (N,)
    kmeans_centres : ndarray of shape (K, D)
    fog, threshold : float
    seed : int

    Returns
    -------
    list of Check
    """
    checks = [
        valley_check(probs, threshold, fog, seed),
        agree_check(X, log_prob, kmeans_labels, kmeans_centres, seed),
        clear_day_check(log_prob, fog, threshold),
    ]
    return [c for c in checks if c is not None]
