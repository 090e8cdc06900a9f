"""microcred benchmarks: ``make bench`` (``python -m benchmarks``) prints one table.

Each benchmark module exposes ``run(config) -> list[Row]``; :mod:`benchmarks.__main__`
runs the modules listed in ``MODULES`` in one process, on the same machine, and prints
and records all rows together (benchmarks/RESULTS.md). Benchmarks never run in tests.
"""
