"""
Choose a sampler
================

Pseudo rows are where the student learns what the teacher does between the training rows.
This example distils one teacher into the same tree with each sampler and compares agreement
with the teacher on held-out rows (fidelity) and accuracy.
"""

import matplotlib.pyplot as plt
from lightgbm import LGBMClassifier
from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier
from skdistill.datasets import load_magic_gamma
from skdistill.metrics import fidelity_score
from skdistill.samplers import MUNGE, GaussianNoise, MarginalSampler, Mixup, Smear
from skdistill.students import SoftTreeClassifier

X, y = load_magic_gamma(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=3000, test_size=4000, random_state=0
)
teacher = LGBMClassifier(n_estimators=200, verbose=-1, random_state=0).fit(X_train, y_train)

samplers = {
    "none": None,
    "MUNGE": MUNGE(),
    "Smear": Smear(),
    "GaussianNoise": GaussianNoise(),
    "Mixup": Mixup(),
    "Marginal": MarginalSampler(),
}
fidelity = {}
for name, sampler in samplers.items():
    model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=8),
                                sampler=sampler, n_samples=2.0, random_state=0)  # fmt: skip
    model.fit(X_train, y_train)
    fidelity[name] = fidelity_score(teacher.predict(X_test), model.predict(X_test))
    print(f"{name:14s} fidelity {fidelity[name]:.3f}  accuracy {model.score(X_test, y_test):.3f}")

# %%
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(list(fidelity), list(fidelity.values()))
ax.set_xlim(min(fidelity.values()) - 0.02, 1.0)
ax.set_xlabel("agreement with the teacher on test rows")
fig.tight_layout()
