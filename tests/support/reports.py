"""What a test wants shown at the end of the session, whether it passed or not (tests/conftest.py prints it)."""

from __future__ import annotations

#: section title -> (name -> text), in the order they were added
SECTIONS: dict[str, dict[str, str]] = {}


def report(section: str, name: str, text: str) -> None:
    SECTIONS.setdefault(section, {})[name] = text
