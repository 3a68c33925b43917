"""Choosing K's widgets and panels (Streamlit), so the page reads as a list.

A sweep fits every K and covariance type with several restarts. It is computed
once per data and settings and kept with ``st.cache_data``; a cold sweep shows a
progress bar fed by the sweep's own progress callback. Clicking a point on the
criteria chart (or the selectboxes beside it) only chooses which stored fit is
drawn: nothing refits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from gmm_app.choosing_k.figures import (
    TypeSweep,
    criteria_chart,
    heldout_chart,
    razor_chart,
    summarise,
)
from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.shell import state
from gmm_app.shell.widgets import projection_picker, seed_input
from gmm_app.words import md_escape, plural, score, type_label
from gmm_core import COVARIANCE_TYPES, Dataset, FogmapError, responsibilities
from gmm_core.selection import SweepFit, best_per_setting, sweep

PICK = "fog.ck_pick"  # (covariance type, K) the student chose to draw
LAST_CLICK = "fog.ck_last_click"  # the chart selection already acted on
SHOWN = "fog.ck_shown"  # (covariance type, K) drawn on the last run
CHART = "ck_chart"
HELDOUT_FRACTION = 0.25
DEFAULT_K_MAX = 9
URL_KEYS = ("ck_k_max", "ck_types", "ck_restarts", "ck_icl", "ck_heldout")


@dataclass(frozen=True)
class SweepSettings:
    """What the sweep runs with, and what the charts add to it."""

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
        return ("BIC", "AIC", "ICL") if self.show_icl else ("BIC", "AIC")


###############################################################################
# Settings


def _types_param(text: str) -> list[str] | None:
    chosen = [t for t in text.split(",") if t in COVARIANCE_TYPES]
    return chosen or None


def _flag_param(text: str) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get(text.lower())


def read_url() -> None:
    """Take the sweep's settings from a shared link (once per session)."""
    state.read_url_once(
        "choosing_k",
        {
            "ck_k_max": state.int_param(2, 10),
            "ck_types": _types_param,
            "ck_restarts": state.int_param(1, 10),
            "ck_icl": _flag_param,
            "ck_heldout": _flag_param,
        },
    )


def _types_changed() -> None:
    state.remember("ck_types", list(st.session_state["ck_types"]))


def _covariance_types(column: st.delta_generator.DeltaGenerator) -> list[str]:
    """The multiselect of covariance types.

    Until the student changes it, it starts from their current covariance type
    (the one the other pages use).
    """
    if "ck_types" not in st.session_state:
        chosen = state.remembered("ck_types") or [
            state.remembered("covariance_type", "full")
        ]
        st.session_state["ck_types"] = [t for t in chosen if t in COVARIANCE_TYPES]
    picked = column.multiselect(
        "Covariance types",
        COVARIANCE_TYPES,
        format_func=type_label,
        key="ck_types",
        on_change=_types_changed,
        placeholder="Choose at least one",
        help="Each type is swept over every K. Several types give one panel each.",
    )
    return [t for t in COVARIANCE_TYPES if t in picked]


def settings_panel(data: Dataset) -> SweepSettings:
    """The settings row; returns what the sweep runs with."""
    cap = min(10, data.n_samples)
    with st.container(border=True):
        cols = st.columns([1.5, 2.6, 0.9, 0.9, 1.5], vertical_alignment="bottom")
        if cap > 2:
            if state.remembered("ck_k_max", DEFAULT_K_MAX) > cap:
                state.remember("ck_k_max", cap)
            k_max = state.shared_widget(
                cols[0].slider,
                "Largest K to try",
                min_value=2,
                max_value=cap,
                value=min(DEFAULT_K_MAX, cap),
                key="ck_k_max",
                help="Mixtures with 1 up to this many hills are fitted.",
            )
        else:
            k_max = max(1, cap)
            cols[0].markdown(f"**K = 1 to {k_max}**")
            cols[0].caption(f"Only {data.n_samples} points: no more hills than that.")
        types = _covariance_types(cols[1])
        n_init = state.shared_widget(
            cols[2].number_input,
            "Restarts",
            min_value=1,
            max_value=10,
            value=3,
            step=1,
            key="ck_restarts",
            help="EM starts from this many guesses at every K; the best one is "
            "kept, and the band shows how much the others differ.",
        )
        seed = seed_input(cols[3], help="Restart i starts from the guess of seed + i.")
        show_icl = state.shared_widget(
            cols[4].toggle,
            "Show ICL",
            value=False,
            key="ck_icl",
            help="ICL is BIC plus a charge for points that sit between hills "
            "(as in R's mclust). It prefers well-separated hills.",
        )
        heldout = state.shared_widget(
            cols[4].toggle,
            "Held-out check",
            value=False,
            key="ck_heldout",
            help=f"Also fit on {1 - HELDOUT_FRACTION:.0%} of the points and score "
            f"the other {HELDOUT_FRACTION:.0%}, which the fit never saw.",
        )
    return SweepSettings(
        int(k_max),
        tuple(types),
        int(n_init),
        int(seed),
        bool(show_icl),
        bool(heldout),
    )


def write_url(settings: SweepSettings) -> None:
    """Make the URL carry the sweep's settings."""
    values: dict[str, object] = {
        "ck_k_max": settings.k_max,
        "ck_restarts": settings.n_init,
    }
    if settings.covariance_types:
        values["ck_types"] = ",".join(settings.covariance_types)
    if settings.show_icl:
        values["ck_icl"] = "true"
    if settings.heldout:
        values["ck_heldout"] = "true"
    state.write_url(values, URL_KEYS)


###############################################################################
# The sweep: cached, with a progress bar on a cold run


class _NotCached(LookupError):
    """The sweep store has no entry for these arguments yet."""


@st.cache_data(show_spinner=False, max_entries=24)
def _stored_sweep(
    X: np.ndarray,
    ks: tuple[int, ...],
    covariance_types: tuple[str, ...],
    n_init: int,
    seed: int,
    heldout_fraction: float,
    _fresh: tuple[SweepFit, ...] | None = None,
) -> tuple[SweepFit, ...]:
    """The cache of sweeps, keyed by the data and the settings.

    Called without ``_fresh`` it is a lookup: a miss raises (and Streamlit caches
    nothing). The caller then runs the sweep outside any cached function, so the
    progress bar it draws is not recorded for replay, and stores the result by
    calling again with ``_fresh``.
    """
    if _fresh is None:
        raise _NotCached
    return _fresh


def _progress_text(
    ks: Sequence[int], types: Sequence[str], n_init: int, what: str
) -> Callable[[int, int], str]:
    """Words for "fit number ``done`` of ``total``" in the sweep's order."""

    def text(done: int, total: int) -> str:
        per_type = len(ks) * n_init
        t, rest = divmod(done - 1, per_type)
        k, r = ks[rest // n_init], rest % n_init + 1
        return (
            f"{what}: K = {k}, {types[t]}, restart {r} of {n_init} "
            f"({done} of {total} fits)"
        )

    return text


def run_sweep(
    data: Dataset, settings: SweepSettings, *, heldout: bool = False
) -> tuple[SweepFit, ...] | None:
    """Every restart of every (type, K): cached, with a progress bar when cold.

    Parameters
    ----------
    data : Dataset
    settings : SweepSettings
    heldout : bool
        Fit on 75% of the points and score each fit on the rest.

    Returns
    -------
    tuple of SweepFit, or None
        None (after showing why) when the data cannot be fitted.
    """
    fraction = HELDOUT_FRACTION if heldout else 0.0
    key = (
        data.X,
        settings.ks,
        settings.covariance_types,
        settings.n_init,
        settings.seed,
        fraction,
    )
    try:
        return _stored_sweep(*key)
    except _NotCached:
        pass
    n_fitting = data.n_samples - round(fraction * data.n_samples)
    ks = [k for k in settings.ks if k <= n_fitting]
    words = _progress_text(
        ks,
        settings.covariance_types,
        settings.n_init,
        "Held-out check" if heldout else "Fitting",
    )
    bar = st.empty()

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=words(done, total))

    try:
        fits = tuple(
            sweep(
                data.X,
                settings.ks,
                settings.covariance_types,  # type: ignore[arg-type]
                n_init=settings.n_init,
                seed=settings.seed,
                heldout_fraction=fraction,
                progress=progress,
            )
        )
    except FogmapError as exc:
        bar.empty()
        st.error(md_escape(str(exc)), icon=":material/error:")
        return None
    except np.linalg.LinAlgError:
        bar.empty()
        st.error(
            "The fits broke down on this data (a covariance could not be inverted). "
            "Try fewer hills, a simpler covariance type, or rescale the columns.",
            icon=":material/error:",
        )
        return None
    bar.empty()
    return _stored_sweep(*key, _fresh=fits)


def summary(fits: tuple[SweepFit, ...]) -> list[TypeSweep]:
    """The sweep as arrays per covariance type (see ``summarise``)."""
    return summarise(fits)


###############################################################################
# The verdict in words


def _penalty_words(n_samples: int) -> str:
    ln_n = math.log(n_samples)
    if ln_n > 2:
        return (
            f"AIC's penalty is lighter (2 per parameter, against BIC's "
            f"ln N = ln {n_samples:,} ≈ {ln_n:.1f}), so it lets more hills in"
        )
    return (
        f"with only {n_samples} points BIC's penalty (ln N ≈ {ln_n:.1f} per "
        "parameter) is lighter than AIC's 2"
    )


def _pair_words(bic_k: int, aic_k: int, n_samples: int, kind: str = "") -> str:
    """ "BIC prefers 3 hills, AIC prefers 4: ..." or "both prefer 3"."""
    kind = f" {kind}" if kind else ""
    if bic_k == aic_k:
        return (
            f"**BIC and AIC both prefer {bic_k}{kind} "
            f"{plural(bic_k, 'hill', show_n=False)}.**"
        )
    return (
        f"**BIC prefers {bic_k}{kind} {plural(bic_k, 'hill', show_n=False)}, "
        f"AIC prefers {aic_k}:** "
        f"{_penalty_words(n_samples)}."
    )


def verdict(
    sweeps: Sequence[TypeSweep],
    *,
    true_k: int | None,
    show_icl: bool,
    k_max: int,
) -> str:
    """The best K by each criterion, in words (Markdown).

    With several covariance types, the headline names the best (type, K) over
    all of them, and a line per type follows.
    """
    n = sweeps[0].n_samples
    paragraphs = []
    if len(sweeps) == 1:
        s = sweeps[0]
        bic_k, aic_k = s.best_k("BIC"), s.best_k("AIC")
        paragraphs.append(_pair_words(bic_k, aic_k, n))
        if show_icl:
            paragraphs.append(_icl_words(s.best_k("ICL"), bic_k))
    else:

        def overall(name: str) -> tuple[str, int]:
            best = min(sweeps, key=lambda s: float(s.criteria[name].best.min()))
            return best.covariance_type, best.best_k(name)

        (bic_t, bic_k), (aic_t, aic_k) = overall("BIC"), overall("AIC")
        across = f"Across {len(sweeps)} covariance types"
        if (bic_t, bic_k) == (aic_t, aic_k):
            head = (
                f"**{across}, BIC and AIC both prefer {bic_k} {bic_t} "
                f"{plural(bic_k, 'hill', show_n=False)}.**"
            )
        else:
            head = (
                f"**{across}, BIC prefers {bic_k} {bic_t} "
                f"{plural(bic_k, 'hill', show_n=False)}, "
                f"AIC prefers {aic_k} {aic_t} {plural(aic_k, 'hill', show_n=False)}.**"
            )
            if aic_k != bic_k:
                words = _penalty_words(n)
                head += f" {words[0].upper()}{words[1:]}."
        paragraphs.append(head)
        if show_icl:
            icl_t, icl_k = overall("ICL")
            paragraphs.append(
                f"ICL prefers {icl_k} {icl_t} "
                f"{plural(icl_k, 'hill', show_n=False)}: it also charges "
                "for points that sit between hills."
            )
        per_type = []
        for s in sweeps:
            picks = f"BIC {s.best_k('BIC')}, AIC {s.best_k('AIC')}"
            if show_icl:
                picks += f", ICL {s.best_k('ICL')}"
            per_type.append(f"- {type_label(s.covariance_type)}: {picks}")
        paragraphs.append("\n".join(per_type))
    if true_k is not None:
        paragraphs.append(
            f"The data was drawn from **{true_k} groups** (the dashed line)."
            if true_k <= k_max
            else f"The data was drawn from {true_k} groups, more than the largest "
            "K tried."
        )
    edge = [s for s in sweeps if s.best_k("BIC") == s.ks.max() and s.ks.max() > 1]
    if edge:
        paragraphs.append(
            f"BIC is still falling at K = {int(edge[0].ks.max())} "
            f"({', '.join(s.covariance_type for s in edge)}): the best K may lie "
            "beyond the largest one tried."
        )
    return "\n\n".join(paragraphs)


def _icl_words(icl_k: int, bic_k: int) -> str:
    if icl_k == bic_k:
        return (
            f"ICL agrees on {plural(icl_k, 'hill')}: "
            "the hills it finds are well separated."
        )
    return (
        f"ICL prefers {plural(icl_k, 'hill')}: "
        "besides BIC's penalty it charges for points "
        "that sit between hills, so it merges hills that overlap."
    )


def verdict_panel(
    sweeps: Sequence[TypeSweep], data: Dataset, settings: SweepSettings
) -> None:
    """The best K by each criterion, in words."""
    st.markdown(
        verdict(
            sweeps,
            true_k=data.true_k,
            show_icl=settings.show_icl,
            k_max=settings.k_max,
        )
    )
    collapsed = [
        f"K = {', '.join(str(k) for k in s.collapsed_ks)} ({s.covariance_type})"
        for s in sweeps
        if s.collapsed_ks
    ]
    if collapsed:
        st.caption(
            f"Left off: {'; '.join(collapsed)}. Every restart there collapsed (a "
            "hill shrank onto too few points), so its likelihood means nothing."
        )


###############################################################################
# The criteria chart and the fit it points at


def _clicked(event: object) -> tuple[int, int] | None:
    """(K, panel) of the point clicked on the criteria chart, if any.

    Line traces carry ``customdata`` = [K, panel index]; Plotly hands a row back
    as a list, or as a dict keyed by column number.
    """
    try:
        points = event["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        custom = point.get("customdata")
        if isinstance(custom, dict):
            custom = [custom.get("0"), custom.get("1")]
        if isinstance(custom, list | tuple) and len(custom) >= 2:
            try:
                return int(custom[0]), int(custom[1])
            except (TypeError, ValueError):
                continue
    return None


def _valid(sweeps: Sequence[TypeSweep], pick: object) -> bool:
    if not isinstance(pick, tuple) or len(pick) != 2:
        return False
    return any(s.covariance_type == pick[0] and pick[1] in s.ks for s in sweeps)


def _default_pick(sweeps: Sequence[TypeSweep], ctype: str | None = None) -> tuple:
    """BIC's pick: for ``ctype``, or the best over all types."""
    candidates = [s for s in sweeps if ctype in (None, s.covariance_type)] or sweeps
    best = min(candidates, key=lambda s: float(s.criteria["BIC"].best.min()))
    return best.covariance_type, best.best_k("BIC")


def current_pick(sweeps: Sequence[TypeSweep]) -> tuple[str, int]:
    """The (type, K) to draw: the last clicked or chosen, else BIC's pick.

    A click on the criteria chart is read from the chart's selection before the
    chart is drawn, so the ring and the fit follow in the same run.
    """
    clicked = _clicked(st.session_state.get(CHART))
    if clicked != st.session_state.get(LAST_CLICK):
        st.session_state[LAST_CLICK] = clicked
        if clicked is not None and clicked[1] < len(sweeps):
            st.session_state[PICK] = (sweeps[clicked[1]].covariance_type, clicked[0])
    pick = st.session_state.get(PICK)
    if _valid(sweeps, pick):
        return pick  # type: ignore[return-value]
    if isinstance(pick, tuple) and pick:
        return _default_pick(sweeps, pick[0])
    return _default_pick(sweeps)


def criteria_panel(
    sweeps: Sequence[TypeSweep],
    data: Dataset,
    settings: SweepSettings,
    pick: tuple[str, int],
) -> None:
    """BIC and AIC (and ICL) against K; clicking a point chooses the fit drawn."""
    fig = criteria_chart(
        sweeps, names=settings.criteria, true_k=data.true_k, selected=pick
    )
    st.plotly_chart(fig, key=CHART, on_select="rerun", selection_mode="points")
    restarts = (
        f"the band spans the {settings.n_init} restarts"
        if settings.n_init > 1
        else "one restart each, so no band"
    )
    st.caption(
        "Each line goes through the best of the restarts at each K (highest "
        f"likelihood); {restarts}. Stars: each criterion's lowest value. "
        "Click a point to draw that fit."
    )


def _pick_changed() -> None:
    ctype = st.session_state.get(
        "ck_pick_type", (st.session_state.get(PICK) or ("",))[0]
    )
    st.session_state[PICK] = (ctype, st.session_state["ck_pick_k"])


def _pick_type_changed() -> None:
    st.session_state[PICK] = (st.session_state["ck_pick_type"], -1)  # its BIC pick


def parameter_breakdown(ctype: str, k: int, d: int) -> tuple[int, int, int, str]:
    """Free parameters of K hills in D dimensions, by part.

    Returns
    -------
    weights, mean coordinates, covariance numbers : int
    formula : str
        How the covariance numbers are counted, in words.
    """
    per_hill = d * (d + 1) // 2
    cov, formula = {
        "full": (k * per_hill, f"K × D(D+1)/2 = {k} × {per_hill}: any shape per hill"),
        "tied": (per_hill, f"D(D+1)/2 = {per_hill}: one shape shared by every hill"),
        "diag": (k * d, f"K × D = {k} × {d}: a spread per feature per hill"),
        "spherical": (k, f"K = {k}: one spread per hill"),
    }[ctype]
    return k - 1, k * d, cov, formula


def chosen_fit_panel(
    fits: tuple[SweepFit, ...],
    sweeps: Sequence[TypeSweep],
    data: Dataset,
    settings: SweepSettings,
    pick: tuple[str, int],
) -> None:
    """The fit picked on the chart (or here), drawn with its parameter count."""
    ctype, k = pick
    st.session_state[SHOWN] = pick
    sweep_of = {s.covariance_type: s for s in sweeps}
    cols = st.columns(2 if len(sweeps) > 1 else 1)
    if len(sweeps) > 1:
        st.session_state["ck_pick_type"] = ctype
        cols[1].selectbox(
            "Covariance type",
            [s.covariance_type for s in sweeps],
            format_func=type_label,
            key="ck_pick_type",
            on_change=_pick_type_changed,
        )
    this = sweep_of[ctype]
    marks = {}
    for name in settings.criteria:
        marks.setdefault(this.best_k(name), []).append(name)
    st.session_state["ck_pick_k"] = k
    cols[0].selectbox(
        "Draw the fit with",
        [int(v) for v in this.ks],
        format_func=lambda v: (
            plural(v, "hill")
            + (f"  ({' & '.join(marks[v])} pick)" if v in marks else "")
        ),
        key="ck_pick_k",
        on_change=_pick_changed,
        help="Or click a point on the chart.",
    )
    fit = best_per_setting(fits)[(ctype, k)]
    crit = fit.criteria
    d = data.n_features
    w, m, c, formula = parameter_breakdown(ctype, k, d)
    st.markdown(
        f"**{plural(k, 'hill').capitalize()}, {ctype} covariance: "
        f"{crit.n_parameters} free "
        f"parameters** = {plural(w, 'weight')} + {plural(m, 'mean coordinate')} + "
        f"{plural(c, 'covariance number')}"
    )
    weights_note = (
        "The single weight is always 1, so it is not free."
        if k == 1
        else f"The {k} weights sum to 1, so only {k - 1} of them are free."
    )
    st.caption(f"Covariance numbers: {formula}. {weights_note}")
    projection = projection_picker(data, "ck_view", "the fit")
    if projection is None:
        fig = fog_curves(data.X, fit.params, data.feature_names[0])
    else:
        resp = responsibilities(data.X, fit.params)
        fig = fog_map(
            data.X, fit.params, resp, data.feature_names, projection, height=420
        )
        spans = np.ptp(projection.points(data.X), axis=0)
        if spans.max() > 4 * max(spans.min(), 1e-12):
            # Features in different units (minutes against seconds): equal scales
            # would squash the map into a line, so let each axis fit its data.
            fig.layout.yaxis.scaleanchor = None
    st.plotly_chart(fig, key="ck_fit")
    line = f"K = {k}: BIC = {score(crit.bic)} | AIC = {score(crit.aic)}"
    if settings.show_icl:
        line += f" | ICL = {score(crit.icl)}"
    st.markdown(f"{line} | ln L = {score(crit.log_likelihood)}")
    if st.button(
        f"Use K = {k} ({ctype}) on the other pages",
        key="ck_use",
        icon=":material/check:",
        help="The EM stepper and the other pages start from this K and type.",
    ):
        state.remember("n_components", k)
        state.remember("covariance_type", ctype)
        st.success(
            f"The other pages now start with {plural(k, 'hill')} "
            f"and {ctype} covariances.",
            icon=":material/check_circle:",
        )


###############################################################################
# Occam's razor, the held-out check and the numbers


def razor_panel(sweeps: Sequence[TypeSweep], pick: tuple[str, int]) -> None:
    """Each criterion as fit plus penalty, so the student sees the trade-off."""
    sweep_of = {s.covariance_type: s for s in sweeps}
    ctype = pick[0]
    if len(sweeps) > 1:
        options = [s.covariance_type for s in sweeps]
        if st.session_state.get("ck_razor_type") not in options:
            st.session_state["ck_razor_type"] = ctype
        ctype = st.radio(
            "Covariance type",
            options,
            format_func=type_label,
            key="ck_razor_type",
            horizontal=True,
        )
    s = sweep_of[ctype]
    st.plotly_chart(razor_chart(s), key="ck_razor")
    st.markdown(razor_words(s))


def razor_words(s: TypeSweep) -> str:
    """Why BIC stops adding hills where it does, with this sweep's numbers."""
    ln_n = math.log(s.n_samples)
    intro = (
        "Grey: how badly the hills fit (−2 ln L), drawn from the best fit up. It "
        "only shrinks as hills are added: more hills always fit at least as well. "
        "Coloured: the price of the parameters, the same p for both criteria but "
        f"{ln_n:.1f} each under BIC (ln N) against 2 under AIC."
    )
    b = s.best_k("BIC")
    if b == s.ks.max() or len(s.ks) < 2:
        return intro
    i = s.index(b)
    gain = float(s.fit_term[i] - s.fit_term[i + 1])
    extra = int(s.n_parameters[i + 1] - s.n_parameters[i])
    k_next = int(s.ks[i + 1])
    verdict_aic = "worth it" if gain > 2 * extra else "not worth it either"
    return (
        f"{intro}\n\nFrom {plural(b, 'hill')} to {k_next}: the fit improves by "
        f"{score(gain)}, but {extra} more parameters cost "
        f"{score(extra * ln_n)} under BIC (not worth it) and {score(2 * extra)} "
        f"under AIC ({verdict_aic})."
    )


def heldout_panel(data: Dataset, settings: SweepSettings) -> None:
    """Fit on 75% of the points, score the other 25%: the check no formula needs."""
    fits = run_sweep(data, settings, heldout=True)
    if fits is None:
        return
    sweeps = [s for s in summarise(fits) if s.heldout is not None]
    if not sweeps:
        st.info("Too few points to hold some out.")
        return
    st.plotly_chart(heldout_chart(sweeps, data.true_k), key="ck_heldout_chart")
    n_out = round(HELDOUT_FRACTION * data.n_samples)
    best = ", ".join(
        f"{s.covariance_type} at {plural(s.best_heldout_k(), 'hill')}" for s in sweeps
    )
    st.markdown(
        f"Fitted on {data.n_samples - n_out:,} points and scored on the other "
        f"{n_out:,}, which the fit never saw, the mixture does best on new points "
        f"with **{best}**. The dotted curves (the fitting points) keep rising as "
        "hills are added; the solid ones (new points) stop rising once the extra "
        "hills only fit noise."
    )


def table_rows(sweeps: Sequence[TypeSweep], settings: SweepSettings) -> pd.DataFrame:
    """One row per (type, K): the criteria and their parts."""
    rows = []
    for s in sweeps:
        picks = {name: s.best_k(name) for name in settings.criteria}
        for i, k in enumerate(s.ks):
            row = {
                "covariance type": s.covariance_type,
                "K": int(k),
                "free parameters": int(s.n_parameters[i]),
                "ln L": float(s.log_likelihood[i]),
                "fit: −2 ln L": float(s.fit_term[i]),
                "BIC penalty": float(s.bic_penalty[i]),
                "BIC": float(s.criteria["BIC"].best[i]),
                "AIC penalty": float(s.aic_penalty[i]),
                "AIC": float(s.criteria["AIC"].best[i]),
            }
            if settings.show_icl:
                row["ICL"] = float(s.criteria["ICL"].best[i])
            row["restarts kept"] = int(s.restarts_kept[i])
            row["lowest"] = ", ".join(n for n, v in picks.items() if v == k)
            rows.append(row)
    return pd.DataFrame(rows)


def numbers_table(sweeps: Sequence[TypeSweep], settings: SweepSettings) -> None:
    """Every K in numbers, with each criterion's pick marked."""
    frame = table_rows(sweeps, settings)
    number = st.column_config.NumberColumn
    st.dataframe(
        frame,
        key="ck_table",
        hide_index=True,
        column_config={
            "ln L": number(format="%.2f"),
            "fit: −2 ln L": number(format="%.1f"),
            "BIC penalty": number(format="%.1f"),
            "BIC": number(format="%.1f"),
            "AIC penalty": number(format="%.1f"),
            "AIC": number(format="%.1f"),
            "ICL": number(format="%.1f"),
            "lowest": st.column_config.TextColumn(
                "lowest", help="The criteria whose lowest value is at this K."
            ),
        },
    )
    st.caption(
        "BIC = −2 ln L + p ln N and AIC = −2 ln L + 2p, as scikit-learn's "
        "GaussianMixture.bic and .aic compute them. Each row is the best of the "
        "restarts; those that collapsed are not counted."
    )
