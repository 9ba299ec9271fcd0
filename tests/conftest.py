"""Fixtures shared by several test modules: small tables for the teacher adapter tests."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=300, n_features=6, n_informative=4, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, np.array(["setosa", "versicolor", "virginica"])[y]


@pytest.fixture(scope="module")
def frame():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(
        {
            "num": rng.normal(size=n),
            "count": rng.integers(0, 10, size=n),
            "color": pd.Categorical(rng.choice(["red", "green", "blue"], size=n)),
        }
    )
    df.loc[::17, "num"] = np.nan
    y = np.where((df["color"] == "red").to_numpy() ^ (df["num"].fillna(0) > 0), "yes", "no")
    return df, y
