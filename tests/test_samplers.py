"""Tests of the samplers: container and schema preservation, determinism, bad input."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skdistill.samplers import (
    MUNGE,
    BaseSampler,
    GaussianMixtureSampler,
    GaussianNoise,
    MarginalSampler,
    Mixup,
    Smear,
)


def all_samplers():
    return [
        MUNGE(),
        Smear(fraction=0.3),
        GaussianNoise(scale=0.2),
        Mixup(alpha=0.4),
        MarginalSampler(),
        GaussianMixtureSampler(n_components=2, random_state=0, max_iter=20),
    ]


SAMPLERS = pytest.mark.parametrize("sampler", all_samplers(), ids=lambda s: type(s).__name__)


def make_table(rng, n, kinds, missing, as_frame):
    """A table with one column per kind (``onehot`` adds a 3-column group)."""
    columns = {}
    for j, kind in enumerate(kinds):
        name = f"{kind}{j}"
        if kind == "cont":
            col = rng.normal(10, 3, n)
        elif kind == "int":
            col = rng.integers(-3, 8, n).astype(float if missing else np.int64)
        elif kind == "bin":
            col = rng.integers(0, 2, n).astype(float if missing else np.int64)
        elif kind == "const":
            col = np.full(n, 2.5)
        elif kind == "onehot":
            hot = np.eye(3, dtype=np.int64)[rng.integers(0, 3, n)]
            for k in range(3):
                columns[f"grp{j}_{k}"] = hot[:, k]
            continue
        elif kind == "cat":
            col = rng.choice(["red", "green", "blue"], n).astype(object)
        if missing and kind in ("cont", "int", "bin", "cat"):
            col = col.copy()
            col[rng.random(n) < 0.3] = None if kind == "cat" else np.nan
        columns[name] = col
    if as_frame:
        df = pd.DataFrame(columns)
        for name in df.columns:
            if name.startswith("cat"):
                # alternate pandas category and string columns by position
                df[name] = df[name].astype("category" if int(name[3:]) % 2 else "str")
        return df
    if any(name.startswith("cat") for name in columns):
        return np.column_stack(list(columns.values())).astype(object)
    return np.column_stack(list(columns.values())).astype(float)


def assert_follows_schema(X, out, sampler, n):
    """Container, dtypes and every schema constraint of generated rows."""
    schema = sampler.schema_
    if hasattr(X, "iloc"):
        assert isinstance(out, pd.DataFrame)
        assert list(out.columns) == list(X.columns)
        assert list(out.dtypes) == list(X.dtypes)
        assert out.shape == (n, X.shape[1])
        for name in X.columns:
            if isinstance(X[name].dtype, pd.CategoricalDtype):
                assert list(out[name].cat.categories) == list(X[name].cat.categories)
        cols = [out.iloc[:, j] for j in range(X.shape[1])]
        originals = [X.iloc[:, j] for j in range(X.shape[1])]
    else:
        assert isinstance(out, np.ndarray)
        assert out.dtype == np.asarray(X).dtype and out.shape == (n, X.shape[1])
        cols = [pd.Series(out[:, j]) for j in range(X.shape[1])]
        originals = [pd.Series(np.asarray(X)[:, j]) for j in range(X.shape[1])]
    for j, kind in enumerate(schema.kinds):
        col, orig = cols[j], originals[j]
        seen = col[col.notna()]
        if schema.missing_rate[j] == 0:
            assert col.notna().all(), schema.names[j]
        if kind == "categorical":
            assert set(seen.astype(object)) <= set(orig.dropna().astype(object))
            continue
        values = seen.to_numpy(dtype=float)
        assert np.all(values >= schema.low[j]) and np.all(values <= schema.high[j])
        if kind in ("integer", "binary", "onehot"):
            assert np.all(values == np.round(values))
        if kind in ("binary", "onehot"):
            assert set(values) <= {0.0, 1.0}
    for g in schema.groups:
        block = np.column_stack([cols[j].to_numpy(dtype=float) for j in g])
        assert np.all(block.sum(axis=1) == 1)


KIND = st.sampled_from(["cont", "int", "bin", "const", "onehot", "cat"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 30),
    kinds=st.lists(KIND, min_size=1, max_size=5),
    missing=st.booleans(),
    as_frame=st.booleans(),
    which=st.integers(0, len(all_samplers()) - 1),
    n_out=st.integers(1, 40),
)
def test_property_schema_and_determinism(seed, n, kinds, missing, as_frame, which, n_out):
    rng = np.random.default_rng(seed)
    X = make_table(rng, n, kinds, missing, as_frame)
    sampler = all_samplers()[which].fit(X)
    out = sampler.sample(n_out, random_state=seed)
    assert_follows_schema(X, out, sampler, n_out)
    again = sampler.sample(n_out, random_state=seed)
    if as_frame:
        pd.testing.assert_frame_equal(out, again)
    else:
        assert pd.DataFrame(out).equals(pd.DataFrame(again))
    chunks = list(sampler.iter_samples(n_out, chunk_size=7, random_state=seed))
    assert [len(c) for c in chunks] == [min(7, n_out - s) for s in range(0, n_out, 7)]
    for c in chunks:
        assert_follows_schema(X, c, sampler, len(c))


@pytest.fixture(scope="module")
def mixed():
    return make_table(
        np.random.default_rng(1), 400, ["cont", "int", "bin", "onehot", "cat", "cat"], True, True
    )


@SAMPLERS
def test_dataframe_in_dataframe_out_and_missing_rates(sampler, mixed):
    sampler = clone(sampler).fit(mixed)
    out = sampler.sample(4000, random_state=0)
    assert_follows_schema(mixed, out, sampler, 4000)
    np.testing.assert_allclose(out.isna().mean(), mixed.isna().mean(), atol=0.03)
    assert list(sampler.feature_names_in_) == list(mixed.columns)
    assert sampler.n_features_in_ == mixed.shape[1]


@SAMPLERS
def test_numpy_with_nan_in_numpy_out(sampler):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    sampler = clone(sampler).fit(X)
    out = sampler.sample(2000, random_state=0)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (2000, 4)
    np.testing.assert_allclose(np.isnan(out).mean(axis=0), np.isnan(X).mean(axis=0), atol=0.04)
    assert not hasattr(sampler, "feature_names_in_")


@SAMPLERS
def test_integer_array_stays_integer(sampler):
    X = np.random.default_rng(0).integers(0, 50, size=(100, 3))
    out = clone(sampler).fit(X).sample(300, random_state=0)
    assert out.dtype == X.dtype
    assert out.min() >= X.min() and out.max() <= X.max()


@SAMPLERS
def test_determinism_and_variety(sampler, mixed):
    sampler = clone(sampler).fit(mixed)
    a = sampler.sample(300, random_state=7)
    pd.testing.assert_frame_equal(a, sampler.sample(300, random_state=7))
    assert not a.equals(sampler.sample(300, random_state=8))
    first = pd.concat(sampler.iter_samples(300, chunk_size=64, random_state=3))
    second = pd.concat(sampler.iter_samples(300, chunk_size=64, random_state=3))
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == 300


@SAMPLERS
def test_sklearn_estimator_api(sampler):
    params = sampler.get_params()
    assert "column_kinds" in params and "margin" in params
    cloned = clone(sampler)
    assert cloned.get_params() == params
    assert isinstance(sampler, BaseSampler)
    with pytest.raises(NotFittedError):
        clone(sampler).sample(5)
    with pytest.raises(NotFittedError):
        clone(sampler).iter_samples(5)


@SAMPLERS
@pytest.mark.parametrize("n", [0, -3, 2.5, "10", None])
def test_bad_n_samples(sampler, n):
    fitted = clone(sampler).fit(np.random.default_rng(0).normal(size=(20, 2)))
    with pytest.raises(ValueError, match="positive integer"):
        fitted.sample(n)
    with pytest.raises(ValueError, match="positive integer"):
        fitted.iter_samples(10, chunk_size=n)


@SAMPLERS
def test_single_row_and_constant_columns(sampler):
    X = np.array([[1.5, 3.0, 7.0]])
    out = clone(sampler).fit(X).sample(5, random_state=0)
    np.testing.assert_allclose(out, np.repeat(X, 5, axis=0))
    X = np.column_stack([np.full(30, 4.2), np.random.default_rng(0).normal(size=30)])
    out = clone(sampler).fit(X).sample(50, random_state=0)
    np.testing.assert_allclose(out[:, 0], 4.2)


@SAMPLERS
def test_bad_tables(sampler):
    with pytest.raises(ValueError, match="2-D"):
        clone(sampler).fit(np.arange(5.0))
    with pytest.raises(ValueError, match="at least one row"):
        clone(sampler).fit(np.empty((0, 3)))
    with pytest.raises(TypeError, match="'when'"):
        clone(sampler).fit(pd.DataFrame({"when": pd.date_range("2020", periods=3)}))


def test_sparse_input_is_refused():
    sp = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="sparse"):
        MUNGE().fit(sp.random(10, 3, format="csr"))


@pytest.mark.parametrize(
    "sampler",
    [MUNGE(p=1.5), MUNGE(s=0), Smear(fraction=-0.1), Mixup(alpha=0), MUNGE(margin=-1)],
    ids=repr,
)
def test_invalid_parameters(sampler):
    with pytest.raises(InvalidParameterError):
        sampler.fit(np.ones((5, 2)))


@pytest.mark.parametrize(
    "sampler", [MUNGE(p=0.0), Smear(fraction=0.0), GaussianNoise(scale=0.0)], ids=repr
)
def test_zero_perturbation_gives_real_rows(sampler):
    X = np.random.default_rng(0).normal(size=(50, 3))
    out = sampler.fit(X).sample(200, random_state=0)
    real = {tuple(r) for r in X.round(12)}
    assert all(tuple(r) in real for r in out.round(12))


def test_munge_uses_each_row_once_per_round():
    X = np.arange(20.0).reshape(10, 2)
    out = MUNGE(p=0.0).fit(X).sample(30, random_state=0)
    _, counts = np.unique(out[:, 0], return_counts=True)
    assert counts.tolist() == [3] * 10


def test_munge_nominals_come_from_the_neighbour():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=100), "c": rng.choice(["a", "b", "c"], 100)})
    sampler = MUNGE(p=1.0, s=1e9).fit(df)
    out = sampler.sample(100, random_state=0)
    # With p=1 every attribute is swapped; a huge s keeps x at the neighbour's value.
    pairs = set(zip(df["x"].round(6), df["c"], strict=True))
    assert all(p in pairs for p in zip(out["x"].round(6), out["c"], strict=True))


@pytest.mark.parametrize("algorithm", ["auto", "kd_tree", "ball_tree", "brute"])
@pytest.mark.parametrize("wide", [False, True])
def test_munge_neighbours_are_exact(algorithm, wide):
    from sklearn.neighbors import NearestNeighbors

    from skdistill.samplers._munge import _nominal_attributes

    def neighbour_matrix(Z, schema):
        # MUNGE's distance space: standardised numeric columns, then each nominal attribute's
        # block (a mismatch adds exactly 1 to the squared distance).
        Zi = schema.impute(Z)
        blocks = [Zi[:, schema.indices("continuous", "integer")]]
        blocks += [block for _, block in _nominal_attributes(Zi, schema)]
        return np.hstack(blocks)

    rng = np.random.default_rng(0)
    kinds = ["cont", "cont", "int", "bin", "onehot", "cat"] + ["cont"] * (20 if wide else 0)
    df = make_table(rng, 500, kinds, True, True)
    sampler = MUNGE(algorithm=algorithm).fit(df)
    D = neighbour_matrix(sampler.schema_.encode(df), sampler.schema_)
    dist, _ = NearestNeighbors(n_neighbors=2, algorithm="brute").fit(D).kneighbors(D)
    ours = np.linalg.norm(D - D[sampler.neighbors_], axis=1)
    np.testing.assert_allclose(ours, dist[:, 1], atol=1e-9)
    assert np.all(sampler.neighbors_ != np.arange(len(df)))


def test_munge_spread_shrinks_with_s():
    X = np.random.default_rng(0).normal(size=(300, 2))
    # With p=1 each generated value is the neighbour's plus noise of sd |a - b| / s, so its
    # distance to the nearest real value shrinks as s grows.
    spread = []
    for s in (100.0, 0.5):
        rows = MUNGE(p=1.0, s=s).fit(X).sample(2000, random_state=0)
        gaps = np.min(np.abs(rows[:, :1] - X[:, 0][None, :]), axis=1)
        spread.append(np.median(gaps))
    assert spread[0] < spread[1] / 10


def test_mixup_stays_on_segments_between_rows():
    X = np.array([[0.5, 1.25], [1.5, 3.25]])
    out = Mixup(alpha=1.0).fit(X).sample(200, random_state=0)
    np.testing.assert_allclose(out[:, 1], 2 * out[:, 0] + 0.25)
    assert len(np.unique(out[:, 0])) > 100


def test_marginal_sampler_keeps_marginals_and_loses_dependence():
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000)
    X = np.column_stack([x, x + 0.01 * rng.normal(size=2000)])
    out = MarginalSampler().fit(X).sample(4000, random_state=0)
    assert abs(np.corrcoef(out.T)[0, 1]) < 0.1
    assert set(np.round(out[:, 0], 12)) <= set(np.round(x, 12))


def test_gaussian_mixture_sampler_subsamples_and_follows_random_state():
    X = np.random.default_rng(0).normal(size=(500, 3))
    sampler = GaussianMixtureSampler(n_components=3, max_samples=100, random_state=0).fit(X)
    assert sampler.mixture_.n_components == 3
    a = sampler.sample(50, random_state=1)
    assert np.array_equal(a, sampler.sample(50, random_state=1))
    assert not np.array_equal(a, sampler.sample(50, random_state=2))


def test_column_kinds_parameter_reaches_the_schema():
    X = np.random.default_rng(0).integers(0, 10, size=(50, 2)).astype(float)
    sampler = MUNGE(column_kinds={0: "continuous"}).fit(X)
    assert sampler.schema_.kinds == ["continuous", "integer"]
    out = sampler.sample(500, random_state=0)
    assert not np.all(out[:, 0] == np.round(out[:, 0]))
    assert np.all(out[:, 1] == np.round(out[:, 1]))


def test_margin_lets_continuous_values_leave_the_range():
    X = np.random.default_rng(0).normal(size=(100, 1))
    out = GaussianNoise(scale=3.0, margin=0.5).fit(X).sample(2000, random_state=0)
    width = X.max() - X.min()
    assert out.max() > X.max() and out.max() <= X.max() + 0.5 * width + 1e-12


def test_sample_is_the_concatenation_of_default_chunks(mixed):
    from skdistill._tables import CHUNK_ROWS

    sampler = Smear().fit(mixed)
    n = CHUNK_ROWS + 10
    whole = sampler.sample(n, random_state=0)
    chunks = pd.concat(sampler.iter_samples(n, random_state=0), ignore_index=True)
    pd.testing.assert_frame_equal(whole, chunks)
    assert list(whole.dtypes) == list(mixed.dtypes)
