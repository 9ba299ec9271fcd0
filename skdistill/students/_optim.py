"""Stochastic optimizers of the MLP students: plain classes, not estimators.

Like scikit-learn's ``neural_network/_stochastic_optimizers.py``, but the optimizer works on a
single flat parameter vector (every weight matrix of the network is a view into it), so one update
is a handful of vectorised numpy calls whatever the number of layers. As there, the step schedule
lives in the optimizer: the training loop only tells it when the loss stopped improving.
"""

import numpy as np


class AdamOptimizer:
    """Adam (Kingma & Ba, 2015) on a flat parameter vector, updated in place.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.
    dtype : numpy dtype
        Dtype of the parameters (float32 in training).
    learning_rate_init : float, default=1e-3
        Step size.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates.
    epsilon : float, default=1e-8
        Added to the root of the second moment for numerical stability.
    schedule : {"constant", "adaptive"}, default="constant"
        What :meth:`lower_step` does when the loss stops improving: "adaptive" divides the step
        by 5, at most twice; "constant" keeps it, and training stops.

    Attributes
    ----------
    learning_rate : float
        Current step size (a schedule may lower it).
    t : int
        Number of updates done.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        schedule="constant",
    ):
        self.learning_rate_init = learning_rate_init
        self.schedule = schedule
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._buffer = np.empty(n_params, dtype=dtype)

    def update_params(self, params, grads):
        """Take one Adam step: ``params -= lr_t * m / (sqrt(v) + eps)``, in place."""
        self.t += 1
        m, v, buf = self.m, self.v, self._buffer
        m *= self.beta_1
        m += (1 - self.beta_1) * grads
        np.multiply(grads, grads, out=buf)
        buf *= 1 - self.beta_2
        v *= self.beta_2
        v += buf
        step = self.learning_rate * np.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        np.sqrt(v, out=buf)
        buf += self.epsilon
        np.divide(m, buf, out=buf)
        buf *= step
        params -= buf

    def lower_step(self):
        """Called when the loss stopped improving. With ``schedule="adaptive"``, divide the
        step by 5 (at most twice) and return True; False when training should stop."""
        if self.schedule != "adaptive" or self.learning_rate < self.learning_rate_init / 20:
            return False
        self.learning_rate /= 5
        return True

    def __getstate__(self):
        # The scratch buffer is overwritten before every read: a third of the state, not stored.
        state = dict(self.__dict__)
        state["_buffer"] = len(state["_buffer"])
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._buffer = np.empty(state["_buffer"], dtype=self.m.dtype)
