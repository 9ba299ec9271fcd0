"""
Label on a Dask cluster
=======================

Labeling the transfer set is usually the costly step: every pseudo row goes through the
teacher. The distillers label it in chunks of ``batch_size`` rows through joblib, so under
``joblib.parallel_config(backend="dask")`` the chunks run on a Dask cluster. Here the cluster
is a small in-process one; a real one is reached the same way, with ``Client(address)``.
The result is the same as labeling locally: with a fixed ``random_state`` the students are
identical.
"""

import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster
from joblib import parallel_config
from lightgbm import LGBMClassifier
from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier
from skdistill.datasets import load_magic_gamma
from skdistill.students import SoftTreeClassifier

X, y = load_magic_gamma(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=5000, random_state=0)
# One thread per teacher call: the parallelism comes from the chunks.
teacher = LGBMClassifier(n_estimators=200, n_jobs=1, verbose=-1).fit(X_train, y_train)


def distiller():
    return DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=8), n_samples=4.0,
                               batch_size=5000, n_jobs=2, random_state=0)  # fmt: skip


local = distiller().fit(X_train, y_train)

cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
with cluster, Client(cluster), parallel_config(backend="dask"):
    on_dask = distiller().fit(X_train, y_train)

same = np.array_equal(local.predict_proba(X_test), on_dask.predict_proba(X_test))
print(f"identical students: {same}; test accuracy {on_dask.score(X_test, y_test):.3f}")

# %%
# Where the fitting time went, locally and with the chunks labelled on the cluster
stages = ["sampling", "labeling", "training"]
fig, ax = plt.subplots(figsize=(6, 2.5))
for row, model in enumerate([local, on_dask]):
    left = 0.0
    for stage, color in zip(stages, ["tab:grey", "tab:blue", "tab:green"], strict=True):
        seconds = model.fit_times_[stage]
        ax.barh(row, seconds, left=left, color=color, label=stage if row == 0 else None)
        left += seconds
ax.set_yticks([0, 1], ["local", "Dask"])
ax.set_xlabel("seconds")
ax.legend(loc="lower right")
fig.tight_layout()
