"""GBM students trained with ``lightgbm.dask`` on the running Dask cluster.

Regression distillation fits squared error to the teacher's values (blended with the true
``y`` by ``alpha`` where it is known), and binary classification fits LightGBM's
``cross_entropy`` to the blended probability of the second class: both are a one-column
label, which LightGBM's distributed learner takes as it is. The chunked transfer set is sent to
the workers a chunk at a time (the client holds one chunk), and ``lightgbm.DaskLGBMRegressor``
trains on them with LightGBM's data-parallel learner. Its trees depend on how the rows are
split among the workers (histograms are built per worker and summed), so unlike every other
student, one and two workers do not give bit-identical models.

Multiclass soft labels need the custom objective of :class:`SoftGBMClassifier`, which holds the
row-aligned target matrix; ``lightgbm.dask`` calls a custom objective with each worker's local
rows in whatever order its parts sit, so a multiclass transfer set is trained in this process.
"""

import warnings

import numpy as np
from sklearn.utils import check_random_state

from .._targets import PROBA_EPS
from ._chunks import ENCODER_ROWS
from ._gbm import SoftGBMClassifier, SoftGBMRegressor
from ._loss import blended_proba, blended_values
from ._preprocess import encode


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


def _train_on_cluster(estimator, client, X, label, weight, objective, init_score=None):
    """One booster trained by ``lightgbm.DaskLGBMRegressor`` on the cluster's workers."""
    from lightgbm import DaskLGBMRegressor

    params = estimator._lightgbm_params(objective)
    params.pop("num_threads")  # lightgbm.dask gives each worker its own thread count
    params["feature_pre_filter"] = False
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

    Unlike the other students, the model is not bit-identical across numbers of workers:
    LightGBM's data-parallel learner builds histograms per worker and sums them, so the trees
    depend on how the rows are split among the workers (each worker holds its share of the
    transfer set whole, as float64, while it trains).

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


class DaskSoftGBMClassifier(SoftGBMClassifier):
    """:class:`SoftGBMClassifier` trained on the Dask cluster when the transfer set is chunked.

    On a chunked transfer set of a binary problem (``fit`` of a distiller on a Dask
    collection, or with ``store="memory"`` / ``"disk"``) the distillers call
    :meth:`fit_chunks`, which trains LightGBM's ``cross_entropy`` on the blended probability of
    the second class with ``lightgbm.DaskLGBMRegressor`` on the client's cluster, starting from
    the class prior as :class:`SoftGBMClassifier` does, instead of loading the whole transfer
    set into this process. A multiclass transfer set is loaded and trained in this process,
    with a warning: its soft-label objective cannot run on ``lightgbm.dask`` (see the module
    docstring). ``fit`` and ``fit_soft`` on in-memory data train here, as
    :class:`SoftGBMClassifier` does. Same parameters; ``backend`` must be ``"lightgbm"``.

    Unlike the other students, the model is not bit-identical across numbers of workers:
    LightGBM's data-parallel learner builds histograms per worker and sums them.

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
        """Train on a chunked transfer set with ``lightgbm.dask`` on the running cluster
        (binary problems; a multiclass one trains in this process, with a warning).

        Parameters
        ----------
        chunks : TrainingChunks
            The training rows and targets, a chunk at a time.

        Returns
        -------
        self : DaskSoftGBMClassifier
        """
        _check_backend(self)
        client = _current_client(self)
        sample = _fit_encoder(self, chunks)
        if sample.n_classes > 2:
            warnings.warn(
                f"DaskSoftGBMClassifier trains on the cluster for two classes only: the "
                f"{sample.n_classes}-class soft-label objective needs every row's targets in "
                f"one process, so the whole transfer set ({chunks.n_rows:,} rows) is loaded "
                "into memory and trained here, as SoftGBMClassifier does.",
                UserWarning,
                stacklevel=2,
            )
            rows, targets, weights = chunks.materialize()
            return self.fit_soft(rows, targets, sample_weight=weights)
        # The class prior over the whole transfer set, summed while the chunks go out.
        totals = np.zeros(2)

        def arrays_of(X, targets, weights):
            p = blended_proba(targets)[:, 1]
            w = np.ones(len(p)) if weights is None else weights
            totals[:] += (np.dot(w, p), w.sum())
            return {"X": encode(self, X), "p": p, "w": weights}

        data = _scatter(client, chunks, arrays_of)
        mean = totals[0] / totals[1]
        prior = np.clip([1.0 - mean, mean], PROBA_EPS, None)  # as SoftGBMClassifier's
        self.init_score_ = float(np.log(prior[1] / prior[0]))
        import dask.array as da

        init = da.full(data["p"].shape, self.init_score_, chunks=data["p"].chunks)
        self.booster_ = _train_on_cluster(
            self, client, data["X"], data["p"], data.get("w"), "cross_entropy", init
        )
        self.temperature_ = float(sample.temperature)
        self.classes_ = sample.class_labels
        return self


__all__ = ["DaskSoftGBMClassifier", "DaskSoftGBMRegressor"]
