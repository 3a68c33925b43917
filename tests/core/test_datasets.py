"""Dataset presets: what a student picks in the sidebar."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_core import PRESETS, Dataset, load_preset

GENERATED = [key for key, p in PRESETS.items() if p.seeded]
SIZED = [key for key, p in PRESETS.items() if p.default_n is not None]


def test_the_presets_the_app_offers_exist():
    assert {
        "blobs",
        "overlapping",
        "elongated",
        "varied",
        "moons",
        "circles",
        "heights",
        "customers",
        "iris",
        "old_faithful",
    } <= set(PRESETS)
    for key, preset in PRESETS.items():
        assert preset.key == key
        assert preset.name
        assert preset.description


@pytest.mark.parametrize("key", PRESETS)
def test_every_preset_loads_as_finite_points_with_names(key):
    ds = load_preset(key, seed=0)
    assert isinstance(ds, Dataset)
    n, d = ds.X.shape
    assert ds.X.dtype == np.float64
    assert np.all(np.isfinite(ds.X))
    assert n >= 10
    assert d == len(ds.feature_names) == ds.n_features
    assert all(isinstance(name, str) and name for name in ds.feature_names)
    assert ds.n_samples == n
    assert ds.name
    assert ds.description.strip()
    if PRESETS[key].default_n is not None:
        assert n == PRESETS[key].default_n
    if ds.labels is not None:
        assert ds.labels.shape == (n,)
        assert np.issubdtype(ds.labels.dtype, np.integer)
        assert ds.label_names is not None
        assert ds.labels.min() >= 0
        assert ds.labels.max() < len(ds.label_names)
        assert ds.true_k == len(np.unique(ds.labels))


@pytest.mark.parametrize("key", GENERATED)
def test_generated_presets_are_reproducible_and_change_with_the_seed(key):
    a = load_preset(key, seed=3)
    b = load_preset(key, seed=3)
    c = load_preset(key, seed=4)
    np.testing.assert_array_equal(a.X, b.X)
    if a.labels is not None:
        np.testing.assert_array_equal(a.labels, b.labels)
    assert a.X.shape == c.X.shape
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("key", [k for k, p in PRESETS.items() if not p.seeded])
def test_fixed_presets_ignore_the_seed_and_the_size(key):
    a = load_preset(key, seed=0)
    b = load_preset(key, n_samples=37, seed=9)
    np.testing.assert_array_equal(a.X, b.X)


@pytest.mark.parametrize("key", SIZED)
@pytest.mark.parametrize("n", [37, 123, 1000])
def test_sized_presets_have_the_requested_number_of_points(key, n):
    ds = load_preset(key, n_samples=n, seed=1)
    assert ds.X.shape[0] == n
    if ds.labels is not None:
        assert ds.labels.shape == (n,)


def test_elongated_has_400_standardized_points():
    ds = load_preset("elongated", seed=0)
    assert ds.X.shape == (400, 2)
    np.testing.assert_allclose(ds.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.X.std(axis=0), 1.0, rtol=1e-12)
    assert ds.true_k == 3


def test_heights_are_one_dimensional_in_centimetres():
    ds = load_preset("heights", seed=0)
    assert ds.X.shape == (600, 1)
    assert ds.feature_names == ("height (cm)",)
    assert ds.X.min() > 80
    assert ds.X.max() < 220
    assert ds.true_k == 3


def test_iris_is_150_flowers_by_two_sepal_measurements():
    ds = load_preset("iris")
    assert ds.X.shape == (150, 2)
    assert ds.true_k == 3
    assert ds.source


def test_old_faithful_is_272_eruptions_with_a_source():
    ds = load_preset("old_faithful")
    assert ds.X.shape == (272, 2)
    assert ds.labels is None
    assert ds.true_k is None
    assert ds.source and "faithful" in ds.source
    eruptions, waiting = ds.X.T
    assert eruptions.min() >= 1.5
    assert eruptions.max() <= 5.5
    assert waiting.min() >= 40
    assert waiting.max() <= 100


def test_standardised_data_has_mean_zero_spread_one_and_says_so() -> None:
    data = load_preset("old_faithful")
    for shown in (data.standardised(), data.standardised(in_names=True)):
        np.testing.assert_allclose(shown.X.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(shown.X.std(axis=0), 1.0)
        assert shown.X.shape == data.X.shape
    noted = data.standardised()
    assert noted.feature_names == data.feature_names
    assert noted.notes[-1] == "Columns standardised: mean 0, spread 1."
    named = data.standardised(in_names=True)
    assert named.name == f"{data.name} (standardised)"
    assert named.feature_names == tuple(
        f"{n}, standardised" for n in data.feature_names
    )
    assert named.notes[-1] == "Columns standardised: mean 0, spread 1."


def test_standardising_twice_changes_nothing_and_keeps_the_own_units() -> None:
    # The sidebar and Covariance shapes both standardise: on top of each other the
    # data must stay as it was, with names said once.
    data = load_preset("old_faithful")
    assert not data.is_standardised and data.unscaled is None
    once = data.standardised(in_names=True)
    assert once.is_standardised and once.unscaled is data
    for twice in (once.standardised(), once.standardised(in_names=True)):
        assert twice is once
