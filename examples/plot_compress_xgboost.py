"""
Compress an XGBoost regressor
=============================

An XGBoost regressor on scikit-learn's bundled diabetes data is distilled into a small MLP
(:class:`~skdistill.students.SoftMLPRegressor`). For regression the student learns the
teacher's predictions; fidelity is the R² of the student's predictions against the teacher's.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from xgboost import XGBRegressor

from skdistill import DistilledRegressor
from skdistill.metrics import fidelity_score
from skdistill.students import SoftMLPRegressor

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
teacher = XGBRegressor(n_estimators=200, max_depth=3, learning_rate=0.05, n_jobs=1)
teacher.fit(X_train, y_train)

model = DistilledRegressor(
    teacher, student=SoftMLPRegressor(hidden_layer_sizes=(32,)), n_samples=10.0, random_state=0
)
model.fit(X_train, y_train)

teacher_pred, student_pred = teacher.predict(X_test), model.predict(X_test)
print(f"R² teacher {teacher.score(X_test, y_test):.3f}  student {model.score(X_test, y_test):.3f}")
print(f"fidelity (R² against the teacher): {fidelity_score(teacher_pred, student_pred):.3f}")

# %%
# The student follows the teacher
fig, ax = plt.subplots(figsize=(4, 4))
ax.scatter(teacher_pred, student_pred, s=10)
low, high = teacher_pred.min(), teacher_pred.max()
ax.plot([low, high], [low, high], color="grey", linestyle="--")
ax.set_xlabel("XGBoost teacher")
ax.set_ylabel("distilled MLP")
ax.set_title("Test predictions")
fig.tight_layout()
