"""
Pipelines: as teacher and around the distiller
==============================================

A teacher may be a whole scikit-learn Pipeline (here a scaler and a logistic regression on the
breast cancer data); skdistill reads the logits of its final step through the Pipeline. The
distiller is itself an estimator, so it can be the last step of another Pipeline.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skdistill import DistilledClassifier
from skdistill.students import SoftLogisticRegression

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

# %%
# A Pipeline teacher
teacher = make_pipeline(SelectKBest(k=15), HistGradientBoostingClassifier(random_state=0))
teacher.fit(X_train, y_train)

# %%
# The distiller as the last step of a Pipeline: it sees the 10 columns the selector keeps.
# A teacher fitted on all 30 columns cannot read those, so this one is passed unfitted and the
# distiller fits it on what it is given (the object passed is never modified).
pipeline = make_pipeline(
    SelectKBest(k=10),
    DistilledClassifier(
        HistGradientBoostingClassifier(random_state=0),
        student=SoftLogisticRegression(),
        random_state=0,
    ),
)
pipeline.fit(X_train, y_train)

# %%
# And the fitted Pipeline teacher distilled on all columns
model = DistilledClassifier(teacher, student=SoftLogisticRegression(), random_state=0)
model.fit(X_train, y_train)

scores = {
    "Pipeline teacher": teacher.score(X_test, y_test),
    "distilled from it": model.score(X_test, y_test),
    "Pipeline(select, distiller)": pipeline.score(X_test, y_test),
}
for name, score in scores.items():
    print(f"{name:28s} {score:.3f}")
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(list(scores), list(scores.values()))
ax.set_xlim(0.85, 1.0)
ax.set_xlabel("test accuracy")
ax.set_yticks(np.arange(len(scores)), list(scores))
fig.tight_layout()
