"""Issue 17: what students and instructors tripped over.

A hand-edited link whose value Fogmap does not know says so once, naming what
is shown instead (the shell does it, so every page that reads the URL gets it).
The shape sandbox shows floating-point noise as 0 (a tilt of 90° left
off-diagonals of 3.44 × 10⁻¹⁶ that did not fit their column). DBSCAN's panel
draws what its words say: grey crosses for noise, bigger core points.
"""

from __future__ import annotations

import re

import numpy as np
from apptest_helpers import ROOT, decoded, figure_by_key, latex_lines, open_stepper
from sklearn.cluster import DBSCAN
from sklearn.preprocessing import StandardScaler
from streamlit.testing.v1 import AppTest

from gmm_core import load_preset

EXPLORER = "pages/1_Fog_explorer.py"
SHAPES = "pages/3_Covariance_shapes.py"


def notes(at: AppTest) -> list[str]:
    """The link notes on the page, as the student reads them (Markdown unescaped)."""
    return [t.value.replace("\\", "") for t in at.toast]


def open_home(query_params: dict[str, str]) -> AppTest:
    """A fresh session on Home, opened from a link carrying ``query_params``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in query_params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


###############################################################################
# 1. Links with values Fogmap does not know


def test_an_unknown_dataset_in_the_link_is_named_on_home() -> None:
    at = open_home({"dataset": "overlap"})
    assert at.selectbox(key="dataset").value == "blobs"
    assert notes(at) == [
        "The link asked for dataset = overlap, which Fogmap does not know; "
        "showing Well-separated blobs."
    ]
    at.run()  # said once, not on every rerun
    assert notes(at) == []


def test_an_unknown_initialisation_in_the_link_is_named_on_the_stepper() -> None:
    at = open_stepper({"em_init": "k-means"})
    assert at.selectbox(key="em_init").value == "k-means++"
    assert notes(at) == [
        "The link asked for em_init = k-means, which Fogmap does not know; "
        "showing k-means++."
    ]


def test_a_valid_link_gives_no_note() -> None:
    at = open_home({"dataset": "moons", "n_samples": "300"})
    assert at.selectbox(key="dataset").value == "moons"
    assert notes(at) == []
    at = open_stepper({"em_init": "kmeans", "dataset": "moons"})
    assert at.selectbox(key="em_init").value == "kmeans"
    assert notes(at) == []


###############################################################################
# 2. The shape sandbox at a tilt of 90°


def _matrices(line: str) -> list[list[list[str]]]:
    """Every ``pmatrix`` in a formula, as rows of entries."""
    bodies = re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", line)
    return [
        [[e.strip() for e in row.split("&")] for row in body.split(r"\\")]
        for body in bodies
    ]


def test_the_sandbox_at_90_degrees_shows_zero_off_diagonals() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.session_state["cs_show_sandbox"] = True  # the sandbox opens on demand
    at.switch_page(SHAPES).run()
    at.slider(key="cs_tilt").set_value(90).run()
    assert not at.exception
    found = [m for line in latex_lines(at) for m in _matrices(line)]
    # Your hill, then spherical, diag, full and tied.
    assert len(found) == 5, found
    for rows in found:
        assert len(rows) == 2 and all(len(row) == 2 for row in rows), rows
        assert rows[0][1] == rows[1][0] == "0", rows
        assert not any(r"\times" in e for row in rows for e in row), rows
    # Tilted by 90°, the long spread (2.5) lies along the second feature.
    assert found[0] == [["0.64", "0"], ["0", "6.25"]]


###############################################################################
# 3. DBSCAN's panel draws what its words say


def test_dbscan_noise_is_grey_and_core_points_are_bigger() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["dataset"] = "moons"
    at.query_params["n_samples"] = "300"
    at.run()
    at.switch_page(EXPLORER).run()
    at.toggle(key="fx_dbscan").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    words = " ".join(m.value for m in at.markdown if m.value.startswith("DBSCAN"))
    assert "(grey ×)" in words
    assert any("Big markers are core points" in c.value for c in at.caption)

    figure = figure_by_key(at, "fx_dbscan_map")
    points = [t for t in figure["data"] if t.get("mode") == "markers"]
    (noise,) = [t for t in points if t["name"].startswith("noise")]
    # A thin cross is drawn by its line: both must be grey.
    for colour in (noise["marker"]["color"], noise["marker"]["line"]["color"]):
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert max(r, g, b) - min(r, g, b) <= 40, colour  # no hue
        assert 80 <= (r + g + b) / 3 <= 200, colour  # neither black nor white

    clusters = [t for t in points if t["name"].startswith("cluster")]
    sizes = np.array([s for t in clusters for s in decoded(t["marker"]["size"])])
    big, small = sizes.max(), sizes.min()
    assert set(sizes) == {big, small}
    assert big >= 1.5 * small  # visibly bigger
    data = load_preset("moons", 300, 0)
    eps = at.slider(key="fx_eps").value
    min_samples = at.slider(key="fx_min_samples").value
    fitted = DBSCAN(eps=eps, min_samples=min_samples).fit(
        StandardScaler().fit_transform(data.X)
    )
    assert (sizes == big).sum() == len(fitted.core_sample_indices_)
