"""Benchmark: full-text search in the knowledge base over 10,000 items, on SQLite and PostgreSQL.

Goal (issue 7): the median search under 100 ms on both databases.

Each database is fresh (a temporary SQLite file; a temporary PostgreSQL database created through the admin URL
and dropped afterwards), migrated with Alembic, and filled with ``--items`` generated Dutch knowledge items (seeded
random: studies, practice stories, guides, ... about heat networks, aquathermy, insulation, cooperatives, grid
congestion, with diacritics, plurals, buurt codes, strategies, sources and themes; visibility about 20% publiek,
50% leden, 23% regio, 3% prive, 4% concept over six regions). The items are inserted through the ORM and indexed
with :func:`warmteregio.services.kennis.bulk_index` (the same code that indexes a single item), then ``ANALYZE``.

Timed: :func:`warmteregio.services.kennis.zoek` (the service call the pages, API and CLI use: the ranked hits of
the first page of 20, their fragments and the total count, each in a fresh session) for ~20 varied queries -
single words, stemmed plurals, diacritics, a phrase, ``of``, ``-word``, filters with and without a query, a
listing without a query - as an administrator (no visibility filter) and as a regional member (visibility
filter: public + members + own region + own items). Each query is run once as warm-up and then ``--repeats``
times; the table reports the median and 95th percentile over all timed calls per database and reader. Sanity
checks (stemming and diacritics find the same items, the member sees less than the administrator) stop the
benchmark without a number when they fail.

Usage: ``uv run python bench/bench_search.py [--items 10000] [--repeats 5] [--only sqlite|postgresql]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import PG_ADMIN_URL, BenchError, markdown_table, maxrss_mib, median, write_results  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from warmteregio.store.db import make_engine, make_sessionmaker, session_scope, upgrade  # noqa: E402

GOAL_MS = 100.0
REGIOS = ("ES18", "ES17", "ES12", "ES01", "ES25", "ES30")
GEMEENTEN = {"ES18": "GM0505", "ES17": "GM1963", "ES12": "GM0363", "ES01": "GM0014", "ES25": "GM0855",
             "ES30": "GM0935"}  # fmt: skip
PLAATSEN = ("Dordrecht", "Zwijndrecht", "Sliedrecht", "Papendrecht", "Hoeksche Waard", "Amsterdam", "Groningen",
            "Tilburg", "Maastricht", "Zaanstad", "Ede", "Leeuwarden", "Alblasserdam")  # fmt: skip
ONDERWERPEN = (
    "Warmtenet", "Warmtenetten", "Aquathermie", "Geothermie", "Restwarmte", "Isolatie", "Warmtepompen",
    "Hybride warmtepomp", "Groen gas", "Energiecoöperatie", "Bewonersparticipatie", "Netcongestie",
    "Financiële regelingen", "Wijkaanpak", "Transitievisie", "Warmte-koudeopslag", "Collectieve warmte",
    "Buurtwarmte", "Stadsverwarming", "Zonthermie",
)  # fmt: skip
VORMEN = ("{o} in {p}", "Ervaringen met {o} in {p}", "{o}: lessen uit {p}", "Handreiking {o}", "Studie {o} {p}",
          "Praktijkverhaal {o}", "Kosten van {o} in {p}", "{o} en de wijk")  # fmt: skip
ZINNEN = (
    "De gemeente {p} werkt samen met de netbeheerder aan een warmtenet voor {n} woningen.",
    "Bewoners richtten een coöperatie op om het net zelf te beheren.",
    "De energiecoöperatie organiseerde een open dag in het buurthuis.",
    "Eerst isoleren, dan de warmtepomp: zo blijven de maandlasten betaalbaar.",
    "Aquathermie uit oppervlaktewater levert warmte aan {n} woningen in {p}.",
    "Restwarmte van het datacenter gaat via een collectief warmtenet naar de wijk.",
    "Het stroomnet zit vol; netcongestie vertraagt de all-electric aanpak.",
    "De woningcorporatie renoveert tegelijk met de aanleg van het net.",
    "Financiële ondersteuning komt uit het Warmtefonds en de provincie.",
    "In de participatie kwamen vragen over privacy en privé-installaties.",
    "Een hybride warmtepomp met groen gas is een tussenstap voor oudere woningen.",
    "De transitievisie warmte wijst de buurt aan als eerste wijk.",
    "Geothermie levert diepe aardwarmte voor kassen en woningen.",
    "De kosten per woning liggen tussen {k} en {k2} euro.",
    "Warmte-koudeopslag in de bodem werkt goed voor utiliteitsgebouwen.",
    "De wethouder opende het eerste deel van het warmtenet in {p}.",
    "Regelgeving: de Wet collectieve warmte geeft gemeenten een publieke rol.",
    "We leerden dat vroeg beginnen met communicatie het verschil maakt.",
    "Het ontwerp gaat uit van een lage temperatuur van 40 graden.",
    "Zonthermie op daken vult het net in de zomer aan.",
    "Monitoring laat zien dat het verbruik met twintig procent daalde.",
    "Stadsverwarming bestaat hier al sinds de jaren zeventig.",
    "Warmtepompen in portiekflats vragen om goede geluidsisolatie.",
    "De coöperatieve aanpak zorgt voor draagvlak bij de bewoners.",
)  # fmt: skip
SOORTEN = ("studie", "praktijkverhaal", "handreiking", "sjabloon", "workshopcasus", "terugblik", "vraag_antwoord")
THEMAS = ("warmtenetten", "bronnen", "isolatie", "all_electric", "hybride", "participatie", "betaalbaarheid",
          "juridisch", "data", "netcongestie", "organisatie", "warmteprogramma")  # fmt: skip
STRATEGIEEN = ("S1a", "S1b", "S1c", "S2a", "S2b", "S2c", "S3a", "S3b", "S3c", "S4a", "S4b")
BRONNEN = ("HVC1", "TEO1", "GEO1", "DC1", "RW2", "AWZI3")
ADMIN_ID, MEMBER_ID = 1, 2

#: (label, query, filters)
QUERIES: list[tuple[str, str | None, dict]] = [
    ("word", "aquathermie", {}),
    ("word, frequent", "warmtenet", {}),
    ("stemmed plural", "warmtenetten", {}),
    ("stemmed plural", "warmtepompen", {}),
    ("stemmed plural", "woningen", {}),
    ("diacritics", "coöperatie", {}),
    ("without diacritics", "cooperatie", {}),
    ("diacritics", "financiele regelingen", {}),
    ("two words", "restwarmte datacenter", {}),
    ("three words", "hybride warmtepomp groen gas", {}),
    ("phrase", '"open dag"', {}),
    ("phrase", '"wet collectieve warmte"', {}),
    ("of", "geothermie of aquathermie", {}),
    ("-word", "warmtenet -stadsverwarming", {}),
    ("place", "Sliedrecht", {}),
    ("rare", "zonthermie monitoring", {}),
    ("word + soort", "isolatie", {"soort": "handreiking"}),
    ("word + thema", "warmtenet", {"thema": "participatie"}),
    ("word + regio", "netcongestie", {"regio": "ES18"}),
    ("word + buurt", "warmtenet", {"buurt": "BU05050107"}),
    ("word + strategy family", "aquathermie", {"strategie": "S1"}),
    ("filter only", None, {"thema": "betaalbaarheid", "bron": "HVC1"}),
    ("listing (newest)", None, {}),
]


def item_rows(n: int, seed: int = 7) -> list[dict]:
    """``n`` varied Dutch knowledge items (plain dicts of Kennisitem columns)."""
    rng = random.Random(seed)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        regio = rng.choice(REGIOS)
        gm = GEMEENTEN[regio]
        plaats = rng.choice(PLAATSEN)
        onderwerp = rng.choice(ONDERWERPEN)
        zinnen = [
            rng.choice(ZINNEN).format(
                p=rng.choice(PLAATSEN),
                n=rng.randint(40, 4000),
                k=rng.randint(5, 20) * 1000,
                k2=rng.randint(21, 45) * 1000,
            )  # fmt: skip
            for _ in range(rng.randint(6, 22))
        ]
        paragraphs = [" ".join(zinnen[j : j + 4]) for j in range(0, len(zinnen), 4)]
        inhoud = (
            f"## {onderwerp}\n\n"
            + "\n\n".join(paragraphs)
            + "\n\n- **Les**: begin op tijd\n- Meer: [site](https://example.nl)"
        )
        r = rng.random()
        zicht, status = (("publiek", "gepubliceerd") if r < 0.20 else ("leden", "gepubliceerd") if r < 0.70
                         else ("regio", "gepubliceerd") if r < 0.93 else ("prive", "gepubliceerd") if r < 0.96
                         else (rng.choice(("leden", "regio")), "concept"))  # fmt: skip
        moment = start + timedelta(minutes=137 * i)
        buurten = [f"BU{gm[2:]}{rng.randint(1, 12):02d}{rng.randint(1, 9):02d}" for _ in range(rng.randint(0, 3))]
        rows.append({
            "soort": rng.choice(SOORTEN), "titel": rng.choice(VORMEN).format(o=onderwerp, p=plaats),
            "samenvatting": zinnen[0], "inhoud": inhoud, "auteur_id": rng.choice((ADMIN_ID, MEMBER_ID, None, None)),
            "auteur_naam": rng.choice(("Anne de Vries", "Jeroen Bakker", "Fatima El Amrani", "Sanne Visser")),
            "res_code": regio, "gemeente_code": gm, "themas": rng.sample(THEMAS, rng.randint(1, 3)),
            "buurten": sorted(set(buurten)), "strategieen": rng.sample(STRATEGIEEN, rng.randint(0, 2)),
            "bronnen": rng.sample(BRONNEN, rng.randint(0, 2)), "zichtbaarheid": zicht, "status": status,
            "gepubliceerd_op": moment if status == "gepubliceerd" else None, "gemaakt": moment, "gewijzigd": moment,
        })  # fmt: skip
    return rows


def fill(engine: Engine, n: int) -> float:
    """Seed regions, two users and ``n`` items (inserted and indexed in batches); returns the seconds taken."""
    from warmteregio.services import kennis
    from warmteregio.services.netwerk import dump_list
    from warmteregio.store.models import Gemeente, Kennisitem, ResRegio, User

    t0 = time.perf_counter()
    factory = make_sessionmaker(engine)
    with session_scope(factory) as s:
        s.add_all([ResRegio(code=c, naam=f"Regio {c}") for c in REGIOS])
        s.flush()
        s.add_all([Gemeente(code=gm, jaar=2023, naam=f"Gemeente {gm}", res_code=c) for c, gm in GEMEENTEN.items()])
        s.add_all([
            User(id=ADMIN_ID, email="admin@bench.nl", naam="Admin", password_hash="-", rol="admin"),
            User(id=MEMBER_ID, email="lid@bench.nl", naam="Lid", password_hash="-", rol="gemeente",
                 gemeente_code="GM0505"),
        ])  # fmt: skip
    rows = item_rows(n)
    for k in range(0, n, 1000):
        with session_scope(factory) as s:
            items = []
            for row in rows[k : k + 1000]:
                values = {key: dump_list(v) if isinstance(v, list) else v for key, v in row.items()}
                items.append(Kennisitem(**values, versie=1))
            s.add_all(items)
            s.flush()
            kennis.bulk_index(s, items)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return time.perf_counter() - t0


def run_queries(engine: Engine, repeats: int) -> dict:
    from warmteregio.services import kennis
    from warmteregio.store.models import User

    factory = make_sessionmaker(engine)
    with factory() as s:
        readers = {"admin": s.get(User, ADMIN_ID), "member": s.get(User, MEMBER_ID)}
    out: dict = {}
    for who, user in readers.items():
        per_query = []
        all_ms: list[float] = []
        for label, q, filters in QUERIES:
            times = []
            totaal = hits = 0
            for r in range(repeats + 1):
                with factory() as s:
                    t0 = time.perf_counter()
                    res = kennis.zoek(s, user, q, **filters)
                    ms = (time.perf_counter() - t0) * 1000
                if r:  # the first run is the warm-up
                    times.append(ms)
                totaal, hits = res.totaal, len(res.treffers)
            all_ms += times
            per_query.append({"label": label, "q": q, "filters": filters, "totaal": totaal, "hits": hits,
                              "median_ms": median(times), "max_ms": max(times)})  # fmt: skip
        out[who] = {"median_ms": median(all_ms), "p95_ms": percentile(all_ms, 95), "max_ms": max(all_ms),
                    "queries": per_query}  # fmt: skip
    return out


def percentile(values: list[float], pct: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1] if len(values) > 1 else values[0]


def checks(result: dict) -> None:
    by = {who: {(q["label"], q["q"]): q["totaal"] for q in data["queries"]} for who, data in result.items()}
    admin, member = by["admin"], by["member"]
    if admin[("stemmed plural", "warmtenetten")] != admin[("word, frequent", "warmtenet")]:
        raise BenchError("'warmtenetten' and 'warmtenet' do not find the same items")
    if admin[("diacritics", "coöperatie")] != admin[("without diacritics", "cooperatie")]:
        raise BenchError("'coöperatie' and 'cooperatie' do not find the same items")
    if not admin[("phrase", '"open dag"')] or not admin[("word", "aquathermie")]:
        raise BenchError("a query that must find items found nothing")
    if not 0 < member[("listing (newest)", None)] < admin[("listing (newest)", None)]:
        raise BenchError("the member does not see fewer items than the administrator")


def pg_admin() -> Engine:
    return create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


def bench_database(kind: str, n: int, repeats: int) -> dict:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="warmteregio-bench-") as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'kennis.sqlite'}")
            try:
                upgrade(engine)
                fill_s = fill(engine, n)
                return {"fill_s": fill_s, **run_queries(engine, repeats)}
            finally:
                engine.dispose()
    name = f"warmteregio_bench_search_{uuid.uuid4().hex[:8]}"
    admin = pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        raise BenchError(f"PostgreSQL not usable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}") from None
    engine = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(engine)
        fill_s = fill(engine, n)
        with engine.connect() as conn:
            version = str(conn.scalar(text("show server_version")))
        return {"fill_s": fill_s, "server_version": version, **run_queries(engine, repeats)}
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    args = ap.parse_args(argv)

    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    results = {}
    for kind in kinds:
        print(f"{kind}: {args.items} items ...", flush=True)
        results[kind] = bench_database(kind, args.items, args.repeats)
        checks({k: v for k, v in results[kind].items() if k in ("admin", "member")})

    rows = []
    for kind, res in results.items():
        for who in ("admin", "member"):
            r = res[who]
            rows.append([kind, who, args.items, len(QUERIES), r["median_ms"], r["p95_ms"], r["max_ms"],
                         f"< {GOAL_MS:.0f} ms"])  # fmt: skip
    print(markdown_table(["database", "reader", "items", "queries", "median ms", "p95 ms", "max ms", "goal"], rows))
    for kind, res in results.items():
        slow = max(res["member"]["queries"], key=lambda q: q["median_ms"])
        print(f"{kind}: filled in {res['fill_s']:.1f} s; slowest query (member): {slow['label']} "
              f"{slow['q']!r} {slow['median_ms']:.1f} ms ({slow['totaal']} hits)")  # fmt: skip
    goal_met = all(res[who]["median_ms"] < GOAL_MS for res in results.values() for who in ("admin", "member"))
    payload = {"items": args.items, "repeats": args.repeats, "queries": len(QUERIES), "goal_ms": GOAL_MS,
               "goal_met": goal_met, "results": results, "maxrss_mib": maxrss_mib()}  # fmt: skip
    print(f"written: {write_results('search', payload)}")
    if not goal_met:
        print(f"GOAL NOT MET: a median >= {GOAL_MS:.0f} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
