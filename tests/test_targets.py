"""SoftTargets, the protocol between distillers and students: validation and temperature."""

import numpy as np
import pytest

from skdistill import SoftTargets


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"logits": np.zeros(4)}, "2-D array with one column per class"),
        ({"probabilities": np.ones((4, 1))}, "at least 2 classes"),
        ({"logits": np.zeros((4, 2)), "y": np.zeros(5, int)}, "one label per row"),
        ({"logits": np.zeros((4, 2)), "y": np.zeros((4, 1), int)}, "one label per row"),
        ({"logits": np.zeros((4, 2)), "y": np.array([0.5, 0, 1, 1])}, "integer class codes"),
        ({"logits": np.zeros((4, 2)), "y": np.array([0, 2, 1, 1])}, "integer class codes"),
        ({"values": np.zeros((4, 2, 2))}, "1-D or 2-D"),
        ({"values": np.zeros(4), "y": np.zeros(3)}, "one label per row"),
        ({"logits": np.zeros((4, 2)), "values": np.zeros(4)}, "exactly one"),
        ({"logits": np.zeros((4, 2)), "temperature": -1.0}, "temperature"),
        ({"logits": np.zeros((4, 2)), "alpha": 1.5}, "alpha"),
    ],
)
def test_malformed_targets_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SoftTargets(**kwargs)


def test_zero_probabilities_stay_zero_at_any_temperature():
    P = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.8, 0.2, 0.0]])
    for T in (0.5, 1.0, 4.0, 10.0):
        Q = SoftTargets(probabilities=P, temperature=T).proba()
        assert np.all(Q[P == 0] == 0) and np.allclose(Q.sum(axis=1), 1.0)
    # p ** (1/T), renormalised
    np.testing.assert_allclose(
        SoftTargets(probabilities=P, temperature=2.0).proba()[2], [2 / 3, 1 / 3, 0.0]
    )
    assert np.all(np.isfinite(SoftTargets(probabilities=P).centered_logits()))


def test_temperature_of_logits_matches_probabilities():
    logits = np.random.default_rng(0).normal(size=(5, 3))
    P = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    for T in (0.5, 3.0):
        np.testing.assert_allclose(
            SoftTargets(logits=logits, temperature=T).proba(),
            SoftTargets(probabilities=P, temperature=T).proba(),
        )
