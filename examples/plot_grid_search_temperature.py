"""
Grid-search the temperature
===========================

The teacher is never refit inside :class:`~sklearn.model_selection.GridSearchCV`, so the
temperature and the number of pseudo rows are searched like any other hyper-parameter;
``score`` is accuracy on the true labels of each held-out fold.
"""

import matplotlib.pyplot as plt
import numpy as np
from lightgbm import LGBMClassifier
from sklearn.model_selection import GridSearchCV, train_test_split

from skdistill import DistilledClassifier
from skdistill.datasets import load_magic_gamma
from skdistill.students import SoftTreeClassifier

X, y = load_magic_gamma(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=4000, test_size=4000, random_state=0
)
teacher = LGBMClassifier(n_estimators=200, verbose=-1, random_state=0).fit(X_train, y_train)

distiller = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=6), random_state=0)
grid = {"temperature": [1.0, 2.0, 4.0], "n_samples": [1.0, 4.0]}
search = GridSearchCV(distiller, grid, cv=3).fit(X_train, y_train)
print(search.best_params_, f"test accuracy {search.score(X_test, y_test):.3f}")

# %%
# Cross-validated accuracy by temperature, for each number of pseudo rows
results = search.cv_results_
fig, ax = plt.subplots(figsize=(5, 3))
for n_samples in grid["n_samples"]:
    rows = np.asarray(results["param_n_samples"]) == n_samples
    ax.plot(
        np.asarray(results["param_temperature"])[rows],
        results["mean_test_score"][rows],
        marker="o",
        label=f"n_samples={n_samples}",
    )
ax.set_xlabel("temperature")
ax.set_ylabel("CV accuracy")
ax.legend()
fig.tight_layout()
