"""Buurt planning of a warmteprogramma: the planning horizon, the state of each buurt in a year, the timeline and
the look-back (terugblik) on the previous adopted version.

Year conventions (see docs/method/warmteprogramma.md):

* ``startjaar`` is the year the area approach in the buurt starts, ``doeljaar`` the year the buurt is off natural gas.
* The horizon of a programme are the ``planhorizon_jaren`` (10) calendar years from its peiljaar (the adoption year,
  else the current year) *inclusive*: a plan is in the horizon when ``startjaar <= peiljaar + 10 - 1``. Plans that
  started before the peiljaar and are still running count as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from warmteregio.programme import alternatieven
from warmteregio.programme.model import Buurtplan, Programma, Regels, Terugblik, TerugblikRij
from warmteregio.programme.regels import load_rules

TOESTANDEN: tuple[str, ...] = ("geen_planning", "nog_niet_gestart", "in_voorbereiding", "in_uitvoering", "aardgasvrij")
TOESTAND_NAMEN: dict[str, tuple[str, str]] = {
    "geen_planning": ("Geen planning", "Not planned"),
    "nog_niet_gestart": ("Nog niet gestart", "Not started yet"),
    "in_voorbereiding": ("In voorbereiding", "In preparation"),
    "in_uitvoering": ("In uitvoering", "In execution"),
    "aardgasvrij": ("Aardgasvrij", "Natural-gas-free"),
}
OORDELEN: tuple[str, ...] = (
    "op_schema", "vertraagd", "versneld", "gereed", "alternatief_gewijzigd", "vervallen", "nieuw",
)  # fmt: skip
OORDEEL_NAMEN: dict[str, tuple[str, str]] = {
    "op_schema": ("Op schema", "On schedule"),
    "vertraagd": ("Vertraagd", "Delayed"),
    "versneld": ("Versneld", "Accelerated"),
    "gereed": ("Gereed", "Done"),
    "alternatief_gewijzigd": ("Alternatief gewijzigd", "Alternative changed"),
    "vervallen": ("Vervallen", "Dropped"),
    "nieuw": ("Nieuw", "New"),
}
UITVOERING_FASES = frozenset({"uitvoering", "gereed"})


def peiljaar(p: Programma, vandaag: date) -> int:
    """The reference year of a programme: its adoption year, else the current year."""
    return p.vastgesteld_op.year if p.vastgesteld_op else vandaag.year


def horizon(peil: int, regels: Regels | None = None) -> tuple[int, int]:
    """First and last calendar year of the planning horizon (inclusive)."""
    regels = regels or load_rules()
    return peil, peil + regels.planhorizon_jaren - 1


def in_horizon(plan: Buurtplan, peiljaar: int, regels: Regels | None = None) -> bool:
    """True when the plan starts within the programme's horizon (or started earlier)."""
    if plan.startjaar is None:
        return False
    return plan.startjaar <= horizon(peiljaar, regels)[1]


def familie(plan: Buurtplan) -> str:
    """The plan's family; an empty or unknown alternative counts as ``nader_te_bepalen``."""
    return alternatieven.family(plan.alternatief) or "nader_te_bepalen"


def toestand(plan: Buurtplan, jaar: int) -> str:
    """The state of one buurt in ``jaar`` (one of :data:`TOESTANDEN`).

    Before ``startjaar``: not started; from ``doeljaar`` on (or from ``startjaar`` for a plan in phase ``gereed``
    without a target year): natural-gas-free. In between the first half of the period is preparation and the
    second half (at least the last year) execution; a plan whose phase is already ``uitvoering``/``gereed`` counts as
    in execution from its start year.
    """
    start, doel = plan.startjaar, plan.doeljaar
    if start is None:
        return "geen_planning"
    if jaar < start:
        return "nog_niet_gestart"
    if doel is not None and jaar >= doel:
        return "aardgasvrij"
    if plan.fase == "gereed" and doel is None:
        return "aardgasvrij"
    if plan.fase in UITVOERING_FASES:
        return "in_uitvoering"
    if doel is not None and jaar >= start + (doel - start) // 2:
        return "in_uitvoering"
    return "in_voorbereiding"


def toestand_in_jaar(plannen: Iterable[Buurtplan], jaar: int) -> dict[str, str]:
    """buurt code -> state in ``jaar`` for every plan (sorted by buurt code)."""
    return {p.buurt_code: toestand(p, jaar) for p in sorted(plannen, key=lambda p: p.buurt_code)}


def per_jaar(plannen: Iterable[Buurtplan]) -> list[dict]:
    """Buurten starting per year: ``{"jaar", "buurten", "woningen", "per_familie": {familie: n}}``.

    One row for every year from the first to the last start year (years without starts have zero rows), so the
    rows can be drawn as a chart directly. Plans without a start year are left out.
    """
    planned = [p for p in plannen if p.startjaar is not None]
    if not planned:
        return []
    years = [p.startjaar for p in planned if p.startjaar is not None]
    rows = {j: {"jaar": j, "buurten": 0, "woningen": 0, "per_familie": {}} for j in range(min(years), max(years) + 1)}
    for p in sorted(planned, key=lambda p: p.buurt_code):
        row = rows[p.startjaar]
        row["buurten"] += 1
        row["woningen"] += p.woningen or 0
        fam = familie(p)
        row["per_familie"][fam] = row["per_familie"].get(fam, 0) + 1
    for row in rows.values():
        row["per_familie"] = dict(sorted(row["per_familie"].items()))
    return [rows[j] for j in sorted(rows)]


def tijdlijn(p: Programma) -> list[dict]:
    """Rows for a Gantt chart: the plans with a start year, sorted by start year and buurt code."""
    rows = []
    for plan in sorted((q for q in p.plannen if q.startjaar is not None), key=lambda q: (q.startjaar, q.buurt_code)):
        fam = familie(plan)
        rows.append({
            "buurt_code": plan.buurt_code,
            "buurt_naam": plan.buurt_naam,
            "familie": fam,
            "alternatief": plan.alternatief,
            "alternatief_naam_nl": alternatieven.name(plan.alternatief, "nl"),
            "alternatief_naam_en": alternatieven.name(plan.alternatief, "en"),
            "kleur": alternatieven.FAMILY_COLOURS.get(fam, alternatieven.FAMILY_COLOURS["nader_te_bepalen"]),
            "fase": plan.fase,
            "startjaar": plan.startjaar,
            "doeljaar": plan.doeljaar,
            "aanwijzen": plan.aanwijzen,
            "aanwijsbesluit_jaar": plan.aanwijsbesluit_jaar,
            "aardgasvrij_jaar": plan.aardgasvrij_jaar,
            "woningen": plan.woningen,
        })  # fmt: skip
    return rows


def jaren_bereik(p: Programma, regels: Regels | None = None) -> tuple[int, int]:
    """First and last year to show on a timeline: all years of the plans (start, target, designation, gas-free,
    linked opportunities); without any, the horizon from the adoption year (else this year)."""
    years: list[int] = []
    for plan in p.plannen:
        years.extend(y for y in (plan.startjaar, plan.doeljaar, plan.aanwijsbesluit_jaar, plan.aardgasvrij_jaar) if y)
        years.extend(k.jaar for k in plan.koppelkansen if k.jaar)
    if years:
        return min(years), max(years)
    return horizon(peiljaar(p, date.today()), regels)


# --- look-back -------------------------------------------------------------------------------------------------


def _years(n: int) -> tuple[str, str]:
    return (f"{n} jaar", f"{n} year" if n == 1 else f"{n} years")


def _oordeel(v: Buurtplan | None, h: Buurtplan | None, vandaag: date) -> tuple[str, str, str] | None:
    prev_planned = v is not None and v.startjaar is not None
    cur_planned = h is not None and h.startjaar is not None
    cur_done = h is not None and h.fase == "gereed"
    if not (prev_planned or cur_planned or cur_done):
        return None
    if cur_done:
        assert h is not None
        if prev_planned:
            return "gereed", "Buurt is aardgasvrij (fase gereed).", "Buurt is natural-gas-free (phase done)."
        return (
            "gereed",
            "Buurt is aardgasvrij (fase gereed); stond niet gepland in het vorige programma.",
            "Buurt is natural-gas-free (phase done); it was not planned in the previous programme.",
        )
    if not prev_planned:
        return (
            "nieuw",
            "Nieuw gepland: stond niet met een startjaar in het vorige programma.",
            "Newly planned: it had no start year in the previous programme.",
        )
    assert v is not None and v.startjaar is not None
    if not cur_planned:
        return (
            "vervallen",
            f"Gepland vanaf {v.startjaar} in het vorige programma, nu zonder startjaar.",
            f"Planned from {v.startjaar} in the previous programme, now without a start year.",
        )
    assert h is not None and h.startjaar is not None
    fv, fh = alternatieven.family(v.alternatief), alternatieven.family(h.alternatief)
    if fv is not None and fh is not None and fv != fh:
        return (
            "alternatief_gewijzigd",
            f"Alternatief gewijzigd van {alternatieven.name(v.alternatief, 'nl')} naar "
            f"{alternatieven.name(h.alternatief, 'nl')}.",
            f"Alternative changed from {alternatieven.name(v.alternatief, 'en')} to "
            f"{alternatieven.name(h.alternatief, 'en')}.",
        )
    shifts = [h.startjaar - v.startjaar]
    if v.doeljaar is not None and h.doeljaar is not None:
        shifts.append(h.doeljaar - v.doeljaar)
    later, earlier = max(shifts), min(shifts)
    if later > 0:
        nl, en = _years(later)
        return (
            "vertraagd",
            f"{nl} later dan gepland (start {v.startjaar} -> {h.startjaar}, doel "
            f"{v.doeljaar or '-'} -> {h.doeljaar or '-'}).",
            f"{en} later than planned (start {v.startjaar} -> {h.startjaar}, target "
            f"{v.doeljaar or '-'} -> {h.doeljaar or '-'}).",
        )
    if v.doeljaar is not None and v.doeljaar < vandaag.year:
        return (
            "vertraagd",
            f"Doeljaar {v.doeljaar} verstreken en de buurt is nog niet gereed (fase {h.fase}).",
            f"Target year {v.doeljaar} has passed and the buurt is not done yet (phase {h.fase}).",
        )
    if earlier < 0:
        nl, en = _years(-earlier)
        return (
            "versneld",
            f"{nl} eerder dan gepland (start {v.startjaar} -> {h.startjaar}, doel "
            f"{v.doeljaar or '-'} -> {h.doeljaar or '-'}).",
            f"{en} earlier than planned (start {v.startjaar} -> {h.startjaar}, target "
            f"{v.doeljaar or '-'} -> {h.doeljaar or '-'}).",
        )
    return (
        "op_schema",
        f"Volgens planning (start {h.startjaar}, doel {h.doeljaar or '-'}, fase {h.fase}).",
        f"As planned (start {h.startjaar}, target {h.doeljaar or '-'}, phase {h.fase}).",
    )


def terugblik(vorige: Programma, huidige: Programma, vandaag: date) -> Terugblik:
    """Compare the previous adopted version's plans with the current version, buurt by buurt.

    Judgements (in this order): ``gereed`` (phase done now), ``nieuw`` (no start year before, one now),
    ``vervallen`` (planned before, no start year now or the buurt is gone), ``alternatief_gewijzigd`` (another
    family), ``vertraagd`` (later start or target year, or the old target year passed without being done),
    ``versneld`` (earlier), ``op_schema``. Buurten without a start year in both versions are left out.
    """
    vorig = {q.buurt_code: q for q in vorige.plannen}
    nu = {q.buurt_code: q for q in huidige.plannen}
    rijen = []
    for code in sorted(set(vorig) | set(nu)):
        v, h = vorig.get(code), nu.get(code)
        judged = _oordeel(v, h, vandaag)
        if judged is None:
            continue
        oordeel, nl, en = judged
        rijen.append(TerugblikRij(
            buurt_code=code,
            buurt_naam=(h.buurt_naam if h else None) or (v.buurt_naam if v else None),
            gepland_alternatief=v.alternatief if v else None,
            huidig_alternatief=h.alternatief if h else None,
            gepland_startjaar=v.startjaar if v else None,
            huidig_startjaar=h.startjaar if h else None,
            gepland_doeljaar=v.doeljaar if v else None,
            huidig_doeljaar=h.doeljaar if h else None,
            geplande_fase=v.fase if v else None,
            huidige_fase=h.fase if h else None,
            oordeel=oordeel, toelichting_nl=nl, toelichting_en=en,
        ))  # fmt: skip
    samenvatting = {o: 0 for o in OORDELEN}
    for r in rijen:
        samenvatting[r.oordeel] += 1
    return Terugblik(
        vorige_id=vorige.id, vorige_vastgesteld_op=vorige.vastgesteld_op, rijen=tuple(rijen), samenvatting=samenvatting
    )
