"""
Size the student to the teacher
===============================

By default a distiller does not guess the student's size: it labels one transfer set, trains
a ladder of MLP students on it, scores each on held-out real rows, and keeps the smallest
within ``tolerance`` of the best. ``candidates_`` reports every candidate's size, single-row
latency, fidelity and score (the Pareto front of the teacher's compressions), and
``payoff_`` compares the chosen student with the same student trained on the labels alone.

Here the ladder is given explicitly (three small MLPs, few epochs) so that the example runs in
seconds; ``student=None`` uses the default ladder, climbed smallest first.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from lightgbm import LGBMClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier
from skdistill.datasets import load_magic_gamma
from skdistill.students import SoftMLPClassifier

X, y = load_magic_gamma(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=3000, test_size=3000, random_state=0
)
teacher = LGBMClassifier(n_estimators=200, verbose=-1, random_state=0).fit(X_train, y_train)

# Few epochs keep the example fast; the students would train longer by default.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
ladder = [SoftMLPClassifier(hidden_layer_sizes=h, max_iter=30) for h in [(8,), (32,), (64, 64)]]
model = DistilledClassifier(teacher, student=ladder, n_samples=2.0, random_state=0)
model.fit(X_train, y_train)

table = model.candidates_
for i, name in enumerate(table["student"]):
    chosen = "  <- chosen" if i == model.best_index_ else ""
    print(
        f"{name:55s} {table['size_bytes'][i] / 1e3:7.1f} kB  "
        f"{table['latency_us'][i]:7.1f} us  score {table['score'][i]:.4f}{chosen}"
    )
payoff = model.payoff_
print(
    f"hold-out accuracy: distilled {payoff['distilled']:.4f}, the same student trained on "
    f"the labels {payoff['direct']:.4f} (shipped: {payoff['shipped']})"
)
print(
    f"test accuracy: student {model.score(X_test, y_test):.4f}, teacher "
    f"{teacher.score(X_test, y_test):.4f}"
)

# %%
# Held-out score against size: the ladder is the teacher's compression front
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(np.asarray(table["size_bytes"]) / 1e3, table["score"], marker="o")
ax.scatter(
    [table["size_bytes"][model.best_index_] / 1e3],
    [table["score"][model.best_index_]],
    s=120,
    facecolors="none",
    edgecolors="red",
    label="chosen",
)
ax.set_xscale("log")
ax.set_xlabel("pickled size of the student (kB)")
ax.set_ylabel("hold-out accuracy")
ax.legend()
fig.tight_layout()
