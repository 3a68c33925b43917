"""Three experiments beside the stepper (Streamlit): K-Means in lockstep with EM,
the restart gallery (several seeds side by side) and the collapse lab.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_app.shell.live_chart import live_chart
from gmm_app.stepper.caches import kmeans_trace, restarts
from gmm_app.stepper.figures import kmeans_map, restart_gallery
from gmm_app.stepper.model import (
    View,
    collapse_start,
    kmeans_beside,
    restart_verdicts,
)
from gmm_app.stepper.settings import CHOSEN, WIDTHS, Settings
from gmm_app.words import hill_name, md_escape
from gmm_core import Dataset, EMStep, FogmapError, responsibilities


def kmeans_lockstep(
    data: Dataset, view: View, trace: tuple[EMStep, ...], projection: Projection | None
) -> None:
    """K-Means from the same starting means, its steps paired with EM's.

    Parameters
    ----------
    data : Dataset
    view : View
        EM's half-step, which the K-Means step follows.
    trace : tuple of EMStep
        Its first step gives K-Means its starting centres.
    projection : Projection or None
        The map's view; None (one feature) shows a note instead.
    """
    if not st.toggle(
        "Run K-Means beside EM from the same starting means", key="em_kmeans"
    ):
        st.caption(
            "K-Means is EM on a clear day: its assign step is a hard E-step (every "
            "point 100% on its nearest centre), its update step an M-step that only "
            "moves the centres."
        )
        return
    if projection is None:
        st.caption(
            "The K-Means panel draws two-dimensional views; this data has one feature."
        )
        return
    km = kmeans_trace(data.X, trace[0].params.means)
    centers, labels, caption = kmeans_beside(km, view)
    live_chart(
        kmeans_map(
            projection.points(data.X),
            projection.points(centers),
            labels,
            projection.titles,
        ),
        key="em_kmeans_map",
    )
    st.caption(caption)


def restart_panel(
    data: Dataset, settings: Settings, projection: Projection | None
) -> None:
    """Several seeds side by side, ranked by final log-likelihood.

    Parameters
    ----------
    data : Dataset
    settings : Settings
        Every restart runs with these, from seed, seed + 1, ...
    projection : Projection or None
        The map's view; None (one feature) shows only the table.
    """
    if settings.init == "given":
        st.caption("The gallery compares random starts; choose another initialisation.")
        return
    if not st.toggle(
        "Fit several seeds and compare them", key="em_gallery_show", value=False
    ):
        st.caption(
            "EM only climbs to the nearest hilltop of the likelihood. Different "
            "starting guesses can end on different maps: fit several and compare."
        )
        return
    n_init = st.slider("Restarts", 2, 9, 6, key="em_restarts")
    try:
        result = restarts(
            data.X,
            settings.n_components,
            settings.covariance_type,
            settings.init,
            settings.seed,
            settings.reg_covar,
            settings.tol,
            settings.max_iter,
            n_init,
        )
    except FogmapError as exc:
        st.error(md_escape(str(exc)))
        return
    ranked = restart_verdicts(result.restarts)
    runs, table = [], []
    for rank, (r, flag) in enumerate(ranked, 1):
        labels = responsibilities(data.X, r.params).argmax(axis=1)
        runs.append(
            (
                f"#{rank} seed {r.seed}: {r.final_log_likelihood:.4f} ({flag})",
                r.params,
                labels,
            )
        )
        table.append(
            {
                "rank": rank,
                "seed": r.seed,
                "final log-likelihood per point": round(r.final_log_likelihood, 5),
                "iterations": r.n_iter,
                "verdict": flag,
            }
        )
    if projection is not None:
        st.plotly_chart(
            restart_gallery(projection.points(data.X), runs, projection),
            key="em_gallery",
        )
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    choice = st.selectbox(
        "Load a seed into the stepper",
        [r.seed for r, _ in ranked],
        key="em_gallery_seed",
    )
    if st.button("Load this seed", key="em_gallery_load"):
        state.remember("seed", int(choice))
        st.rerun()


def collapse_lab(data: Dataset, settings: Settings) -> None:
    """Set up a collapse: reg_covar 0 and a hill seeded on the loneliest point.

    Parameters
    ----------
    data : Dataset
    settings : Settings
        Its K (at least 2) and seed place the other hills.
    """
    st.markdown(
        "With `reg_covar` at 0, nothing stops a hill from shrinking onto a single "
        "point. Its density there grows without bound, and so does the likelihood: "
        "EM is not finding a better map, it is falling into a *singularity*."
    )
    if st.button("Set up a collapse", key="em_collapse", icon=":material/science:"):
        try:
            means, widths = collapse_start(data.X, settings.n_components, settings.seed)
        except FogmapError as exc:
            st.error(md_escape(str(exc)))
            return
        st.session_state[CHOSEN] = means
        st.session_state[WIDTHS] = widths
        state.remember("n_components", len(means))
        state.remember("em_init", "given")
        state.remember("em_reg_covar", 0.0)
        state.remember("em_tol", 1e-6)
        if settings.covariance_type == "tied":
            state.remember("covariance_type", "full")
        st.rerun()
    st.caption(
        f"It puts a narrow {hill_name(0)} on the loneliest point (the one farthest "
        "from its nearest neighbour) and sets `reg_covar` to 0. Then press Next and "
        "watch the hill shrink. Fixes: `reg_covar` ≥ 1e-6, a tied covariance "
        "(hills share one shape, so one cannot shrink alone), fewer hills, or "
        "more data."
    )
