"""Shared by the teacher adapter tests (tests/test_teachers_*.py); the data fixtures are in
conftest.py."""

import numpy as np
from scipy.special import softmax

ATOL = 1e-6
LGB_KW = {"n_estimators": 20, "verbose": -1, "min_child_samples": 5}


def assert_softmax_matches(logits, proba):
    proba = np.asarray(proba)
    if proba.ndim == 1:
        proba = np.column_stack([1 - proba, proba])
    np.testing.assert_allclose(softmax(logits, axis=1), proba, atol=ATOL, rtol=0)


def uniform_logits(X):
    """A callable teacher: three classes, logits that depend on the first column only."""
    return np.zeros((len(X), 3)) + X[:, :1]
