"""Single-tree students: one shallow regression tree fit to the teacher's soft targets.

Fitting one tree to the teacher's probabilities (or logits) instead of the hard labels gives a
"born-again" tree (Breiman & Shang, 1996; Frosst & Hinton, 2017): readable, and usually far more
faithful to the teacher than the same tree grown on labels. This module also holds the small
helper that explains the ordinal codes of categorical features.
"""

import copy
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.tree import DecisionTreeRegressor
from sklearn.tree import export_text as sk_export_text
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import (
    check_is_fitted,
)

from ._base import SoftClassifierMixin, SoftRegressorMixin
from ._loss import blended_logits, blended_proba, blended_values, sharpen, softmax_rows
from ._preprocess import check_input, check_weights, encode, fit_preprocessor


def category_legend(preprocessor, n_numeric):
    """Lines ``name: 0=a, 1=b`` explaining the ordinal codes of categorical features."""
    if n_numeric is None or not hasattr(preprocessor, "categories_"):
        return []
    names = preprocessor.get_feature_names_out()[n_numeric:]
    return [
        f"{name}: " + ", ".join(f"{code}={cat}" for code, cat in enumerate(cats))
        for name, cats in zip(names, preprocessor.categories_, strict=True)
    ]


# --------------------------------------------------------------------------------------------


class _BaseSoftTree(BaseEstimator):
    _parameter_constraints: dict = {
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "random_state": ["random_state"],
    }

    def _fit_tree(self, X, Y, n_rows, sample_weight):
        Xt, self._n_numeric = fit_preprocessor(self, X, "tree", n_rows)
        sample_weight = check_weights(sample_weight, Xt)
        self.tree_estimator_ = DecisionTreeRegressor(
            max_depth=self.max_depth,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            random_state=check_random_state(self.random_state),
        ).fit(Xt, Y, sample_weight=sample_weight)
        return self

    def _leaf_values(self, X):
        """The tree's leaf values for checked input, shape (n_samples, n_outputs).

        Straight from the fitted ``tree_`` (in float32, as scikit-learn's ``predict`` does),
        without a second validation of the encoded matrix."""
        Xt = np.ascontiguousarray(encode(self, X), dtype=np.float32)
        values = self.tree_estimator_.tree_.predict(Xt)
        return values.reshape(len(Xt), -1)

    def _export(self, tree, decimals, header):
        check_is_fitted(self)
        names = list(self.preprocessor_.get_feature_names_out())
        text = sk_export_text(tree, feature_names=names, decimals=decimals)
        legend = category_legend(self.preprocessor_, self._n_numeric)
        if legend:
            text += "categories:\n" + "".join(f"  {line}\n" for line in legend)
        return header + text

    def _distill_defaults(self):
        """The distillers' ``sampler="default"`` and ``alpha="default"`` for this student,
        measured best for the tree students (see ``skdistill/_defaults.py``)."""
        return {"sampler": "MUNGE", "alpha": 0.0}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class SoftTreeClassifier(SoftClassifierMixin, _BaseSoftTree):
    """A single decision tree trained on a teacher's soft targets ("born-again" tree).

    One :class:`~sklearn.tree.DecisionTreeRegressor` is fit as multi-output regression to the
    teacher's class probabilities at temperature ``T`` (blended with the one-hot labels by
    ``alpha`` on labelled rows), or to its centered logits. A leaf thus stores a probability
    vector, and the tree reads like any decision tree (:meth:`export_text`).

    Takes the same raw table as the teacher: DataFrame category/string columns are encoded as
    ordinal codes and missing values are routed by the tree itself.

    Parameters
    ----------
    max_depth : int or None, default=8
        Maximum depth of the tree.
    max_leaf_nodes : int or None, default=None
        Grow the tree best-first with at most this many leaves.
    min_samples_leaf : int or float, default=1
        Minimum number (or fraction) of rows in a leaf.
    target : {"proba", "logits"}, default="proba"
        What the leaves store. ``"proba"``: probabilities at the targets' temperature ``T``,
        brought back to ``T = 1`` at prediction as ``p**T`` renormalised (exact for a leaf that
        holds a single teacher output). ``"logits"``: centered logits (logit matching, Ba &
        Caruana 2014, which has no temperature); ``predict_proba`` is their softmax.
    random_state : int, RandomState instance or None, default=None
        Breaks ties between equally good splits; an int gives identical trees.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    tree_estimator_ : DecisionTreeRegressor
        The fitted multi-output tree, on the encoded features.
    preprocessor_ : FrameEncoder or NumericTableEncoder
        Encodes the raw features (ordinal categories, NaN kept).
    temperature_ : float
        Temperature the leaf probabilities were learned at.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.

    See Also
    --------
    SoftTreeRegressor : The same for regression teachers.
    SoftGBMClassifier : A few boosted trees instead of one.

    References
    ----------
    L. Breiman and N. Shang, "Born again trees", 1996.
    N. Frosst and G. Hinton, "Distilling a neural network into a soft decision tree", 2017.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = SoftTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    >>> tree.predict_proba(X[:2]).round(2)
    array([[1., 0., 0.],
           [1., 0., 0.]])
    >>> print(tree.export_text().splitlines()[1])
    |--- x3 <= 0.800
    """

    _parameter_constraints: dict = {
        **_BaseSoftTree._parameter_constraints,
        "target": [StrOptions({"proba", "logits"})],
    }

    def __init__(
        self,
        max_depth=8,
        *,
        max_leaf_nodes=None,
        min_samples_leaf=1,
        target="proba",
        random_state=None,
    ):
        self.max_depth = max_depth
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.target = target
        self.random_state = random_state

    def _fit_soft(self, X, targets, sample_weight):
        if self.target == "proba":
            Y, self.temperature_ = blended_proba(targets), float(targets.temperature)
        else:
            Y, self.temperature_ = blended_logits(targets), 1.0
        self._fit_tree(X, Y, targets.n_samples, sample_weight)
        self.classes_ = targets.class_labels
        return self

    def _proba_from_leaves(self, V):
        if self.target == "logits":
            return softmax_rows(V)
        return sharpen(V, self.temperature_)

    def predict_proba(self, X):
        """Class probabilities at temperature 1.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._predict_proba_checked(check_input(self, X))

    def _predict_proba_checked(self, X):
        return self._proba_from_leaves(self._leaf_values(X))

    def export_text(self, decimals=3):
        """The tree as text, with the class probabilities (at ``T = 1``) in the leaves.

        Feature names are those after encoding; categorical features are split on their
        ordinal codes, explained in a legend at the end.

        Parameters
        ----------
        decimals : int, default=3

        Returns
        -------
        str
        """
        check_is_fitted(self)
        tree = copy.deepcopy(self.tree_estimator_)
        # Rewrite the leaf values in place so sklearn's exporter prints probabilities.
        values = tree.tree_.value
        n_nodes, n_outputs = values.shape[:2]
        values[:, :, 0] = self._proba_from_leaves(values[:, :, 0].reshape(n_nodes, n_outputs))
        header = f"# value = probabilities of classes {self.classes_.tolist()}\n"
        return self._export(tree, decimals, header)


class SoftTreeRegressor(SoftRegressorMixin, _BaseSoftTree):
    """A single decision tree trained on a regression teacher's outputs.

    The targets are the teacher's values, blended with the true ``y`` by ``alpha`` where it
    is known. Like :class:`SoftTreeClassifier`, it takes raw tables with categories and NaN.

    Parameters
    ----------
    max_depth : int or None, default=8
    max_leaf_nodes : int or None, default=None
    min_samples_leaf : int or float, default=1
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    tree_estimator_ : DecisionTreeRegressor
    preprocessor_ : FrameEncoder or NumericTableEncoder
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    SoftTreeClassifier

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.students import SoftTreeRegressor
    >>> X = np.arange(20.0).reshape(-1, 1)
    >>> tree = SoftTreeRegressor(max_depth=2).fit(X, X.ravel() ** 2)
    >>> tree.predict([[3.0]]).round(1)
    array([17.5])
    """

    def __init__(self, max_depth=8, *, max_leaf_nodes=None, min_samples_leaf=1, random_state=None):
        self.max_depth = max_depth
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _fit_soft(self, X, targets, sample_weight):
        return self._fit_tree(X, blended_values(targets), targets.n_samples, sample_weight)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._predict_checked(check_input(self, X))

    def _predict_checked(self, X):
        values = self._leaf_values(X)
        return values.ravel() if self.tree_estimator_.n_outputs_ == 1 else values

    def export_text(self, decimals=3):
        """The tree as text, with the predicted value in each leaf.

        Parameters
        ----------
        decimals : int, default=3

        Returns
        -------
        str
        """
        check_is_fitted(self)
        return self._export(self.tree_estimator_, decimals, "")


__all__ = ["SoftTreeClassifier", "SoftTreeRegressor"]
