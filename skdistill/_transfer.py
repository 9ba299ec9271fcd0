"""The transfer set: the real rows plus pseudo rows drawn and labeled a chunk at a time.

:class:`TransferSet` holds a labeled transfer set for any number of students;
:func:`build_transfer_set` draws and labels its pseudo rows.

Each chunk of pseudo rows is labeled by the teacher as soon as it is drawn, so the sampler's
output never waits in a list beside the finished table. For numpy input the rows go straight
into one preallocated array; a DataFrame (whose categorical and string columns cannot share one
array) is concatenated once at the end.
"""

import time

import numpy as np
from sklearn.utils import check_random_state

from ._tables import concat_rows, is_dataframe, take_rows
from ._targets import SoftTargets
from .samplers import iter_sampler_chunks


def in_container_of(chunk, X):
    """A sampler's rows in X's container: an array for an array, a DataFrame with X's columns
    and dtypes for a DataFrame (a user's sampler may return either)."""
    if not is_dataframe(X):
        return chunk.to_numpy() if is_dataframe(chunk) else chunk
    if is_dataframe(chunk):
        return chunk
    import pandas as pd

    try:
        return pd.DataFrame(chunk, columns=X.columns).astype(X.dtypes)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "The sampler returned a numpy array that cannot be cast to X's column dtypes "
            f"({exc}). Return a DataFrame with X's columns from sample, or pass X as numpy."
        ) from exc


def _check_chunk(chunk, n_done, n_pseudo, n_features):
    if chunk.ndim != 2 or chunk.shape[1] != n_features:
        raise ValueError(
            f"The sampler returned rows of shape {chunk.shape}, but X has {n_features} columns. "
            "A sampler must return rows with the columns it was fitted on."
        )
    if n_done + len(chunk) > n_pseudo:
        raise ValueError(
            f"The sampler returned more rows than the {n_pseudo:,} asked for; its "
            "sample(n_samples) must return exactly n_samples rows."
        )


def build_transfer_set(X, real_outputs, sampler, n_pseudo, *, label, chunk_rows, random_state):
    """Draw ``n_pseudo`` rows from a fitted sampler and label them, chunk by chunk.

    Parameters
    ----------
    X : ndarray or DataFrame
        The real rows.
    real_outputs : ndarray or None
        The teacher's outputs for X, or None when the real rows are not kept.
    sampler : fitted sampler
    n_pseudo : int
        Pseudo rows to draw, at least 1.
    label : callable
        ``label(rows, out=None)`` gives the teacher's outputs for ``rows``, written into
        ``out`` when given.
    chunk_rows : int
        Rows drawn per chunk.
    random_state : int

    Returns
    -------
    X_transfer : ndarray or DataFrame
        The real rows (when kept) followed by the pseudo rows.
    outputs : ndarray
        The teacher's outputs for ``X_transfer``.
    seconds : dict
        Wall time spent ``"sampling"`` and ``"labeling"`` the pseudo rows.
    """
    n_real = 0 if real_outputs is None else len(X)
    n_total = n_real + n_pseudo
    frames = [X] if n_real and is_dataframe(X) else []
    X_transfer = outputs = None
    seconds = {"sampling": 0.0, "labeling": 0.0}
    chunks = iter_sampler_chunks(sampler, n_pseudo, chunk_rows, random_state=random_state)
    start = n_real
    tic = time.perf_counter()
    for chunk in chunks:
        _check_chunk(chunk, start - n_real, n_pseudo, X.shape[1])
        chunk = in_container_of(chunk, X)
        seconds["sampling"] += time.perf_counter() - tic

        tic = time.perf_counter()
        stop = start + len(chunk)
        if outputs is None and real_outputs is not None:
            outputs = np.empty((n_total,) + real_outputs.shape[1:])
            outputs[:n_real] = real_outputs
        if outputs is None:  # no real rows: the first chunk tells the outputs' shape
            first = label(chunk)
            outputs = np.empty((n_total,) + first.shape[1:])
            outputs[start:stop] = first
        else:
            label(chunk, out=outputs[start:stop])
        seconds["labeling"] += time.perf_counter() - tic

        tic = time.perf_counter()
        if is_dataframe(X):
            frames.append(chunk)
        else:
            if X_transfer is None:
                dtype = np.result_type(np.asarray(X[:0]), chunk)
                X_transfer = np.empty((n_total, X.shape[1]), dtype=dtype)
                X_transfer[:n_real] = X[:n_real]
            X_transfer[start:stop] = chunk
        start = stop
    if start != n_total:
        raise ValueError(
            f"The sampler returned {start - n_real:,} rows in all, not the {n_pseudo:,} asked "
            "for; its sample(n_samples) must return exactly n_samples rows."
        )
    if frames:
        X_transfer = concat_rows(frames) if len(frames) > 1 else frames[0]
    seconds["sampling"] += time.perf_counter() - tic
    return X_transfer, outputs, seconds


class TransferSet:
    """The rows a teacher labeled once, to train any number of students from.

    A transfer set holds the real training rows followed by the pseudo rows a sampler drew
    around them, the teacher's outputs for all of them (logits for a classifier, values for a
    regressor), the true labels and weights of the real rows, and the held-out real rows
    (never sampled around, never trained on) with the teacher's outputs for them. It hands
    any student its targets at any temperature and label weight without calling the teacher
    again: build it once with :meth:`build` (the costly step: the teacher labels every row),
    then pass it to ``DistilledClassifier(transfer_set.teacher, ...).fit(transfer_set)`` for
    as many students, temperatures and ``alpha`` values as you like. It pickles (joblib) like
    any estimator, teacher and rows included: a chunked one copies its chunks into the pickle
    (its files on disk are temporary) and loads them back in memory. A fitted distiller keeps
    no transfer set.

    Do not construct it directly; use :meth:`build`.

    Attributes
    ----------
    task : {"classification", "regression"}
    teacher : object
        The teacher object given to :meth:`build` (a distiller fitted on the transfer set must
        be given this very object).
    teacher_adapter : TeacherAdapter
        The fitted teacher that labeled the rows.
    X : ndarray or DataFrame of shape (n_transfer, n_features)
        The ``n_real`` real rows first, then the pseudo rows, in the container X came in.
    outputs : ndarray of shape (n_transfer, n_classes) or (n_transfer,)
        The teacher's logits (classification) or values (regression) for ``X``.
    y : ndarray of shape (n_real,) or None
        The real rows' labels: class codes ``0..n_classes-1`` (into ``classes``), or floats.
    classes : ndarray of shape (n_classes,) or None
        The teacher's classes (None for regression).
    sample_weight : ndarray of shape (n_real,) or None
        The real rows' weights; pseudo rows get their mean.
    n_real : int
        Real (training) rows at the start of ``X``.
    X_holdout, y_holdout, holdout_outputs, holdout_weight
        The held-out real rows, their labels (codes, or None without ``y``), the teacher's
        outputs for them, and their weights; ``X_holdout`` is None without a hold-out.
    sampler : fitted sampler or None
        The sampler that drew the pseudo rows.
    n_features_in_ : int
    feature_names_in_ : ndarray of str or None
    fit_times : dict
        Seconds spent fitting the teacher (when it was unfitted), sampling and labeling.
    store : ChunkStore or None
        A chunked transfer set's chunks (float32 rows and outputs; ``X`` and ``outputs`` are
        then None); None when the set is held whole.
    codec : RowCodec or None
        How a chunked set's rows are stored as float32 (categorical columns as codes) and
        read back as X's columns.

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdistill import DistilledClassifier, TransferSet
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> teacher = LGBMClassifier(n_estimators=50, verbose=-1).fit(X, y)
    >>> transfer = TransferSet.build(teacher, X, y, n_samples=2.0, holdout=0.2, random_state=0)
    >>> transfer
    TransferSet(classification, 455 real + 910 pseudo rows, 114 held out)
    >>> for depth in (2, 4):  # the teacher is not called again
    ...     model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=depth),
    ...                                 random_state=0).fit(transfer)
    >>> model.payoff_["teacher"] > 0.9
    True
    """

    def __init__(self, **fields):
        for name in self._FIELDS:
            setattr(self, name, fields.pop(name, None))
        if fields:
            raise TypeError(f"unknown TransferSet fields: {sorted(fields)}")

    _FIELDS = (
        "task",
        "teacher",
        "teacher_adapter",
        "X",
        "outputs",
        "y",
        "classes",
        "sample_weight",
        "n_real",
        "X_holdout",
        "y_holdout",
        "holdout_outputs",
        "holdout_weight",
        "sampler",
        "n_features_in_",
        "feature_names_in_",
        "fit_times",
        "store",
        "codec",
    )

    @classmethod
    def build(
        cls,
        teacher,
        X,
        y=None,
        *,
        task=None,
        sample_weight=None,
        sampler="default",
        n_samples=20.0,
        holdout=0.1,
        response_method="auto",
        teacher_cv=None,
        batch_size=10_000,
        n_jobs=None,
        random_state=None,
        verbose=0,
        store="auto",
        directory=None,
    ):
        """Label a transfer set with the teacher: the one costly step of distillation.

        Parameters
        ----------
        teacher : estimator or callable
            As the distillers' ``teacher``; an unfitted one is fitted on ``(X, y)`` (a clone).
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            True labels: they score the students on the hold-out and give the hard term.
        task : {"classification", "regression"} or None, default=None
            None reads it from the teacher's scikit-learn tags.
        sample_weight : array-like of shape (n_samples,), default=None
        sampler, n_samples, response_method, teacher_cv, batch_size, n_jobs, random_state, \
verbose
            As in :class:`~skdistill.DistilledClassifier` (``sampler="default"`` is the
            sampler of the default student).
        holdout : float, default=0.1
            Fraction of the real rows held out (stratified by class when ``y`` is given):
            never sampled around, never trained on; students are scored on them.
        store, directory
            As in :class:`~skdistill.DistilledClassifier`: where the transfer set is kept
            (``"auto"``, the default: whole in memory up to 1 GiB, chunked on disk beyond).

        Returns
        -------
        transfer_set : TransferSet
        """
        from ._distill import DistilledClassifier, DistilledRegressor

        task = task if task is not None else _task_of(teacher)
        distillers = {"classification": DistilledClassifier, "regression": DistilledRegressor}
        if task not in distillers:
            raise ValueError(f"task must be 'classification' or 'regression', got {task!r}.")
        distiller = distillers[task](
            teacher,
            sampler=sampler,
            n_samples=n_samples,
            holdout=holdout,
            response_method=response_method,
            teacher_cv=teacher_cv,
            batch_size=batch_size,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            store=store,
            directory=directory,
        )
        distiller._validate_params()
        rng = check_random_state(random_state)
        return distiller._build_transfer_set(X, y, sample_weight, rng)

    def __len__(self):
        return self.store.n_rows if self.is_chunked else len(self.outputs)

    @property
    def is_chunked(self):
        """Whether the rows are kept in a chunked store (built with ``store=``)."""
        return self.store is not None

    def training_chunks(self, temperature=1.0, alpha=0.0, *, include_original=True):
        """The students' training rows and targets of a chunked transfer set, a chunk at a
        time (see :meth:`targets`); what ``fit_chunks`` of the MLP students takes."""
        from ._chunked import TrainingChunks

        if not self.is_chunked:
            raise ValueError("This transfer set is not chunked; build it with store=.")
        return TrainingChunks(self, temperature, alpha, include_original)

    def __repr__(self):
        held = 0 if self.X_holdout is None else len(self.X_holdout)
        return (
            f"TransferSet({self.task}, {self.n_real:,} real + {len(self) - self.n_real:,} "
            f"pseudo rows, {held:,} held out)"
        )

    @property
    def n_pseudo(self):
        return len(self) - self.n_real

    @property
    def has_holdout(self):
        return self.X_holdout is not None and len(self.X_holdout) > 0

    def _no_label(self):
        return -1 if self.task == "classification" else np.nan

    def targets(self, temperature=1.0, alpha=0.0, *, include_original=True):
        """The students' targets: the teacher's outputs, with the real rows' labels.

        Parameters
        ----------
        temperature : float, default=1.0
        alpha : float, default=0.0
            Weight of the true labels on the real rows (ignored without ``y``).
        include_original : bool, default=True
            Whether the real rows are part of the training rows.

        Returns
        -------
        X : ndarray or DataFrame
            The training rows.
        targets : SoftTargets
        sample_weight : ndarray or None
        """
        if self.is_chunked:
            chunks = self.training_chunks(temperature, alpha, include_original=include_original)
            return chunks.materialize()
        start = 0 if include_original else self.n_real
        hard = None
        if self.y is not None and include_original:
            pad = np.full(self.n_pseudo, self._no_label(), self.y.dtype)
            hard = np.concatenate([self.y, pad])
        weights = None
        if self.sample_weight is not None:
            pad = np.full(self.n_pseudo, self.sample_weight.mean())
            weights = np.concatenate([self.sample_weight, pad])[start:]
        alpha = alpha if hard is not None else 0.0
        outputs = self.outputs[start:]
        if self.task == "classification":
            targets = SoftTargets(
                logits=outputs, temperature=temperature, y=hard, alpha=alpha, classes=self.classes
            )
        else:
            targets = SoftTargets(values=outputs, y=hard, alpha=alpha)
        return take_rows(self.X, start, len(self)), targets, weights

    def label_targets(self):
        """The real rows with their true labels only: what a directly trained student sees.

        Returns
        -------
        X, targets, sample_weight
            As :meth:`targets`; the targets are one-hot class probabilities or the true
            values. Raises ValueError when the transfer set has no labels.
        """
        if self.y is None:
            raise ValueError("This transfer set has no labels (built without y).")
        if self.is_chunked:
            X = self.training_chunks().real_rows()
        else:
            X = take_rows(self.X, 0, self.n_real)
        if self.task == "classification":
            one_hot = np.eye(len(self.classes))[self.y]
            targets = SoftTargets(probabilities=one_hot, y=self.y, classes=self.classes)
        else:
            targets = SoftTargets(values=self.y)
        return X, targets, self.sample_weight


def _task_of(teacher):
    from sklearn.base import is_classifier, is_regressor

    try:
        if is_classifier(teacher):
            return "classification"
        if is_regressor(teacher):
            return "regression"
    except AttributeError:  # not a scikit-learn estimator: no tags to read
        pass
    raise ValueError(
        f"Cannot tell whether the teacher {type(teacher).__name__} is a classifier or a "
        "regressor; pass task='classification' or task='regression'."
    )
