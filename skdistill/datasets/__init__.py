"""Small real data sets bundled with skdistill, so examples and the demo run offline."""

import gzip
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_magic_gamma"]


def load_magic_gamma(*, return_X_y=False):
    """Load the MAGIC Gamma Telescope data set (binary classification, 19,020 x 10).

    Bock, R. K. (2004). MAGIC Gamma Telescope. UCI Machine Learning Repository, CC BY 4.0.
    See ``skdistill/datasets/README.md`` for provenance.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.

    Returns
    -------
    data : Bunch with ``data`` (float64 array), ``target`` (str array of "g" / "h"),
        ``feature_names``; or ``(X, y)``.

    Examples
    --------
    >>> from skdistill.datasets import load_magic_gamma
    >>> X, y = load_magic_gamma(return_X_y=True)
    >>> X.shape, sorted(set(y.tolist()))
    ((19020, 10), ['g', 'h'])
    """
    path = resources.files(__package__) / "magic_gamma.csv.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        rows = np.loadtxt(f, delimiter=",", dtype=str)
    X = rows[:, :-1].astype(np.float64)
    y = rows[:, -1]
    if return_X_y:
        return X, y
    return Bunch(data=X, target=y, feature_names=np.array(header[:-1]), target_names=["g", "h"])
