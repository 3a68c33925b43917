"""The fog and the four small maps: what the top of the explorer shows (Streamlit).

The fog slider only re-tempers the cached log-scores
(:func:`gmm_app.explorer.model.temper`), so moving it refits nothing. Below it: how
many points are sure, the clear day against the fog in two panels (K-Means'
islands, how sure the GMM is), two more in a section the student opens (the GMM's
own labels, one hill's share), what went wrong with the fit (if anything) and
DBSCAN on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from sklearn.metrics import adjusted_rand_score

from gmm_app.explorer.caches import dbscan
from gmm_app.explorer.figures import MapView
from gmm_app.explorer.figures_panels import (
    confidence_panel,
    dbscan_panel,
    hills_panel,
    islands_panel,
    soft_panel,
)
from gmm_app.explorer.model import Analysis, needle_hills, temper
from gmm_app.explorer.model_maps import ViewMaps
from gmm_app.explorer.settings import EPS_RANGE, FOG_LEVELS, VALLEY_RANGE
from gmm_app.plotting.builder import plot_text
from gmm_app.shell import present, state
from gmm_app.shell.live_chart import live_chart
from gmm_app.words import fog_sentences, hill_name, hill_title, plural
from gmm_core import Dataset, GMMParams
from gmm_core.selection import (
    POINTS_PER_NUMBER,
    few_sample_hills,
    numbers_per_hill,
    points_needed,
    supports,
)

# The section of the two further small maps: its key is also its URL parameter.
MORE_MAPS = "fx_show_more_maps"
_SURE = 0.9  # a point is "sure" above this probability
_MAX_SENTENCES = 3000  # above this many points, hover text is built in the browser


@dataclass(frozen=True, eq=False)
class Fog:
    """The fog the student set, and what it does to the points and the grid.

    Attributes
    ----------
    level : float
        T.
    threshold : float
        Foggy valleys are under this probability.
    hill : int
        The hill the soft panel shows.
    probs : ndarray of shape (N, K)
        Tempered responsibilities of the points.
    grid : ndarray of shape (H, G, K)
        Tempered responsibilities over the grid.
    view : MapView
        What every map shares.
    """

    level: float
    threshold: float
    hill: int
    probs: np.ndarray
    grid: np.ndarray
    view: MapView

    @property
    def confidence_grid(self) -> np.ndarray:
        """The largest probability over the grid, shape (H, G)."""
        return self.grid.max(axis=-1)


def _fog_label(level: float) -> str:
    if level == 0:
        return "0 · clear day"
    if level == 1:
        return "1 · the GMM's own fog"
    return f"{level:g}"


def fog_controls(an: Analysis, maps: ViewMaps) -> Fog:
    """The fog slider, the valley threshold and the soft panel's hill.

    Parameters
    ----------
    an : Analysis
        Its log-scores, tempered at the fog set (nothing is refitted).
    maps : ViewMaps
        Its grid's log-scores, tempered too.

    Returns
    -------
    Fog
    """
    k = an.n_components
    if state.remembered("fx_hill") is not None and state.remembered("fx_hill") >= k:
        state.forget("fx_hill")
    cols = st.columns([2.6, 1.6, 1.2], gap="medium")
    level = state.shared_widget(
        cols[0].select_slider,
        "Fog (temperature T)",
        FOG_LEVELS,
        value=1.0,
        format_func=_fog_label,
        key="fx_fog",
        help="The same fitted hills, with the probabilities sharpened or blurred: "
        "P(hill k) ∝ (weight × density)^(1/T). T = 0 is the clear day: every point "
        "wholly on its likeliest hill, like K-Means. T = 1 is the GMM's own fog; "
        "above 1 the fog thickens until every hill gets an equal share.",
    )
    threshold = state.shared_widget(
        cols[1].slider,
        "Foggy valley: likeliest hill under",
        min_value=VALLEY_RANGE[0],
        max_value=VALLEY_RANGE[1],
        value=0.6,
        step=VALLEY_RANGE[2],
        format="%.2f",
        key="fx_valley",
        help="Where the most likely hill is below this probability, the map is "
        "shaded: you cannot tell which hill you are on.",
    )
    hill = state.shared_widget(
        cols[2].selectbox,
        "Soft panel shows",
        list(range(k)),
        format_func=lambda j: f"P({hill_name(j)})",
        key="fx_hill",
        on_change=_open_more_maps,
        help="Colour the soft panel by the probability of this hill (under "
        "Clear day against fog: it opens when you pick a hill).",
    )
    probs = temper(an.log_prob, float(level))
    grid = temper(maps.grid_log_prob, float(level))
    sentences = fog_sentences(probs) if len(probs) <= _MAX_SENTENCES else None
    view = MapView(
        maps.xy,
        (plot_text(maps.titles[0]), plot_text(maps.titles[1])),
        maps.xs,
        maps.ys,
        probs,
        sentences,
        maps.strip,
        maps.equal_aspect,
    )
    return Fog(float(level), float(threshold), int(min(hill, k - 1)), probs, grid, view)


def _open_more_maps() -> None:
    """On picking the soft panel's hill: open the section that shows it."""
    st.session_state[MORE_MAPS] = True


def fog_summary(data: Dataset, an: Analysis, fog: Fog) -> None:
    """How many points are sure, how many are lost in the fog, who agrees."""
    n = data.n_samples
    sure = fog.probs.max(axis=1)
    n_sure = int((sure > _SURE).sum())
    own = temper(an.log_prob, 1.0).max(axis=1)
    n_sure_own = int((own > _SURE).sum())
    n_valley = int((sure < fog.threshold).sum())
    agree = float((an.kmeans_labels == an.labels).mean())
    # Widths by label length, so no label is cut at 1280 px beside the sidebar.
    cols = st.columns([1, 1.15, 0.95, 1.4])
    cols[0].metric(
        f"Sure (over {_SURE:.0%})",
        f"{n_sure:,} of {n:,}",
        delta=None
        if fog.level == 1
        else f"{n_sure - n_sure_own:+,} vs the GMM's own fog",
        delta_color="off",
        help="Points whose likeliest hill has a probability above 90% at this fog.",
    )
    cols[1].metric(
        f"In foggy valleys (under {fog.threshold:.0%})",
        f"{n_valley:,}",
        help="Points whose likeliest hill is below the valley threshold.",
    )
    cols[2].metric(
        "K-Means and GMM agree",
        f"{agree:.0%}",
        help="Islands are named after the hill they overlap most; this is the share "
        "of points on island X whose likeliest hill is hill X. The fog never "
        "changes it: tempering keeps every point's likeliest hill.",
    )
    if data.labels is not None:
        truth = data.labels
        cols[3].metric(
            "Known groups, ARI: GMM · K-Means",
            f"{adjusted_rand_score(truth, an.labels):.2f} · "
            f"{adjusted_rand_score(truth, an.kmeans_labels):.2f}",
            help="How well each method finds the known groups: the adjusted Rand "
            "index (ARI) between the known groups and each method's clusters. 1 "
            "means the same grouping (whatever the names), 0 no better than chance. "
            "It works for any K, even when K differs from the number of known "
            f"groups ({data.true_k} here).",
        )
    else:
        cols[3].metric(
            "EM iterations",
            f"{an.n_iter}",
            help="Iterations of the best restart.",
        )
    if fog.level == 0:
        words = (
            "**Clear day (T = 0).** Every point belongs 100% to its likeliest hill: "
            "hard labels, as K-Means gives. (With round hills of equal size and "
            "weight this *is* K-Means; here the borders stay the GMM's.)"
        )
    elif fog.level < 1:
        words = (
            f"**Thin fog (T = {fog.level:g}).** The probabilities are sharpened "
            "towards the likeliest hill; only points right on a border stay unsure."
        )
    elif fog.level == 1:
        words = (
            "**The GMM's own fog (T = 1).** These are the responsibilities EM "
            "computes: how likely each hill is to have made the point."
        )
    else:
        words = (
            f"**Thick fog (T = {fog.level:g}).** The probabilities are flattened "
            "towards equal shares; far from every hill top, nobody is sure."
        )
    st.markdown(
        words + " The likeliest hill of every point, and so the GMM's labels and "
        "borders, stay the same at every fog: only the certainty changes."
    )


def comparison_panels(data: Dataset, an: Analysis, maps: ViewMaps, fog: Fog) -> None:
    """Clear day against fog: K-Means' islands beside how sure the GMM is; then
    the GMM's labels and one hill's share, in a section the student opens.

    The first two are the page's first screen; the section is neither computed
    nor sent until it is opened (by the student, a link with
    ``fx_show_more_maps=true``, or picking the soft panel's hill).
    """
    view = fog.view
    slice_note = (
        " The backgrounds are a slice through the middle of the data: the other "
        "features are held at their mean."
        if data.n_features > 2
        else ""
    )
    strip_note = (
        " One feature: the points are spread up and down at random so they do not "
        "hide each other; only the position across counts."
        if maps.strip
        else ""
    )
    first = st.columns(2, gap="medium")
    with first[0]:
        live_chart(
            islands_panel(
                view,
                an.kmeans_labels,
                maps.centres_xy,
                labels_grid=maps.kmeans_labels_grid,
                margins=maps.kmeans_margins,
            ),
            key="fx_kmeans",
        )
    with first[1]:
        live_chart(
            confidence_panel(
                view,
                an.labels,
                fog.threshold,
                confidence_grid=fog.confidence_grid,
                means_xy=maps.means_xy,
                covs_xy=maps.covs_xy,
            ),
            key="fx_confidence",
        )
    st.caption(
        "Left, the clear day: K-Means gives every point to its nearest centre, so "
        "every point is on exactly one island and the borders are straight lines "
        "halfway between centres. Right, the fog: the same points under the GMM "
        "at the fog you set, coloured by how sure the GMM is of each point's "
        "likeliest hill, with the GMM's hills drawn over it; where no hill is "
        "sure enough, the map is shaded. Hover any point for its fog sentence."
        + strip_note
        + slice_note
    )
    box = state.section(
        "Open two more maps: the GMM's own labels and borders, and one hill's share",
        MORE_MAPS,
    )
    with box:
        if not box.open:
            return
        more = st.columns(2, gap="medium")
        with more[0]:
            live_chart(
                hills_panel(
                    view,
                    an.labels,
                    maps.means_xy,
                    maps.covs_xy,
                    labels_grid=maps.gmm_labels_grid,
                    margins=maps.gmm_margins,
                ),
                key="fx_gmm",
            )
        with more[1]:
            live_chart(
                soft_panel(
                    view, fog.hill, an.labels, grid_probability=fog.grid[..., fog.hill]
                ),
                key="fx_soft",
            )
        st.caption(
            "Left: the GMM's hard labels, every point on its likeliest hill; its "
            "borders curve around wide and heavy hills, where K-Means' are "
            "straight. Right: the soft view of the same GMM, one hill's share of "
            "every point at the fog you set (pick the hill above)."
        )


def diagnostics(data: Dataset, an: Analysis) -> None:
    """Say when a limit of GMMs shows in this fit."""
    params = an.params
    if an.stop_reason == "collapsed":
        st.error(
            "Every restart ended with a collapsed hill: a hill shrank onto a point "
            "or a line, where its density runs off to infinity. The map shows it "
            "anyway. Try fewer hills, a simpler covariance type, or more data.",
            icon=":material/error:",
        )
    finals = np.array([r.final_log_likelihood for r in an.restarts])
    if len(finals) > 1 and finals.max() - finals.min() > 1e-3:
        ends = len(np.unique(np.round(finals, 3)))
        st.info(
            f"**Initialisation matters here.** Your {len(finals)} restarts ended on "
            f"{ends} different maps, with log-likelihood per point from "
            f"{finals.min():.3f} to {finals.max():.3f}; the page shows the best. "
            "Set restarts to 1 and try other seeds to see the others.",
            icon=":material/casino:",
        )
    few_samples_warning(params, data.n_samples)
    needles = needle_hills(params, data.X)
    if needles:
        k, width, spread = needles[0]
        more = f" ({len(needles) - 1} more like it)" if len(needles) > 1 else ""
        st.warning(
            f"**Singular covariance.** {hill_title(k)} is a needle{more}: across "
            f"its thinnest direction it is only {width:.2g} wide, where the data "
            f"spreads {spread:.2g}. It sits on points that repeat or lie on a line, "
            "so its covariance has (almost) no width there and its density shoots "
            "up; only reg_covar (1e-6) keeps it finite. Fewer hills or a simpler "
            "covariance type fix it.",
            icon=":material/straighten:",
        )


def few_samples_warning(params: GMMParams, n_samples: int) -> None:
    """Warn when hills rest on too few points (:mod:`gmm_core.selection`'s rule).

    The rule Choosing K greys its K out by: every number of a hill's centre and
    shape needs ``POINTS_PER_NUMBER`` points behind it.

    Parameters
    ----------
    params : GMMParams
        The fit shown.
    n_samples : int
        N, the points fitted.
    """
    k, d, ctype = params.n_components, params.n_features, params.covariance_type
    thin = few_sample_hills(params, n_samples)
    need = points_needed(k, d, ctype)
    if not thin and supports(n_samples, k, d, ctype):
        return
    per_hill = numbers_per_hill(d, ctype)
    if thin:
        names = ", ".join(
            f"{hill_name(j)} ({count:.1f} points)" for j, count in thin[:4]
        )
        what = (
            f"Some hills rest on very few points: {names}. Each needs "
            f"{per_hill} numbers for its centre"
            + ("" if ctype == "tied" else " and shape")
            + f", so at least {POINTS_PER_NUMBER * per_hill} points"
        )
    else:
        what = (
            f"{plural(k, 'tied hill').capitalize()} in {d} dimensions need "
            f"{need // POINTS_PER_NUMBER} numbers for their centres and shared shape"
        )
    st.warning(
        f"**Few samples.** {what}; the fit rests on {n_samples:,} "
        f"(K = {k} {ctype} needs {need:,} points: {POINTS_PER_NUMBER} per number). "
        "With this few points those numbers are guesses, and another sample would "
        "give another map. Use fewer hills, a simpler covariance type, or more "
        "data; Choosing K greys out the K beyond what the data supports.",
        icon=":material/scatter_plot:",
    )


def dbscan_section(data: Dataset, fog: Fog) -> None:
    """An optional DBSCAN panel: no K, noise marked."""
    on = state.shared_widget(
        st.toggle,
        "Add DBSCAN: a method that needs no K and marks noise",
        value=False,
        key="fx_dbscan",
    )
    if not on:
        return
    left, right = st.columns([3, 2], gap="medium")
    with right:
        eps = state.shared_widget(
            st.slider,
            "eps (neighbourhood radius, in standard deviations)",
            min_value=EPS_RANGE[0],
            max_value=EPS_RANGE[1],
            value=0.3,
            step=EPS_RANGE[2],
            key="fx_eps",
            help="Two points are neighbours when they are closer than eps, after "
            "every feature is scaled to standard deviation 1.",
        )
        min_samples = state.shared_widget(
            st.slider,
            "min_samples (neighbours to be a core point)",
            min_value=2,
            max_value=30,
            value=5,
            key="fx_min_samples",
            help="A point with this many neighbours (itself included) is a core "
            "point; clusters grow from core points through their neighbours.",
        )
    labels, core = dbscan(data.X, float(eps), int(min_samples))
    n_clusters = int(labels.max()) + 1
    n_noise = int((labels < 0).sum())
    with left:
        present.plotly_chart(
            dbscan_panel(fog.view, labels, core, float(eps), int(min_samples)),
            key="fx_dbscan_map",
        )
    with right:
        st.markdown(
            f"DBSCAN found **{plural(n_clusters, 'cluster')}** "
            f"and **{plural(n_noise, 'noise point')}** "
            "(grey ×). It asks no K: it grows clusters through crowded places and "
            "leaves stragglers out. It follows any shape (try the moons or the "
            "circles), but gives no probabilities, and one eps must suit every "
            "crowd."
        )
        st.caption(
            "scikit-learn's DBSCAN on standardised features. Big markers are core "
            "points, small ones are on a cluster's edge."
        )
