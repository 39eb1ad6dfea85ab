"""Benchmarks of sheetsync's split and merge against a naive pandas baseline and a floor.

``python -m benchmarks`` builds (or reuses) corpora under ``benchmarks/corpus/`` and times each
case in a fresh process; see ``benchmarks/RESULTS.md`` for the numbers and the choices they led to.
Not part of the test run (``tests/test_benchmarks_smoke.py`` runs ``--quick`` once, untimed).
"""
