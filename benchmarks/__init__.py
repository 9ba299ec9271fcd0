"""Benchmarks of skdistill (run as python -m benchmarks.<name>)."""
