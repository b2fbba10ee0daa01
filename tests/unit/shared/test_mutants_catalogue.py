"""The mutants `make test` runs still fit the code: each edit finds its text once, each named test exists (a
stale mutant would otherwise fail to apply only at the end of the run)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from mutants.catalogue import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_edit_finds_its_text_once(mutant: Mutant) -> None:
    module_name, _, qualname = mutant.target.partition(":")
    target = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    source = inspect.getsource(target)
    assert [source.count(old) for old, _ in mutant.edits] == [1] * len(mutant.edits)
    assert all(old != new for old, new in mutant.edits)


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_named_test_exists(mutant: Mutant) -> None:
    assert mutant.tests
    for node in mutant.tests:
        path, _, name = node.partition("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef)}
        assert name in functions, node


def test_names_are_unique() -> None:
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
