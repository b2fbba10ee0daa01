"""Applies a mutant: one function's source, edited once, compiled in its own module and put in its place."""

from __future__ import annotations
import __future__

import importlib
import inspect
import textwrap
from typing import Any

from mutants.catalogue import Mutant


class MutantDoesNotApply(Exception):
    pass


def apply(mutant: Mutant) -> None:
    module_name, _, qualname = mutant.target.partition(":")
    module = importlib.import_module(module_name)
    owner: Any = module
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    source = inspect.getsource(original)  # as in the file: the edits match its indentation
    if "super()" in source or source.lstrip().startswith("@"):
        raise MutantDoesNotApply(f"{mutant.name}: {mutant.target} cannot be recompiled outside its class")
    for old, new in mutant.edits:
        if source.count(old) != 1:
            raise MutantDoesNotApply(
                f"{mutant.name}: {old!r} occurs {source.count(old)} times in {mutant.target}, not once"
            )
        source = source.replace(old, new)
    mutated = textwrap.dedent(source)
    code = compile(
        mutated,
        f"<mutant {mutant.name} of {inspect.getsourcefile(original)}>",
        "exec",
        flags=__future__.annotations.compiler_flag,
        dont_inherit=True,
    )
    namespace: dict[str, Any] = {}
    exec(code, module.__dict__, namespace)  # the function's globals are its module's
    setattr(owner, name, namespace[name])
