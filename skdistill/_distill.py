"""The distillers: scikit-learn meta-estimators that train a small student from a teacher."""

import os
import time
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, column_or_1d

from ._checks import (
    DRY_RUN_ROWS,
    available_memory,
    cheap_clone,
    check_columns_match_teacher,
    check_memory,
    dry_run_rows,
    dry_run_student,
    standin_outputs,
    warn_if_alpha_unused,
    whole_set_bytes,
)
from ._chunked import build_chunks, compact_bytes, plan_store
from ._codec import RowCodec
from ._dask import build_dask_transfer_set, is_dask_collection
from ._defaults import default_alpha, default_sampler
from ._holdout import check_holdout, distillation_lost, payoff, split_holdout, warn_no_payoff
from ._labeling import label_rows, labeling_jobs
from ._progress import Progress, log
from ._random import draw_seed
from ._sizing import (
    candidates_table,
    choose,
    default_ladder,
    describe,
    drop_training_state,
    fit_candidate,
    skipped_record,
    stop_climbing,
    teacher_size,
)
from ._store import STORES, resolve_store
from ._tables import CHUNK_ROWS, rows_at
from ._targets import SoftTargets
from ._transfer import TransferSet, build_transfer_set
from ._validation import (
    check_finite,
    check_fitted,
    check_table,
    has_fitted_columns,
    is_dataframe,
    is_missing,
    numeric_columns,
    numeric_values,
    predict_lending_row,
    remember_columns,
)
from .samplers import check_sampler
from .students import as_student
from .teachers import as_teacher
from .teachers._base import RESPONSE_METHODS
from .teachers._resolve import is_fitted_teacher

_NAN_HINT = (
    "The teacher does not accept missing values; impute them first (for example with "
    "sklearn.impute.SimpleImputer in a Pipeline before the distiller), or use a teacher that "
    "handles them, such as LightGBM."
)
# Rows with NaN given to a teacher whose tags refuse NaN, to see whether it takes them.
_NAN_PROBE_ROWS = 32
# Held-out fraction of the real rows when the student is sized (holdout="auto").
_SIZING_HOLDOUT = 0.1
_BUDGET_KEYS = {"max_bytes", "max_latency_us"}
_EMPTY_TRANSFER_SET = (
    "The transfer set is empty: include_original=False and no pseudo rows (the default "
    "sampler of a GBM or linear student draws none). Set include_original=True, or a sampler "
    "with n_samples > 0."
)


@contextmanager
def _unchanged_on_failure(estimator):
    """A fit that raises, or is interrupted (KeyboardInterrupt), leaves ``estimator`` as it
    was: still unfitted after a failed first fit, the previous model after a failed refit."""
    state = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(state)
        raise


def _with_random_state(estimator, seed):
    """Seed an estimator whose ``random_state`` the user left as None, for reproducible fits."""
    params = estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    if "random_state" in params and params["random_state"] is None:
        estimator.set_params(random_state=seed)
    return estimator


class _BaseDistiller(MetaEstimatorMixin, BaseEstimator):
    """Shared fit path of :class:`DistilledClassifier` and :class:`DistilledRegressor`."""

    _task = None  # "classification" or "regression", set by the subclasses

    _parameter_constraints = {
        "teacher": "no_validation",  # as_teacher says what a usable teacher is
        "student": [HasMethods(["fit"]), list, None],
        "sampler": [HasMethods(["fit", "sample"]), StrOptions({"default"}), None],
        "n_samples": [
            Interval(Integral, 0, None, closed="left"),
            Interval(Real, 0, None, closed="left"),
        ],
        "alpha": [Interval(Real, 0, 1, closed="both"), StrOptions({"default"})],
        "include_original": ["boolean"],
        "holdout": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
        "tolerance": [Interval(Real, 0, None, closed="left")],
        "budget": [dict, None],
        "response_method": [StrOptions(set(RESPONSE_METHODS))],
        "teacher_cv": ["cv_object", None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        # joblib's convention: -1 all cores, -2 all but one; 0 has no meaning.
        "n_jobs": [
            Interval(Integral, None, -1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "store": [StrOptions(set(STORES)), None],
        "directory": [str, os.PathLike, None],
    }

    def __init__(
        self,
        teacher,
        *,
        student=None,
        sampler="default",
        n_samples=20.0,
        alpha="default",
        include_original=True,
        holdout="auto",
        tolerance=0.005,
        budget=None,
        response_method="auto",
        teacher_cv=None,
        batch_size=10_000,
        n_jobs=None,
        random_state=None,
        verbose=0,
        store="auto",
        directory=None,
    ):
        self.teacher = teacher
        self.student = student
        self.sampler = sampler
        self.n_samples = n_samples
        self.alpha = alpha
        self.include_original = include_original
        self.holdout = holdout
        self.tolerance = tolerance
        self.budget = budget
        self.response_method = response_method
        self.teacher_cv = teacher_cv
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.store = store
        self.directory = directory

    def __sklearn_clone__(self):
        # scikit-learn's clone would hand back an unfitted copy of a fitted teacher, and
        # GridSearchCV would then refit it (or fail). A fitted teacher is never modified (fit
        # only reads it, and set_params refuses teacher__* for it), so sharing it is safe. An
        # unfitted teacher is cloned as usual, so that teacher__* parameters set on the clone
        # (GridSearchCV does that) never reach the user's object.
        params = self.get_params(deep=False)
        teacher = params.pop("teacher")
        if not is_fitted_teacher(teacher):
            teacher = clone(teacher, safe=False)
        return type(self)(teacher, **{k: clone(v, safe=False) for k, v in params.items()})

    def set_params(self, **params):
        """Set the parameters of this estimator (see scikit-learn's ``set_params``).

        ``teacher__<param>`` reaches the teacher only when it is unfitted (``fit`` then trains
        a clone of it on ``(X, y)``, so GridSearchCV can search its parameters). A fitted
        teacher is used as it is and never refit, so its parameters cannot change anything:
        setting them raises a ValueError rather than silently mutating the fitted model.
        """
        nested = sorted(k for k in params if k.startswith("teacher__"))
        teacher = params.get("teacher", self.teacher)
        if nested and is_fitted_teacher(teacher):
            raise ValueError(
                f"Cannot set {', '.join(nested)}: the teacher {type(teacher).__name__} is "
                "fitted, and a fitted teacher is used as it is and never refit, so its "
                "parameters cannot change the distillation (and the fitted model would be "
                "mutated). To search the teacher's parameters, pass an unfitted teacher: fit "
                "trains a clone of it on (X, y)."
            )
        return super().set_params(**params)

    # ----------------------------------------------------------------------------------------
    # fit

    def _log(self, message):
        log(self.verbose, message)

    def _labeling_kwargs(self, adapter, n_rows):
        """How label_rows runs: chunks, jobs, and one progress count for all ``n_rows``."""
        n_jobs = labeling_jobs(adapter, self.n_jobs)
        if n_jobs != self.n_jobs:
            self._log(
                f"labeling with n_jobs=1: the teacher {type(adapter.estimator).__name__} "
                "already predicts on several threads"
            )
        return {
            "batch_size": self.batch_size,
            "n_jobs": n_jobs,
            "progress": Progress("labeling", n_rows, verbose=self.verbose),
        }

    def _verbose_student(self, student):
        """The student, printing its own progress (epochs) when the distiller is verbose."""
        params = student.get_params(deep=False) if hasattr(student, "get_params") else {}
        if self.verbose and "verbose" in params and not params["verbose"]:
            student.set_params(verbose=self.verbose)
        return student

    def _candidates(self):
        """The students to train: the default ladder, the user's list, or the one student."""
        if self.student is None:
            return default_ladder(self._task)
        if isinstance(self.student, list):
            return self.student
        return [self.student]

    def _check_sizing_params(self):
        if isinstance(self.student, list):
            if not self.student:
                raise ValueError("student=[] holds no candidates; give at least one estimator.")
            for candidate in self.student:
                if not hasattr(candidate, "fit"):
                    raise ValueError(
                        f"Every candidate in student=[...] must be an estimator with fit; got "
                        f"{type(candidate).__name__}."
                    )
        if self.budget is not None and not set(self.budget) <= _BUDGET_KEYS:
            raise ValueError(
                f"budget keys must be among {sorted(_BUDGET_KEYS)}; got {sorted(self.budget)}."
            )
        if self._holdout_fraction() == 0 and len(self._candidates()) > 1:
            raise ValueError(
                "Choosing among several students needs held-out rows, but holdout=0. Set "
                "holdout (e.g. 0.1), or pass a single student to train just that one."
            )

    def _holdout_fraction(self):
        """``holdout``, or for "auto": a tenth of the rows when sizing, none otherwise."""
        if self.holdout != "auto":
            return float(self.holdout)
        return _SIZING_HOLDOUT if len(self._candidates()) > 1 else 0.0

    def _temperature(self):
        """The softening temperature of the soft targets (only classification has one)."""
        return 1.0

    def _encode_y(self, y, adapter):
        """Check y against the teacher; return what the student's hard term needs."""
        raise NotImplementedError

    def _check_X(self, X, adapter, *, reset):
        """X checked once (cheaply at predict time): container, features, NaN and infinity."""
        return self._check_X_values(X, adapter, reset=reset)[0]

    def _check_X_values(self, X, adapter, *, reset):
        """``_check_X``, and the numeric values it read for the NaN and infinity check."""
        if reset or (is_dataframe(X) and not has_fitted_columns(self, X)):
            check_columns_match_teacher(X, adapter)
        X = check_table(self, X, reset=reset, keep_dtype=reset)
        if reset:
            # Where the numeric columns are, so predict reads only those for the NaN check.
            self._numeric_columns = numeric_columns(X) if is_dataframe(X) else None
        values = numeric_values(X, self._numeric_columns)
        if reset and adapter.is_fitted and not adapter.allow_nan and values.dtype.kind == "f":
            # The tags may refuse NaN where the teacher takes it: ask the teacher itself.
            missing = np.flatnonzero(np.isnan(values).any(axis=1))[:_NAN_PROBE_ROWS]
            if len(missing):
                adapter.accepts_missing_rows(rows_at(X, missing))
        check_finite(values, allow_nan=adapter.allow_nan, nan_hint=_NAN_HINT)
        if reset and adapter.n_features_in_ is not None and X.shape[1] != adapter.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but the teacher was fitted on "
                f"{adapter.n_features_in_}. Give the distiller the same columns as the teacher."
            )
        return X, values

    def _check_student_takes_nan(self, X):
        """Fail before the costly labeling when X has NaN that a student's tags refuse."""
        if self.student is None:  # the default students impute
            return
        for student in self._candidates():
            self._check_takes_nan(student, X)

    def _check_takes_nan(self, student, X):
        from sklearn.compose import ColumnTransformer
        from sklearn.pipeline import Pipeline

        name = type(student).__name__
        # A Pipeline's tags do not say whether it takes NaN; its first step does.
        while isinstance(student, Pipeline):
            student = next((s for _, s in student.steps if s not in (None, "passthrough")), None)
        if (
            student is None
            or not hasattr(student, "__sklearn_tags__")  # a plain object speaks at fit
            or isinstance(student, ColumnTransformer)  # its transformers decide
            or get_tags(student).input_tags.allow_nan
            or not np.isnan(numeric_values(X)).any()
        ):
            return
        raise ValueError(
            f"X contains NaN, which the teacher accepts but the student "
            f"{name} does not. Use a student of skdistill.students (they "
            "impute and add missing indicators), or make the student a Pipeline that starts "
            "with sklearn.impute.SimpleImputer(add_indicator=True)."
        )

    def _fit_teacher(self, adapter, X, y, sample_weight):
        if adapter.is_fitted:
            return adapter
        if y is None:
            raise ValueError(
                "The teacher is not fitted, so fit needs y to fit it. Pass y, or give an "
                "already-fitted teacher (distillation from a fitted teacher needs no labels)."
            )
        fresh = as_teacher(
            clone(self.teacher), task=self._task, response_method=self.response_method
        )
        self._log(f"fitting the unfitted teacher {type(self.teacher).__name__} on {len(X):,} rows")
        tic = time.perf_counter()
        fresh.fit(X, y, sample_weight=sample_weight)
        self._log(f"teacher fit done in {time.perf_counter() - tic:.1f}s")
        return fresh

    def _real_row_outputs(self, adapter, X, y, sample_weight, fitted_here, kwargs):
        """Teacher outputs for the real rows: in-sample, or out-of-fold when teacher_cv is set."""
        if self.teacher_cv is None:
            return label_rows(adapter, X, **kwargs)
        if not fitted_here:
            raise ValueError(
                "teacher_cv applies only to an unfitted teacher, which fit trains on (X, y); "
                "this teacher is already fitted. Set teacher_cv=None."
            )
        cv = check_cv(self.teacher_cv, y, classifier=self._task == "classification")
        outputs = None
        for train, test in cv.split(X, y):
            fold = as_teacher(
                clone(self.teacher), task=self._task, response_method=self.response_method
            )
            weights = None if sample_weight is None else sample_weight[train]
            fold.fit(rows_at(X, train), y[train], sample_weight=weights)
            fold_outputs = label_rows(fold, rows_at(X, test), **kwargs)
            if outputs is None:
                outputs = np.empty((len(X),) + fold_outputs.shape[1:])
            outputs[test] = fold_outputs
        return outputs

    def _sampler(self):
        """The sampler to use: ``sampler``, or the default measured for the students (the
        MLP's when the candidates' defaults differ)."""
        if not isinstance(self.sampler, str):
            return check_sampler(self.sampler)
        defaults = [default_sampler(c) for c in self._candidates()]
        if len({type(d) for d in defaults}) == 1:
            return defaults[0]
        return default_sampler(None)

    def _alpha(self, student):
        """The hard-label weight: ``alpha``, or the default measured for ``student``."""
        return default_alpha(student) if isinstance(self.alpha, str) else self.alpha

    def _fitted_sampler(self, sampler, X, rng):
        # safe=False: a user's sampler may be a plain object with only fit and sample.
        return _with_random_state(clone(sampler, safe=False), draw_seed(rng)).fit(X)

    def _unfitted_sampler(self, fitted):
        """The sampler to keep in ``sampler_``: a fitted sampler holds the training rows, so
        the distiller keeps its parameters only (its unfitted clone, seed included), or the
        sampler as given when it has no parameters to clone."""
        if fitted is None:
            return None
        return clone(fitted) if hasattr(fitted, "get_params") else self._sampler()

    def _n_pseudo(self, sampler, n_rows):
        if sampler is None:
            return 0
        if isinstance(self.n_samples, Integral):
            return int(self.n_samples)
        return int(round(self.n_samples * n_rows))

    def _fit(self, X, y, sample_weight):
        rng = check_random_state(self.random_state)
        self._check_sizing_params()
        if isinstance(X, TransferSet):
            transfer = self._check_transfer_set(X, y, sample_weight)
        else:
            transfer = self._build_transfer_set(X, y, sample_weight, rng)
        tic = time.perf_counter()
        # The students' seed does not depend on how the transfer set was made, so fit(X, y)
        # and fit(TransferSet.build(...)) with the same random_state give the same students.
        self._train_students(transfer, draw_seed(check_random_state(self.random_state)))
        training_time = time.perf_counter() - tic
        self._log(f"training done in {training_time:.1f}s")

        self.teacher_ = transfer.teacher_adapter.estimator
        self.teacher_adapter_ = transfer.teacher_adapter
        self.sampler_ = self._unfitted_sampler(transfer.sampler)
        self.n_transfer_samples_ = len(transfer) - (0 if self.include_original else transfer.n_real)
        self.fit_times_ = {**transfer.fit_times, "training": training_time}
        if transfer is X:  # a prebuilt transfer set: this fit labeled nothing
            self.fit_times_.update(teacher_fit=0.0, sampling=0.0, labeling=0.0)
        self._log(
            "done: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.fit_times_.items() if v > 0)
        )
        return self

    def _checked_inputs(self, X, y, sample_weight):
        """X, y and sample_weight checked against the teacher, before any costly work."""
        adapter = as_teacher(self.teacher, task=self._task, response_method=self.response_method)
        X = self._check_X(X, adapter, reset=True)
        if y is not None:
            shape = np.asarray(y).shape  # (np.shape would call __array_function__)
            _check_one_column(self, shape)
            y = column_or_1d(y, warn=True)
            if self._task == "classification":
                _check_no_missing_labels(y)
            if len(y) != len(X):
                raise ValueError(f"X has {len(X)} rows but y has {len(y)}; they must match.")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        self._check_student_takes_nan(X)
        return adapter, X, y, sample_weight

    def _split_holdout(self, X, y, sample_weight, rng):
        """(kept, held-out) parts of (X, y, sample_weight); held-out is None without one."""
        fraction = self._holdout_fraction()
        if fraction == 0:
            return (X, y, sample_weight), None
        check_holdout(fraction, len(X), y, self._task)
        kept, held = split_holdout(len(X), y, fraction, self._task, draw_seed(rng))

        def part(idx):
            rows = rows_at(X, idx)
            return (
                rows.reset_index(drop=True) if is_dataframe(rows) else rows,
                None if y is None else y[idx],
                None if sample_weight is None else sample_weight[idx],
            )

        return part(kept), part(held)

    def _build_transfer_set(self, X, y, sample_weight, rng):
        """Check the inputs, fit the teacher if needed, and label a :class:`TransferSet`
        (chunked, in a :class:`~skdistill._store.ChunkStore`, when ``store`` says so)."""
        if is_dask_collection(X):
            return build_dask_transfer_set(
                self, X, y, sample_weight, rng, store=self.store, directory=self.directory
            )
        adapter, X, y, sample_weight = self._checked_inputs(X, y, sample_weight)
        sampler, store = self._plan_transfer_set(X, y, sample_weight, adapter)
        (X, y, sample_weight), held = self._split_holdout(X, y, sample_weight, rng)
        n_pseudo = self._n_pseudo(sampler, len(X))
        if n_pseudo == 0 and not self.include_original:
            raise ValueError(_EMPTY_TRANSFER_SET)
        tic = time.perf_counter()
        fitted_here = not adapter.is_fitted
        adapter = self._fit_teacher(adapter, X, y, sample_weight)
        teacher_fit_time = time.perf_counter() - tic if fitted_here else 0.0
        y_codes = self._encode_y(y, adapter)
        if store is not None:  # room on disk is checked before any labeling
            n_outputs = len(self.classes_) if self._task == "classification" else 1
            store = plan_store(store, len(X) + n_pseudo, X.shape[1], n_outputs, self.directory)
        n_held = 0 if held is None else len(held[0])
        kwargs = self._labeling_kwargs(adapter, len(X) + n_held + n_pseudo)
        tic = time.perf_counter()
        self._log(f"labeling the {len(X):,} real rows with the teacher")
        outputs = self._real_row_outputs(adapter, X, y, sample_weight, fitted_here, kwargs)
        holdout = self._holdout_fields(adapter, held, kwargs)
        times = {"teacher_fit": teacher_fit_time, "labeling": time.perf_counter() - tic}
        if store is not None:
            self._check_outputs(outputs)
            fields = self._fill_store(
                store, adapter, X, outputs, sampler, n_pseudo, rng, times, kwargs
            )
            kwargs["progress"].close()
            order = fields["order"]
            return TransferSet(
                store=store,
                codec=fields["codec"],
                y=None if y_codes is None else y_codes[order],
                sample_weight=None if sample_weight is None else sample_weight[order],
                sampler=fields["sampler"],
                **self._transfer_set_fields(adapter, len(X), times, holdout),
            )
        X_transfer, outputs, fitted_sampler = self._label_pseudo_rows(
            adapter, X, outputs, sampler, n_pseudo, rng, times, kwargs
        )
        kwargs["progress"].close()
        self._check_outputs(outputs)
        return TransferSet(
            X=X_transfer,
            outputs=outputs,
            y=y_codes,
            sample_weight=sample_weight,
            sampler=fitted_sampler,
            **self._transfer_set_fields(adapter, len(X), times, holdout),
        )

    def _transfer_set_fields(self, adapter, n_real, times, holdout):
        """The fields every TransferSet this distiller builds shares, stored or in memory."""
        return {
            "task": self._task,
            "teacher": self.teacher,
            "teacher_adapter": adapter,
            "classes": getattr(self, "classes_", None),
            "n_real": n_real,
            "n_features_in_": self.n_features_in_,
            "feature_names_in_": getattr(self, "feature_names_in_", None),
            "fit_times": times,
            **holdout,
        }

    def _label_pseudo_rows(self, adapter, X, outputs, sampler, n_pseudo, rng, times, kwargs):
        """(rows, outputs, fitted sampler) of the in-memory transfer set: the real rows and
        ``n_pseudo`` pseudo rows drawn and labeled chunk by chunk (``times`` is updated)."""
        times["sampling"] = 0.0
        if n_pseudo == 0:
            return X, outputs, None
        tic = time.perf_counter()
        fitted_sampler = self._fitted_sampler(sampler, X, rng)
        times["sampling"] = time.perf_counter() - tic
        self._log(f"sampling and labeling {n_pseudo:,} pseudo rows around {len(X):,} rows")
        X_transfer, outputs, seconds = build_transfer_set(
            X,
            outputs,
            fitted_sampler,
            n_pseudo,
            label=lambda rows, out=None: label_rows(adapter, rows, out=out, **kwargs),
            # Drawn in chunks of a fixed size, not batch_size (which only sets the labeling
            # chunks): the same random_state gives the same rows.
            chunk_rows=CHUNK_ROWS,
            random_state=draw_seed(rng),
        )
        times["sampling"] += seconds["sampling"]
        times["labeling"] += seconds["labeling"]
        return X_transfer, outputs, fitted_sampler

    def _plan_transfer_set(self, X, y, sample_weight, adapter):
        """The sampler and the kind of store (None: the whole set in memory; "memory" or
        "disk": chunked), after every check that can be made on all the real rows before the
        teacher labels anything: the alpha in use, the transfer set's memory, and the
        students' acceptance of the input."""
        warn_if_alpha_unused(
            self.alpha, has_y=y is not None, include_original=self.include_original
        )
        sampler = self._sampler()
        classes = self._classes_before_labeling(adapter, y)
        n_outputs = 1 if classes is None else len(classes)
        n_pseudo = self._n_pseudo(sampler, len(X))  # at most this many, after the hold-out
        available = available_memory()
        n_bytes = whole_set_bytes(X, len(X) + n_pseudo, n_outputs)
        store = resolve_store(self.store, n_bytes, available=available)
        if store != "disk":  # on disk, the disk's room is checked instead
            # A chunked store in memory holds float32 rows and outputs.
            compact = compact_bytes(1, X.shape[1], n_outputs) if store == "memory" else None
            check_memory(
                X,
                n_real=len(X),
                n_pseudo=n_pseudo,
                n_outputs=n_outputs,
                available=available,
                per_row=compact,
            )
        if self._task == "classification" and (classes is None or len(classes) < 2):
            return sampler, store  # fit raises its own error about the classes soon
        self._dry_run_candidates(X, y, sample_weight, classes)
        return sampler, store

    def _dry_run_candidates(self, X, y, sample_weight, classes):
        """A single student that refuses the input raises now; in a ladder, a candidate that
        does is left to be reported in ``candidates_``, unless every candidate does."""
        if self.student is None:  # the default ladder's students all take what the first takes
            return self._dry_run(self._candidates()[0], X, y, sample_weight, classes)
        if not isinstance(self.student, list):
            return self._dry_run(self.student, X, y, sample_weight, classes)
        errors = []
        for candidate in self.student:
            try:
                return self._dry_run(candidate, X, y, sample_weight, classes)
            except Exception as exc:  # noqa: BLE001 - reported below when all fail
                errors.append(f"{describe(candidate)}: {type(exc).__name__}: {exc}")
        raise ValueError(
            "Every candidate student failed to train, in a trial fit on a few rows before "
            "labeling: " + "; ".join(errors)
        )

    def _classes_before_labeling(self, adapter, y):
        """The classes the teacher's outputs will have (None for regression or unknown)."""
        return None

    def _dry_run(self, student, X, y, sample_weight, classes):
        """Fit a cheap clone of ``student`` on a few rows with stand-in targets, so that a
        student refusing the input fails now rather than after labeling."""
        n_rows = max(DRY_RUN_ROWS, 4 * (1 if classes is None else len(classes)))
        rows = dry_run_rows(X, sample_weight, n_rows)
        outputs = standin_outputs(n_rows, classes)
        hard = None
        if y is not None and self.include_original:
            hard = np.arange(n_rows) % len(classes) if classes is not None else outputs[::-1]
        alpha = self._alpha(student) if hard is not None else 0.0
        if classes is None:
            targets = SoftTargets(values=outputs, y=hard, alpha=alpha)
        else:
            targets = SoftTargets(
                logits=outputs,
                temperature=self._temperature(),
                y=hard,
                alpha=alpha,
                classes=classes,
            )
        dry_run_student(
            as_student(cheap_clone(student), task=self._task),
            rows_at(X, rows),
            targets,
            None if sample_weight is None else sample_weight[rows],
        )

    def _fill_store(self, store, adapter, X, outputs, sampler, n_pseudo, rng, times, kwargs):
        """Store the labeled real rows and draw and label the pseudo rows into ``store``,
        a chunk at a time; returns the real rows' stored ``order`` and the fitted sampler."""
        fitted_sampler = None
        times["sampling"] = 0.0
        if n_pseudo > 0:
            tic = time.perf_counter()
            fitted_sampler = self._fitted_sampler(sampler, X, rng)
            times["sampling"] = time.perf_counter() - tic
            self._log(f"sampling and labeling {n_pseudo:,} pseudo rows into a chunked store")
        codec = RowCodec(X)
        order, seconds = build_chunks(
            store,
            X,
            outputs,
            fitted_sampler,
            n_pseudo,
            codec=codec,
            label=lambda rows: label_rows(adapter, rows, **kwargs),
            chunk_rows=CHUNK_ROWS,
            random_state=draw_seed(rng),
        )
        times["sampling"] += seconds["sampling"]
        times["labeling"] += seconds["labeling"]
        return {"order": order, "sampler": fitted_sampler, "codec": codec}

    def _holdout_fields(self, adapter, held, kwargs):
        """The TransferSet's hold-out fields: rows, label codes, teacher outputs, weights."""
        if held is None:
            return {}
        X_held, y_held, w_held = held
        self._log(f"labeling the {len(X_held):,} held-out rows with the teacher")
        return {
            "X_holdout": X_held,
            "y_holdout": None if y_held is None else self._codes_of(y_held),
            "holdout_outputs": label_rows(adapter, X_held, **kwargs),
            "holdout_weight": w_held,
        }

    def _check_transfer_set(self, transfer, y, sample_weight):
        """A prebuilt transfer set must come from this distiller's teacher and task."""
        if y is not None or sample_weight is not None:
            raise ValueError(
                "fit(transfer_set) takes the labels and weights from the transfer set; do not "
                "pass y or sample_weight with it."
            )
        if transfer.task != self._task:
            raise ValueError(
                f"The transfer set is for {transfer.task}, but {type(self).__name__} does "
                f"{self._task}. Build it with task={self._task!r}."
            )
        if transfer.teacher is not self.teacher:
            raise ValueError(
                "The transfer set was labeled by a different teacher object than this "
                "distiller's. Give the distiller the transfer set's own teacher: "
                f"{type(self).__name__}(transfer_set.teacher, ...).fit(transfer_set)."
            )
        if transfer.n_pseudo == 0 and not self.include_original:
            raise ValueError(_EMPTY_TRANSFER_SET)
        warn_if_alpha_unused(
            self.alpha, has_y=transfer.y is not None, include_original=self.include_original,
            depth=1,
        )  # fmt: skip
        self.n_features_in_ = transfer.n_features_in_
        if transfer.feature_names_in_ is not None:
            self.feature_names_in_ = transfer.feature_names_in_
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        remember_columns(self)
        self._numeric_columns = numeric_columns(transfer.X) if is_dataframe(transfer.X) else None
        if transfer.classes is not None:
            self.classes_ = transfer.classes
        return transfer

    def _training_data(self, transfer, candidate):
        """``(X, targets, sample_weight)`` for a candidate; for a chunked transfer set, its
        :class:`~skdistill._chunked.TrainingChunks` in place of X (and None, None)."""
        args = (self._temperature(), self._alpha(candidate))
        if transfer.is_chunked:
            chunks = transfer.training_chunks(*args, include_original=self.include_original)
            return chunks, None, None
        return transfer.targets(*args, include_original=self.include_original)

    def _train_students(self, transfer, seed):
        """Train every candidate on the transfer set, choose one, and measure the payoff."""
        names = [describe(c) for c in self._candidates()]
        candidates = [
            self._verbose_student(_with_random_state(clone(c), seed)) for c in self._candidates()
        ]
        sizing = len(candidates) > 1
        if sizing and not transfer.has_holdout:
            raise ValueError(
                "Choosing among several students needs held-out rows: build the transfer set "
                "with holdout > 0, or pass a single student."
            )
        fitted, records = [], []
        for name, candidate in zip(names, candidates, strict=True):
            if self.student is None and stop_climbing(records, self.tolerance, name):
                fitted.append(None)
                records.append(skipped_record(name))
                continue
            self._log(f"training the student {type(candidate).__name__} on {len(transfer):,} rows")
            X_t, targets, weights = self._training_data(transfer, candidate)
            student, record = fit_candidate(
                candidate, X_t, targets, weights, transfer, name=name, catch=sizing
            )
            fitted.append(student)
            records.append(record)
        table = candidates_table(records)
        teacher_bytes = teacher_size(transfer.teacher_adapter.estimator) if sizing else None
        best = choose(
            table, tolerance=self.tolerance, budget=self.budget, teacher_bytes=teacher_bytes
        )
        student, payoff_ = self._payoff(transfer, candidates[best], fitted[best])
        # Set together, once everything has worked.
        self.candidates_, self.best_index_ = table, best
        self.student_, self.payoff_ = student, payoff_

    def _payoff(self, transfer, chosen, distilled):
        """(student to ship, payoff dict or None): the same student trained on the labels
        alone is scored against the distilled one, and shipped instead when it does better."""
        if not (transfer.has_holdout and transfer.y_holdout is not None):
            return distilled, None
        self._log(f"training {type(chosen).__name__} directly on the labels, for payoff_")
        X_d, targets, weights = transfer.label_targets()
        direct = as_student(clone(chosen), task=self._task)
        direct.fit_soft(X_d, targets, sample_weight=weights)
        drop_training_state(direct)
        result = payoff(transfer, distilled, direct)
        result["shipped"] = "distilled"
        if not distillation_lost(result):
            return distilled, result
        result["shipped"] = "direct"  # never ship a student worse than direct training
        warn_no_payoff(result, type(chosen).__name__)
        return direct, result

    def _student_predicts(self, name, X):
        """The student's ``name`` of X, checked once by the distiller: skdistill's students
        skip their own check (``_<name>_checked``, which reads a one-row DataFrame's numeric
        cells from the distiller's check); others validate as usual."""
        check_fitted(self, "student_")
        X, values = self._check_X_values(X, self.teacher_adapter_, reset=False)
        method = getattr(self.student_, f"_{name}_checked", None)
        if method is None:
            return getattr(self.student_, name)(X)
        return predict_lending_row(method, X, self._numeric_columns, values)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The students impute missing values, so NaN is fine when the teacher takes it.
        # get_tags runs on every predict: use the fitted adapter rather than a new one.
        adapter = getattr(self, "teacher_adapter_", None)
        try:
            if adapter is None:  # before fit, which warns about the teacher once, not here
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    auto = as_teacher(self.teacher, task=self._task, response_method="auto")
                    tags.input_tags.allow_nan = auto.allow_nan
            else:
                tags.input_tags.allow_nan = adapter.allow_nan
        except (TypeError, ValueError):
            tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags


def _check_one_column(distiller, shape):
    """y's ``shape`` must be one column of labels or values."""
    if len(shape) == 2 and shape[1] > 1:
        raise ValueError(
            f"y has {shape[1]} columns; {type(distiller).__name__} takes one column "
            "of labels or values. A teacher with several outputs is distilled whole by "
            "fit(X) without y: its outputs are the targets (payoff_ and alpha, which "
            "need y, are then off)."
        )


def _check_no_missing_labels(y):
    """Class labels (1-D) must all be present."""
    y = np.asarray(y)
    if y.dtype.kind in "fO":
        missing = np.isnan(y) if y.dtype.kind == "f" else np.fromiter(map(is_missing, y), bool)
        if missing.any():
            raise ValueError(
                f"y has {int(missing.sum())} missing labels (None or NaN), at rows "
                f"{np.flatnonzero(missing)[:5].tolist()}...; every row of a classification "
                "needs its label. Drop those rows, or fit without y (the teacher's outputs "
                "are then the only targets)."
            )


def _check_known_labels(y, classes):
    unknown = np.setdiff1d(np.unique(y), classes)
    if len(unknown):
        raise ValueError(
            f"y contains labels the teacher does not know: {unknown[:5].tolist()}; the "
            f"teacher's classes are {np.asarray(classes)[:10].tolist()}. Pass the labels "
            "the teacher was trained on (the same encoding), or refit the teacher."
        )


class DistilledClassifier(ClassifierMixin, _BaseDistiller):
    """Distil a fitted classifier of any framework into a small, fast student.

    The teacher is used as it is and never refit. ``fit`` holds out a fraction of ``X``
    (``holdout``), draws pseudo rows around the rest with ``sampler`` (by default the one
    measured best for the student), labels the real and pseudo rows with the teacher's logits
    once (a :class:`TransferSet`), and trains the students on the softened targets at
    ``temperature`` (Hinton et al., 2015), with an optional hard-label term of weight
    ``alpha`` on the real rows. By default it sizes the student to the teacher: a ladder of
    trees and MLPs is trained, each scored on the held-out rows, and the smallest within
    ``tolerance`` of the best is kept (``candidates_``, ``payoff_``). ``predict``,
    ``predict_proba`` and ``score`` use the chosen student alone.

    Parameters
    ----------
    teacher : estimator or callable
        The model to distil: a fitted scikit-learn classifier or Pipeline, a LightGBM or
        XGBoost model or Booster, any object with ``predict_proba`` / ``decision_function`` /
        ``predict``, a :class:`~skdistill.teachers.CallableTeacher`, or a
        ``sklearn.frozen.FrozenEstimator``. An unfitted estimator is fitted on ``(X, y)``
        inside ``fit`` (on a clone; the object you pass is never modified), and its
        ``teacher__*`` parameters can be searched; a fitted teacher's cannot be set (it is
        never refit). A DataFrame must have the columns the teacher was fitted with, in its
        order.
    student : estimator, list of estimators or None, default=None
        The model to train: one of :mod:`skdistill.students`, any scikit-learn regressor
        (it learns the teacher's logits) or a classifier (it learns the teacher's argmax, with
        a warning). A list is a ladder of candidates (kinds may mix): each is trained on the
        same transfer set and scored on the held-out rows, and the smallest within
        ``tolerance`` of the best is kept. None (the default) sizes the student to the
        teacher with the ladder ``SoftTreeClassifier(max_depth=d)`` for ``d`` in 8, 12, 16
        (always trained: seconds each), then ``SoftMLPClassifier(hidden_layer_sizes=h)`` for
        ``h`` in (16,), (32, 32), (64, 64), (128, 128), (256, 256), and the same MLPs with
        ``input_bins=16`` (piecewise-linear inputs), each of the two climbed smallest first: it
        stops once a size scores no more than ``tolerance`` above every smaller MLP of its
        climb (the rest are reported as not trained). Sizing costs one training per candidate
        trained, plus one on the labels for ``payoff_``; pass a single estimator to train just
        that one. See ``docs/sizing.md``.
    sampler : sampler, "default" or None, default="default"
        Generates the pseudo rows: one of :mod:`skdistill.samplers`, or any object with
        ``fit(X)`` and ``sample(n)`` (``GaussianMixture``, ``KernelDensity``). "default" is
        the sampler that did best for the kind of student in the searches of
        ``docs/defaults*.md``: ``Smear()`` for the MLP and any other student, ``MUNGE()`` for
        the tree students, and no pseudo rows (None) for the GBM and linear students. None
        draws no pseudo rows.
    n_samples : int or float, default=20.0
        Pseudo rows to draw: an int is a count, a float a multiple of ``len(X)``. More rows
        helped up to the largest value measured (20); labeling and training time grow with
        it.
    temperature : float >= 1, default=1.0
        Softening temperature ``T`` (Hinton et al., 2015): while training, the teacher's and
        the student's logits are divided by ``T`` and the soft term is scaled by ``T²``; the
        student is deployed at ``T = 1``. ``T = 1`` matches the teacher's probabilities as
        they are; larger values spread the teacher's knowledge over the unlikely classes.
        Values below 1 (which would sharpen rather than soften) and infinity are refused.
    alpha : float or "default", default="default"
        Weight of the cross-entropy with the true labels on the real rows (when ``y`` is
        given); the soft term gets ``1 - alpha``. "default" is the value measured best for the
        kind of student (``docs/defaults*.md``): 0.3 for the GBM students, 0 for the others.
        An explicit ``alpha > 0`` without labelled real rows (no ``y``, or
        ``include_original=False``) has no effect and gives a UserWarning.
    include_original : bool, default=True
        Whether the real rows are part of the transfer set.
    holdout : float in [0, 1) or "auto", default="auto"
        Fraction of the real rows held out before anything else (stratified by class when
        ``y`` is given): never sampled around, never trained on (an unfitted teacher is
        fitted without them). The candidates are scored on them, and with ``y`` the chosen
        student is compared with the teacher and with the same student trained directly on
        the labels (``payoff_``). "auto" is 0.1 when sizing the student (a list or None),
        0 for a single student. With a teacher fitted on ``X`` itself, its score there is
        in-sample.
    tolerance : float, default=0.005
        The chosen candidate is the smallest (pickled bytes) whose hold-out score (accuracy
        with ``y``, else agreement with the teacher) is within ``tolerance`` of the best.
    budget : dict or None, default=None
        Limits on the chosen student, ``{"max_bytes": int, "max_latency_us": float}`` (either
        key optional): candidates over budget are not chosen; none within it is an error
        naming the smallest candidate's size and latency. Without ``max_bytes``, a candidate
        at least as large as the teacher (pickled) is chosen only when no smaller one trained
        within the budget.
    response_method : str, default="auto"
        Which output of the teacher to distil; "auto" takes exact logits where the library
        exposes them (see :func:`skdistill.teachers.as_teacher`).
    teacher_cv : int, cross-validation generator or None, default=None
        Only for an unfitted teacher: label the real rows with out-of-fold teachers fitted on
        the other folds, since a teacher is over-confident on its own training rows.
    batch_size : int, default=10_000
        Rows per labeling chunk; bounds the memory of teacher outputs in flight. It does not
        change the result.
    n_jobs : int, default=None
        Parallel labeling jobs (joblib; works with ``parallel_config(backend="dask")``). A
        teacher that already predicts on several threads (LightGBM, XGBoost, histogram
        gradient boosting, ``n_jobs`` set) is labeled in one job on this machine, where more
        jobs would only compete for its cores.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampler and the student; an int gives bit-identical results.
    verbose : int, default=0
        1 prints one line per stage (teacher fit, labeling with its total, rows per second and
        time left, redrawn as a progress bar in a terminal; training) and passes the verbosity
        to a student that has a ``verbose`` parameter left off, so the MLP prints its epochs.
        2 prints a line per labeled chunk.
    store : {"auto", "memory", "disk"} or None, default="auto"
        Where the transfer set is kept. None holds it whole in memory, in X's own container.
        "memory" and "disk" keep it chunked and compact: 65,536 rows at a time, rows and
        teacher outputs as float32 (the real rows in a seeded random order), in memory or
        in ``.npy`` files under ``directory`` (checked for room before labeling, deleted
        when fit ends). Students with ``fit_chunks`` (the MLPs, ``SoftLogisticRegression``)
        then train chunk by chunk, holding one chunk at a time (the Dask GBM students train
        on the cluster with ``lightgbm.dask``); others get the set loaded
        whole, with a warning. "auto" is None when the whole set (rows x (features +
        outputs)) takes at most 1 GiB and fits in the available memory, "disk" otherwise.
        "memory" and "disk" give the same students; they differ slightly from None (float32
        rows, chunk-by-chunk training). A Dask ``X`` is always chunked. See
        ``docs/scaling.md``.
    directory : str, path-like or None, default=None
        Where a disk store makes its temporary directory; None for the system's temporary
        directory (``TMPDIR``).

    Attributes
    ----------
    teacher_ : object
        The teacher used (the very object passed, when it was fitted).
    teacher_adapter_ : TeacherAdapter
        Gives the teacher's logits (``outputs``).
    student_ : estimator
        The trained student: what to ship. It keeps what prediction needs, not what only
        continued training reads (an MLP's optimizer state, twice its weights' bytes;
        ``partial_fit`` on it starts the optimizer afresh).
    sampler_ : sampler or None
        The sampler used, with its seed, **unfitted**: a fitted sampler holds the training
        rows, and a fitted distiller must not carry them (pickling it would ship the training
        data). ``sampler_.fit(X)`` gives the fitted sampler back. None when no pseudo rows
        were drawn.
    classes_ : ndarray of shape (n_classes,)
        The teacher's classes.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when X has string column names.
    n_transfer_samples_ : int
        Rows the student was trained on.
    fit_times_ : dict
        Seconds spent fitting the teacher (when unfitted), sampling, labeling and training
        (all candidates; zero labeling when fitted on a prebuilt :class:`TransferSet`).
    candidates_ : dict of ndarray
        One entry per candidate student, like ``cv_results_`` (``pandas.DataFrame(
        candidates_)``): ``student`` (its repr), ``size_bytes`` (pickled), ``latency_us``
        (median single-row predict), ``fidelity`` and ``score`` on the held-out rows (NaN
        without a hold-out), ``fit_time``, ``n_iter`` (epochs of an MLP, NaN for other
        students) and ``error`` ("" when it trained).
    best_index_ : int
        Index of the chosen student in ``candidates_``.
    payoff_ : dict or None
        With a hold-out and ``y``: ``metric``, ``n_rows``, and the ``teacher``'s,
        ``distilled`` student's and ``direct`` student's (the same student trained on the
        labels alone) scores on the held-out rows, ``gap_closed`` (``(distilled - direct) /
        (teacher - direct)``), ``fidelity``, and ``shipped``: "distilled", or "direct" when
        the distilled student scored below the direct one on the hold-out; ``student_`` is
        then the directly trained student (never ship a student worse than direct training),
        and ``fit`` warns with the numbers and the likely fixes.

    References
    ----------
    Buciluǎ, C., Caruana, R. & Niculescu-Mizil, A. (2006). Model compression. KDD.
    Hinton, G., Vinyals, O. & Dean, J. (2015). Distilling the knowledge in a neural network.

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> teacher = LGBMClassifier(n_estimators=50, verbose=-1).fit(X, y)
    >>> model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=4),
    ...                             n_samples=2.0, random_state=0).fit(X, y)
    >>> model.predict(X[:3])
    array([0, 0, 0])
    >>> round(model.score(X, y), 2) > 0.9
    True
    """

    _task = "classification"
    _no_label = -1

    _parameter_constraints = {
        **_BaseDistiller._parameter_constraints,
        # T >= 1 softens the teacher (Hinton et al.); T < 1 would sharpen it while the T²
        # factor shrinks the soft gradients, and the student learned almost nothing.
        "temperature": [Interval(Real, 1, None, closed="left")],
    }

    def __init__(
        self,
        teacher,
        *,
        student=None,
        sampler="default",
        n_samples=20.0,
        temperature=1.0,
        alpha="default",
        include_original=True,
        holdout="auto",
        tolerance=0.005,
        budget=None,
        response_method="auto",
        teacher_cv=None,
        batch_size=10_000,
        n_jobs=None,
        random_state=None,
        verbose=0,
        store="auto",
        directory=None,
    ):
        super().__init__(
            teacher,
            student=student,
            sampler=sampler,
            n_samples=n_samples,
            alpha=alpha,
            include_original=include_original,
            holdout=holdout,
            tolerance=tolerance,
            budget=budget,
            response_method=response_method,
            teacher_cv=teacher_cv,
            batch_size=batch_size,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            store=store,
            directory=directory,
        )
        self.temperature = temperature

    def _temperature(self):
        return self.temperature

    def _encode_y(self, y, adapter):
        classes = adapter.classes_
        if y is not None:
            if classes is None:
                classes = np.unique(y)
            _check_known_labels(y, classes)
            if len(np.unique(y)) < 2:
                raise ValueError(
                    f"y has a single class ({np.unique(y)[0]!r}). Distillation with labels needs "
                    "at least two classes; with a fitted teacher you can call fit(X) without y."
                )
        if classes is None:
            raise ValueError(
                "The teacher does not declare its classes and no y was given. Pass y, or wrap "
                "a callable teacher in CallableTeacher(..., classes=[...])."
            )
        if len(classes) < 2:
            raise ValueError(f"The teacher has a single class {classes!r}; nothing to distil.")
        self.classes_ = np.asarray(classes)
        return None if y is None else self._codes_of(y)

    def _classes_before_labeling(self, adapter, y):
        if adapter.is_fitted and adapter.classes_ is not None:
            return np.asarray(adapter.classes_)
        return None if y is None else np.unique(y)

    def _codes_of(self, y):
        """Class codes (column indices into ``classes_``) of the labels ``y``."""
        _check_known_labels(y, self.classes_)
        order = np.argsort(self.classes_)
        return order[np.searchsorted(self.classes_[order], y)]

    def _check_outputs(self, outputs):
        if outputs.ndim != 2 or outputs.shape[1] != len(self.classes_):
            raise ValueError(
                f"The teacher gives outputs of shape {outputs.shape[1:]} per row but has "
                f"{len(self.classes_)} classes."
            )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Distil the teacher into the student.

        Parameters
        ----------
        X : array-like, DataFrame of shape (n_samples, n_features), or TransferSet
            Rows as the teacher sees them; or a :class:`TransferSet` built from this
            distiller's teacher, whose rows, labels and weights are used as they are (the
            teacher is not called, and ``sampler``, ``n_samples``, ``holdout`` and
            ``teacher_cv`` do not apply).
        y : array-like of shape (n_samples,), default=None
            True labels; optional with a fitted teacher (used by the ``alpha`` term, and to
            fit an unfitted teacher).
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : DistilledClassifier

        Raises
        ------
        ValueError
            Invalid parameters (``InvalidParameterError``) or input: columns other than the
            teacher's, labels it does not know, NaN it refuses, and the like; also a student
            that refuses the input (seen in a trial fit on a few rows, before labeling) and
            unusable teacher outputs (``TeacherOutputError``).
        TypeError
            A teacher that is neither a classifier nor usable as one, or a student that
            cannot serve the task.
        MemoryError
            The transfer set would not fit in the memory available; raised before labeling.

        Notes
        -----
        If ``fit`` raises or is interrupted, the distiller keeps its previous state.
        """
        with _unchanged_on_failure(self):
            return self._fit(X, y, sample_weight)

    def _student_has_proba(self):
        # Like SelfTrainingClassifier's _estimator_has: the fitted student when there is one,
        # else every student fit may choose (a hard-label student, e.g. LinearSVC, has only
        # predict; a regressor becomes a logit-matching student, which has predict_proba).
        if hasattr(self, "student_"):
            return hasattr(self.student_, "predict_proba")
        try:
            students = [as_student(c, task=self._task) for c in self._candidates()]
        except (TypeError, ValueError):  # fit will say what is wrong with the student
            return True
        return all(hasattr(s, "predict_proba") for s in students)

    @available_if(_student_has_proba)
    def predict_proba(self, X):
        """Class probabilities of the student at temperature 1."""
        return self._student_predicts("predict_proba", X)

    @available_if(_student_has_proba)
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Class of highest student probability (the student's class when it has no
        ``predict_proba``)."""
        if not self._student_has_proba():
            return self._student_predicts("predict", X)
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags


class DistilledRegressor(RegressorMixin, _BaseDistiller):
    """Distil a fitted regressor of any framework into a small, fast student.

    Like :class:`DistilledClassifier`, with the teacher's predictions as targets; the
    student (by default a :class:`~skdistill.students.SoftMLPRegressor`, which standardises
    the target) learns them on the real and pseudo rows. It has no ``temperature``: the
    teacher's outputs are the targets as they are.

    Parameters
    ----------
    teacher : estimator or callable
        A fitted regressor (scikit-learn, LightGBM, XGBoost, Pipeline, callable) or an
        unfitted one, fitted on ``(X, y)`` inside ``fit``.
    student : estimator, list of estimators or None, default=None
        Any regressor, or a ladder of them; None sizes a
        :class:`~skdistill.students.SoftTreeRegressor` or
        :class:`~skdistill.students.SoftMLPRegressor` as in :class:`DistilledClassifier`.
    sampler, n_samples, alpha, include_original, holdout, tolerance, budget, \
response_method, teacher_cv, batch_size, n_jobs, random_state, verbose, store, directory
        As in :class:`DistilledClassifier`; ``alpha`` weighs the true ``y`` on real rows.

    Attributes
    ----------
    teacher_, teacher_adapter_, student_, sampler_, n_features_in_, feature_names_in_,
    n_transfer_samples_, fit_times_, candidates_, best_index_, payoff_
        As in :class:`DistilledClassifier` (scores are R²).

    Examples
    --------
    >>> from lightgbm import LGBMRegressor
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skdistill import DistilledRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> teacher = LGBMRegressor(n_estimators=50, verbose=-1).fit(X, y)
    >>> model = DistilledRegressor(teacher, student=DecisionTreeRegressor(max_depth=6),
    ...                            n_samples=5.0, random_state=0).fit(X)
    >>> round(model.score(X, y), 1) > 0.3
    True
    """

    _task = "regression"
    _no_label = np.nan

    def _encode_y(self, y, adapter):
        return None if y is None else self._codes_of(y)

    def _codes_of(self, y):
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity; regression targets must be finite.")
        return y

    def _check_outputs(self, outputs):
        pass  # SoftTargets checks regression values

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Distil the teacher into the student (see :meth:`DistilledClassifier.fit`)."""
        with _unchanged_on_failure(self):
            return self._fit(X, y, sample_weight)

    def predict(self, X):
        """Predictions of the student."""
        return self._student_predicts("predict", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
