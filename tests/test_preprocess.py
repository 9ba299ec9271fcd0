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


def test_categorical_frames_use_a_column_transformer():
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
