"""A GBM regressor student trained with ``lightgbm.dask`` on the running Dask cluster.

Regression distillation fits squared error to the teacher's values (blended with the true
``y`` by ``alpha`` where it is known): a one-column label, which LightGBM's distributed
learner takes as it is. The chunked transfer set is sent to the workers a chunk at a time
(the client holds one chunk), and ``lightgbm.DaskLGBMRegressor`` trains on them with
LightGBM's data-parallel learner. Its trees depend on how the rows are split among the
workers (histograms are built per worker and summed), so unlike every other student, one
and two workers do not give bit-identical models.
"""

import warnings

from sklearn.utils import check_random_state

from ._chunks import ENCODER_ROWS
from ._gbm import SoftGBMRegressor
from ._loss import blended_values
from ._preprocess import encode


def _current_client():
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError):
        raise ValueError(
            "DaskSoftGBMRegressor trains with lightgbm.dask on a Dask cluster, and no "
            "distributed.Client is running. Start one (distributed.Client(...)) before fit, "
            "or use SoftGBMRegressor, which trains in this process."
        ) from None


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
        self._validate_params()
        if self.backend != "lightgbm":
            raise ValueError(
                f"DaskSoftGBMRegressor trains with lightgbm.dask; backend={self.backend!r} is "
                "not supported. Use backend='lightgbm', or SoftGBMRegressor for XGBoost."
            )
        client = _current_client()
        import dask
        import dask.array as da
        from lightgbm import DaskLGBMRegressor

        # The input encoder is fitted on rows sampled across the chunks, as the MLP's is.
        X, targets, weights = chunks.sample(ENCODER_ROWS, check_random_state(self.random_state))
        self._encode(X, targets.n_samples, weights)
        parts = {"X": [], "V": [], "w": []}
        workers = sorted(client.scheduler_info()["workers"])
        for k in range(len(chunks)):
            X, targets, weights = chunks.chunk(k)
            V = blended_values(targets)
            arrays = {"X": encode(self, X), "V": V.reshape(len(V), -1), "w": weights}
            for name, array in arrays.items():
                if array is not None:  # sent now (chunks in turn to each worker): the client
                    # holds one chunk at a time
                    future = client.scatter(array, workers=[workers[k % len(workers)]])
                    parts[name].append(
                        da.from_delayed(dask.delayed(future), array.shape, dtype=array.dtype)
                    )
        Xd = da.concatenate(parts["X"])
        Vd = da.concatenate(parts["V"])
        weight = da.concatenate(parts["w"]) if parts["w"] else None
        params = self._lightgbm_params("regression")
        params.pop("num_threads")  # lightgbm.dask gives each worker its own thread count
        params["feature_pre_filter"] = False
        self._n_outputs = Vd.shape[1]
        self.boosters_ = []
        for j in range(self._n_outputs):
            model = DaskLGBMRegressor(client=client, n_estimators=self.n_estimators, **params)
            with warnings.catch_warnings():
                # lightgbm.dask always replaces n_jobs by each worker's threads, and says so.
                warnings.filterwarnings("ignore", "Parameter n_jobs will be ignored")
                model.fit(
                    Xd,
                    Vd[:, j],
                    sample_weight=weight,
                    categorical_feature=self._categorical or "auto",
                )
            self.boosters_.append(model.booster_)
        return self


__all__ = ["DaskSoftGBMRegressor"]
