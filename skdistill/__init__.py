"""skdistill: distil fitted tabular models into small, fast scikit-learn students."""

__version__ = "0.1.0"
__all__ = ["__version__"]
