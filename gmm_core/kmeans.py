"""K-Means (Lloyd's algorithm) as a generator, for the clear-day comparison.

Started from the same centers, it follows scikit-learn's ``KMeans(algorithm="lloyd")``
step for step, including how an empty cluster is re-seeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from gmm_core.errors import FogmapError, check_data


@dataclass(frozen=True, eq=False)
class KMeansStep:
    """One K-Means iteration.

    Attributes
    ----------
    iteration : int
        0 when points are first assigned to the initial centers.
    centers : ndarray of shape (K, D)
        The centres the points were assigned to.
    labels : ndarray of shape (N,)
        Index of each point's nearest centre.
    inertia : float
        Sum of squared distances of the points to their centres.
    converged : bool
        True when no label changed since the step before.
    """

    iteration: int
    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    converged: bool = False


def assign(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, float]:
    """Nearest centre of every point and the inertia.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    centers : ndarray of shape (K, D)

    Returns
    -------
    labels : ndarray of shape (N,)
    inertia : float
    """
    d2 = (X * X).sum(axis=1)[:, None] - 2.0 * (X @ centers.T)
    d2 += (centers * centers).sum(axis=1)
    labels = d2.argmin(axis=1)
    inertia = float(((X - centers[labels]) ** 2).sum())
    return labels, inertia


def update_centers(
    X: np.ndarray, labels: np.ndarray, centers: np.ndarray
) -> np.ndarray:
    """Lloyd's update: each centre moves to the mean of its points.

    Empty clusters are handled as scikit-learn's Lloyd does: each takes the point
    farthest from its own center (unless every point sits on its center); a
    cluster still empty afterwards is put where the biggest cluster is.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    labels : ndarray of shape (N,)
    centers : ndarray of shape (K, D)
        The centres ``labels`` were computed from.

    Returns
    -------
    ndarray of shape (K, D)
    """
    k = centers.shape[0]
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.zeros_like(centers)
    np.add.at(sums, labels, X)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        distances = ((X - centers[labels]) ** 2).sum(axis=1)
        if distances.max() > 0:
            far = np.argpartition(distances, -empty.size)[: -empty.size - 1 : -1]
            for new_id, idx in zip(empty, far, strict=True):
                old_id = labels[idx]
                sums[old_id] -= X[idx]
                sums[new_id] = X[idx]
                counts[new_id] = 1.0
                counts[old_id] -= 1.0
    # In place and in order, like scikit-learn's _average_centers.
    biggest = int(np.argmax(counts))
    for j in range(k):
        if counts[j] > 0:
            sums[j] /= counts[j]
        else:
            sums[j] = sums[biggest]
    return sums


def kmeans_steps(
    X: np.ndarray, initial_centers: np.ndarray, *, max_iter: int = 300
) -> Iterator[KMeansStep]:
    """Run Lloyd's K-Means from ``initial_centers``, yielding every iteration.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    initial_centers : ndarray of shape (K, D)
    max_iter : int, default 300
        Most update steps after the first assignment.

    Yields
    ------
    KMeansStep
        Iteration 0 assigns the points to the initial centres; each later one
        moves the centers to their points' means and assigns again. The last
        step has ``converged=True`` when no label changed.
    """
    X = check_data(np.asarray(X, dtype=np.float64).reshape(len(X), -1))
    centers = np.asarray(initial_centers, dtype=np.float64)
    if centers.ndim == 1 and X.shape[1] == 1:
        centers = centers.reshape(-1, 1)
    if centers.ndim != 2 or centers.shape[1] != X.shape[1]:
        raise FogmapError(
            f"Each center needs {X.shape[1]} coordinates, one per feature; got "
            f"centers of shape {centers.shape}."
        )
    if centers.shape[0] > X.shape[0]:
        raise FogmapError(
            f"K-Means needs at least as many points as centers: {X.shape[0]} points, "
            f"{centers.shape[0]} centers."
        )
    # Work on centred data, as scikit-learn does, so the numbers agree.
    offset = X.mean(axis=0)
    X = X - offset
    centers = centers - offset
    labels, inertia = assign(X, centers)
    yield KMeansStep(0, centers + offset, labels, inertia)
    for iteration in range(1, max_iter + 1):
        centers = update_centers(X, labels, centers)
        new_labels, inertia = assign(X, centers)
        converged = bool(np.array_equal(new_labels, labels))
        labels = new_labels
        yield KMeansStep(iteration, centers + offset, labels, inertia, converged)
        if converged:
            return
