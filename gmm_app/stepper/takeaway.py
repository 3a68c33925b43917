"""Something to keep from the EM stepper (Streamlit): the run as an animated HTML
file, and the scikit-learn script that reproduces it.
"""

from __future__ import annotations

import re

import streamlit as st

from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_app.stepper.figures_export import animated_run, run_html, run_title
from gmm_app.stepper.reproduce import sklearn_script
from gmm_app.stepper.settings import GUESS_WORDS, Settings
from gmm_core import Dataset, EMStep

# "Reproduce this run in scikit-learn" opens on demand (its URL parameter and
# widget key): closed, the script is neither written nor sent, and the page loads
# no code highlighter (Streamlit's, a 1.5 MB script, parsed on a first visit even
# for a code block in a closed expander).
CODE_SECTION = "em_show_code"
CODE_LABEL = "Open the script: reproduce this run in scikit-learn"


def file_name(data: Dataset, settings: Settings) -> str:
    """The download's name: ``fogmap-em-<data>-k3-full-seed0.html``.

    Parameters
    ----------
    data : Dataset
    settings : Settings

    Returns
    -------
    str
        Lower case letters, digits and dashes, then ``.html``.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", (data.unscaled or data).name.lower()).strip("-")
    return (
        f"fogmap-em-{slug[:40] or 'data'}-k{settings.n_components}-"
        f"{settings.covariance_type}-seed{settings.seed}.html"
    )


def takeaway_panel(
    data: Dataset,
    settings: Settings,
    trace: tuple[EMStep, ...],
    projection: Projection | None,
) -> None:
    """ "Take it with you": download this run (key ``em_export_html``) and the
    script that reproduces it in scikit-learn (in the container ``em_code``, in a
    section that opens on demand: :data:`CODE_SECTION`).

    Parameters
    ----------
    data : Dataset
        The data the page fits, X of shape (N, D).
    settings : Settings
    trace : tuple of EMStep
        The page's whole run.
    projection : Projection or None
        The map's view (None: bell curves for one feature).
    """
    st.subheader("Take it with you")
    start = f"start placed {GUESS_WORDS.get(settings.init, settings.init)}"
    if settings.init != "given":
        start += f", seed {settings.seed}"
    title = run_title(
        data,
        settings.covariance_type,
        settings.n_components,
        start,
        reg_covar=settings.reg_covar,
        tol=settings.tol,
        max_iter=settings.max_iter,
    )

    def build() -> str:
        """Built only when the button is pressed (about a second for 2,000
        points and 30 iterations)."""
        return run_html(animated_run(data, trace, projection, title))

    left, right = st.columns([1, 2], gap="medium", vertical_alignment="center")
    left.download_button(
        "Download this run",
        data=build,
        file_name=file_name(data, settings),
        mime="text/html",
        icon=":material/movie:",
        key="em_export_html",
        on_click="ignore",
        help="One HTML file with every half-step of this run as an animation, "
        "with play, pause and a slider. It works offline in any browser and can "
        "go into a slide or a course page.",
    )
    half_steps = 2 * (len(trace) - 1) + 1
    right.caption(
        f"An animation of all {half_steps} half-steps: the map as it is drawn here, "
        "the log-likelihood growing beside it, play, pause and a slider. A few "
        "megabytes: the chart library is inside, so it opens with no internet."
    )
    box = state.section(CODE_LABEL, CODE_SECTION)
    with box:
        if box.open:
            _script(data, settings, trace)


def _script(data: Dataset, settings: Settings, trace: tuple[EMStep, ...]) -> None:
    """The scikit-learn script of this run (in the container ``em_code``)."""
    st.caption(
        "Paste this into Python: it rebuilds the data, starts scikit-learn's "
        "`GaussianMixture` from the same hills with the same settings and "
        "prints the last step's log-likelihood per point and means, the "
        "numbers on this page."
    )
    if trace[-1].stop_reason == "collapsed":
        st.caption(
            "This run ended in a collapse: scikit-learn stops with an error "
            "there instead of flooring the hill. Raise `reg_covar` to compare."
        )
    if data.origin is None:  # the student's file
        st.caption("Put your file in the folder you run the script from.")
    with st.container(key="em_code"):
        st.code(
            sklearn_script(data, trace, reg_covar=settings.reg_covar, tol=settings.tol),
            language="python",
        )
