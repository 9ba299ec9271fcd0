"""
Compress a LightGBM model
=========================

A LightGBM classifier with a few hundred trees is distilled into a single tree of depth 8 on
the bundled MAGIC Gamma Telescope data. The same tree trained directly on the labels shows what
the teacher adds.
"""

# %%
# A teacher, already fitted
# -------------------------
import matplotlib.pyplot as plt
from lightgbm import LGBMClassifier
from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier
from skdistill.datasets import load_magic_gamma
from skdistill.metrics import distillation_report
from skdistill.students import SoftTreeClassifier

X, y = load_magic_gamma(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
teacher = LGBMClassifier(n_estimators=300, num_leaves=31, verbose=-1, random_state=0)
teacher.fit(X_train, y_train)

# %%
# Distil it into one tree
# -----------------------
# ``n_samples=2.0`` draws two pseudo rows per training row (MUNGE, the tree's default
# sampler); the teacher labels them with its logits.
model = DistilledClassifier(
    teacher, student=SoftTreeClassifier(max_depth=8), n_samples=2.0, random_state=0
)
model.fit(X_train, y_train)
direct = SoftTreeClassifier(max_depth=8, random_state=0).fit(X_train, y_train)

report = distillation_report(model, X_test, y_test, single_row_repeats=20)
print(report)

# %%
# Accuracy of the three models
# ----------------------------
scores = {
    "tree on labels": direct.score(X_test, y_test),
    "distilled tree": model.score(X_test, y_test),
    "LightGBM teacher": teacher.score(X_test, y_test),
}
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(list(scores), list(scores.values()), color=["grey", "tab:blue", "tab:green"])
ax.set_xlim(0.75, 0.9)
ax.set_xlabel("test accuracy")
ax.set_title(f"student is {report.size_reduction:.0f}x smaller than the teacher")
fig.tight_layout()
