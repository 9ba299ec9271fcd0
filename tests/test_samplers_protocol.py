"""Tests of check_sampler and iter_sampler_chunks (any object with fit and sample)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity

from skdistill.samplers import MUNGE, check_sampler, iter_sampler_chunks

X = np.random.default_rng(0).normal(size=(80, 3))


def test_check_sampler_accepts_samplers_and_none():
    for sampler in (MUNGE(), GaussianMixture(), KernelDensity(), None):
        assert check_sampler(sampler) is sampler


@pytest.mark.parametrize("bad", ["munge", object(), np.zeros(3)], ids=repr)
def test_check_sampler_rejects_objects_without_fit_and_sample(bad):
    with pytest.raises(TypeError, match=r"fit\(X\) and sample\(n_samples\).*lacks"):
        check_sampler(bad)


def test_check_sampler_says_to_instantiate_a_class():
    with pytest.raises(TypeError, match=r"instance.*MUNGE\(\)"):
        check_sampler(MUNGE)


def test_our_samplers_use_iter_samples():
    sampler = MUNGE().fit(X)
    chunks = list(iter_sampler_chunks(sampler, 25, 10, random_state=0))
    direct = list(sampler.iter_samples(25, chunk_size=10, random_state=0))
    assert [len(c) for c in chunks] == [10, 10, 5]
    for a, b in zip(chunks, direct, strict=True):
        np.testing.assert_array_equal(a, b)


def test_gaussian_mixture_chunks_differ_and_are_reproducible():
    gm = GaussianMixture(n_components=2, random_state=0).fit(X)
    chunks = list(iter_sampler_chunks(gm, 25, 10, random_state=0))
    assert [c.shape for c in chunks] == [(10, 3), (10, 3), (5, 3)]
    # GaussianMixture.sample(n) takes no seed and would repeat itself with an int
    # random_state; each chunk must be new.
    assert not np.allclose(chunks[0], chunks[1])
    again = list(iter_sampler_chunks(gm, 25, 10, random_state=0))
    for a, b in zip(chunks, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert gm.random_state == 0  # the fitted sampler itself is untouched


def test_kernel_density_gets_the_seed_argument():
    kd = KernelDensity(bandwidth=0.5).fit(X)
    first = np.vstack(list(iter_sampler_chunks(kd, 30, 12, random_state=1)))
    second = np.vstack(list(iter_sampler_chunks(kd, 30, 12, random_state=1)))
    assert first.shape == (30, 3)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first[:12], first[12:24])


def test_numpy_output_of_a_sampler_fitted_on_a_frame_becomes_a_frame():
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    gm = clone(GaussianMixture(n_components=2, random_state=0)).fit(df)
    chunk = next(iter_sampler_chunks(gm, 5, 5, random_state=0))
    assert isinstance(chunk, pd.DataFrame) and list(chunk.columns) == ["a", "b", "c"]


class PlainSampler:
    """A user's sampler: fit and sample(n) only, one column returned as 1-D."""

    def fit(self, X):
        self.values_ = np.asarray(X)[:, 0]
        return self

    def sample(self, n):
        return np.resize(self.values_, n)


def test_plain_user_sampler_and_1d_output():
    chunks = list(iter_sampler_chunks(PlainSampler().fit(X), 7, 4))
    assert [c.shape for c in chunks] == [(4, 1), (3, 1)]


@pytest.mark.parametrize("n, chunk", [(0, 5), (-1, 5), (5, 0), (2.5, 5)])
def test_bad_sizes(n, chunk):
    with pytest.raises(ValueError, match="positive integer"):
        iter_sampler_chunks(MUNGE().fit(X), n, chunk)


def test_none_has_nothing_to_draw():
    with pytest.raises(TypeError, match="None"):
        iter_sampler_chunks(None, 5, 5)
