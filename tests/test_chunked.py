"""Chunked transfer sets (TransferSet.build(store=...)) and training from them."""

import os
import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from skdistill import DistilledClassifier, TransferSet, _chunked, _distill
from skdistill._store import ChunkStore, check_room, resolve_store
from skdistill.students import SoftTreeClassifier


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=400, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return X, y, LogisticRegression(max_iter=500).fit(X, y)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 128 rows, so that a small table spans several of them."""
    monkeypatch.setattr(_distill, "CHUNK_ROWS", 128)


def _build(data, **params):
    X, y, teacher = data
    params = {"n_samples": 2.0, "holdout": 0.1, "random_state": 0, **params}
    return TransferSet.build(teacher, X, y, **params)


@pytest.mark.parametrize("store", ["memory", "disk"])
def test_chunked_transfer_set_holds_the_same_rows_as_the_whole_one(data, small_chunks, store):
    whole = _build(data)
    chunked = _build(data, store=store)
    assert chunked.is_chunked and chunked.store.on_disk == (store == "disk")
    assert len(chunked) == len(whole) and chunked.n_real == whole.n_real
    assert max(chunked.store.sizes) <= 128
    X_c, t_c, _ = chunked.targets(temperature=2.0, alpha=0.5)
    X_w, t_w, _ = whole.targets(temperature=2.0, alpha=0.5)
    assert X_c.dtype == np.float32 and t_c.logits.shape == t_w.logits.shape
    # The real rows are stored in a seeded random order, with their labels.
    order = np.lexsort(X_w[: whole.n_real].T)
    order_c = np.lexsort(X_c[: chunked.n_real].T)
    np.testing.assert_allclose(X_c[order_c], X_w[order], rtol=1e-6)
    np.testing.assert_array_equal(t_c.y[: chunked.n_real][order_c], t_w.y[: whole.n_real][order])
    assert (t_c.y[chunked.n_real :] == -1).all()
    # The pseudo rows come from the same sampler and seeds, a chunk at a time.
    assert X_c[chunked.n_real :].shape == X_w[whole.n_real :].shape
    np.testing.assert_allclose(t_c.logits, np.asarray(t_c.logits, np.float32))


def test_training_chunks_hand_out_every_row_once(data, small_chunks):
    chunked = _build(data, store="memory", sample_weight=np.linspace(1, 2, 400))
    chunks = chunked.training_chunks(temperature=1.0, alpha=0.3)
    parts = [chunks.chunk(k) for k in range(len(chunks))]
    assert sum(len(p[0]) for p in parts) == chunks.n_rows == len(chunked)
    weights = np.concatenate([p[2] for p in parts])
    np.testing.assert_allclose(weights[: chunked.n_real], chunked.sample_weight)
    np.testing.assert_allclose(weights[chunked.n_real :], chunked.sample_weight.mean())
    pseudo_only = chunked.training_chunks(include_original=False)
    assert pseudo_only.n_rows == chunked.n_pseudo
    assert pseudo_only.chunk(0)[1].y is None


def test_the_same_random_state_gives_the_same_store(data, small_chunks):
    a, b = _build(data, store="disk"), _build(data, store="memory")
    for i in range(len(a.store)):
        for name in ("X", "outputs"):
            np.testing.assert_array_equal(a.store.chunk(i)[name], b.store.chunk(i)[name])


def test_a_student_without_fit_chunks_gets_the_set_loaded_with_a_warning(data, small_chunks):
    X, y, teacher = data
    chunked = _build(data, store="disk")
    model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=4), random_state=0)
    with pytest.warns(UserWarning, match="cannot train chunk by chunk"):
        model.fit(chunked)
    assert model.score(X, y) > 0.7


def test_disk_without_room_fails_before_labeling(data, monkeypatch):
    import shutil
    from collections import namedtuple

    calls = []
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**6, 10**6 - 1000, 1000))
    X, y, teacher = data
    monkeypatch.setattr(
        _distill,
        "label_rows",
        lambda *a, **k: calls.append(1) or pytest.fail("labeled before the room check"),
    )
    with pytest.raises(OSError, match="needs about .* GB on disk"):
        _build(data, store="disk")
    assert calls == []


def test_store_checks():
    assert resolve_store("auto", 10) is None  # whole, in X's container
    assert resolve_store("auto", 10**12) == "disk"
    assert resolve_store("auto", 10**6, available=10**5) == "disk"
    assert resolve_store("memory", 10**12) == "memory"
    # Input that cannot be held whole (Dask): chunked in memory when it fits.
    assert resolve_store(None, 10, whole=False) == resolve_store("auto", 10, whole=False)
    assert resolve_store("auto", 10, whole=False) == "memory"
    with pytest.raises(ValueError, match="store must be one of"):
        resolve_store("cloud", 10)
    with pytest.raises(ValueError, match="does not exist"):
        check_room(10, "/no/such/directory")


def _mixed_frame(X):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["d"] = pd.Categorical(np.where(X[:, 3] > 0, "hi", "lo"))
    frame["e"] = np.where(X[:, 4] > 0.5, "u", np.where(X[:, 4] < -1, None, "v"))
    return frame


def test_a_mixed_table_is_stored_as_codes_and_read_back(data, small_chunks):
    from lightgbm import LGBMClassifier

    X, y, _ = data
    frame = _mixed_frame(X).astype({"e": "category"})
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(frame, y)
    chunked = TransferSet.build(
        teacher, frame, y, n_samples=1.0, holdout=0.0, store="disk", random_state=0
    )
    assert chunked.store.chunk(0)["X"].dtype == np.float32
    rows = chunked.training_chunks().real_rows()
    assert list(rows.columns) == list(frame.columns)
    assert rows["d"].dtype == frame["d"].dtype
    # Every real row comes back with its categories (and missing values) in stored order.
    original = frame.sort_values(list("abc")).reset_index(drop=True)
    back = rows.sort_values(list("abc")).reset_index(drop=True)
    np.testing.assert_allclose(back[list("abc")], original[list("abc")], rtol=1e-6)
    assert back["d"].astype(str).tolist() == original["d"].astype(str).tolist()
    assert back["e"].isna().tolist() == original["e"].isna().tolist()


@pytest.mark.parametrize("column_e", ["category", "object"])
def test_a_plain_fit_on_a_mixed_table_with_a_disk_store(data, small_chunks, column_e):
    from lightgbm import LGBMClassifier

    from skdistill.students import SoftMLPClassifier

    X, y, _ = data
    frame = _mixed_frame(X)
    lgbm_frame = frame.astype({"e": "category"})
    teacher = LGBMClassifier(n_estimators=10, verbose=-1)
    if column_e == "object":  # a teacher that reads the strings as categories
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer

        dtype = lgbm_frame["e"].dtype
        as_category = FunctionTransformer(lambda f: f.astype({"e": dtype}))
        teacher = make_pipeline(as_category, teacher)
    teacher.fit(frame.astype({"e": column_e}), y)
    model = DistilledClassifier(
        teacher,
        student=SoftMLPClassifier((16,), max_iter=30, random_state=0),
        n_samples=2.0,
        store="disk",
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(frame.astype({"e": column_e}), y)
    frame = frame.astype({"e": column_e})
    agreement = model.predict(frame) == teacher.predict(frame)
    assert agreement.mean() > 0.8


def test_dask_tables_must_be_numeric(data):
    pd = pytest.importorskip("pandas")
    X, y, teacher = data
    frame = pd.DataFrame(X, columns=list("abcde")).assign(
        e=lambda f: (f.e > 0).map({True: "u", False: "v"})
    )
    with pytest.raises(ValueError, match="non-numeric columns"):
        _chunked.check_numeric_table(frame)


def test_a_disk_store_cleans_up_and_pickles_its_rows(tmp_path):
    store = ChunkStore(on_disk=True, directory=tmp_path)
    store.append(X=np.arange(6, dtype=np.float32).reshape(3, 2))
    path = store.path
    assert len(list(tmp_path.iterdir())) == 1
    copy = pickle.loads(pickle.dumps(store))
    assert not copy.on_disk
    np.testing.assert_array_equal(copy.chunk(0)["X"], store.chunk(0)["X"])
    del store
    import gc

    gc.collect()
    assert not (tmp_path / path).exists()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert copy.n_rows == 3


@pytest.fixture
def never_materialized(monkeypatch):
    def refuse(self):
        pytest.fail("the whole transfer set was materialized")

    monkeypatch.setattr(_chunked.TrainingChunks, "materialize", refuse)


@pytest.mark.parametrize("store", ["memory", "disk"])
@pytest.mark.parametrize("input_bins", [None, 8])
def test_mlp_trains_chunk_by_chunk(data, small_chunks, never_materialized, store, input_bins):
    from skdistill.students import SoftMLPClassifier

    X, y, teacher = data
    chunked = _build(data, store=store, holdout=0.0)
    student = SoftMLPClassifier((16,), input_bins=input_bins, max_iter=30, random_state=0)

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # no fallback to the whole set
            warnings.simplefilter("ignore", ConvergenceWarning)
            return DistilledClassifier(teacher, student=student, random_state=0).fit(chunked)

    first, second = fit(), fit()
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert (first.predict(X) == teacher.predict(X)).mean() > 0.85
    assert len(first.student_.validation_loss_curve_) == first.student_.n_iter_
    assert (first.student_.pieces_ is None) == (input_bins is None)


def test_mlp_regressor_and_weights_chunk_by_chunk(small_chunks, never_materialized):
    from sklearn.datasets import make_regression
    from sklearn.linear_model import Ridge

    from skdistill import DistilledRegressor
    from skdistill.students import SoftMLPRegressor

    X, y = make_regression(n_samples=300, n_features=4, noise=1.0, random_state=0)
    teacher = Ridge().fit(X, 1000 * y)
    transfer = TransferSet.build(
        teacher,
        X,
        1000 * y,
        sample_weight=np.linspace(0.5, 1.5, 300),
        n_samples=2.0,
        holdout=0.0,
        random_state=0,
        store="memory",
    )
    student = SoftMLPRegressor((16,), max_iter=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DistilledRegressor(teacher, student=student, alpha=0.5, random_state=0)
        model.fit(transfer)
    assert model.score(X, teacher.predict(X)) > 0.9


def test_linear_student_trains_chunk_by_chunk_like_on_the_whole_set(
    data, small_chunks, never_materialized
):
    from skdistill.students import SoftLogisticRegression

    X, y, teacher = data
    chunked = _build(data, store="disk", holdout=0.0)
    model = DistilledClassifier(teacher, student=SoftLogisticRegression(), random_state=0)
    model.fit(chunked)
    chunks = chunked.training_chunks()
    rows = np.concatenate([chunks.chunk(k)[0] for k in range(len(chunks))])
    logits = np.concatenate([chunks.chunk(k)[1].logits for k in range(len(chunks))])
    from skdistill import SoftTargets

    whole = SoftLogisticRegression().fit_soft(rows, SoftTargets(logits=logits))
    np.testing.assert_allclose(model.predict_proba(X), whole.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize("student", ["mlp", "tree"])
def test_plain_fit_with_a_disk_store_predicts_like_a_memory_store(
    data, small_chunks, student, tmp_path
):
    from skdistill.students import SoftMLPClassifier

    X, y, teacher = data
    make = {
        "mlp": lambda: SoftMLPClassifier((16,), max_iter=20, random_state=0),
        "tree": lambda: SoftTreeClassifier(max_depth=4),
    }[student]
    fitted = {}
    for store in ("memory", "disk", None):
        directory = tmp_path / str(store)
        directory.mkdir()
        model = DistilledClassifier(
            teacher,
            student=make(),
            n_samples=2.0,
            store=store,
            directory=directory,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UserWarning)  # the tree loads the set whole
            fitted[store] = model.fit(X, y)
        assert list(directory.iterdir()) == []  # the store's files go when fit ends
    # Memory and disk chunks hold the same float32 rows: the same student, bit for bit.
    np.testing.assert_array_equal(
        fitted["memory"].predict_proba(X), fitted["disk"].predict_proba(X)
    )
    # The whole set (None) holds float64 rows and the MLP trains on it in memory: close.
    agreement = (fitted["disk"].predict(X) == fitted[None].predict(X)).mean()
    assert agreement > 0.9


def test_auto_store_goes_to_disk_when_the_set_is_large(data, small_chunks, monkeypatch):
    from skdistill import _store

    X, y, teacher = data
    kinds = []
    real_plan = _distill.plan_store
    monkeypatch.setattr(
        _distill, "plan_store", lambda kind, *a: kinds.append(kind) or real_plan(kind, *a)
    )
    model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=3), n_samples=1.0)
    model.fit(X, y)
    assert kinds == []  # a small set is held whole
    monkeypatch.setattr(_store, "AUTO_MEMORY_BYTES", 1000)
    with pytest.warns(UserWarning, match="cannot train chunk by chunk"):
        model.fit(X, y)
    assert kinds == ["disk"]


def test_students_encode_each_chunk_once(data, small_chunks, tmp_path, monkeypatch):
    from skdistill.students import SoftLogisticRegression, SoftMLPClassifier, _chunks

    X, y, teacher = data
    chunked = _build(data, store="disk", holdout=0.0, directory=tmp_path)
    encoded = []
    real_init = _chunks.EncodedChunks.__init__

    def counting_init(self, chunks, encode, names):
        def counted(X, targets, weights):
            encoded.append(len(X))
            return encode(X, targets, weights)

        real_init(self, chunks, counted, names)

    monkeypatch.setattr(_chunks.EncodedChunks, "__init__", counting_init)
    for student in (SoftMLPClassifier((8,), max_iter=5), SoftLogisticRegression()):
        encoded.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            DistilledClassifier(teacher, student=student, random_state=0).fit(chunked)
        # Every chunk encoded once, whatever the epochs or L-BFGS passes.
        assert encoded == chunked.store.sizes
        # The encoded copy, written beside the transfer set, is gone after the fit.
        assert [p.name for p in tmp_path.iterdir()] == [os.path.basename(chunked.store.path)]


def test_students_encode_again_when_the_disk_is_full(data, small_chunks, monkeypatch):
    from skdistill.students import SoftMLPClassifier, _chunks

    X, y, teacher = data
    chunked = _build(data, store="disk", holdout=0.0)

    def no_room(n_bytes, directory):
        raise OSError("no room")

    monkeypatch.setattr(_chunks, "check_room", no_room)
    student = SoftMLPClassifier((8,), max_iter=3, random_state=0)
    model = DistilledClassifier(teacher, student=student, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="encoded again"):
            model.fit(chunked)
        monkeypatch.undo()
        kept = DistilledClassifier(teacher, student=student, random_state=0).fit(chunked)
    # A chunk at a time rather than slices of every chunk: other batches, a similar student.
    assert (model.predict(X) == kept.predict(X)).mean() > 0.8


def test_students_encode_again_without_memory_for_the_encoded_copy(data, small_chunks, monkeypatch):
    from skdistill.students import SoftMLPClassifier, _chunks

    chunked = _build(data, store="memory", holdout=0.0)
    chunks = chunked.training_chunks()
    student = SoftMLPClassifier((4,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        student.fit_chunks(chunks)
    rng = np.random.RandomState(0)
    # The encoded copy of this small set needs more than 1,000 bytes: it is not kept.
    monkeypatch.setattr(_chunks, "available_memory", lambda: 1000)
    with pytest.warns(UserWarning, match="encoded again.*store='disk'"):
        batches = _chunks.ChunkedBatches(student, chunks, None, rng)
    assert not batches.encoded.kept and batches.encoded.arrays == {}
    monkeypatch.setattr(_chunks, "available_memory", lambda: None)  # unknown: kept
    assert _chunks.ChunkedBatches(student, chunks, None, rng).encoded.kept


def test_mlp_batches_mix_rows_of_several_chunks(data, small_chunks):
    from skdistill.students import SoftMLPClassifier, _chunks

    chunked = _build(data, store="memory", holdout=0.0)
    chunks = chunked.training_chunks()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        student = SoftMLPClassifier((4,), max_iter=1, random_state=0).fit_chunks(chunks)
    batches = _chunks.ChunkedBatches(student, chunks, None, np.random.RandomState(0))
    chunk_of = {row.tobytes(): k for k in range(len(chunks)) for row in batches.encoded[k][0]}
    first = next(batches.epoch(np.random.RandomState(0)))[0]
    # Chunks of a Dask fit each hold one partition: a batch must not come from one chunk.
    assert len({chunk_of[row.tobytes()] for row in first}) >= 2


def test_dask_gbm_student_needs_a_running_client():
    pytest.importorskip("distributed")
    from sklearn.datasets import make_regression
    from sklearn.linear_model import LogisticRegression, Ridge

    from skdistill.students import DaskSoftGBMClassifier, DaskSoftGBMRegressor

    X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    transfer = TransferSet.build(Ridge().fit(X, y), X, y, n_samples=1.0, store="memory")
    with pytest.raises(ValueError, match="no distributed.Client is running.*SoftGBMRegressor"):
        DaskSoftGBMRegressor().fit_chunks(transfer.training_chunks())
    with pytest.raises(ValueError, match="backend='xgboost' is not supported"):
        DaskSoftGBMRegressor(backend="xgboost").fit_chunks(transfer.training_chunks())
    # On in-memory data it trains in this process, as SoftGBMRegressor does.
    assert DaskSoftGBMRegressor(n_estimators=30).fit(X, y).score(X, y) > 0.8
    labels = (y > 0).astype(int)
    teacher = LogisticRegression().fit(X, labels)
    transfer = TransferSet.build(teacher, X, labels, n_samples=1.0, store="memory")
    with pytest.raises(ValueError, match="no distributed.Client is running.*SoftGBMClassifier"):
        DaskSoftGBMClassifier().fit_chunks(transfer.training_chunks())
    assert DaskSoftGBMClassifier(n_estimators=30).fit(X, labels).score(X, labels) > 0.9


def test_fit_chunks_refuses_rows_in_memory(data):
    """fit_chunks reads a TrainingChunks by its methods; anything else, (X, y) say, is a
    clear TypeError that names the in-memory alternatives, before any work."""
    from skdistill.students import (
        DaskSoftGBMClassifier,
        DaskSoftGBMRegressor,
        SoftLogisticRegression,
        SoftMLPClassifier,
    )

    X, y = data[:2]
    for student in (
        SoftMLPClassifier(),
        SoftLogisticRegression(),
        DaskSoftGBMClassifier(),
        DaskSoftGBMRegressor(),
    ):
        with pytest.raises(TypeError, match=r"takes the TrainingChunks.*got tuple.*fit\(X, y\)"):
            student.fit_chunks((X, y))
        assert not hasattr(student, "n_features_in_")
