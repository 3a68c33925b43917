"""Choosing K in numbers: what the sweep runs with and what its charts draw.

A sweep (:func:`gmm_core.selection.sweep`) returns every restart of every
(covariance type, K). :func:`summarise` turns it into arrays per covariance type
(the best restart's criteria and the spread over restarts), :func:`table_rows`
into the table of numbers, and :func:`parameter_breakdown` splits a mixture's free
parameters by what they describe. Every fit term and penalty comes from
:class:`gmm_core.selection.Criteria` and every count from :mod:`gmm_core`.

No Streamlit, no Plotly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gmm_core import bic_penalty
from gmm_core.mixture import CovarianceType, covariance_parameter_count
from gmm_core.selection import Criteria, SweepFit, best_per_setting, points_needed
from gmm_core.shapes import ParameterCount, parameter_count

# The share of the points a held-out sweep keeps back to score the fits on.
HELDOUT_FRACTION = 0.25
DEFAULT_K_MAX = 9
CRITERIA = ("BIC", "AIC", "ICL")
# A log-likelihood this much below a smaller K's counts as a fall: half the last
# digit the table shows (ln L to two decimals), so a fall is one a student can see.
FALL_SLACK = 0.005


@dataclass(frozen=True)
class SweepSettings:
    """What the sweep runs with, and what the charts add to it.

    Attributes
    ----------
    k_max : int
        The largest K tried (from 1).
    covariance_types : tuple of str
    n_init : int
        Restarts at every (type, K).
    seed : int
        Restart i starts from the guess of ``seed + i``.
    show_icl : bool
    heldout : bool
        Also run the held-out check.
    """

    k_max: int
    covariance_types: tuple[str, ...]
    n_init: int
    seed: int
    show_icl: bool
    heldout: bool

    @property
    def ks(self) -> tuple[int, ...]:
        """The numbers of hills tried: 1 to ``k_max``."""
        return tuple(range(1, self.k_max + 1))

    @property
    def criteria(self) -> tuple[str, ...]:
        """The criteria on the chart."""
        return CRITERIA if self.show_icl else CRITERIA[:2]


@dataclass(frozen=True)
class Band:
    """A value against K: the best restart's, and the range over restarts.

    Attributes
    ----------
    best : ndarray of shape (M,)
        The value of the restart with the highest log-likelihood at each K.
    low, high : ndarrays of shape (M,)
        Smallest and largest value over the restarts kept at each K.
    """

    best: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class TypeSweep:
    """One covariance type's sweep, ready to draw.

    K values at which every restart collapsed are left out of the arrays (their
    likelihood is a singularity, not a fit) and listed in ``collapsed_ks``.

    Attributes
    ----------
    covariance_type : str
    ks : ndarray of int, shape (M,)
    best : tuple of Criteria, length M
        The criteria of the best restart (highest log-likelihood) at each K.
    criteria : dict of str to Band
        "BIC", "AIC" and "ICL" (lower is better).
    restarts_kept : ndarray of int, shape (M,)
        Restarts that did not collapse at each K.
    collapsed_ks : tuple of int
        K values where every restart collapsed.
    n_features : int
        D, the features the mixtures were fitted to.
    heldout : Band or None
        Mean log-likelihood per point on the held-out part (a held-out sweep).
    """

    covariance_type: str
    ks: np.ndarray
    best: tuple[Criteria, ...]
    criteria: dict[str, Band]
    restarts_kept: np.ndarray
    collapsed_ks: tuple[int, ...]
    n_features: int
    heldout: Band | None = None

    @property
    def n_samples(self) -> int:
        """N, the points the mixtures were fitted to."""
        return self.best[0].n_samples

    @property
    def n_parameters(self) -> np.ndarray:
        """Free parameters p at each K, shape (M,)."""
        return np.array([c.n_parameters for c in self.best])

    @property
    def log_likelihood(self) -> np.ndarray:
        """Total ln L of the best restart, shape (M,)."""
        return np.array([c.log_likelihood for c in self.best])

    @property
    def fit_term(self) -> np.ndarray:
        """-2 ln L of the best restart, shape (M,)."""
        return np.array([c.fit_term for c in self.best])

    @property
    def bic_penalty(self) -> np.ndarray:
        """p ln N, shape (M,)."""
        return np.array([c.bic_penalty for c in self.best])

    @property
    def aic_penalty(self) -> np.ndarray:
        """2 p, shape (M,)."""
        return np.array([c.aic_penalty for c in self.best])

    @property
    def bic_per_parameter(self) -> float:
        """ln N, what BIC charges for each parameter."""
        return bic_penalty(1, self.n_samples)

    @property
    def mean_log_likelihood(self) -> np.ndarray:
        """ln L per point of the best restart, shape (M,)."""
        return self.log_likelihood / self.n_samples

    @property
    def points_needed(self) -> np.ndarray:
        """The fewest points that support each K, shape (M,).

        From :func:`gmm_core.selection.points_needed`.
        """
        return np.array(
            [
                points_needed(int(k), self.n_features, self.covariance_type)
                for k in self.ks
            ]  # type: ignore[arg-type]
        )

    @property
    def supported(self) -> np.ndarray:
        """Whether the N points support each K, shape (M,) of bool."""
        return self.n_samples >= self.points_needed

    def supports(self, k: int) -> bool:
        """Whether the N points support K hills of this type."""
        return bool(self.supported[self.index(k)])

    def falls(self) -> list[tuple[int, int]]:
        """Where this run's fit got worse as hills were added.

        The best possible fit can only improve with K (a hill can be given
        weight 0), so a K whose ln L lies below a smaller K's is a worse local
        optimum that this run's restarts found.

        Returns
        -------
        list of (int, int)
            (K, the smaller K with the highest ln L before it), for each K whose
            ln L is more than ``FALL_SLACK`` below that one's, in K order.
        """
        out = []
        ll = self.log_likelihood
        for i in range(1, len(ll)):
            j = int(np.argmax(ll[:i]))
            if ll[i] < ll[j] - FALL_SLACK:
                out.append((int(self.ks[i]), int(self.ks[j])))
        return out

    def best_k(self, name: str) -> int:
        """The K with the lowest criterion ``name`` (the first, on a tie)."""
        return int(self.ks[int(np.argmin(self.criteria[name].best))])

    def best_heldout_k(self) -> int:
        """The K with the highest held-out log-likelihood per point."""
        assert self.heldout is not None
        return int(self.ks[int(np.argmax(self.heldout.best))])

    def index(self, k: int) -> int:
        """Position of K in ``ks``."""
        return int(np.flatnonzero(self.ks == k)[0])


def summarise(fits: Sequence[SweepFit]) -> list[TypeSweep]:
    """Arrays per covariance type from every restart of a sweep.

    The line is the restart with the highest log-likelihood at each K
    (:func:`gmm_core.selection.best_per_setting`); the band spans the restarts
    that did not collapse.

    Parameters
    ----------
    fits : sequence of SweepFit
        A sweep's restarts, in (type, K, seed) order.

    Returns
    -------
    list of TypeSweep
        One per covariance type, in the sweep's order; types with no usable K
        are left out.
    """
    best = best_per_setting(fits)
    groups: dict[tuple[str, int], list[SweepFit]] = {}
    for f in fits:
        groups.setdefault((f.covariance_type, f.n_components), []).append(f)
    types = list(dict.fromkeys(f.covariance_type for f in fits))
    out = []
    for ctype in types:
        ks = sorted(k for t, k in groups if t == ctype)
        rows: list[tuple[int, SweepFit, list[SweepFit]]] = []
        collapsed = []
        for k in ks:
            kept = [f for f in groups[(ctype, k)] if f.stop_reason != "collapsed"]
            if kept:
                rows.append((k, best[(ctype, k)], kept))
            else:
                collapsed.append(k)
        if not rows:
            continue
        bands = {}
        for name in CRITERIA:
            attr = name.lower()
            values = [[getattr(f.criteria, attr) for f in kept] for _, _, kept in rows]
            bands[name] = Band(
                np.array([getattr(b.criteria, attr) for _, b, _ in rows]),
                np.array([min(v) for v in values]),
                np.array([max(v) for v in values]),
            )
        heldout = None
        if all(f.heldout_log_likelihood is not None for *_, kept in rows for f in kept):
            scores = [
                [float(f.heldout_log_likelihood or 0.0) for f in kept]
                for *_, kept in rows
            ]
            heldout = Band(
                np.array([b.heldout_log_likelihood for _, b, _ in rows], dtype=float),
                np.array([min(s) for s in scores]),
                np.array([max(s) for s in scores]),
            )
        out.append(
            TypeSweep(
                ctype,
                np.array([k for k, _, _ in rows]),
                tuple(b.criteria for _, b, _ in rows),
                bands,
                np.array([len(kept) for *_, kept in rows]),
                tuple(collapsed),
                rows[0][1].params.n_features,
                heldout,
            )
        )
    return out


def parameter_breakdown(
    covariance_type: str, k: int, d: int
) -> tuple[ParameterCount, str]:
    """Free parameters of K hills in D dimensions, by part, and how they are counted.

    Parameters
    ----------
    covariance_type : {"full", "tied", "diag", "spherical"}
    k : int
        K, the number of hills.
    d : int
        D, the number of features.

    Returns
    -------
    count : ParameterCount
        Weights, mean coordinates and covariance numbers
        (:func:`gmm_core.shapes.parameter_count`); ``count.total`` is
        scikit-learn's ``_n_parameters()``.
    formula : str
        How the covariance numbers are counted, in words.
    """
    ctype: CovarianceType = covariance_type  # type: ignore[assignment]
    count = parameter_count(k, d, ctype)
    per_hill = covariance_parameter_count(1, d, "full")
    formula = {
        "full": f"K × D(D+1)/2 = {k} × {per_hill}: any shape per hill",
        "tied": f"D(D+1)/2 = {per_hill}: one shape shared by every hill",
        "diag": f"K × D = {k} × {d}: a spread per feature per hill",
        "spherical": f"K = {k}: one spread per hill",
    }[covariance_type]
    return count, formula


def table_rows(sweeps: Sequence[TypeSweep], settings: SweepSettings) -> pd.DataFrame:
    """One row per (type, K): the criteria and their parts.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
    settings : SweepSettings
        Which criteria are shown (ICL or not).

    Returns
    -------
    pandas.DataFrame
        Columns: covariance type, K, free parameters, ln L, fit: −2 ln L,
        BIC penalty, BIC, AIC penalty, AIC, (ICL,) restarts kept, lowest.
    """
    rows = []
    for s in sweeps:
        picks = {name: s.best_k(name) for name in settings.criteria}
        fit_term, bic_part, aic_part = s.fit_term, s.bic_penalty, s.aic_penalty
        for i, k in enumerate(s.ks):
            c = s.best[i]
            row = {
                "covariance type": s.covariance_type,
                "K": int(k),
                "free parameters": int(c.n_parameters),
                "ln L": float(c.log_likelihood),
                "fit: −2 ln L": float(fit_term[i]),
                "BIC penalty": float(bic_part[i]),
                "BIC": float(s.criteria["BIC"].best[i]),
                "AIC penalty": float(aic_part[i]),
                "AIC": float(s.criteria["AIC"].best[i]),
            }
            if settings.show_icl:
                row["ICL"] = float(s.criteria["ICL"].best[i])
            row["restarts kept"] = int(s.restarts_kept[i])
            row["lowest"] = ", ".join(n for n, v in picks.items() if v == k)
            rows.append(row)
    return pd.DataFrame(rows)
