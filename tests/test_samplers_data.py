"""Distribution checks on real data: MUNGE keeps marginals and correlations of covtype."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from skdistill.samplers import MUNGE, MarginalSampler, Mixup, Smear

DATA = Path(__file__).parents[2] / "shared" / "datasets"


def load(name, n, seed=0):
    path = DATA / f"{name}.csv.gz"
    if not path.exists():
        pytest.skip(f"{name} is not in ../shared/datasets")
    df = pd.read_csv(path).drop(columns="target")
    return df.sample(n, random_state=seed).reset_index(drop=True)


@pytest.fixture(scope="module")
def covtype():
    return load("covtype", 5_000)


@pytest.fixture(scope="module")
def munge_rows(covtype):
    return MUNGE(p=0.5, s=2.0).fit(covtype).sample(20_000, random_state=0)


def test_munge_marginals_close_by_ks(covtype, munge_rows):
    numeric = covtype.columns[:10]
    stats = {c: ks_2samp(covtype[c], munge_rows[c]).statistic for c in numeric}
    assert max(stats.values()) < 0.05, stats
    # Nominal frequencies (one-hot groups) too.
    for prefix in ("Wilderness_Area", "Soil_Type"):
        cols = [c for c in covtype.columns if c.startswith(prefix)]
        gap = np.abs(covtype[cols].mean() - munge_rows[cols].mean()).max()
        assert gap < 0.02, (prefix, gap)
        assert (munge_rows[cols].sum(axis=1) == 1).all()


def correlation_error(real, fake):
    cols = real.columns[:10]
    return np.abs(real[cols].corr().to_numpy() - fake[cols].corr().to_numpy()).mean()


def test_munge_keeps_correlations_much_better_than_marginals(covtype, munge_rows):
    marginal = MarginalSampler().fit(covtype).sample(20_000, random_state=0)
    err_munge = correlation_error(covtype, munge_rows)
    err_marginal = correlation_error(covtype, marginal)
    assert err_munge < 0.03
    assert err_munge < err_marginal / 4, (err_munge, err_marginal)


@pytest.mark.parametrize("sampler", [Smear(), Mixup()], ids=repr)
def test_other_row_samplers_keep_correlations_better_than_marginals(covtype, sampler):
    fake = sampler.fit(covtype).sample(10_000, random_state=0)
    marginal = MarginalSampler().fit(covtype).sample(10_000, random_state=0)
    assert correlation_error(covtype, fake) < correlation_error(covtype, marginal) / 2


def test_adult_strings_and_missing_rates():
    adult = load("adult", 3_000)
    sampler = MUNGE().fit(adult)
    out = sampler.sample(6_000, random_state=0)
    assert list(out.dtypes) == list(adult.dtypes)
    for col in ("workclass", "occupation", "native-country"):
        assert abs(out[col].isna().mean() - adult[col].isna().mean()) < 0.01
        assert set(out[col].dropna()) <= set(adult[col].dropna())
    assert sampler.schema_.column_kinds["sex"] == "categorical"
