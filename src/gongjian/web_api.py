"""The OpenAPI document the web console's typed client is generated from (web/src/api/openapi.json).

The gateway's merged document: every route of the four services behind one base URL, with operation ids and
schema names unique across them. `npm run gen:api` (or `make web-api`) writes it here and turns it into types;
tests/contract/test_web_client_types.py fails when the checked-in copy drifts from the services.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from gongjian.gateway import Gateway
from gongjian.services import SERVICES

DOCUMENT = Path("web/src/api/openapi.json")


def web_document() -> dict[str, Any]:
    """The merged document of the four services, built from their default settings."""
    logging.disable(logging.WARNING)  # the default settings warn about keys: irrelevant to the document
    try:
        gateway = Gateway({entry.name: entry.create_app(entry.settings_class()) for entry in SERVICES})
    finally:
        logging.disable(logging.NOTSET)
    return gateway.openapi


def render(document: dict[str, Any]) -> str:
    """Stable text: sorted keys would reorder paths, so only the indentation is fixed."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DOCUMENT
    target.write_text(render(web_document()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
