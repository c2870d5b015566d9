"""`python -m knowledge validate|report` — check the knowledge files or print their coverage."""
from __future__ import annotations

import argparse
import sys

from .loader import KNOWLEDGE_DIR, build, read_raw
from .report import render_report
from .validate import find_problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    parser.add_argument("command", choices=["validate", "report"])
    parser.add_argument("--root", default=str(KNOWLEDGE_DIR), help="knowledge folder (default: this package)")
    args = parser.parse_args(argv)
    raw = read_raw(args.root)
    problems = find_problems(raw)
    if args.command == "validate":
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s) in {len(raw.equipment)} equipment, {len(raw.exercises)} exercises, "
              f"{len(raw.foods)} foods, {len(raw.docs)} docs")
        return 1 if problems else 0
    print(render_report(build(raw), raw) if not problems else f"fix {len(problems)} problem(s) first (validate)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
