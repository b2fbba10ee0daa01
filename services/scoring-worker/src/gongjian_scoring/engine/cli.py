"""`gongjian score`: compute a score sheet offline from a facts file, so anyone can recompute a score."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from gongjian_scoring.engine.compute import compute
from gongjian_scoring.engine.errors import FactsError
from gongjian_scoring.engine.facts import parse_facts
from gongjian_scoring.engine.rules import (
    RuleSet,
    UnknownRuleSetError,
    builtin_rule_set_ids,
    load_builtin_rule_set,
    load_rule_set_file,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongjian score",
        description="Compute an assessment score sheet (考核评分表) from a facts document, offline.",
    )
    parser.add_argument(
        "--rule-set",
        required=True,
        help=f"a built-in rule set id ({', '.join(builtin_rule_set_ids())}) or the path of a rule set JSON file",
    )
    parser.add_argument("--facts", required=True, type=Path, help="the facts document (JSON)")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        help="score as of this date (YYYY-MM-DD); default: the facts' as_of",
    )
    return parser


def main(argv: list[str], *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse has printed its usage message; report its status instead of ending the caller.
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    try:
        rule_set = _load_rule_set(args.rule_set)
    except (UnknownRuleSetError, OSError) as error:
        print(f"gongjian score: error: {error}", file=err)
        return EXIT_BAD_INPUT
    except ValidationError as error:
        print(f"gongjian score: error: invalid rule set {args.rule_set}:\n{error}", file=err)
        return EXIT_BAD_INPUT
    try:
        text = args.facts.read_bytes()
    except OSError as error:
        print(f"gongjian score: error: cannot read facts: {error}", file=err)
        return EXIT_BAD_INPUT
    try:
        sheet = compute(rule_set, parse_facts(text), args.as_of)
    except FactsError as error:
        print(f"gongjian score: error: {args.facts}: {error}", file=err)
        return EXIT_BAD_INPUT
    print(json.dumps(sheet.model_dump(mode="json"), ensure_ascii=False, indent=2), file=out)
    return EXIT_OK


def _load_rule_set(name: str) -> RuleSet:
    if name in builtin_rule_set_ids():
        return load_builtin_rule_set(name)
    if name.endswith(".json") or Path(name).exists():
        return load_rule_set_file(name)
    raise UnknownRuleSetError(name)
