"""Benchmark of the warmteprogramma document (issue 6): the tagged PDF of a full programme for Dordrecht.

Goal: generating the PDF (PDF/UA-1, WeasyPrint) of a complete programme for Dordrecht (GM0505, the 130 buurten of
the package's demo data) in under 10 s.

The programme is built without the programme service: the embedded demo region is loaded into a temporary SQLite
database (:func:`warmteregio.demo.loader.load_demo`, the regular importers plus the schematic buurt polygons), and
the :class:`~warmteregio.programme.model.Programma` is made directly from Dordrecht's ``Buurt`` rows and geometries.
It is a *full* programme: every chapter of ``hoofdstukken.csv`` has a text of a few paragraphs, every buurt has a
plan (drafted from the analysis' preferred variant, another choice with a reason in a quarter of the buurten;
phases, start and target years, linked opportunities, designation intentions with monthly costs and
substantiation) and an assessment explanation of the length the assessment framework writes
(about 450 characters), plus partners, a participation log, the process steps, the real check results
(:func:`warmteregio.programme.checks.run_checks`) and a look-back on a previous adopted version
(:func:`warmteregio.programme.planning.terugblik`). The numbers are synthetic; the buurten, names, dwellings and
geometry are the demo's.

Timed: ``render_pdf`` (the median of ``--repeats`` runs after one warm-up run), and for information ``render_html``
and ``render_docx``. The PDF is checked (starts with ``%PDF``, is tagged, mentions the first buurt); a failed check
stops the benchmark without a number.

Usage: ``uv run python bench/bench_programme.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BenchError, markdown_table, maxrss_mib, median, write_results  # noqa: E402

GEMEENTE = "GM0505"
GOAL_S = 10.0
TODAY = date(2026, 11, 15)
ALTERNATIVES = ("S2a", "S2d", "S3c", "S1a", "S1b", "S4a", "warmtenet", "all_electric", "groengas_hybride",
                "nader_te_bepalen")  # fmt: skip
PHASES = ("verkenning", "planvorming", "uitvoeringsplan", "uitvoering", "gereed")
PARAGRAPH = (
    "De gemeente {g} werkt buurt voor buurt naar een aardgasvrije gebouwde omgeving in 2050. Dit hoofdstuk "
    "beschrijft {onderwerp} en hoe dat samenhangt met de andere onderdelen van het programma. De keuzes zijn "
    "gemaakt met bewoners, de netbeheerder, de woningcorporaties en de buurgemeenten in de Drechtsteden."
)


def explanation(code: str, win: str, second: str, robust: float, lang: str) -> str:
    """An explanation of the length and shape the assessment framework writes (engine.explain)."""
    pct = f"{robust * 100:.0f}%"
    if lang == "en":
        return (f"In {code} {win} comes first in the assessment, ahead of {second}. {win} scores better mainly on "
                f"'national extra costs' and 'monthly costs owner-occupier'. {second} is better on 'CO2 reduction'. "
                f"The choice is fairly robust: {win} ranks first in {pct} of the plausible weightings. Dilemma: the "
                f"cheapest variant for society is not the cheapest for social tenants. The outcome changes when "
                f"the weight of 'CO2 reduction' is 8 points higher; then {second} wins.")  # fmt: skip
    return (f"In {code} komt {win} als beste uit de afweging, vóór {second}. {win} scoort vooral beter op "
            f"'nationale meerkosten' en 'maandlasten eigenaar-bewoner'. {second} is beter op 'CO2-reductie'. De "
            f"keuze is redelijk robuust: {win} staat in {pct} van de plausibele wegingen op de eerste plaats. "
            f"Dilemma: de goedkoopste variant voor de maatschappij is niet de goedkoopste voor sociale huurders. De "
            f"uitkomst verandert als het gewicht van 'CO2-reductie' 8 procentpunt hoger is; dan wint "
            f"{second}.")  # fmt: skip


def load_dordrecht() -> tuple[list, dict[str, bytes], float]:
    """Dordrecht's buurt rows (plain tuples) and WKB geometries from the demo loaded into a temporary SQLite."""
    from sqlalchemy import select

    from warmteregio.demo.loader import BUURT_JAAR, load_demo
    from warmteregio.store.db import make_engine, make_sessionmaker, session_scope, upgrade
    from warmteregio.store.models import Buurt

    with tempfile.TemporaryDirectory(prefix="warmteregio-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        upgrade(engine)
        t0 = time.perf_counter()
        with session_scope(make_sessionmaker(engine)) as session:
            load_demo(session)
        with session_scope(make_sessionmaker(engine)) as session:
            rows = session.execute(
                select(Buurt.code, Buurt.naam, Buurt.wijk_code, Buurt.aantal_woningen, Buurt.weq,
                       Buurt.vraag_totaal_gj, Buurt.geometry)
                .where(Buurt.gemeente_code == GEMEENTE, Buurt.jaar == BUURT_JAAR).order_by(Buurt.code)
            ).all()  # fmt: skip
        engine.dispose()
        load_s = time.perf_counter() - t0
    geometry = {r.code: r.geometry for r in rows if r.geometry is not None}
    return [tuple(r[:6]) for r in rows], geometry, load_s


def build_programme(rows: list) -> tuple:
    """A full programme (status consultatie) and its previous adopted version, seeded."""
    from warmteregio.programme import alternatieven
    from warmteregio.programme.model import AnalyseInfo, Buurtplan, Koppelkans, Participatie, Partner, Programma, Stap
    from warmteregio.programme.regels import load_rules

    rules = load_rules()
    rng = random.Random(505)
    plans = []
    for i, (code, naam, wijk, woningen, weq, vraag) in enumerate(rows):
        pref = rng.choice(("S2a", "S1a", "S3c", "S4a"))
        second = rng.choice([v for v in ("S2a", "S1a", "S3c", "S4a") if v != pref])
        # drafted from the analysis (the preferred variant), then edited: a quarter of the buurten another choice
        alt = rng.choice(ALTERNATIVES) if rng.random() < 0.25 else pref
        robust = round(rng.uniform(0.35, 0.95), 2)
        start = rng.choice((None, 2024, 2026, 2027, 2028, 2029, 2030, 2032, 2034, 2036, 2038, 2040))
        phase = ("gereed" if start and start < 2025 else rng.choice(PHASES[:4]) if start and start < 2031
                 else "verkenning")  # fmt: skip
        designate = start is not None and 2026 <= start <= 2030 and i % 4 == 0
        deviates = alternatieven.deviates(alt, pref)
        plans.append(Buurtplan(
            buurt_code=code, buurt_naam=naam, wijk_code=wijk, cluster=f"Cluster {wijk[-2:]}" if i % 3 == 0 else None,
            alternatief=alt, analyse_voorkeur=pref, analyse_robuustheid=robust,
            analyse_uitleg_nl=explanation(code, pref, second, robust, "nl"),
            analyse_uitleg_en=explanation(code, pref, second, robust, "en"),
            afwijking_reden="Lokale restwarmte van HVC is dichtbij; de corporatie renoveert in dezelfde periode."
            if deviates else None,
            fase=phase, startjaar=start, doeljaar=start + rng.choice((5, 6, 8, 10)) if start else None,
            koppelkansen=(Koppelkans("riolering", f"Rioolvervanging {naam or code}", (start or 2030) + 1),)
            if i % 5 == 0 else (),
            aanwijzen=designate, aanwijsbesluit_jaar=(start + 1) if designate else None,
            aardgasvrij_jaar=(start + 9) if designate else None,
            termijn_reden=None,
            betaalbaarheid=("De maandlasten voor huurders blijven gelijk (woonlastenwaarborg); eigenaar-bewoners "
                            "krijgen een lening uit het warmtefonds.") if designate else None,
            haalbaarheid="Bron HVC beschikbaar; netbeheerder bevestigt de netcapaciteit." if designate else None,
            nationale_kosten_weq=round(rng.uniform(200, 2400), 1),
            maandlasten_eigenaar=round(rng.uniform(-25, 40), 1) if designate else None,
            maandlasten_sociale_huur=round(rng.uniform(-10, 15), 1) if designate else None,
            maandlasten_particuliere_huur=round(rng.uniform(-10, 30), 1) if designate else None,
            woningen=woningen, weq=weq, warmtevraag_gj=vraag,
        ))  # fmt: skip
    onderwerpen = {h.code: h.inhoud_nl[:1].lower() + h.inhoud_nl[1:] for h in rules.hoofdstukken}
    teksten = {
        code: "\n\n".join([PARAGRAPH.format(g="Dordrecht", onderwerp=o.rstrip(".")),
                           "- eerst de buurten met een **koppelkans**\n- dan de buurten met een warmtenet\n"
                           "- daarna de rest", PARAGRAPH.format(g="Dordrecht", onderwerp="de aanpak")])
        for code, o in onderwerpen.items()
    }  # fmt: skip
    partners = (
        Partner(1, "Stedin", "netbeheerder", "Netbeheerder elektriciteit en gas"),
        Partner(2, "Woonbron", "woningcorporatie", "Renovatie en aansluiting huurwoningen"),
        Partner(3, "Trivire", "woningcorporatie", None),
        Partner(4, "HVC", "warmtebedrijf", "Warmtebedrijf Dordrecht"),
        Partner(5, "Provincie Zuid-Holland", "provincie", None),
        Partner(6, "Waterschap Hollandse Delta", "waterschap", "Aquathermie"),
        Partner(7, "Bewonersplatform Krispijn", "bewonersgroep", None),
    )
    participatie = tuple(
        Participatie(k, date(2025, 1 + k % 12, 1 + k), rng.choice(("bijeenkomst", "inloopavond", "enquete",
                     "klankbordgroep", "zienswijze")), f"Participatiemoment {k}", partners=("Stedin", "Woonbron"),
                     buurt_codes=(plans[k].buurt_code,), aantal_deelnemers=20 + k, inbreng="Vragen over kosten en "
                     "planning; wens om eerst te isoleren.", reactie="Verwerkt in hoofdstuk 5 en de planning.")
        for k in range(12)
    )  # fmt: skip
    stappen = tuple(Stap(s.code, status="gereed" if s.volgorde < 10 else "bezig", eigenaar="Programmateam warmte",
                         bewijs=f"Verslag {s.code}") for s in rules.stappen)  # fmt: skip
    huidig = Programma(
        id=2, gemeente_code=GEMEENTE, gemeente_naam="Dordrecht", volgnummer=2, titel="Warmteprogramma Dordrecht 2027",
        status="consultatie", res_code="ES18", teksten=teksten, consultatie_van=date(2026, 11, 1),
        consultatie_tot=date(2026, 12, 13), vorige_id=1, vorige_vastgesteld_op=date(2022, 6, 30),
        analyse=AnalyseInfo(run_id=12, parameterset="vesta2025 1.0", zichtjaar=2030, code_versie="0.1.0"),
        plannen=tuple(plans), gemeente_buurten=tuple(p.buurt_code for p in plans), stappen=stappen,
        participatie=participatie, partners=partners, versie=40,
    )  # fmt: skip
    vorige = replace(
        huidig, id=1, volgnummer=1, status="vastgesteld", vastgesteld_op=date(2022, 6, 30), vorige_id=None,
        plannen=tuple(replace(p, startjaar=(p.startjaar - 1) if p.startjaar and i % 3 == 0 else p.startjaar)
                      for i, p in enumerate(plans)),
    )  # fmt: skip
    return huidig, vorige


def pdf_checks(data: bytes, first_code: str) -> None:
    if not data.startswith(b"%PDF"):
        raise BenchError("the PDF does not start with %PDF")
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    objects = b"\n".join(parts)
    if b"/StructTreeRoot" not in objects or not re.search(rb"/Lang\s*\(nl\)", objects):
        raise BenchError("the PDF is not tagged (no /StructTreeRoot or /Lang (nl))")
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is a dev dependency; without it the text check is skipped
        return
    import io

    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if first_code not in text:
        raise BenchError(f"the PDF text does not mention {first_code}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)

    from warmteregio.programme import checks, document, planning

    rows, geometry, load_s = load_dordrecht()
    if len(rows) < 100:
        raise BenchError(f"expected about 130 Dordrecht buurten in the demo data, found {len(rows)}")
    huidig, vorige = build_programme(rows)
    toetsen = checks.run_checks(huidig, TODAY)
    terugblik = planning.terugblik(vorige, huidig, TODAY)
    moment = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
    kwargs = {"geometrie": geometry, "toetsen": toetsen, "terugblik": terugblik, "gegenereerd": moment}

    t0 = time.perf_counter()
    pdf = document.render_pdf(huidig, **kwargs)  # warm-up: fonts, stylesheets, imports
    warmup_s = time.perf_counter() - t0
    pdf_checks(pdf, rows[0][0])
    times, cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = document.render_pdf(huidig, **kwargs)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    html = document.render_html(huidig, **kwargs)
    html_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    docx = document.render_docx(huidig, **kwargs)
    docx_s = time.perf_counter() - t0
    pages = None
    try:
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    except ImportError:
        pass

    payload = {
        "gemeente": GEMEENTE, "buurten": len(rows), "buurten_with_geometry": len(geometry),
        "in_horizon": sum(planning.in_horizon(p, 2026) for p in huidig.plannen),
        "aanwijzen": sum(p.aanwijzen for p in huidig.plannen), "checks": len(toetsen),
        "lookback_rows": len(terugblik.rijen), "demo_load_s": load_s, "warmup_pdf_s": warmup_s,
        "pdf_s_median": median(times), "pdf_s_all": times, "pdf_cpu_s_median": median(cpu),
        "pdf_bytes": len(pdf), "pdf_pages": pages, "html_s": html_s, "html_bytes": len(html.encode()),
        "docx_s": docx_s, "docx_bytes": len(docx), "goal_s": GOAL_S, "goal_met": median(times) < GOAL_S,
        "maxrss_mib": maxrss_mib(),
    }  # fmt: skip
    print(markdown_table(
        ["document", "buurten", "median s", "pages", "size KiB", "goal"],
        [["PDF (PDF/UA-1)", len(rows), median(times), pages or "-", round(len(pdf) / 1024), f"< {GOAL_S:.0f} s"],
         ["HTML", len(rows), html_s, "-", round(len(html.encode()) / 1024), "-"],
         ["DOCX", len(rows), docx_s, "-", round(len(docx) / 1024), "-"]],
    ))  # fmt: skip
    print(f"PDF: median {median(times):.2f} s (cpu {median(cpu):.2f} s) of {args.repeats}, warm-up {warmup_s:.2f} s; "
          f"demo load {load_s:.1f} s")  # fmt: skip
    print(f"written: {write_results('programme', payload)}")
    if not payload["goal_met"]:
        print(f"GOAL NOT MET: {median(times):.2f} s >= {GOAL_S:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
