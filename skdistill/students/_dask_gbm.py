"""GBM students trained with ``lightgbm.dask`` on the running Dask cluster.

Regression distillation fits squared error to the teacher's values (blended with the true
``y`` by ``alpha`` where it is known), and binary classification fits LightGBM's
``cross_entropy`` to the blended probability of the second class: both are a one-column
label, which LightGBM's distributed learner takes as it is. The chunked transfer set is sent to
the workers a chunk at a time (the client holds one chunk), and ``lightgbm.DaskLGBMRegressor``
trains on them with LightGBM's data-parallel learner. Its trees depend on how the rows are
split among the workers (histograms are built per worker and summed) and on the workers'
ranks, which ``lightgbm.dask`` takes in the order ``Client.who_has`` gives, the iteration
order of a set of keys. So unlike every other student, the model is not bit-identical from
one fit to the next, even with the same ``random_state`` on the same cluster (on two
workers, one of two models comes out), nor across numbers of workers.

Multiclass soft labels are one column too once each row is written once per class: row ``i``
with label ``k`` and weight ``w_i * p_ik``. LightGBM's own ``multiclass`` objective summed over
a row's copies is then the soft cross-entropy of :class:`SoftGBMClassifier`'s custom objective
(gradient ``w_i (softmax(m_i) - p_i)``, the same Hessian), which ``lightgbm.dask`` cannot run
itself because it would need the row-aligned target matrix on every worker. Copies for the
classes below ``_MIN_CLASS_SHARE`` are left out (and the rest rescaled to sum to one): on
covtype's transfer set 2.0 copies a row went to the workers, not 7.
"""

import warnings

import numpy as np
from sklearn.utils import check_random_state

from .._targets import PROBA_EPS
from ._chunks import ENCODER_ROWS, check_chunks
from ._gbm import SoftGBMClassifier, SoftGBMRegressor
from ._loss import blended_proba, blended_values
from ._preprocess import encode

# Soft targets below this share are left out of the multiclass copies (see the module docstring).
# On 40,000 covtype rows and a 300-tree teacher, 1e-3 kept 1.42 copies a row (all 7 kept: 7);
# thresholds from 0 to 0.01 moved test accuracy against the in-process custom objective by
# -0.008 to +0.001 (the objective itself moved 0.003 between two refitted teachers; copying
# every class, -0.008 became -0.0004 with LightGBM's bins built from all rows).
_MIN_CLASS_SHARE = 1e-3


def _current_client(estimator):
    name = type(estimator).__name__
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError):
        raise ValueError(
            f"{name} trains with lightgbm.dask on a Dask cluster, and no distributed.Client "
            f"is running. Start one (distributed.Client(...)) before fit, or use "
            f"{name.removeprefix('Dask')}, which trains in this process."
        ) from None


def _check_backend(estimator):
    estimator._validate_params()
    if estimator.backend != "lightgbm":
        name = type(estimator).__name__
        raise ValueError(
            f"{name} trains with lightgbm.dask; backend={estimator.backend!r} is not "
            f"supported. Use backend='lightgbm', or {name.removeprefix('Dask')} for XGBoost."
        )


def _scatter(client, chunks, arrays_of):
    """Dask arrays of the encoded chunks, each chunk sent to one worker in turn (the client
    holds one chunk at a time). ``arrays_of(X, targets, weights)`` gives a chunk's arrays by
    name (None for an absent one); the result maps each present name to its Dask array."""
    import dask
    import dask.array as da

    parts = {}
    workers = sorted(client.scheduler_info()["workers"])
    for k in range(len(chunks)):
        for name, array in arrays_of(*chunks.chunk(k)).items():
            if array is not None:
                future = client.scatter(array, workers=[workers[k % len(workers)]])
                parts.setdefault(name, []).append(
                    da.from_delayed(dask.delayed(future), array.shape, dtype=array.dtype)
                )
    return {name: da.concatenate(arrays) for name, arrays in parts.items()}


def _train_on_cluster(
    estimator, client, X, label, weight, objective, init_score=None, num_class=1, **overrides
):
    """One booster trained by ``lightgbm.DaskLGBMRegressor`` on the cluster's workers; the
    ``overrides`` replace LightGBM parameters of ``estimator._lightgbm_params``."""
    from lightgbm import DaskLGBMRegressor

    params = estimator._lightgbm_params(objective, num_class)
    params.pop("num_threads")  # lightgbm.dask gives each worker its own thread count
    params["feature_pre_filter"] = False
    params.update(overrides)
    model = DaskLGBMRegressor(client=client, n_estimators=estimator.n_estimators, **params)
    with warnings.catch_warnings():
        # lightgbm.dask always replaces n_jobs by each worker's threads, and says so.
        warnings.filterwarnings("ignore", "Parameter n_jobs will be ignored")
        model.fit(
            X,
            label,
            sample_weight=weight,
            init_score=init_score,
            categorical_feature=estimator._categorical or "auto",
        )
    return model.booster_


def _fit_encoder(estimator, chunks):
    """Fit the input encoder on rows sampled across the chunks, as the MLP's is; returns the
    sample's targets."""
    X, targets, weights = chunks.sample(ENCODER_ROWS, check_random_state(estimator.random_state))
    estimator._encode(X, targets.n_samples, weights)
    return targets


class DaskSoftGBMRegressor(SoftGBMRegressor):
    """:class:`SoftGBMRegressor` trained on the Dask cluster when the transfer set is chunked.

    On a chunked transfer set (``fit`` of a distiller on a Dask collection, or with
    ``store="memory"`` / ``"disk"``) the distillers call :meth:`fit_chunks`, which trains
    with ``lightgbm.DaskLGBMRegressor`` on the client's cluster instead of loading the whole
    transfer set into this process. ``fit`` and ``fit_soft`` on in-memory data train here,
    as :class:`SoftGBMRegressor` does. Same parameters; ``backend`` must be ``"lightgbm"``.

    Unlike the other students, the model is not bit-identical from one fit to the next, even
    with the same ``random_state``: LightGBM's data-parallel learner builds histograms per
    worker and sums them, so the trees depend on how the rows are split among the workers and
    on the workers' ranks, which ``lightgbm.dask`` assigns in an order that changes from fit to
    fit (each worker holds its share of the transfer set whole, as float64, while it trains).

    Examples
    --------
    In memory it trains in this process, as :class:`SoftGBMRegressor`:

    >>> from sklearn.datasets import make_regression
    >>> from skdistill.students import DaskSoftGBMRegressor
    >>> X, y = make_regression(n_samples=300, n_features=4, noise=1.0, random_state=0)
    >>> student = DaskSoftGBMRegressor(n_estimators=50, random_state=0).fit(X, y)
    >>> bool(student.score(X, y) > 0.9)
    True

    Given to a distiller fitted on Dask collections, it trains on the cluster (a running
    ``distributed.Client``; ``docs/scaling.md``)::

        client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
        model = DistilledRegressor(teacher, student=DaskSoftGBMRegressor(), random_state=0)
        model.fit(X_dask, y_dask)
    """

    def fit_chunks(self, chunks):
        """Train on a chunked transfer set with ``lightgbm.dask`` on the running cluster.

        Parameters
        ----------
        chunks : TrainingChunks
            The training rows and targets, a chunk at a time.

        Returns
        -------
        self : DaskSoftGBMRegressor
        """
        check_chunks(self, chunks)
        _check_backend(self)
        client = _current_client(self)
        _fit_encoder(self, chunks)

        def arrays_of(X, targets, weights):
            V = blended_values(targets)
            return {"X": encode(self, X), "V": V.reshape(len(V), -1), "w": weights}

        data = _scatter(client, chunks, arrays_of)
        self._n_outputs = data["V"].shape[1]
        self.boosters_ = [
            _train_on_cluster(self, client, data["X"], data["V"][:, j], data.get("w"), "regression")
            for j in range(self._n_outputs)
        ]
        return self


def _class_copies(Q, weights):
    """Each row once per class whose share of it reaches ``_MIN_CLASS_SHARE`` (its top class
    always): the rows' indices, the classes as labels, and as weights the shares rescaled to
    sum to one per row, times the row's weight."""
    kept = Q >= _MIN_CLASS_SHARE
    kept[np.arange(len(Q)), np.argmax(Q, axis=1)] = True
    shares = np.where(kept, Q, 0.0)
    shares /= shares.sum(axis=1, keepdims=True)
    rows, classes = np.nonzero(kept)
    weight = shares[rows, classes]
    if weights is not None:
        weight *= weights[rows]
    return rows, classes.astype(np.float64), weight


class DaskSoftGBMClassifier(SoftGBMClassifier):
    """:class:`SoftGBMClassifier` trained on the Dask cluster when the transfer set is chunked.

    On a chunked transfer set (``fit`` of a distiller on a Dask collection, or with
    ``store="memory"`` / ``"disk"``) the distillers call :meth:`fit_chunks`, which trains
    with ``lightgbm.DaskLGBMRegressor`` on the client's cluster instead of loading the whole
    transfer set into this process, starting from the class prior as
    :class:`SoftGBMClassifier` does. Two classes: LightGBM's ``cross_entropy`` on the blended
    probability of the second class. More: LightGBM's ``multiclass`` objective on each row
    written once per class it has a share of at least 0.001, weighted by that share, which is
    the same soft cross-entropy (see the module docstring; ``min_child_samples`` is scaled by
    the copies per row). ``fit`` and ``fit_soft`` on in-memory data train here, as
    :class:`SoftGBMClassifier` does. Same parameters; ``backend`` must be ``"lightgbm"``.

    Unlike the other students, the model is not bit-identical from one fit to the next, even
    with the same ``random_state``: LightGBM's data-parallel learner builds histograms per
    worker and sums them in the order of the workers' ranks, which ``lightgbm.dask`` assigns
    in an order that changes from fit to fit (see the module docstring).

    Examples
    --------
    In memory it trains in this process, as :class:`SoftGBMClassifier`:

    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdistill.students import DaskSoftGBMClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> student = DaskSoftGBMClassifier(n_estimators=30, random_state=0).fit(X, y)
    >>> bool(student.score(X, y) > 0.95)
    True

    Given to a distiller fitted on Dask collections, it trains on the cluster (a running
    ``distributed.Client``; ``docs/scaling.md``)::

        client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
        model = DistilledClassifier(teacher, student=DaskSoftGBMClassifier(), random_state=0)
        model.fit(X_dask, y_dask)
    """

    def fit_chunks(self, chunks):
        """Train on a chunked transfer set with ``lightgbm.dask`` on the running cluster.

        Parameters
        ----------
        chunks : TrainingChunks
            The training rows and targets, a chunk at a time.

        Returns
        -------
        self : DaskSoftGBMClassifier
        """
        import dask.array as da

        check_chunks(self, chunks)
        _check_backend(self)
        client = _current_client(self)
        sample = _fit_encoder(self, chunks)
        n_classes = sample.n_classes
        totals = np.zeros(n_classes + 1)  # the class prior's sums, taken as the chunks go out

        def arrays_of(X, targets, weights):
            Q = blended_proba(targets)
            w = np.ones(len(Q)) if weights is None else weights
            totals[:] += (*np.dot(w, Q), w.sum())
            if n_classes == 2:
                return {"X": encode(self, X), "label": Q[:, 1], "w": weights}
            rows, label, weight = _class_copies(Q, weights)
            return {"X": encode(self, X)[rows], "label": label, "w": weight}

        data = _scatter(client, chunks, arrays_of)
        label = data["label"]
        prior = np.clip(totals[:-1] / totals[-1], PROBA_EPS, None)  # as SoftGBMClassifier's
        if n_classes == 2:
            self.init_score_ = float(np.log(prior[1] / prior[0]))
            init = da.full(label.shape, self.init_score_, chunks=label.chunks)
            objective, extra = "cross_entropy", {}
        else:
            self.init_score_ = np.log(prior) - np.log(prior).mean()
            init = da.ones((len(label), n_classes), chunks=(label.chunks[0], n_classes))
            init = init * self.init_score_
            copies_per_row = len(label) / chunks.n_rows
            objective = "multiclass"
            extra = {
                "num_class": n_classes,
                "min_data_in_leaf": max(1, round(self.min_child_samples * copies_per_row)),
            }
        self.booster_ = _train_on_cluster(
            self, client, data["X"], label, data.get("w"), objective, init, **extra
        )
        self.temperature_ = float(sample.temperature)
        self.classes_ = sample.class_labels
        return self


__all__ = ["DaskSoftGBMClassifier", "DaskSoftGBMRegressor"]
