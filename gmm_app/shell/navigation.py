"""The pages of Fogmap, in the order the sidebar lists them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageInfo:
    """A page of the app.

    Attributes
    ----------
    path : str
        Script path relative to the project root.
    title : str
        Link text in the sidebar.
    icon : str
        Material icon.
    blurb : str
        One line on what the page teaches, for Home's "where to start".
    """

    path: str
    title: str
    icon: str
    blurb: str


ALL_PAGES: tuple[PageInfo, ...] = (
    PageInfo("app.py", "Home", ":material/home:", "What Fogmap teaches."),
    PageInfo(
        "pages/1_Fog_explorer.py",
        "Fog explorer",
        ":material/foggy:",
        "Hard borders on a clear day, soft probabilities in the fog.",
    ),
    PageInfo(
        "pages/2_EM_stepper.py",
        "EM stepper",
        ":material/footprint:",
        "Step through EM one E-step and one M-step at a time, forward and back.",
    ),
    PageInfo(
        "pages/3_Covariance_shapes.py",
        "Covariance shapes",
        ":material/blur_circular:",
        "What spherical, diagonal, full and tied covariances let a hill be.",
    ),
    PageInfo(
        "pages/4_Choosing_K.py",
        "Choosing K",
        ":material/stacked_line_chart:",
        "How many hills? BIC and AIC weigh fit against complexity.",
    ),
)


def available_pages() -> list[PageInfo]:
    """The pages whose script exists (lessons arrive one at a time)."""
    return [p for p in ALL_PAGES if (ROOT / p.path).is_file()]


def page_info(path: str) -> PageInfo:
    """The page whose script is ``path`` (relative to the project root).

    Raises
    ------
    KeyError
        For a script that is not one of Fogmap's pages.
    """
    for page in ALL_PAGES:
        if page.path == path:
            return page
    raise KeyError(path)
