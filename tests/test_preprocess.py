"""The students' input encoding."""

import numpy as np
import pytest
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdistill.students._preprocess import NumericTableEncoder, make_student_preprocessor


def test_numeric_encoder_matches_scikit_learn_imputer_and_scaler():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)) * [1, 10, 100, 0.1]
    X[rng.random(X.shape) < 0.1] = np.nan
    X[:, 3] = 2.0  # constant column: scale 1, not a division by zero
    X[5, 3] = np.nan
    reference = make_pipeline(
        SimpleImputer(strategy="mean", add_indicator=True), StandardScaler()
    ).fit(X)
    encoder = NumericTableEncoder().fit(X)
    X_new = X[rng.permutation(len(X))[:30]] * [0.9, 0.9, 0.9, 1.0]  # in range: no clipping
    X_new[::4, 1] = np.nan
    np.testing.assert_allclose(encoder.transform(X_new), reference.transform(X_new), atol=1e-12)
    assert encoder.get_feature_names_out().tolist()[-4:] == [
        "missingindicator_x0",
        "missingindicator_x1",
        "missingindicator_x2",
        "missingindicator_x3",
    ]


def test_dense_inputs_are_clipped_to_the_training_range():
    X = np.array([[0.0, np.nan], [1.0, np.nan], [2.0, np.nan]])
    encoder = NumericTableEncoder().fit(X)
    far = encoder.transform(np.array([[1000.0, 5.0], [-1000.0, np.nan]]))
    edge = encoder.transform(np.array([[2.0, 5.0], [0.0, np.nan]]))
    np.testing.assert_array_equal(far, edge)
    assert np.all(np.isfinite(far)), "a column all NaN in fit is neither clipped to NaN nor lost"


def test_trees_get_the_numbers_unchanged_with_nan():
    X = np.array([[1.0, np.nan], [2.0, 3.0]])
    encoder, n_numeric = make_student_preprocessor(X, "tree")
    np.testing.assert_array_equal(encoder.fit_transform(X), X)
    assert n_numeric == 2


def test_categorical_frames_use_the_frame_encoder():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": pd.Series(["x", "y", None], dtype="str")})
    encoder, n_numeric = make_student_preprocessor(frame, "gbm")
    out = encoder.fit_transform(frame)
    assert n_numeric == 1 and out.shape == (3, 2)
    assert np.isnan(out[2, 1]), "a missing category stays missing for LightGBM"
    dense, _ = make_student_preprocessor(frame, "dense")
    assert dense.fit_transform(frame).shape == (3, 5)  # a, indicator, x, y, missing


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind must be"):
        make_student_preprocessor(np.zeros((2, 2)), "forest")


def _students():
    from skdistill.students import (
        SoftGBMClassifier,
        SoftLogisticRegression,
        SoftMLPClassifier,
        SoftTreeClassifier,
    )

    return [
        SoftMLPClassifier(max_iter=3, random_state=0),
        SoftTreeClassifier(max_depth=3),
        SoftGBMClassifier(n_estimators=3),
        SoftLogisticRegression(),
    ]


@pytest.mark.parametrize("student", _students(), ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("dtype", ["Int64", "Float64", "boolean", "string"])
def test_pandas_nullable_columns_with_pd_na(student, dtype):
    """pd.NA in nullable columns (which LightGBM teachers accept) reaches every student as NaN."""
    import warnings

    import pandas as pd

    rng = np.random.default_rng(0)
    n = 120
    if dtype == "string":
        values = pd.array(rng.choice(["p", "q", "r"], n), dtype="string")
    elif dtype == "boolean":
        values = pd.array(rng.random(n) > 0.5, dtype="boolean")
    else:
        values = pd.array(rng.integers(0, 5, n), dtype=dtype)
    values[::6] = pd.NA
    df = pd.DataFrame({"x": rng.normal(size=n), "v": values, "c": pd.Categorical(["a", "b"] * 60)})
    y = rng.integers(0, 2, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence of the tiny fits
        proba = student.fit(df, y).predict_proba(df)
    assert proba.shape == (n, 2) and np.all(np.isfinite(proba))
    assert df["v"].dtype == dtype, "the caller's frame is not modified"


@pytest.mark.parametrize("student", _students(), ids=lambda s: type(s).__name__)
def test_all_zero_sample_weights_are_a_clear_error(student):
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match="at least one non-zero"):
        student.fit(X, y, sample_weight=np.zeros(40))


@pytest.mark.parametrize("one_hot", [True, False])
def test_frame_encoder_matches_scikit_learn_encoders(one_hot):
    """Same encoding as a ColumnTransformer of OneHotEncoder / OrdinalEncoder, missing and
    unseen categories included."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    from skdistill.students._preprocess import FrameEncoder

    rng = np.random.default_rng(0)
    n = 300
    train = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "c": pd.Categorical(rng.choice(["lo", "mid", "hi"], n)),
            "s": pd.Series(rng.choice(["b", "a", "-"], n), dtype=object).replace("-", np.nan),
            "k": pd.Series(rng.choice(["q", "r"], n), dtype="str"),
        }
    )
    test = train.iloc[:50].copy()
    test.loc[test.index[:5], "s"] = "never seen"
    test.loc[test.index[5:8], "k"] = None
    categorical = ["c", "s", "k"]
    if one_hot:
        cat = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    else:
        cat = OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan
        )
    reference = ColumnTransformer(
        [("numeric", "passthrough", ["x"]), ("categorical", cat, categorical)],
        verbose_feature_names_out=False,
    ).fit(train)
    ours = FrameEncoder(["x"], categorical, scale=False, one_hot=one_hot).fit(train)
    np.testing.assert_array_equal(ours.transform(test), reference.transform(test))
    assert list(ours.get_feature_names_out()) == list(reference.get_feature_names_out())
    only_categorical = FrameEncoder([], categorical, one_hot=one_hot).fit(train)
    assert only_categorical.transform(test).shape[0] == 50


def test_frame_encoder_with_categories_in_another_order():
    pd = pytest.importorskip("pandas")
    from skdistill.students._preprocess import FrameEncoder

    train = pd.DataFrame({"c": pd.Categorical(["a", "b", "c", "a"], categories=["a", "b", "c"])})
    test = pd.DataFrame({"c": pd.Categorical(["a", "b", "c"], categories=["c", "b", "a"])})
    assert test["c"].dtype == train["c"].dtype  # pandas: unordered, same set of categories
    for one_hot in (False, True):
        encoder = FrameEncoder([], ["c"], one_hot=one_hot).fit(train)
        as_objects = test.astype({"c": object})
        np.testing.assert_array_equal(encoder.transform(test), encoder.transform(as_objects))
