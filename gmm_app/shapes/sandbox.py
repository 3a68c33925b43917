"""The shape sandbox (Streamlit): shape one hill with sliders, and see the closest
hill each covariance type can draw, with what it loses (the KL divergence).

The numbers are :mod:`gmm_core.shapes`'; the pictures
:func:`gmm_app.shapes.figures.sandbox_panel`. A fragment: moving a slider reruns
only the sandbox. It sits in a section the student opens (:func:`sandbox_section`):
closed, nothing of it is computed or sent.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_app.shapes.figures import sandbox_panel
from gmm_app.shapes.model import TYPES
from gmm_app.shell import present, state
from gmm_app.words import matrix, type_label
from gmm_core.shapes import (
    closest_covariance,
    covariance_from_spreads,
    kl_divergence,
    sample_hill,
)

_SANDBOX_TEXT = {
    "spherical": "**Spherical cannot stretch.** Its one variance is your two "
    "averaged: the best circle.",
    "diag": "**Diag cannot tilt.** It keeps each feature's variance and drops "
    "the tilt.",
    "full": "**Full takes your hill as it is**: any stretch, any tilt.",
    "tied": "**Tied takes your hill too, but forces every hill to share it**: "
    "here, three clones.",
}
_SANDBOX_FORMULA = {
    "spherical": r"\tfrac{\operatorname{tr}\Sigma}{D}\,I",
    "diag": r"\operatorname{diag}(\Sigma)",
    "full": r"\Sigma",
    "tied": r"\Sigma \text{ for every hill}",
}
_SANDBOX_SAMPLES = 300
# The sliders' (low, high, step): the spreads and the tilt in degrees.
SPREAD_RANGE = (0.3, 3.0, 0.1)
TILT_RANGE = (-90, 90, 5)
SANDBOX_URL_KEYS = ("cs_sigma1", "cs_sigma2", "cs_tilt")
# Entries this small next to the matrix's largest are floating-point noise (a
# tilt of 90° leaves off-diagonals of about 1e-16): shown as 0.
_NOISE = 1e-9


# The section's expander: its key is also its URL parameter (``cs_show_sandbox``).
SECTION = "cs_show_sandbox"


def sandbox_section() -> None:
    """The sandbox (:func:`shape_sandbox`) in a section the student opens."""
    box = state.section(
        "Open the sandbox: shape a hill and see what each type makes of it",
        SECTION,
    )
    with box:
        if box.open:
            shape_sandbox()


@st.fragment
def shape_sandbox() -> None:
    """Sliders for one hill's spreads and tilt; the closest shape of each type."""
    controls, yours, numbers = st.columns([1, 1, 1.3], gap="medium")
    with controls:
        sigma1 = state.shared_widget(
            st.slider,
            "σ1: spread along the hill's long axis",
            min_value=SPREAD_RANGE[0],
            max_value=SPREAD_RANGE[1],
            step=SPREAD_RANGE[2],
            value=2.5,
            key="cs_sigma1",
        )
        sigma2 = state.shared_widget(
            st.slider,
            "σ2: spread across it",
            min_value=SPREAD_RANGE[0],
            max_value=SPREAD_RANGE[1],
            step=SPREAD_RANGE[2],
            value=0.8,
            key="cs_sigma2",
        )
        tilt = state.shared_widget(
            st.slider,
            "Tilt (degrees)",
            min_value=TILT_RANGE[0],
            max_value=TILT_RANGE[1],
            step=TILT_RANGE[2],
            value=30,
            key="cs_tilt",
            help="Angle of the σ1 axis from the horizontal.",
        )
    # A fragment's rerun does not reach the page's end: keep the link here.
    state.write_url(
        {"cs_sigma1": f"{sigma1:g}", "cs_sigma2": f"{sigma2:g}", "cs_tilt": tilt},
        SANDBOX_URL_KEYS,
    )
    true_cov = covariance_from_spreads(sigma1, sigma2, tilt)
    samples = sample_hill(true_cov, _SANDBOX_SAMPLES, seed=0)
    with yours:
        present.plotly_chart(
            sandbox_panel(true_cov, None, samples, show_axes=True, height=280),
            key="cs_sandbox_yours",
            config={"displayModeBar": False},
        )
    with numbers:
        st.markdown("**Your hill's covariance**")
        st.latex(rf"\Sigma = {matrix(_shown(true_cov))}")
        st.caption(
            "The closest shape each type can take is what that type would fit to "
            "endless data drawn from your hill (its maximum-likelihood fit). "
            "*Lost* is the KL divergence: the log-likelihood per point the type "
            "gives away, on average, by not being your hill."
        )
    cols = st.columns(4, gap="small")
    for col, ctype in zip(cols, TYPES, strict=True):
        closest = closest_covariance(true_cov, ctype)  # type: ignore[arg-type]
        lost = kl_divergence(true_cov, closest)
        with col:
            st.markdown(f"**{type_label(ctype)}**")
            present.plotly_chart(
                sandbox_panel(
                    true_cov,
                    closest,
                    samples,
                    clones=3 if ctype == "tied" else 1,
                    shape_colour="#0072B2",
                    shape_name=ctype,
                    height=260,
                ),
                key=f"cs_sandbox_{ctype}",
                config={"displayModeBar": False},
            )
            st.latex(
                rf"\begin{{aligned}} S &= {_SANDBOX_FORMULA[ctype]} \\"
                rf" &= {matrix(_shown(closest))} \end{{aligned}}"
            )
            st.markdown(_SANDBOX_TEXT[ctype] + " " + _loss_words(ctype, lost))


def _shown(m: np.ndarray) -> np.ndarray:
    """``m`` as shown: entries that are zero up to floating-point noise are 0.

    Without this a tilt of 90° shows off-diagonals like 3.44 × 10⁻¹⁶, which read
    as a real (if tiny) tilt and are too wide for the matrix's column.
    """
    m = np.array(m, dtype=float)
    scale = float(np.max(np.abs(m), initial=0.0))
    m[np.abs(m) <= _NOISE * scale] = 0.0
    return m


def _loss_words(covariance_type: str, lost: float) -> str:
    """How much the closest shape loses, in words."""
    if lost >= 5e-4:
        return f"Lost: **{lost:.3f} nats per point**."
    why = {
        "spherical": " (your hill is round)",
        "diag": " (your hill is not tilted)",
    }.get(covariance_type, "")
    return f"Lost: **nothing**{why}."
