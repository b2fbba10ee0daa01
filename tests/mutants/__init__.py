"""Deliberately broken variants of the reliability properties, run by `make test` against the tests that must
catch them (`tests/mutants/run.py`)."""
