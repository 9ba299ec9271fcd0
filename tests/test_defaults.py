"""Students declare the distillers' defaults themselves; the distiller asks, with no type switch."""

import inspect

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LinearRegression, Ridge

from skdistill import DistilledRegressor
from skdistill._defaults import FALLBACK, default_alpha, default_sampler
from skdistill.samplers import MUNGE, GaussianNoise, Smear
from skdistill.students import (
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftTreeClassifier,
    SoftTreeRegressor,
)


@pytest.mark.parametrize(
    "student, sampler, alpha",
    [
        (SoftMLPClassifier(), Smear, 0.0),
        (SoftMLPRegressor(), Smear, 0.0),
        (SoftTreeClassifier(), MUNGE, 0.0),
        (SoftTreeRegressor(), MUNGE, 0.0),
        (SoftGBMClassifier(), type(None), 0.3),
        (SoftGBMRegressor(), type(None), 0.3),
        (SoftLogisticRegression(), type(None), 0.0),
        (Ridge(), Smear, 0.0),
    ],
)
def test_each_student_declares_its_defaults(student, sampler, alpha):
    assert type(default_sampler(student)) is sampler
    assert default_alpha(student) == alpha


def test_a_new_student_declares_its_own_defaults():
    class MyStudent(ClassifierMixin, BaseEstimator):
        def _distill_defaults(self):
            return {"sampler": "GaussianNoise", "alpha": 0.5}

    assert type(default_sampler(MyStudent())) is GaussianNoise
    assert default_alpha(MyStudent()) == 0.5
    assert FALLBACK == {"sampler": "Smear", "alpha": 0.0}


def test_defaults_have_no_type_switch():
    import skdistill._defaults as defaults

    assert "isinstance" not in inspect.getsource(defaults)


def test_linear_regression_student_regressor():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 2))
    y = X @ [1.0, 2.0]
    model = DistilledRegressor(LinearRegression().fit(X, y), student=Ridge(), random_state=0)
    assert model.fit(X, y).score(X, y) > 0.9
