"""Tests of skdistill.samplers._schema: kind inference, overrides, one-hot groups, round trip."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdistill.samplers import TableSchema, infer_schema

DATA = Path(__file__).parents[2] / "shared" / "datasets"


def mixed_frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    onehot = np.eye(3, dtype=np.int64)[rng.integers(0, 3, n)]
    df = pd.DataFrame(
        {
            "cont": rng.normal(size=n),
            "int": rng.integers(-5, 20, n),
            "bin": rng.integers(0, 2, n),
            "flag": rng.random(n) < 0.5,
            "cat": pd.Categorical(
                rng.choice(["lo", "mid", "hi"], n), categories=["lo", "mid", "hi", "never"]
            ),
            "text": pd.Series(rng.choice(["a", "b", "c"], n), dtype="str"),
            "obj": pd.Series(rng.choice(["u", "v"], n).astype(object), dtype=object),
            "nint": pd.array(rng.integers(0, 4, n), dtype="Int64"),
            "color_red": onehot[:, 0],
            "color_green": onehot[:, 1],
            "color_blue": onehot[:, 2],
        }
    )
    df.loc[rng.random(n) < 0.2, "cont"] = np.nan
    df.loc[rng.random(n) < 0.2, "text"] = np.nan
    df.loc[rng.random(n) < 0.2, "cat"] = np.nan
    df.loc[rng.random(n) < 0.2, "nint"] = pd.NA
    return df


def test_kinds_of_a_mixed_frame():
    df = mixed_frame()
    schema = infer_schema(df)
    assert isinstance(schema, TableSchema)
    assert schema.column_kinds == {
        "cont": "continuous",
        "int": "integer",
        "bin": "binary",
        "flag": "binary",
        "cat": "categorical",
        "text": "categorical",
        "obj": "categorical",
        "nint": "integer",
        "color_red": "onehot:color",
        "color_green": "onehot:color",
        "color_blue": "onehot:color",
    }
    # Only the categories that occur, in the dtype's order.
    assert list(schema.categories[4]) == ["lo", "mid", "hi"]
    assert schema.low[1] == df["int"].min() and schema.high[1] == df["int"].max()
    np.testing.assert_allclose(schema.missing_rate, df.isna().mean().to_numpy())
    assert "onehot_groups=1" in repr(schema)


def test_numpy_kinds_and_integer_floats():
    X = np.array([[0.5, 3.0, 1.0], [1.0, 4.0, 0.0], [np.nan, 5.0, 1.0]])
    schema = infer_schema(X)
    assert schema.kinds == ["continuous", "integer", "binary"]
    assert schema.names == ["x0", "x1", "x2"]
    assert schema.missing_rate[0] == pytest.approx(1 / 3)


@pytest.fixture(scope="module")
def covtype():
    path = DATA / "covtype.csv.gz"
    if not path.exists():
        pytest.skip("covtype is not in ../shared/datasets")
    df = pd.read_csv(path, nrows=30_000).drop(columns="target")
    return df.sample(5_000, random_state=0).reset_index(drop=True)


def test_covtype_onehot_groups_by_name(covtype):
    schema = infer_schema(covtype)
    sizes = {name: len(g) for name, g in zip(schema.group_names, schema.groups, strict=True)}
    assert sizes == {"Wilderness_Area": 4, "Soil_Type": 40}
    assert schema.kinds[:10] == ["integer"] * 10


def test_covtype_onehot_groups_by_data_on_numpy(covtype):
    X = covtype.to_numpy()
    schema = infer_schema(X)
    assert len(schema.groups) == 2
    assert sorted(np.concatenate(schema.groups).tolist()) == list(range(10, 54))
    for g in schema.groups:
        assert np.all(X[:, g].sum(axis=1) == 1)
    # Wilderness areas are columns 10..13; a soil column that is all zero in this sample may
    # join either group, which the data cannot tell apart.
    assert set(range(10, 14)) <= set(schema.groups[0].tolist())


def test_not_a_group_when_a_row_has_two_ones():
    X = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    schema = infer_schema(X)
    assert schema.groups == [] or all(len(g) < 3 for g in schema.groups)
    for g in schema.groups:
        assert np.all(X[:, g].sum(axis=1) == 1)


def test_onehot_detection_can_be_switched_off():
    df = mixed_frame()
    schema = infer_schema(df, onehot=None)
    assert schema.groups == []
    assert schema.kinds[-3:] == ["binary"] * 3


def test_column_kinds_override():
    df = mixed_frame()
    schema = infer_schema(
        df,
        {"int": "continuous", "bin": "categorical", "color_red": "binary"},
    )
    kinds = schema.column_kinds
    assert kinds["int"] == "continuous"
    assert kinds["bin"] == "categorical"
    # color_red was forced binary, so the rest are no longer a valid group.
    assert kinds["color_red"] == "binary"
    assert kinds["color_green"] != "onehot:color"


def test_user_onehot_group_and_index_keys():
    X = np.array([[1, 0, 2.5], [0, 1, 3.5], [0, 1, 1.0]])
    schema = infer_schema(X, {0: "onehot:g", 1: "onehot:g"}, onehot=None)
    assert schema.column_kinds == {"x0": "onehot:g", "x1": "onehot:g", "x2": "continuous"}


@pytest.mark.parametrize(
    "kinds, error, match",
    [
        ({"nope": "integer"}, ValueError, "not in X"),
        ({"int": "ordinal"}, ValueError, "not a column kind"),
        ({"int": "binary"}, ValueError, "other than 0 and 1"),
        ({"text": "continuous"}, TypeError, "non-numeric"),
        ({"int": "onehot:g", "cont": "onehot:g"}, ValueError, "exactly one 1"),
        (["int"], TypeError, "must be a dict"),
    ],
)
def test_bad_overrides(kinds, error, match):
    with pytest.raises(error, match=match):
        infer_schema(mixed_frame(), kinds)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(pd.date_range("2020-01-01", periods=5)),
        pd.Series(pd.to_timedelta(np.arange(5), unit="D")),
        pd.Series(np.arange(5) + 1j),
        pd.Series(pd.arrays.SparseArray([0.0, 1.0, 0.0, 0.0, 2.0])),
        pd.Series(pd.period_range("2020-01", periods=5, freq="M")),
        pd.Series([[1], [2], [3], [4], [5]]),
        pd.Series([{"a": 1}] * 5),
    ],
    ids=["datetime", "timedelta", "complex", "sparse", "period", "lists", "dicts"],
)
def test_unsupported_pandas_dtypes_name_the_column(column):
    df = pd.DataFrame({"ok": np.arange(5.0), "when": column})
    with pytest.raises(TypeError, match=r"'when'.*(Convert|drop)"):
        infer_schema(df)


@pytest.mark.parametrize(
    "X",
    [
        np.arange(6, dtype=complex).reshape(3, 2),
        np.array(["2020-01-01"] * 4, "datetime64[D]")[:, None],
        np.array([[[1]], [[2]], [[3]]] + [None], dtype=object)[:3].reshape(3, 1),
    ],
    ids=["complex", "datetime", "lists"],
)
def test_unsupported_numpy_dtypes(X):
    with pytest.raises(TypeError, match="'x0'"):
        infer_schema(X)


def test_infinity_is_an_error():
    with pytest.raises(ValueError, match="infinite"):
        infer_schema(np.array([[1.0], [np.inf]]))


def test_constant_and_all_missing_columns():
    X = np.array([[3.7, np.nan, 5.0], [3.7, np.nan, 5.0]])
    schema = infer_schema(X)
    assert schema.kinds[0] == "continuous" and schema.scale[0] == 1.0
    assert schema.missing_rate[1] == 1.0
    Z = schema.encode(X, impute=True)
    assert np.isfinite(Z).all()


def test_margin_widens_the_continuous_range_only():
    X = np.array([[0.0, 0], [1.0, 10], [0.5, 5]])
    schema = infer_schema(X, margin=0.1)
    Z = np.array([[100.0, 100.0], [-100.0, -100.0]])  # far outside, in encoded units
    out = schema.decode(Z, np.random.default_rng(0), {"kind": "array", "dtype": np.dtype(float)})
    np.testing.assert_allclose(out[:, 0], [1.1, -0.1])
    np.testing.assert_allclose(out[:, 1], [10, 0])


def test_encode_decode_round_trip_keeps_values_and_dtypes():
    from skdistill.samplers._schema import _container_template

    df = mixed_frame()
    schema = infer_schema(df)
    back = schema.decode(schema.encode(df), np.random.default_rng(0), _container_template(df))
    pd.testing.assert_frame_equal(back, df)
    assert back["cat"].cat.categories.tolist() == ["lo", "mid", "hi", "never"]


def test_numpy_object_round_trip():
    from skdistill.samplers._schema import _container_template

    X = np.array([[1.5, "a"], [2.5, None], [3.5, "b"]], dtype=object)
    schema = infer_schema(X)
    assert schema.kinds == ["continuous", "categorical"]
    back = schema.decode(schema.encode(X), np.random.default_rng(0), _container_template(X))
    assert back.dtype == object
    assert back[:, 1].tolist() == ["a", None, "b"]
    np.testing.assert_allclose(back[:, 0].astype(float), [1.5, 2.5, 3.5])


def test_all_missing_category_column_without_categories():
    df = pd.DataFrame({"x": [1.0, 2.0], "c": pd.Series([None, None]).astype("category")})
    schema = infer_schema(df)
    assert schema.kinds[1] == "categorical" and schema.missing_rate[1] == 1.0
