"""fit on Dask collections, on a real distributed.LocalCluster (processes, 2 workers)."""

import os
import signal
import sys
import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skdistill import DistilledClassifier, DistilledRegressor, TransferSet
from skdistill.students import SoftMLPClassifier, SoftTreeClassifier

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

# The workers are other processes: they get this module's classes by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class SlowTeacher(LogisticRegression):
    """A logistic regression that takes a while to answer: labeling lasts long enough for
    a worker to be killed in the middle of it."""

    def decision_function(self, X):
        time.sleep(0.15)
        return super().decision_function(X)


def _data(n=600, seed=0):
    X, y = make_classification(
        n_samples=n, n_features=6, n_informative=4, n_classes=3, random_state=seed
    )
    return X, y


@pytest.fixture(scope="module")
def teacher():
    X, y = _data()
    return LogisticRegression(max_iter=500).fit(X, y)


def _cluster(n_workers):
    return distributed.LocalCluster(
        n_workers=n_workers,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        worker_dashboard_address=None,
    )


@pytest.fixture(scope="module")
def client():
    with _cluster(2) as cluster, distributed.Client(cluster) as client:
        yield client


def _model(teacher, **params):
    params = {
        "student": SoftTreeClassifier(max_depth=5),
        "n_samples": 3.0,
        "holdout": 0.1,
        "random_state": 0,
        **params,
    }
    return DistilledClassifier(teacher, **params)


def _fit_proba(teacher, X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _model(teacher, **params).fit(X, y)
    return model, model.predict_proba(_data()[0])


def test_same_result_on_one_and_two_workers(teacher, client):
    X, y = _data()
    Xd, yd = da.from_array(X, chunks=(100, -1)), da.from_array(y, chunks=100)
    student = SoftMLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    with client.as_current():
        _, on_two = _fit_proba(teacher, Xd, yd, student=student)
    with _cluster(1) as cluster, distributed.Client(cluster, set_as_default=False) as one:
        assert len(one.nthreads()) == 1
        with one.as_current():
            _, on_one = _fit_proba(teacher, Xd, yd, student=student)
    np.testing.assert_array_equal(on_one, on_two)


def test_transfer_set_from_partitions(teacher, client):
    X, y = _data()
    Xd, yd = da.from_array(X, chunks=(150, -1)), da.from_array(y, chunks=150)
    model, _ = _fit_proba(teacher, Xd, yd)
    # 10% of each 150-row partition is held out: 15 rows each, 135 kept, 3x as many drawn.
    assert model.n_transfer_samples_ == 4 * 4 * 135
    assert model.payoff_["n_rows"] == 4 * 15
    assert model.score(X, y) > 0.7


def test_dataframe_input_and_regression(client):
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import Ridge

    X, y = _data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    regressor = Ridge().fit(frame, y.astype(float))
    Xd = dd.from_pandas(frame, npartitions=3)
    yd = dd.from_pandas(pd.Series(y.astype(float)), npartitions=3)
    model = DistilledRegressor(
        regressor, student=Ridge(), n_samples=2.0, holdout=0.0, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(Xd, yd)
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.score(frame, regressor.predict(frame)) > 0.99


def test_unknown_chunk_sizes_are_refused_before_labeling(teacher):
    X, y = _data()
    Xd = da.from_array(X, chunks=(100, -1))
    filtered = Xd[Xd[:, 0] > 0]
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        _model(teacher).fit(filtered)


def test_partitions_with_other_dtypes_are_refused(teacher):
    pd = pytest.importorskip("pandas")
    X, _ = _data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    dask = pytest.importorskip("dask")
    bad = frame.iloc[:100].astype({"f0": "int64"})
    parts = [dask.delayed(lambda: frame)(), dask.delayed(lambda: bad)()]
    # As from files written by different jobs: the declared meta says float64 throughout.
    mixed = dd.from_delayed(parts, meta=frame.iloc[:0], verify_meta=False)
    teacher_df = LogisticRegression(max_iter=500).fit(frame, _data()[1])
    with pytest.raises(ValueError, match="Partition 1 of X has columns"):
        _model(teacher_df).fit(mixed)


def test_columns_other_than_the_teachers_are_refused_before_labeling(teacher):
    """Renamed or reordered columns of a Dask DataFrame are refused from its meta, as for a
    pandas DataFrame, without a client (no task runs)."""
    pd = pytest.importorskip("pandas")
    X, y = _data()
    names = [f"f{i}" for i in range(X.shape[1])]
    teacher_df = LogisticRegression(max_iter=500).fit(pd.DataFrame(X, columns=names), y)
    renamed = pd.DataFrame(X, columns=names[:-1] + ["other"])
    with pytest.raises(ValueError, match="column 5 of X is 'other'.*'f5'"):
        _model(teacher_df).fit(dd.from_pandas(renamed, npartitions=3), y)
    reordered = pd.DataFrame(X, columns=names)[names[::-1]]
    with pytest.raises(ValueError, match="in another order"):
        _model(teacher_df).fit(dd.from_pandas(reordered, npartitions=3), y)


def test_unpicklable_teacher_is_refused_before_labeling(teacher):
    from skdistill.teachers import CallableTeacher

    lock = threading.Lock()

    def logits(X):
        with lock:
            return teacher.decision_function(X)

    callable_teacher = CallableTeacher(
        logits, response_method="decision_function", classes=teacher.classes_
    )
    X, _ = _data()
    with pytest.raises(TypeError, match="cannot be pickled"):
        _model(callable_teacher).fit(da.from_array(X, chunks=(100, -1)))


def test_unfitted_teacher_is_refused(client):
    X, y = _data()
    with pytest.raises(ValueError, match="fitted teacher"):
        _model(LogisticRegression()).fit(da.from_array(X, chunks=(100, -1)), y)


def test_chunks_of_y_must_match_x(teacher):
    X, y = _data()
    Xd, yd = da.from_array(X, chunks=(100, -1)), da.from_array(y, chunks=150)
    with pytest.raises(ValueError, match="partition y like X"):
        _model(teacher).fit(Xd, yd)


def test_y_of_several_columns_or_missing_labels_is_refused(teacher, client):
    pd = pytest.importorskip("pandas")
    X, y = _data()
    Xd = da.from_array(X, chunks=(200, -1))
    two = dd.from_pandas(pd.DataFrame({"a": y, "b": y}), npartitions=3)
    with pytest.raises(ValueError, match="y has 2 columns"):
        _model(teacher).fit(Xd, two)
    with pytest.raises(ValueError, match="y has 2 columns"):
        _model(teacher).fit(Xd, np.column_stack([y, y]))
    with_missing = y.astype(float)
    with_missing[[4, 9]] = np.nan
    with client.as_current(), pytest.raises(ValueError, match="y has 2 missing labels"):
        _model(teacher).fit(Xd, da.from_array(with_missing, chunks=200))


def test_transfer_set_build_takes_dask(teacher, client):
    X, y = _data()
    transfer = TransferSet.build(
        teacher,
        da.from_array(X, chunks=(200, -1)),
        y,
        n_samples=1.0,
        holdout=0.1,
        random_state=0,
        store="disk",
    )
    assert transfer.is_chunked and transfer.store.on_disk
    assert len(transfer) == 2 * 3 * 180
    # The real rows come first, in a random order, each with the teacher's outputs.
    rows, outputs = transfer.store.chunk(0)["X"][:540], transfer.store.chunk(0)["outputs"][:540]
    position = [np.flatnonzero((X.astype(np.float32) == row).all(axis=1))[0] for row in rows]
    assert len(set(position)) == 540 and np.any(np.diff(position) < 0)
    expected = np.log(teacher.predict_proba(X[position]))
    np.testing.assert_allclose(
        outputs - outputs.mean(axis=1, keepdims=True),
        expected - expected.mean(axis=1, keepdims=True),
        atol=1e-4,
    )
    # The workers timed their sampling and labeling; the wall time is split in proportion.
    times = transfer.fit_times
    assert times["worker_sampling"] > 0 and times["worker_labeling"] > 0
    assert times["sampling"] / times["labeling"] == pytest.approx(
        times["worker_sampling"] / times["worker_labeling"]
    )


def test_a_worker_killed_while_labeling_loses_and_duplicates_nothing(client):
    X, y = _data(n=400)
    slow = SlowTeacher(max_iter=500).fit(X, y)
    Xd, yd = da.from_array(X, chunks=(20, -1)), da.from_array(y, chunks=20)
    params = {"n_samples": 1.0, "batch_size": 1000}
    _, clean = _fit_proba(slow, Xd, yd, **params)  # 40 tasks of 0.15 s or more

    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    killed = threading.Event()

    def kill_soon():
        time.sleep(1.0)
        os.kill(pids[victim], signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_soon)
    tic = time.perf_counter()
    killer.start()
    model, after_kill = _fit_proba(slow, Xd, yd, **params)
    killer.join()
    assert killed.is_set() and time.perf_counter() - tic > 1.0  # killed mid-fit
    client.wait_for_workers(2, timeout=30)
    assert set(client.run(os.getpid).values()) != set(pids.values())  # a new process
    assert model.n_transfer_samples_ == 2 * 20 * 18
    np.testing.assert_array_equal(after_kill, clean)


def _final_n_jobs(adapter):
    model = adapter.estimator
    return (model[-1] if hasattr(model, "steps") else model).n_jobs


def test_workers_label_on_their_own_threads(client):
    lightgbm = pytest.importorskip("lightgbm")
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skdistill._dask import _ClientRunner
    from skdistill.teachers import as_teacher

    X, y = _data()
    gbm = lightgbm.LGBMClassifier(n_estimators=5, verbose=-1).fit(X, y)
    forest = make_pipeline(StandardScaler(), RandomForestClassifier(5, n_jobs=-1)).fit(X, y)
    for teacher in (gbm, forest):
        runner = _ClientRunner(client, as_teacher(teacher))
        n_jobs = client.submit(_final_n_jobs, runner.teacher).result()
        assert n_jobs == 1  # one thread per worker, not every core of the machine
    assert gbm.n_jobs is None and forest[-1].n_jobs == -1  # the user's teacher is unchanged


def _gbm_on_cluster_and_in_process(client, chunks):
    """DaskSoftGBMClassifier trained on the cluster and SoftGBMClassifier in process, on the
    same chunked transfer set."""
    from skdistill.students import DaskSoftGBMClassifier, SoftGBMClassifier

    with client.as_current():
        on_cluster = DaskSoftGBMClassifier(n_estimators=30, random_state=0).fit_chunks(chunks)
    rows, targets, weights = chunks.materialize()
    in_process = SoftGBMClassifier(n_estimators=30, random_state=0)
    return on_cluster, in_process.fit_soft(rows, targets, sample_weight=weights)


def test_gbm_classifier_student_trains_with_lightgbm_dask(client):
    pytest.importorskip("lightgbm")
    from skdistill.samplers import Smear
    from skdistill.students import DaskSoftGBMClassifier

    X, y = make_classification(n_samples=600, n_features=6, n_informative=4, random_state=0)
    teacher = LogisticRegression().fit(X, y)
    Xd, yd = da.from_array(X, chunks=(200, -1)), da.from_array(y, chunks=200)
    params = {"sampler": Smear(), "n_samples": 3.0, "holdout": 0.0, "random_state": 0}
    student = DaskSoftGBMClassifier(n_estimators=30, random_state=0)
    model = DistilledClassifier(teacher, student=student, **params)
    with client.as_current(), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # not loaded whole into the client
        model.fit(Xd, yd)
    # Trained by LightGBM's distributed learner, on both workers, from the class prior.
    assert "[num_machines: 2]" in model.student_.booster_.model_to_string()
    assert model.student_.classes_.tolist() == [0, 1]
    assert np.mean(model.predict(X) == teacher.predict(X)) > 0.9
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    # On the same chunked transfer set, it starts from the prior the in-process student uses.
    X_imbalanced, y_imbalanced = X[y == 1][:100], y[y == 1][:100]
    X_imbalanced = np.vstack([X[y == 0], X_imbalanced])
    y_imbalanced = np.concatenate([y[y == 0], y_imbalanced])
    chunks = TransferSet.build(
        teacher, X_imbalanced, y_imbalanced, n_samples=1.0, store="memory", random_state=0
    ).training_chunks()
    on_cluster, in_process = _gbm_on_cluster_and_in_process(client, chunks)
    assert on_cluster.init_score_ == pytest.approx(in_process.init_score_, rel=1e-9)
    assert on_cluster.init_score_ < -0.1  # three real rows of class 0 to one of class 1
    agreement = np.mean(on_cluster.predict(X) == in_process.predict(X))
    assert agreement > 0.95


def test_gbm_classifier_student_trains_multiclass_with_lightgbm_dask(client):
    pytest.importorskip("lightgbm")
    from skdistill.samplers import Smear
    from skdistill.students import DaskSoftGBMClassifier

    X, y = _data()
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    Xd, yd = da.from_array(X, chunks=(200, -1)), da.from_array(y, chunks=200)
    student = DaskSoftGBMClassifier(n_estimators=30, random_state=0)
    params = {"sampler": Smear(), "n_samples": 3.0, "holdout": 0.0, "random_state": 0}
    model = DistilledClassifier(teacher, student=student, **params)
    with client.as_current(), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # not loaded whole into the client
        model.fit(Xd, yd)
    booster = model.student_.booster_
    assert "[num_machines: 2]" in booster.model_to_string()
    assert booster.num_model_per_iteration() == 3
    assert np.mean(model.predict(X) == teacher.predict(X)) > 0.9
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    # On the same chunked transfer set: the in-process student's prior and about its model.
    chunks = TransferSet.build(
        teacher, X, y, sampler=Smear(), n_samples=3.0, store="memory", random_state=0
    ).training_chunks()
    on_cluster, in_process = _gbm_on_cluster_and_in_process(client, chunks)
    np.testing.assert_allclose(on_cluster.init_score_, in_process.init_score_, rtol=1e-9)
    assert np.mean(on_cluster.predict(X) == in_process.predict(X)) > 0.9
    gap = np.abs(on_cluster.predict_proba(X) - in_process.predict_proba(X))
    assert np.median(gap) < 0.05


def test_class_copies_give_the_soft_cross_entropy(monkeypatch):
    """LightGBM's multiclass objective on the weighted copies grows the tree of the custom
    soft cross-entropy objective: its gradient and Hessian sums are the same, and a leaf's
    row count is the copies per row times as large (here it binds: without the factor, the
    trees differ)."""
    lightgbm = pytest.importorskip("lightgbm")
    from skdistill.students import _dask_gbm
    from skdistill.students._loss import SoftmaxCrossEntropyObjective

    X, y = _data(n=2000)
    Q = LogisticRegression(max_iter=500).fit(X, y).predict_proba(X)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    params = {"num_leaves": 4, "deterministic": True, "force_col_wise": True, "verbosity": -1}
    params.update(num_class=3, num_threads=1, bin_construct_sample_cnt=10**6)
    init = np.tile(np.log(Q.mean(axis=0)), (len(X), 1))
    soft = lightgbm.train(
        {**params, "min_data_in_leaf": 300, "objective": SoftmaxCrossEntropyObjective(Q, w)},
        lightgbm.Dataset(X, label=y.astype(float), init_score=init),
        num_boost_round=1,
    )
    with monkeypatch.context() as patch:
        patch.setattr(_dask_gbm, "_MIN_CLASS_SHARE", 0.0)  # every class copied: exact
        rows, label, weight = _dask_gbm._class_copies(Q, w)
    assert len(rows) == 3 * len(X)
    copies = lightgbm.train(
        {**params, "min_data_in_leaf": 3 * 300, "objective": "multiclass"},
        lightgbm.Dataset(X[rows], label=label, weight=weight, init_score=init[rows]),
        num_boost_round=1,
    )
    np.testing.assert_allclose(
        copies.predict(X, raw_score=True), soft.predict(X, raw_score=True), atol=1e-5
    )
    # Left-out shares: the top class is kept, the rest sum to one with the row's weight.
    rows, label, weight = _dask_gbm._class_copies(np.array([[0.9995, 0.0005, 0.0]]), None)
    assert rows.tolist() == [0] and label.tolist() == [0.0] and weight.tolist() == [1.0]


def test_gbm_regressor_student_trains_with_lightgbm_dask(client):
    pytest.importorskip("lightgbm")
    from sklearn.datasets import make_regression
    from sklearn.linear_model import Ridge

    from skdistill.samplers import Smear
    from skdistill.students import DaskSoftGBMRegressor

    X, y = make_regression(n_samples=600, n_features=6, noise=1.0, random_state=0)
    teacher = Ridge().fit(X, y)
    Xd, yd = da.from_array(X, chunks=(200, -1)), da.from_array(y, chunks=200)
    student = DaskSoftGBMRegressor(n_estimators=30, random_state=0)
    model = DistilledRegressor(
        teacher, student=student, sampler=Smear(), n_samples=3.0, holdout=0.0, random_state=0
    )
    with client.as_current(), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # not loaded whole into the client
        model.fit(Xd, yd)
    # Trained by LightGBM's distributed learner, on both workers.
    assert "[num_machines: 2]" in model.student_.boosters_[0].model_to_string()
    assert model.score(X, teacher.predict(X)) > 0.9
