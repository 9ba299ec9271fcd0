"""Activations of the MLP students and their derivatives, as lookup tables.

Kept apart from the training loop (like scikit-learn's ``neural_network/_base.py``) so each
piece can be tested on its own.
"""

import numpy as np


def relu(X):
    """ReLU in place."""
    return np.maximum(X, 0, out=X)


def tanh(X):
    """Hyperbolic tangent in place."""
    return np.tanh(X, out=X)


def relu_derivative(A, delta):
    """Multiply ``delta`` in place by the ReLU derivative, given the activation output ``A``."""
    return np.multiply(delta, A > 0, out=delta)


def tanh_derivative(A, delta):
    """Multiply ``delta`` in place by the tanh derivative, given the activation output ``A``."""
    delta *= 1 - A * A
    return delta


ACTIVATIONS = {"relu": relu, "tanh": tanh}
DERIVATIVES = {"relu": relu_derivative, "tanh": tanh_derivative}
