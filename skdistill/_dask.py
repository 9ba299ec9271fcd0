"""Distillation from Dask collections: each partition is sampled and labeled where it lives.

``fit`` on a Dask array or DataFrame runs, per partition, one task that labels its real rows
(and sets its held-out rows aside) and one task per chunk of pseudo rows, which fits the
sampler on the partition and draws and labels that chunk. Every task's seed comes from
``random_state``, the partition's index and the chunk's index, never from where or when it
runs, so the transfer set is the same on one worker or many. The teacher is sent to the
workers once (``client.scatter``). The client gathers the tasks' results in order, a bounded
window at a time, into a chunked store (:mod:`skdistill._store`), from which the student
trains chunk by chunk. Real-row and pseudo-row tasks go through one window (the workers do
not idle while the last real rows are stored), and a partition's sampler is fitted only when
its first chunk is submitted. Without a ``distributed.Client`` the same tasks run in this
process.

Each task times its sampling and labeling on its worker. ``fit_times["sampling"]`` and
``["labeling"]`` split the wall time from the first task to the last stored result in
proportion to those worker seconds (so they add up to the wall time, as in one process);
``["worker_sampling"]`` and ``["worker_labeling"]`` are the worker seconds themselves, summed
over the workers.

Lost workers are Dask's business: a task whose worker dies is run again elsewhere (it is
deterministic, so its rows are neither lost nor duplicated), up to the scheduler's
``allowed-failures``; past that, ``fit`` raises and the estimator is left as it was.
"""

import itertools
import math
import time
from functools import partial

import numpy as np
from sklearn.base import clone

from ._labeling import label_rows
from ._tables import rows_at
from ._transfer import in_container_of
from ._validation import is_dataframe, numeric_values
from .samplers import iter_sampler_chunks

_DTYPE = np.float32
_MAX_SEED = np.iinfo(np.int32).max
# Results in flight per worker thread: enough to keep workers busy while the client stores.
_WINDOW_PER_THREAD = 2


def is_dask_collection(obj):
    """Whether ``obj`` is a Dask array, DataFrame or Series (without importing Dask)."""
    return type(obj).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        obj, "__dask_graph__"
    )


def _seed(base, *indices):
    """A task's seed: from the fit's seed and the task's indices only."""
    return int(np.random.SeedSequence([base, *indices]).generate_state(1)[0] % _MAX_SEED)


# ------------------------------------------------------------------------------------------
# Checks on the client, before any labeling


def _partition_facts(part):
    """Rows, column names and dtypes of one partition (run on the workers)."""
    if hasattr(part, "columns"):
        return len(part), list(map(str, part.columns)), [str(d) for d in part.dtypes]
    if hasattr(part, "dtype") and hasattr(part, "iloc"):  # a Series
        return len(part), [], [str(part.dtype)]
    part = np.asarray(part)
    return len(part), part.shape[1:], [str(part.dtype)]


def _partitions(collection, name):
    """The collection's partitions as a list of delayed objects, and their row counts."""
    import dask

    if hasattr(collection, "chunks") and not hasattr(collection, "dtypes"):  # a Dask array
        if any(math.isnan(c) for c in collection.chunks[0]):
            raise ValueError(
                f"{name} is a Dask array with unknown chunk sizes (as after boolean "
                f"filtering), so its rows cannot be split among tasks. Call "
                f"{name}.compute_chunk_sizes() first, or build it from a DataFrame with "
                f"df.to_dask_array(lengths=True)."
            )
        if collection.ndim == 2 and len(collection.chunks[1]) > 1:
            collection = collection.rechunk({1: -1})  # one partition holds whole rows
        parts = list(collection.to_delayed().ravel())
        return parts, [int(c) for c in collection.chunks[0]]
    parts = list(collection.to_delayed())
    facts = dask.compute(*[dask.delayed(_partition_facts)(p) for p in parts])
    meta = _partition_facts(collection._meta)
    for i, (_, columns, dtypes) in enumerate(facts):
        if (columns, dtypes) != (meta[1], meta[2]) and collection.ndim == 2:
            raise ValueError(
                f"Partition {i} of {name} has columns {columns} with dtypes {dtypes}, but the "
                f"collection declares {meta[1]} with {meta[2]}. Every partition must have the "
                "same columns and dtypes: fix the source, or cast with "
                f"{name}.astype(...) / {name}[columns] before fit."
            )
    return parts, [f[0] for f in facts]


def _aligned(values, lengths, name):
    """``values`` (None, numpy, or a Dask collection) split like X's partitions."""
    if values is None:
        return [None] * len(lengths)
    if is_dask_collection(values):
        parts, sizes = _partitions(values, name)
        if sizes != lengths:
            raise ValueError(
                f"{name}'s partitions have {sizes[:5]}... rows but X's have {lengths[:5]}...; "
                f"partition {name} like X (e.g. X and {name} from the same DataFrame)."
            )
        return parts
    values = np.asarray(values)
    if len(values) != sum(lengths):
        raise ValueError(f"X has {sum(lengths)} rows but {name} has {len(values)}.")
    bounds = np.cumsum([0, *lengths])
    return [values[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def check_picklable(adapter):
    """The teacher travels to the workers: fail now, not in a task, if it cannot."""
    import cloudpickle

    try:
        cloudpickle.dumps(adapter)
    except Exception as exc:
        raise TypeError(
            f"The teacher cannot be pickled ({type(exc).__name__}: {exc}), so it cannot be "
            "sent to the Dask workers. Make it picklable (no open files, locks or live "
            "connections), or fit on in-memory numpy/pandas data instead."
        ) from exc


def dask_meta(X):
    """An empty numpy array or DataFrame with X's columns, for validating names and width."""
    meta = X._meta
    if not is_dataframe(meta) and np.ndim(meta) == 2 and meta.shape[1] == 0:
        return np.empty((0, X.shape[1]), dtype=meta.dtype)
    return meta


# ------------------------------------------------------------------------------------------
# The tasks (run on the workers)


def _label_real(part, y, w, adapter, *, codes_of, holdout, seed, batch_size):
    """Label a partition's real rows, kept ones in a seeded random order (so that no chunk
    holds one class of a sorted table), and set its held-out rows aside. The kept rows and
    their outputs come back as the store's float32 (half the bytes to send); the held-out
    ones as they are, for scoring."""
    n = len(part)
    order = np.random.RandomState(seed).permutation(n)
    n_held = math.ceil(holdout * n) if holdout > 0 else 0
    y = None if y is None else codes_of(np.asarray(y))
    w = None if w is None else np.asarray(w, dtype=np.float64)
    out = {"seconds": {"sampling": 0.0, "labeling": 0.0}}
    for key, idx in (("real", order[n_held:]), ("held", np.sort(order[:n_held]))):
        # Labeled in the table's order, then put in the random one: neighbouring rows of a
        # sorted table take the same paths through a teacher's trees (covtype's labeled 30%
        # faster in order than shuffled).
        ascending = np.sort(idx)
        rows = rows_at(part, ascending)
        tic = time.perf_counter()
        outputs = label_rows(adapter, rows, batch_size=batch_size, n_jobs=1) if len(idx) else None
        out["seconds"]["labeling"] += time.perf_counter() - tic
        if key == "real" and outputs is not None:
            back = np.searchsorted(ascending, idx)
            rows = np.asarray(numeric_values(rows), dtype=_DTYPE)[back]
            outputs = np.asarray(outputs, dtype=_DTYPE)[back]
        out[key] = {
            "X": rows,
            "outputs": outputs,
            "y": None if y is None else y[idx],
            "w": None if w is None else w[idx],
        }
    return out


def _fit_sampler(part, template, *, holdout, seeds):
    """The sampler fitted on the partition's kept rows (the same split as ``_label_real``),
    and the seconds that took."""
    tic = time.perf_counter()
    n = len(part)
    if holdout > 0:
        order = np.random.RandomState(seeds["holdout"]).permutation(n)
        part = rows_at(part, np.sort(order[math.ceil(holdout * n) :]))
    sampler = clone(template, safe=False)
    if "random_state" in getattr(sampler, "get_params", dict)():
        sampler.set_params(random_state=seeds["sampler"])
    sampler.fit(part)
    return sampler, time.perf_counter() - tic


def _draw_and_label(fitted, adapter, meta, *, n_rows, seed, batch_size, first):
    """Draw one chunk of pseudo rows from ``fitted`` (``_fit_sampler``'s result) and label
    it; the rows and outputs come back as float32, with the seconds spent (the sampler's fit
    counted by the ``first`` chunk of the partition)."""
    sampler, fit_seconds = fitted
    tic = time.perf_counter()
    chunk = next(iter(iter_sampler_chunks(sampler, n_rows, n_rows, random_state=seed)))
    if is_dataframe(meta):
        chunk = in_container_of(chunk, meta)
    rows = np.asarray(numeric_values(chunk), dtype=_DTYPE)
    sampling = time.perf_counter() - tic + (fit_seconds if first else 0.0)
    tic = time.perf_counter()
    outputs = label_rows(adapter, chunk, batch_size=batch_size, n_jobs=1)
    seconds = {"sampling": sampling, "labeling": time.perf_counter() - tic}
    return {"X": rows, "outputs": np.asarray(outputs, dtype=_DTYPE), "seconds": seconds}


# ------------------------------------------------------------------------------------------
# Running the tasks


class _LocalRunner:
    """Runs tasks in this process, in order (no distributed client)."""

    def __init__(self, adapter):
        self.teacher = adapter

    def partitions(self, parts):
        return parts

    def submit(self, fn, part, *args, **kwargs):
        part = part.compute() if hasattr(part, "compute") else part
        args = [a.compute() if hasattr(a, "compute") else a for a in args]
        return fn(part, *args, **kwargs)

    def result(self, item):
        return item

    window = 1


def _capped_threads(adapter, n_threads):
    """A copy of ``adapter`` whose teacher predicts on at most ``n_threads`` threads.

    Dask runs one task per worker thread and limits OpenMP to it, but LightGBM's
    scikit-learn models choose their own thread count (``n_jobs=None``: every physical core
    of the machine), so each worker would run that many threads against the other workers'
    for the same cores. Each ``n_jobs`` in the teacher (pipeline steps included) that is
    negative, above ``n_threads``, or None in a LightGBM model, becomes ``n_threads`` in the
    copy sent to the workers; the user's teacher is left as it is. (XGBoost follows the
    OpenMP limit by default; an explicit ``n_jobs`` is part of its fitted booster and is
    kept.) Predictions do not depend on the thread count.
    """
    import cloudpickle

    adapter = cloudpickle.loads(cloudpickle.dumps(adapter))
    todo, seen = [adapter.estimator], set()
    while todo:
        est = todo.pop()
        if id(est) in seen or not hasattr(est, "get_params"):
            continue
        seen.add(id(est))
        params = est.get_params(deep=False)
        value = params.get("n_jobs")
        library = type(est).__module__.split(".")[0]
        if "n_jobs" in params and (
            (value is None and library == "lightgbm")
            or (value is not None and (value < 0 or value > n_threads))
        ):
            est.n_jobs = n_threads  # not set_params: a FrozenEstimator refuses it
        for v in params.values():
            if isinstance(v, list):  # a pipeline's steps, a column transformer's parts
                todo.extend(x for step in v if isinstance(step, tuple) for x in step)
            else:
                todo.append(v)
    return adapter


class _ClientRunner:
    """Runs tasks on a ``distributed`` cluster; the teacher is scattered once, with no
    more threads than a worker has (:func:`_capped_threads`)."""

    def __init__(self, client, adapter):
        self.client = client
        threads = client.nthreads()
        teacher = _capped_threads(adapter, min(threads.values(), default=1))
        self.teacher = client.scatter(teacher, broadcast=True, hash=False)
        self.window = max(2, _WINDOW_PER_THREAD * sum(threads.values()))

    def partitions(self, parts):
        lazy = [i for i, p in enumerate(parts) if hasattr(p, "__dask_graph__")]
        if not lazy:
            return parts  # None, or in-memory slices sent with their tasks
        # One graph for all: a Dask array made with from_array holds the whole array, which
        # is then sent once rather than once per partition.
        futures = self.client.compute([parts[i] for i in lazy])
        parts = list(parts)
        for i, future in zip(lazy, futures, strict=True):
            parts[i] = future
        return parts

    def submit(self, fn, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def result(self, future):
        value = future.result()
        future.release()
        return value


def runner_for(adapter):
    try:
        from distributed import get_client

        return _ClientRunner(get_client(), adapter)
    except (ImportError, ValueError):  # no distributed, or no client running
        return _LocalRunner(adapter)


def run_in_order(runner, calls):
    """Results of ``calls`` (``(fn, args, kwargs)`` tuples) in order, at most
    ``runner.window`` in flight."""
    pending = []
    calls = iter(calls)
    for fn, args, kwargs in calls:
        pending.append(runner.submit(fn, *args, **kwargs))
        if len(pending) >= runner.window:
            yield runner.result(pending.pop(0))
    for item in pending:
        yield runner.result(item)


# ------------------------------------------------------------------------------------------
# The transfer set


def _pseudo_counts(n_pseudo, lengths):
    """Pseudo rows per partition, in proportion to its rows (largest remainders)."""
    total = sum(lengths)
    exact = np.asarray(lengths, dtype=np.float64) * n_pseudo / max(total, 1)
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n_pseudo - counts.sum()]] += 1
    return counts


def build_dask_transfer_set(distiller, X, y, sample_weight, rng, *, store, directory):
    """A chunked :class:`TransferSet` labeled partition by partition on the Dask workers."""
    from ._checks import available_memory
    from ._chunked import compact_bytes, plan_store
    from ._random import draw_seed
    from ._store import resolve_store
    from ._tables import CHUNK_ROWS

    adapter, parts, lengths, y_parts, w_parts = _checked(distiller, X, y, sample_weight)
    sampler = distiller._sampler()
    holdout = distiller._holdout_fraction()
    n_kept = [n - (math.ceil(holdout * n) if holdout > 0 else 0) for n in lengths]
    n_pseudo = distiller._n_pseudo(sampler, sum(n_kept))
    n_outputs = len(distiller.classes_) if distiller._task == "classification" else 1
    n_rows = sum(n_kept) + n_pseudo
    kind = resolve_store(
        store,
        compact_bytes(n_rows, X.shape[1], n_outputs),
        available=available_memory(),
        whole=False,
    )
    store = plan_store(kind, n_rows, X.shape[1], n_outputs, directory)
    base = draw_seed(rng)
    runner = runner_for(adapter)
    parts = runner.partitions(parts)
    y_parts, w_parts = runner.partitions(y_parts), runner.partitions(w_parts)
    codes_of = None
    if y is not None:
        codes_of = partial(
            label_codes, task=distiller._task, classes=getattr(distiller, "classes_", None)
        )
    tic = time.perf_counter()
    real = [
        (
            _label_real,
            (parts[i], y_parts[i], w_parts[i], runner.teacher),
            {
                "codes_of": codes_of,
                "holdout": holdout,
                "seed": _seed(base, i, 0),
                "batch_size": distiller.batch_size,
            },
        )
        for i in range(len(parts))
    ]
    counts = _pseudo_counts(n_pseudo, n_kept) if n_pseudo else [0] * len(parts)
    pseudo = _pseudo_calls(
        runner, parts, counts, sampler, dask_meta(X), holdout, base, distiller.batch_size
    )
    # One window for both kinds of task: the pseudo rows' tasks start while the last real
    # rows are being stored.
    seconds = {}
    results = _timed(run_in_order(runner, itertools.chain(real, pseudo)), seconds)
    fields = _store_real_rows(store, itertools.islice(results, len(real)), CHUNK_ROWS)
    for result in results:
        store.append(X=result["X"], outputs=result["outputs"])
    wall = time.perf_counter() - tic
    share = seconds["sampling"] / max(seconds["sampling"] + seconds["labeling"], 1e-12)
    times = {
        "teacher_fit": 0.0,
        "sampling": wall * share,
        "labeling": wall * (1 - share),
        "worker_sampling": seconds["sampling"],
        "worker_labeling": seconds["labeling"],
    }
    return _transfer_set(distiller, X, adapter, store, fields, times)


def _pseudo_calls(runner, parts, counts, sampler, meta, holdout, base, batch_size):
    """The pseudo-row tasks, partition by partition and chunk by chunk; a partition's
    sampler is fitted when its first chunk's task is about to be submitted (so that only the
    samplers of the partitions in flight are held)."""
    from ._tables import CHUNK_ROWS

    for i, count in enumerate(counts):
        if count == 0:
            continue
        seeds = {"holdout": _seed(base, i, 0), "sampler": _seed(base, i, 1)}
        fitted = runner.submit(_fit_sampler, parts[i], sampler, holdout=holdout, seeds=seeds)
        for k, start in enumerate(range(0, count, CHUNK_ROWS)):
            kwargs = {
                "n_rows": min(CHUNK_ROWS, count - start),
                "seed": _seed(base, i, 2, k),
                "batch_size": batch_size,
                "first": k == 0,
            }
            yield _draw_and_label, (fitted, runner.teacher, meta), kwargs


def _timed(results, seconds):
    """``results``, adding up their workers' ``"seconds"`` in ``seconds`` as they pass."""
    seconds.update(sampling=0.0, labeling=0.0)
    for result in results:
        for key, value in result["seconds"].items():
            seconds[key] += value
        yield result


def label_codes(y, *, task, classes):
    """Class codes into ``classes`` (classification) or finite floats (regression)."""
    if task == "regression":
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity; regression targets must be finite.")
        return y
    from ._distill import _check_known_labels, _check_no_missing_labels

    _check_no_missing_labels(y)  # each partition's labels, as fit checks in-memory ones
    _check_known_labels(y, classes)
    order = np.argsort(classes)
    return order[np.searchsorted(classes[order], y)]


def _checked(distiller, X, y, sample_weight):
    """The teacher's adapter and X, y and sample_weight split into aligned partitions, all
    checked before any labeling."""
    from sklearn.utils.validation import validate_data

    from .teachers import as_teacher

    adapter = as_teacher(
        distiller.teacher, task=distiller._task, response_method=distiller.response_method
    )
    if not adapter.is_fitted:
        raise ValueError(
            "fit on a Dask collection distils a fitted teacher; this one is not fitted. Fit "
            "the teacher first (e.g. with lightgbm.dask), then pass it to the distiller."
        )
    if distiller.teacher_cv is not None:
        raise ValueError("teacher_cv applies only to an unfitted teacher; set teacher_cv=None.")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (rows by columns); this Dask collection is {X.ndim}-D.")
    meta = dask_meta(X)
    from ._checks import check_columns_match_teacher

    check_columns_match_teacher(meta, adapter)  # from the meta: before any task runs
    validate_data(distiller, meta, reset=True, skip_check_array=True)
    from ._validation import numeric_columns, remember_columns

    remember_columns(distiller)
    distiller._numeric_columns = numeric_columns(meta) if is_dataframe(meta) else None
    if adapter.n_features_in_ is not None and X.shape[1] != adapter.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but the teacher was fitted on "
            f"{adapter.n_features_in_}. Give the distiller the same columns as the teacher."
        )
    from ._chunked import check_numeric_table

    check_numeric_table(meta)
    distiller._encode_y(None, adapter) if distiller._task == "classification" else None
    check_picklable(adapter)
    if y is not None:
        from ._distill import _check_one_column

        if hasattr(y, "columns"):  # a Dask DataFrame
            shape = (None, len(y.columns))
        else:
            shape = y.shape if is_dask_collection(y) else np.asarray(y).shape
        _check_one_column(distiller, shape)
    parts, lengths = _partitions(X, "X")
    y_parts = _aligned(y, lengths, "y")
    w_parts = _aligned(sample_weight, lengths, "sample_weight")
    return adapter, parts, lengths, y_parts, w_parts


def _store_real_rows(store, results, chunk_rows):
    """Append the partitions' labeled real rows to the store in chunks of ``chunk_rows``
    (with a chunk boundary after the last), and collect their labels, weights and the
    held-out rows."""
    from ._tables import concat_rows

    kept = {"y": [], "w": [], "held": []}
    pending_X, pending_out = np.empty((0, 0), _DTYPE), None
    for r in results:
        rows, outputs = r["real"]["X"], r["real"]["outputs"]
        if outputs is None:
            continue
        if pending_out is not None:
            rows, outputs = (
                np.concatenate([pending_X, rows]),
                np.concatenate([pending_out, outputs]),
            )
        n_full = len(rows) // chunk_rows * chunk_rows
        for start in range(0, n_full, chunk_rows):
            store.append(
                X=rows[start : start + chunk_rows], outputs=outputs[start : start + chunk_rows]
            )
        pending_X, pending_out = rows[n_full:], outputs[n_full:]
        kept["y"].append(r["real"]["y"])
        kept["w"].append(r["real"]["w"])
        if r["held"]["outputs"] is not None:
            kept["held"].append(r["held"])
    if pending_out is not None and len(pending_out):
        store.append(X=pending_X, outputs=pending_out)
    fields = {"n_real": store.n_rows}
    for key, name in (("y", "y"), ("w", "sample_weight")):
        fields[name] = None if not kept[key] or kept[key][0] is None else np.concatenate(kept[key])
    held = kept["held"]
    if held:
        fields.update(
            X_holdout=concat_rows([h["X"] for h in held]),
            y_holdout=None if held[0]["y"] is None else np.concatenate([h["y"] for h in held]),
            holdout_outputs=np.concatenate([h["outputs"] for h in held]),
            holdout_weight=None if held[0]["w"] is None else np.concatenate([h["w"] for h in held]),
        )
    return fields


def _transfer_set(distiller, X, adapter, store, fields, times):
    from ._codec import RowCodec
    from ._transfer import TransferSet

    if store.n_rows == 0:
        raise ValueError("The Dask collection has no rows to distil from.")
    return TransferSet(
        task=distiller._task,
        teacher=distiller.teacher,
        teacher_adapter=adapter,
        store=store,
        codec=RowCodec(dask_meta(X)),
        classes=getattr(distiller, "classes_", None),
        sampler=None,
        n_features_in_=distiller.n_features_in_,
        feature_names_in_=getattr(distiller, "feature_names_in_", None),
        fit_times=times,
        **fields,
    )
