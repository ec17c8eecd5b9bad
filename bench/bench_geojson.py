"""Benchmark: serve the demo region's buurten as GeoJSON and render the region page, through the real app.

Loads the embedded demo region (``load_demo``) into a fresh SQLite file, builds the real ASGI app
(``create_app``) and requests, in process via ``fastapi.testclient.TestClient``:

* ``GET /api/v1/buurten?regio=ES18&formaat=geojson`` (the 308 Drechtsteden buurten with geometry);
* ``GET /regio/ES18`` (the whole region page).

Each URL is requested once to warm up, then ``--repeats`` times (default 20); the median, min, max and
90th percentile wall times are reported. A URL that does not answer 200 with the expected content makes
the script fail with a clear message (exit code 1) instead of reporting a number.

Usage::

    uv run python bench/bench_geojson.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BenchError, markdown_table, maxrss_mib, median, write_results  # noqa: E402

API_URL = "/api/v1/buurten?regio=ES18&formaat=geojson"
PAGE_URL = "/regio/ES18"


def check_geojson(response, expected_buurten: int) -> str | None:  # noqa: ANN001
    try:
        doc = response.json()
    except (json.JSONDecodeError, ValueError):
        return f"not JSON (content-type {response.headers.get('content-type')!r})"
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return f"not a GeoJSON FeatureCollection (keys: {list(doc)[:8] if isinstance(doc, dict) else type(doc)})"
    n = len(doc.get("features") or [])
    if n != expected_buurten:
        return f"{n} features, expected {expected_buurten} demo buurten"
    if not all(f.get("geometry") for f in doc["features"]):
        return "features without geometry"
    return None


def check_page(response, _expected: int) -> str | None:  # noqa: ANN001
    if "text/html" not in response.headers.get("content-type", ""):
        return f"not HTML (content-type {response.headers.get('content-type')!r})"
    if "Drechtsteden" not in response.text:
        return "page does not mention Drechtsteden"
    return None


def measure(client, url: str, repeats: int, check, expected: int) -> dict:  # noqa: ANN001
    """Warm up once (checking the answer), then time ``repeats`` requests."""
    warm = client.get(url)
    if warm.status_code != 200:
        detail = warm.text[:200].replace("\n", " ")
        raise RuntimeError(f"GET {url} answered HTTP {warm.status_code}: {detail}")
    problem = check(warm, expected)
    if problem:
        raise RuntimeError(f"GET {url}: {problem}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered HTTP {response.status_code} during the timed runs")
    ordered = sorted(times)
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) >= 2 else ordered[0]
    return {
        "median_ms": median(times) * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
        "p90_ms": p90 * 1000,
        "bytes": len(warm.content),
        "content_type": warm.headers.get("content-type"),
        "all_ms": [t * 1000 for t in times],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="GeoJSON API and region page benchmark on the demo region")
    parser.add_argument("--repeats", "-n", type=int, default=20)
    args = parser.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from fastapi.testclient import TestClient

    from warmteregio.demo.loader import load_demo
    from warmteregio.store.db import make_engine, make_sessionmaker, session_scope, upgrade
    from warmteregio.web.app import create_app

    results: dict[str, dict] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="warmteregio-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        upgrade(engine)
        start = time.perf_counter()
        with session_scope(make_sessionmaker(engine)) as session:
            demo = load_demo(session)
        load_s = time.perf_counter() - start
        print(f"demo geladen / loaded in {load_s:.2f} s: {demo.summary()}", flush=True)
        app = create_app(engine=engine)
        with TestClient(app) as client:
            for name, url, check in (("api_geojson", API_URL, check_geojson), ("regio_pagina", PAGE_URL, check_page)):
                try:
                    results[name] = {"url": url, **measure(client, url, args.repeats, check, demo.buurten)}
                except RuntimeError as exc:
                    failures[name] = str(exc)
                    print(f"  {name}: FAILED: {exc}", file=sys.stderr, flush=True)
        engine.dispose()

    rows = [
        [f"`{r['url']}`", r["median_ms"], r["min_ms"], r["p90_ms"], r["max_ms"], f"{r['bytes'] / 1024:.0f}"]
        for r in results.values()
    ]
    print()
    print(f"GeoJSON/page benchmark on the demo region (SQLite, in-process ASGI), warm-up 1, median of {args.repeats}")
    print()
    print(markdown_table(["URL", "median [ms]", "min [ms]", "p90 [ms]", "max [ms]", "size [KiB]"], rows))
    print(f"\nru_maxrss: {maxrss_mib():.0f} MiB; demo load {load_s:.2f} s")
    path = write_results(
        "bench_geojson",
        {
            "repeats": args.repeats,
            "database": "sqlite",
            "demo_load_s": load_s,
            "demo": {"buurten": demo.buurten, "gemeenten": demo.gemeenten, "bronnen": demo.bronnen},
            "results": results,
            "failures": failures,
            "maxrss_mib": maxrss_mib(),
        },
    )
    print(f"JSON: {path}")
    if failures:
        raise BenchError(
            "; ".join(f"{name}: {msg}" for name, msg in failures.items())
            + " (the endpoint is missing or not ready: no number reported for it)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
