"""Benchmark: re-ranking the Drechtsteden buurten after a slider move on the weging page, through the real app.

Loads the embedded demo region (``load_demo``, ES18 Drechtsteden, ~300 buurten) into a fresh SQLite file, runs
one assessment (``services.assessment.start_run``), builds the real ASGI app and requests, in process via
``fastapi.testclient.TestClient``:

* ``POST /api/v1/beoordelingen/{id}/weging?paginaGrootte=500`` with a JSON weighting: the request
  ``static/js/weging.js`` sends 150 ms after a slider stops moving (the goal: under 300 ms);
* ``GET /regio/ES18/weging?w_...``: the whole page rendered with those weights (the no-JavaScript path).

Each request alternates between two weightings (a slider at 0 and at 100), so no answer is the same as the
previous one. Warm-up once per weighting (this also builds the run's criteria matrix, which the service caches),
then ``--repeats`` timed requests; median, min, p90 and max wall times are reported. A request that does not
answer 200 with every buurt in it makes the script fail (exit code 1) instead of reporting a number.

Usage::

    uv run python bench/bench_weging_page.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BenchError, markdown_table, maxrss_mib, median, write_results  # noqa: E402

REGIO = "ES18"
GOAL_MS = 300.0


def _stats(times: list[float], cpu: list[float]) -> dict:
    ordered = sorted(times)
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) >= 2 else ordered[0]
    return {
        "median_ms": median(times) * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
        "p90_ms": p90 * 1000,
        "all_ms": [t * 1000 for t in times],
        # CPU time of this process (client and in-process server): robust against other load on the machine
        "cpu_median_ms": median(cpu) * 1000,
        "cpu_min_ms": min(cpu) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-ranking benchmark of the weging page on the demo region")
    parser.add_argument("--repeats", "-n", type=int, default=20)
    args = parser.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from fastapi.testclient import TestClient

    from warmteregio.demo.loader import load_demo
    from warmteregio.services import assessment
    from warmteregio.store.db import make_engine, make_sessionmaker, session_scope, upgrade
    from warmteregio.web.app import create_app
    from warmteregio.web.pages import weging

    results: dict[str, dict] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="warmteregio-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        upgrade(engine)
        start = time.perf_counter()
        with session_scope(make_sessionmaker(engine)) as session:
            demo = load_demo(session)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        with session_scope(make_sessionmaker(engine)) as session:
            info = assessment.start_run(session, REGIO, "vesta2020", None, 2030, {}, None)
            if info.status != assessment.STATUS_KLAAR:
                raise BenchError(f"the assessment of {REGIO} failed: {info.foutmelding}")
            run_id = info.id
            n_buurten = len(assessment.run_buurt_codes(session, info))
        run_s = time.perf_counter() - start
        print(f"demo {load_s:.2f} s ({demo.summary()}); beoordeling {run_id} in {run_s:.2f} s, "
              f"{n_buurten} buurten", flush=True)  # fmt: skip

        defaults = weging.default_sliders()
        moved = max(defaults, key=lambda c: defaults[c])  # the heaviest slider, moved between 0 and 100
        weightings = [defaults | {moved: 0}, defaults | {moved: 100}]
        api = f"/api/v1/beoordelingen/{run_id}/weging?paginaGrootte=500"
        bodies = [{"gewichten": w, "methode": "gewogen_som", "beperkingen": []} for w in weightings]
        pages = [f"/regio/{REGIO}/weging?" + urlencode([(f"w_{c}", v) for c, v in w.items()]) for w in weightings]

        def api_request(client, i: int):  # noqa: ANN001, ANN202
            response = client.post(api, json=bodies[i % 2])
            if response.status_code != 200:
                raise RuntimeError(f"POST {api} answered HTTP {response.status_code}: {response.text[:200]}")
            body = response.json()
            if len(body.get("resultaten") or []) != n_buurten:
                raise RuntimeError(f"POST {api}: {len(body.get('resultaten') or [])} buurten, expected {n_buurten}")
            return response

        def page_request(client, i: int):  # noqa: ANN001, ANN202
            response = client.get(pages[i % 2])
            if response.status_code != 200:
                raise RuntimeError(f"GET {pages[i % 2][:60]}… answered HTTP {response.status_code}")
            rows = response.text.count('<tr class="utrecht-table__row" data-buurt=')
            if rows != n_buurten:
                raise RuntimeError(f"GET /regio/{REGIO}/weging: {rows} table rows, expected {n_buurten}")
            return response

        app = create_app(engine=engine)
        with TestClient(app) as client:
            for name, request in (("api_herrangschikking", api_request), ("weging_pagina", page_request)):
                try:
                    warm = [request(client, 0), request(client, 1)]
                    times, cpu = [], []
                    for i in range(args.repeats):
                        begin, begin_cpu = time.perf_counter(), time.process_time()
                        request(client, i)
                        times.append(time.perf_counter() - begin)
                        cpu.append(time.process_time() - begin_cpu)
                    url = api if name == "api_herrangschikking" else f"/regio/{REGIO}/weging?w_…"
                    results[name] = {"url": url, "bytes": len(warm[0].content), **_stats(times, cpu)}
                except RuntimeError as exc:
                    failures[name] = str(exc)
                    print(f"  {name}: FAILED: {exc}", file=sys.stderr, flush=True)
        engine.dispose()

    rows = [
        [name, f"`{r['url']}`", r["median_ms"], r["min_ms"], r["p90_ms"], r["max_ms"], r["cpu_median_ms"],
         f"{r['bytes'] / 1024:.0f}"]
        for name, r in results.items()
    ]  # fmt: skip
    print()
    print(f"Weging benchmark on {REGIO} ({n_buurten} buurten, SQLite, in-process ASGI), median of {args.repeats}")
    print()
    header = ["request", "URL", "median [ms]", "min [ms]", "p90 [ms]", "max [ms]", "CPU median [ms]", "size [KiB]"]
    print(markdown_table(header, rows))
    api_result = results.get("api_herrangschikking")
    if api_result:
        verdict = "within" if api_result["median_ms"] < GOAL_MS else "ABOVE"
        print(f"\nRe-ranking after a slider move: median {api_result['median_ms']:.0f} ms wall "
              f"({api_result['cpu_median_ms']:.0f} ms CPU), {verdict} the goal of {GOAL_MS:.0f} ms; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"ru_maxrss: {maxrss_mib():.0f} MiB")
    path = write_results(
        "bench_weging_page",
        {
            "repeats": args.repeats,
            "database": "sqlite",
            "regio": REGIO,
            "buurten": n_buurten,
            "goal_ms": GOAL_MS,
            "demo_load_s": load_s,
            "assessment_s": run_s,
            "results": results,
            "failures": failures,
            "maxrss_mib": maxrss_mib(),
            "load_average": os.getloadavg(),
        },
    )
    print(f"JSON: {path}")
    if failures:
        raise BenchError("; ".join(f"{name}: {msg}" for name, msg in failures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
