"""Benchmark runner: `python -m tests.bench NAME` from the repository root.

Every benchmark prints its progress to stderr and ends by printing one JSON line with its
name and figures to stdout. They run on the engine the endpoints resolve to, and start the
bundled engine when none answers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

BENCHMARKS = {
    "list": "tests.bench.list_containers",
    "startup": "tests.bench.startup",
    "logs": "tests.bench.logs",
    "stats": "tests.bench.stats",
    "reconnect": "tests.bench.reconnect",
    "volumes": "tests.bench.volumes",
    "compose": "tests.bench.compose",
    "vm": "tests.bench.vm",
    "scale": "tests.bench.scale",
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("name", choices=sorted(BENCHMARKS), help="which benchmark to run")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument(
        "--against",
        metavar="REV",
        help="startup only: also time the app as git revision REV has it, in the same run "
        "(rounds alternate), to see whether a change made start-up slower",
    )
    args = parser.parse_args()
    module = importlib.import_module(BENCHMARKS[args.name])
    extra = {"against": args.against} if args.against else {}
    figures = module.run(rounds=args.rounds, **extra)
    print(json.dumps({"benchmark": args.name, **figures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
