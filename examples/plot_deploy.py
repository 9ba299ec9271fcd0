"""
Deploy the student
==================

What a service needs is the student and its input encoding, nothing else: no teacher, no
training rows, no optimizer state. ``skdistill.deploy.export_predictor`` writes exactly that
as one ``.npz`` file, which ``skdistill.deploy.load`` reads back with numpy alone (no pickle),
and ``skdistill.onnx.to_onnx`` exports the same model to ONNX Runtime. Both predict as the
distiller does; the plot compares their single-row latency with the teacher's.
"""

import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
from lightgbm import LGBMClassifier
from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier
from skdistill.datasets import load_magic_gamma
from skdistill.deploy import export_predictor, load
from skdistill.onnx import to_feeds, to_onnx
from skdistill.students import SoftMLPClassifier

X, y = load_magic_gamma(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=3000, test_size=2000, random_state=0
)
teacher = LGBMClassifier(n_estimators=300, verbose=-1, random_state=0).fit(X_train, y_train)
model = DistilledClassifier(
    teacher, student=SoftMLPClassifier(hidden_layer_sizes=(64, 64)), n_samples=2.0, random_state=0
).fit(X_train, y_train)

path = Path(tempfile.mkdtemp()) / "student.npz"
export_predictor(model).save(path)
served = load(path)
print(f"numpy predictor: {path.stat().st_size / 1e3:.1f} kB")
print("same predictions:", bool((served.predict(X_test) == model.predict(X_test)).all()))

session = ort.InferenceSession(to_onnx(model, X_train).SerializeToString())
labels, proba = session.run(None, to_feeds(model, X_test))
print(f"ONNX Runtime agrees on {(labels == model.predict(X_test)).mean():.3f} of the rows")

# %%
# Single-row latency (median of 200 calls)
row = X_test[:1]
feeds = to_feeds(model, row)


def median_us(predict, n=200):
    times = []
    for _ in range(n):
        tic = time.perf_counter()
        predict()
        times.append(time.perf_counter() - tic)
    return 1e6 * float(np.median(times))


latency = {
    "teacher": median_us(lambda: teacher.predict_proba(row)),
    "distiller": median_us(lambda: model.predict_proba(row)),
    "numpy predictor": median_us(lambda: served.predict_proba(row)),
    "ONNX Runtime": median_us(lambda: session.run(None, feeds)),
}
fig, ax = plt.subplots(figsize=(5, 3))
ax.barh(list(latency), list(latency.values()))
ax.set_xscale("log")
ax.set_xlabel("single-row latency (µs)")
fig.tight_layout()
