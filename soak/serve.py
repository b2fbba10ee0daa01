"""`python -m soak.serve SERVICE --port P --clock-file F`: one service served as `gongjian serve` serves it
(settings from its own environment prefix, uvicorn, its lifespan), on the soak's file clock."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from gongjian.clock_file import FileClock
from gongjian.serve import SettingsError, _run_uvicorn, load_settings
from gongjian.services import SERVICES, service


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak.serve")
    parser.add_argument("service", choices=[entry.name for entry in SERVICES])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clock-file", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    entry = service(args.service)
    try:
        settings = load_settings(entry)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    app = entry.create_app(settings, FileClock(args.clock_file))
    return _run_uvicorn(app, "127.0.0.1", args.port)


if __name__ == "__main__":
    sys.exit(main())
