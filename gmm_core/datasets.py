"""Dataset presets: generated on the fly (seeded) or shipped, each with its story.

Every preset returns a :class:`Dataset` with a one-line description and, where
they exist, the true labels, so a page can compare what EM finds with the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources

import numpy as np
import pandas as pd

from gmm_core.shapes import standardise


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points to cluster and what is known about them.

    Attributes
    ----------
    name : str
        What the student sees ("Old Faithful eruptions", "my_data.csv").
    X : ndarray of shape (N, D)
    feature_names : tuple of str, length D
    labels : ndarray of shape (N,) or None
        True group of each point (integers), when known.
    label_names : tuple of str or None
        Name of each true group.
    description : str
        One line on what the data shows.
    source : str or None
        Where the data comes from, for shipped or bundled data.
    notes : tuple of str
        What happened while reading it (dropped rows, skipped columns).
    rows_read : int or None
        For a file: how many data rows it had (used or not).
    table : pandas.DataFrame or None
        For a file: the used rows with every column as read (text too), row i
        matching ``X[i]``; what the export writes back.
    sample_of : int or None
        When these are a seeded subsample: how many rows the full data has.
    unscaled : Dataset or None
        When the features were standardised (:meth:`standardised`): the data in
        its own units, whose names the page can still quote.
    origin : Origin or None
        For a preset's data: which preset, size and seed made it (so a script can
        make it again); None for a file.
    read_options : tuple of (str, object) pairs
        For a file: the ``pandas.read_csv`` keyword arguments that read it
        (``encoding``, ``sep``, ``header``, maybe ``decimal`` and ``thousands``),
        so a script can read it the same way; empty otherwise.
    """

    name: str
    X: np.ndarray
    feature_names: tuple[str, ...]
    labels: np.ndarray | None = None
    label_names: tuple[str, ...] | None = None
    description: str = ""
    source: str | None = None
    notes: tuple[str, ...] = ()
    rows_read: int | None = None
    table: pd.DataFrame | None = None
    sample_of: int | None = None
    unscaled: Dataset | None = None
    origin: Origin | None = None
    read_options: tuple[tuple[str, object], ...] = ()

    @property
    def n_samples(self) -> int:
        """N, the number of points."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """D, the number of features."""
        return self.X.shape[1]

    @property
    def true_k(self) -> int | None:
        """Number of true groups, when known."""
        if self.labels is None:
            return None
        return len(np.unique(self.labels))

    @property
    def is_standardised(self) -> bool:
        """Whether every feature was rescaled to mean 0 and spread 1."""
        return self.unscaled is not None

    def standardised(self, *, in_names: bool = False) -> Dataset:
        """This data with every feature rescaled to mean 0 and spread 1.

        Standardising twice changes nothing: standardised data is returned as it is.

        Parameters
        ----------
        in_names : bool
            Also say so in the data's and every feature's name (for axis titles);
            it is always said in ``notes``.

        Returns
        -------
        Dataset
            ``X`` of the same shape (N, D), standardised with
            :func:`gmm_core.shapes.standardise`; ``unscaled`` is this data.
        """
        if self.is_standardised:
            return self
        scaled = replace(
            self,
            X=standardise(self.X),
            notes=(*self.notes, "Columns standardised: mean 0, spread 1."),
            unscaled=self,
        )
        if not in_names:
            return scaled
        return replace(
            scaled,
            name=f"{self.name} (standardised)",
            # "waiting (min), standardised": the units named are no longer the axis's.
            feature_names=tuple(f"{n}, standardised" for n in self.feature_names),
        )


@dataclass(frozen=True)
class Preset:
    """A named way of making a :class:`Dataset`.

    Attributes
    ----------
    key : str
        Stable identifier (used in URLs and session state).
    name : str
    description : str
    default_n : int or None
        Default sample size; None when the size is fixed.
    seeded : bool
        Whether the seed changes the data.
    make : callable (n_samples, seed) -> Dataset
    """

    key: str
    name: str
    description: str
    default_n: int | None
    seeded: bool
    make: Callable[[int, int], Dataset]


@dataclass(frozen=True)
class Origin:
    """Which preset made a :class:`Dataset`, at which size and seed.

    Attributes
    ----------
    preset : str
        A key of :data:`PRESETS`.
    n_samples : int
        The size asked for (fixed-size presets ignore it).
    seed : int
        The data seed (presets that are not seeded ignore it).
    """

    preset: str
    n_samples: int
    seed: int


@dataclass(frozen=True)
class GaussianGroups:
    """How a numpy-generated preset draws its points: axis-aligned Gaussian
    groups, shuffled, then optionally rotated, standardised and clipped.

    Public so that a script can repeat the same numpy calls
    (:mod:`gmm_app.stepper.reproduce`).

    Attributes
    ----------
    centres : tuple of K tuples of D floats
    spreads : tuple of K tuples of D floats
        Each group's standard deviation along each feature.
    weights : tuple of K floats
        Each group's share of the points (the first takes what rounding leaves).
    fixed_n : int or None
        Always this many points, whatever size is asked for.
    rotation : tuple of D tuples of D floats, or None
        Applied after drawing: ``x @ rotation.T``.
    standardised : bool
        Standardise after rotating (:func:`gmm_core.shapes.standardise`).
    clip : tuple of D (low, high) pairs, or None
        Each feature clipped to its pair after that (None in a pair: no limit).
    """

    centres: tuple[tuple[float, ...], ...]
    spreads: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...]
    fixed_n: int | None = None
    rotation: tuple[tuple[float, ...], ...] | None = None
    standardised: bool = False
    clip: tuple[tuple[float | None, float | None], ...] | None = None

    def counts(self, n: int) -> np.ndarray:
        """How many points each group gets out of ``n``: shape (K,), summing to n."""
        counts = np.floor(np.asarray(self.weights) * n).astype(int)
        counts[0] += n - counts.sum()
        return counts

    def draw(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points (``fixed_n`` if set) and their groups, seeded.

        Returns
        -------
        x : ndarray of shape (n, D)
        y : ndarray of shape (n,)
        """
        n = self.fixed_n or n
        rng = np.random.default_rng(seed)
        xs, ys = [], []
        for label, (c, s, m) in enumerate(
            zip(self.centres, self.spreads, self.counts(n), strict=True)
        ):
            xs.append(rng.normal(c, s, size=(m, len(c))))
            ys.append(np.full(m, label))
        x, y = np.vstack(xs), np.concatenate(ys)
        order = rng.permutation(n)
        x, y = x[order], y[order]
        if self.rotation is not None:
            x = x @ np.asarray(self.rotation).T
        if self.standardised:
            x = standardise(x)
        for d, (low, high) in enumerate(self.clip or ()):
            x[:, d] = np.clip(x[:, d], low, high)
        return x, y


# Three stripes stacked across their short axis, with spreads 1.5, 0.5 and 1.0
# across it and three times that along it; then rotated and standardised.
# Spaced so that a full-covariance GMM separates them from any start while
# K-Means, which wants round clusters, cuts across them.
_SHORT = (1.5, 0.5, 1.0)

GAUSSIAN_GROUPS: dict[str, GaussianGroups] = {
    "blobs": GaussianGroups(
        ((-4, -2.5), (4, -2.5), (0, 4)), ((1, 1),) * 3, (1 / 3,) * 3
    ),
    "overlapping": GaussianGroups(
        ((-1.6, 0), (1.6, 0), (0, 2.2)), ((1.1, 1.1),) * 3, (0.35, 0.35, 0.3)
    ),
    "elongated": GaussianGroups(
        ((0, -6.0), (0, 0), (0, 5.0)),
        tuple((3 * s, s) for s in _SHORT),
        (1 / 3,) * 3,
        fixed_n=400,
        rotation=((0.8, -0.6), (0.6, 0.8)),
        standardised=True,
    ),
    "varied": GaussianGroups(
        ((-3, 0), (3, 1), (0.5, 5)),
        ((1.0, 1.0), (2.2, 2.2), (0.4, 0.4)),
        (0.6, 0.3, 0.1),
    ),
    "heights": GaussianGroups(
        ((122.0,), (158.0,), (174.0,)), ((9.0,), (7.0,), (8.0,)), (0.3, 0.3, 0.4)
    ),
    "customers": GaussianGroups(
        ((26, 20), (26, 79), (55, 50), (87, 18), (87, 82)),
        ((6, 7), (6, 7), (7, 6), (8, 8), (8, 8)),
        (0.12, 0.12, 0.4, 0.18, 0.18),
        clip=((12, None), (1, 99)),
    ),
}


def _blobs(n: int, seed: int) -> Dataset:
    x, y = GAUSSIAN_GROUPS["blobs"].draw(n, seed)
    return Dataset(
        "Well-separated blobs",
        x,
        ("x", "y"),
        y,
        ("A", "B", "C"),
        PRESETS["blobs"].description,
    )


def _overlapping(n: int, seed: int) -> Dataset:
    x, y = GAUSSIAN_GROUPS["overlapping"].draw(n, seed)
    return Dataset(
        "Overlapping hills",
        x,
        ("x", "y"),
        y,
        ("A", "B", "C"),
        PRESETS["overlapping"].description,
    )


def _elongated(n: int, seed: int) -> Dataset:
    x, y = GAUSSIAN_GROUPS["elongated"].draw(n, seed)
    return Dataset(
        "Elongated rotated blobs",
        x,
        ("x", "y"),
        y,
        ("A", "B", "C"),
        PRESETS["elongated"].description,
    )


def _varied(n: int, seed: int) -> Dataset:
    x, y = GAUSSIAN_GROUPS["varied"].draw(n, seed)
    return Dataset(
        "Blobs of different sizes and weights",
        x,
        ("x", "y"),
        y,
        ("big", "wide", "small"),
        PRESETS["varied"].description,
    )


# The scikit-learn generators two presets call, with their settings (beside
# ``n_samples`` and ``random_state``).
SKLEARN_GENERATORS: dict[str, tuple[str, dict[str, float]]] = {
    "moons": ("make_moons", {"noise": 0.07}),
    "circles": ("make_circles", {"factor": 0.45, "noise": 0.06}),
}


def _generated(key: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    import sklearn.datasets

    name, settings = SKLEARN_GENERATORS[key]
    return getattr(sklearn.datasets, name)(n_samples=n, random_state=seed, **settings)


def _moons(n: int, seed: int) -> Dataset:
    x, y = _generated("moons", n, seed)
    return Dataset(
        "Two moons",
        x,
        ("x", "y"),
        y,
        ("upper moon", "lower moon"),
        PRESETS["moons"].description,
    )


def _circles(n: int, seed: int) -> Dataset:
    x, y = _generated("circles", n, seed)
    return Dataset(
        "Circles",
        x,
        ("x", "y"),
        y,
        ("outer ring", "inner ring"),
        PRESETS["circles"].description,
    )


def _heights(n: int, seed: int) -> Dataset:
    x, y = GAUSSIAN_GROUPS["heights"].draw(n, seed)
    return Dataset(
        "Heights of children, teenagers and adults",
        x,
        ("height (cm)",),
        y,
        ("children", "teenagers", "adults"),
        PRESETS["heights"].description,
    )


def _customers(n: int, seed: int) -> Dataset:
    x, y = GAUSSIAN_GROUPS["customers"].draw(n, seed)
    return Dataset(
        "Customers by income and spending",
        x,
        ("annual income (k$)", "spending score (1-100)"),
        y,
        ("careful", "carefree", "standard", "frugal rich", "big spenders"),
        PRESETS["customers"].description,
    )


def _iris(n: int, seed: int) -> Dataset:
    from sklearn.datasets import load_iris

    iris = load_iris()
    return Dataset(
        "Iris flowers (sepals)",
        iris.data[:, :2].astype(np.float64),
        ("sepal length (cm)", "sepal width (cm)"),
        iris.target.copy(),
        tuple(str(t) for t in iris.target_names),
        PRESETS["iris"].description,
        "Fisher's iris data (1936), scikit-learn's bundled copy.",
    )


def _old_faithful(n: int, seed: int) -> Dataset:
    import pandas as pd

    with resources.files("gmm_core.data").joinpath("old_faithful.csv").open("rb") as f:
        frame = pd.read_csv(f)
    return Dataset(
        "Old Faithful eruptions",
        frame[["eruptions", "waiting"]].to_numpy(dtype=np.float64),
        ("eruption length (min)", "wait until next (min)"),
        None,
        None,
        PRESETS["old_faithful"].description,
        "R's `faithful` data: Härdle (1991); Azzalini and Bowman (1990), "
        "Applied Statistics 39, 357-365.",
    )


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "blobs",
            "Well-separated blobs",
            "Three round, well-separated groups: K-Means and a GMM agree.",
            300,
            True,
            _blobs,
        ),
        Preset(
            "overlapping",
            "Overlapping hills",
            "Three groups that overlap: points in the valleys belong a little to each.",
            400,
            True,
            _overlapping,
        ),
        Preset(
            "elongated",
            "Elongated rotated blobs",
            "Three long, tilted stripes: K-Means cuts across them, a full-covariance "
            "GMM follows them.",
            None,
            True,
            _elongated,
        ),
        Preset(
            "varied",
            "Blobs of different sizes and weights",
            "A big group, a wide one and a small tight one: mixing weights and spreads "
            "matter.",
            500,
            True,
            _varied,
        ),
        Preset(
            "moons",
            "Two moons",
            "Two interleaved crescents: not Gaussian, so a GMM needs several hills per "
            "moon.",
            300,
            True,
            _moons,
        ),
        Preset(
            "circles",
            "Circles",
            "A ring around a disc: no Gaussian hill is ring-shaped, where GMMs fail.",
            400,
            True,
            _circles,
        ),
        Preset(
            "heights",
            "Heights (1-D)",
            "Heights of children, teenagers and adults: three bell curves on one axis.",
            600,
            True,
            _heights,
        ),
        Preset(
            "customers",
            "Customers",
            "Customers by annual income and spending score: five segments to discover.",
            200,
            True,
            _customers,
        ),
        Preset(
            "iris",
            "Iris (sepals)",
            "Sepal length and width of 150 irises of three species; two species "
            "overlap.",
            None,
            False,
            _iris,
        ),
        Preset(
            "old_faithful",
            "Old Faithful",
            "272 eruptions of the Old Faithful geyser: short eruptions wait less. The "
            "classic EM data.",
            None,
            False,
            _old_faithful,
        ),
    )
}


def load_preset(key: str, n_samples: int | None = None, seed: int = 0) -> Dataset:
    """Make the data of a preset.

    Parameters
    ----------
    key : str
        A key of :data:`PRESETS`.
    n_samples : int, optional
        Sample size for presets whose size can change (defaults to the preset's
        own); ignored for fixed-size data.
    seed : int, default 0
        Seed for generated data; ignored for fixed data.

    Returns
    -------
    Dataset
        Its ``origin`` says which preset, size and seed made it.
    """
    preset = PRESETS[key]
    n = int(n_samples or preset.default_n or 0)
    if preset.default_n is not None:
        n = max(10, n)
    return replace(preset.make(n, int(seed)), origin=Origin(key, n, int(seed)))
