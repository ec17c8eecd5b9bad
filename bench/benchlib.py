"""Shared helpers of the benchmark scripts: timing, machine description, Markdown and JSON output."""

from __future__ import annotations

import json
import os
import platform
import resource
import sqlite3
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SHARED_DATA = Path(os.environ.get("WARMTEREGIO_SHARED_DATA", ROOT.parent / "shared" / "data"))
PG_ADMIN_URL = os.environ.get(
    "WARMTEREGIO_BENCH_PG_URL",
    os.environ.get("WARMTEREGIO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
)


class BenchError(SystemExit):
    """Stop a benchmark with a clear message and exit code 1 (never report a fake number)."""

    def __init__(self, message: str) -> None:
        print(f"BENCHMARK FAILED: {message}", file=sys.stderr)
        super().__init__(1)


def maxrss_mib() -> float:
    """Peak resident set size of this process so far [MiB] (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            info["mem_total"] = fh.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return info


def median(values: list[float]) -> float:
    return statistics.median(values)


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(name: str, payload: dict) -> Path:
    """Write ``bench/results/<name>-<UTC timestamp>.json`` and ``<name>-latest.json``; return the first."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {"benchmark": name, "timestamp_utc": stamp, "machine": machine(), **payload}
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (RESULTS / f"{name}-latest.json").write_text(text, encoding="utf-8")
    return path
