"""Run all benchmarks: import (SQLite + PostgreSQL), GeoJSON/region page, engine, weighing/SMAA, weging page, sweep,
regional source allocation (Drechtsteden and the Stedin service area), the warmteprogramma PDF of Dordrecht,
knowledge-base search over 10,000 items (SQLite + PostgreSQL).

Each benchmark runs in its own Python process (so peak-memory numbers do not mix); the exit code is
non-zero when any of them failed.

Usage::

    uv run python bench/run_all.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (import 1, GeoJSON 5)")
    args = parser.parse_args(argv)
    runs = [
        ("bench_import.py", ["--repeats", "1" if args.quick else "5"]),
        ("bench_geojson.py", ["--repeats", "5" if args.quick else "20"]),
        ("bench_engine.py", []),
        ("bench_mcda.py", ["--quick"] if args.quick else []),
        ("bench_weging_page.py", ["--repeats", "10" if args.quick else "30"]),
        ("bench_sweep.py", []),
        ("bench_allocation.py", ["--quick"] if args.quick else []),
        ("bench_programme.py", ["--repeats", "3" if args.quick else "5"]),
        ("bench_search.py", ["--repeats", "3" if args.quick else "5"]),
    ]
    failed = []
    for script, extra in runs:
        print(f"\n=== {script} ===", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *extra])
        if code:
            failed.append(f"{script} (exit {code})")
    if failed:
        print("\nFailed / mislukt: " + ", ".join(failed), file=sys.stderr)
        return 1
    print("\nAll benchmarks done; JSON in bench/results/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
