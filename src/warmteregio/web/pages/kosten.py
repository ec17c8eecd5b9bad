"""Read models for the cost sections of the region and buurt pages, built on :mod:`warmteregio.services.assessment`.

Region page: the most recent finished assessment of the region, with per buurt the lowest-cost variant and
its national extra cost per WEQ (H18), the class of that H18 for the map legend and the download links.
Buurt page: the cost items per variant of the most recent assessment that covers the buurt, grouped for a
stacked bar chart (capital charges K01-K09 in three groups, variable costs K17), with the same numbers for
the table and the provenance of the run. Money in EUR per year (national costs excl. taxes) unless noted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from warmteregio.accounts.service import Principal, can_edit_region
from warmteregio.services import assessment, queries
from warmteregio.store.models import User

API_PREFIX = "/api/v1"

#: Variant families in map order, with their Dutch name (translated in the templates).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("S1", "All-electric"),
    ("S2", "Warmtenet middentemperatuur"),
    ("S3", "Warmtenet lage temperatuur"),
    ("S4", "Groen gas"),
    ("S5", "Waterstof"),
)
FAMILY_NAMES = dict(FAMILIES) | {"REF": "Referentie"}

#: Lower bounds of the H18 classes [EUR per WEQ per year]; class 0 is everything below the first bound.
H18_GRENZEN: tuple[float, ...] = (0, 250, 500, 1000, 2000)

#: Cost groups of the chart and table: (key, Dutch label, contract columns summed).
KOSTENGROEPEN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("netten", "Elektriciteits- en gasnet", ("K01_Enet_verzwaren", "K02_Gnet_verwijderen", "K03_Gnet_aanpassen")),
    ("warmtenet", "Warmtenet", ("K04_Wnet_buurt", "K05_Wnet_pand", "K06_Wnet_transport", "K07_Wnet_opwekking")),
    ("gebouw", "Gebouw (schil en installatie)", ("K08_Gebouw_schil", "K09_Gebouw_installatie")),
    ("variabel", "Variabele kosten", ("K17_Variabele_kosten",)),
)
EINDGEBRUIKER_KOLOM = "EG_eigenaar_bewoner_verschil_eur_per_maand"
ZICHTJAREN = (2025, 2030, 2035, 2040, 2045, 2050)
STANDAARD_ZICHTJAAR = 2030


class FormulierFout(ValueError):
    """Invalid input in the run form; ``nl``/``en`` explain it."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


def form_override(kental: str, waarde: str) -> dict[str, float]:
    """The optional single override of the run form: both fields empty, or a name and a number (``,`` or ``.``)."""
    kental, waarde = kental.strip(), waarde.strip()
    if not kental and not waarde:
        return {}
    if not kental or not waarde:
        raise FormulierFout(
            "vul zowel het kental als de nieuwe waarde in, of laat beide leeg",
            "fill in both the parameter and the new value, or leave both empty",
        )
    try:
        number = float(waarde.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise FormulierFout(f"{waarde!r} is geen getal", f"{waarde!r} is not a number")
    return {kental: number}


def h18_klasse(value: float | None) -> int | None:
    """Index of the H18 class: 0 below :data:`H18_GRENZEN`[0], then one per bound; ``None`` when unknown."""
    if value is None or not math.isfinite(value):
        return None
    return sum(1 for bound in H18_GRENZEN if value >= bound)


@dataclass(frozen=True)
class Herkomst:
    """Provenance shown next to results."""

    run_id: int
    parameterset: str
    parameterset_versie: str
    overrides: dict[str, float]
    zichtjaar: int
    gestart: datetime
    gestart_door: str | None
    catalogus_versie: str | None
    code_versie: str


def _herkomst(info: assessment.RunInfo) -> Herkomst:
    return Herkomst(
        info.id,
        info.parameterset,
        info.parameterset_versie,
        info.overrides,
        info.zichtjaar,
        info.gestart,
        info.gestart_door,
        info.catalogus_versie,
        info.code_versie,
    )


@dataclass(frozen=True)
class LaagsteRij:
    code: str
    naam: str | None
    strategie: str | None
    familie: str | None
    h18: float | None
    klasse: int | None


@dataclass(frozen=True)
class ParametersetKeuze:
    waarde: str  # "naam|versie" (versie empty for a packaged set)
    label: str


@dataclass(frozen=True)
class RegioKosten:
    mag_starten: bool
    keuzes: list[ParametersetKeuze]
    zichtjaren: tuple[int, ...]
    standaard_zichtjaar: int
    rekenkern: bool
    herkomst: Herkomst | None = None
    rijen: list[LaagsteRij] = field(default_factory=list)
    kaart_url: str | None = None
    csv_url: str | None = None
    xlsx_url: str | None = None
    mislukt: str | None = None  # message of the region's most recent run when that one failed
    vorige: Herkomst | None = None  # the finished run before the latest, for "what changed"
    verschillen: list[VerschilRij] = field(default_factory=list)
    aantal_verschillen: int = 0


MAX_VERSCHILLEN = 50


@dataclass(frozen=True)
class VerschilRij:
    """A buurt x variant whose H18 (or H16) changed between the previous and the latest run."""

    code: str
    naam: str | None
    strategie: str
    h18_voor: float | None
    h18_na: float | None
    h16_voor: float | None
    h16_na: float | None


def diff_rows(db: Session, voor: assessment.RunInfo, na: assessment.RunInfo) -> list[VerschilRij]:
    from warmteregio.services.parametersets import diff_runs

    diff = diff_runs(db, voor.id, na.id)
    codes = sorted({d.buurt_code for d in diff})
    namen = queries.buurt_namen(db, codes, na.buurt_jaar)
    return [
        VerschilRij(d.buurt_code, namen.get(d.buurt_code), d.strategie, d.h18_a, d.h18_b, d.h16_a, d.h16_b)
        for d in diff
    ]


def parameterset_keuzes(db: Session) -> list[ParametersetKeuze]:
    """Parameter sets a run can use: the packaged sets, then stored copies (naam + versie)."""
    keuzes = []
    try:
        from warmteregio.catalogue import available_parameter_sets
    except ImportError:
        available_parameter_sets = None
    if available_parameter_sets is not None:
        keuzes += [ParametersetKeuze(f"{naam}|", naam) for naam in available_parameter_sets()]
    copies = queries.parameterset_copies(db)
    keuzes += [ParametersetKeuze(f"{naam}|{versie}", f"{naam} {versie}") for naam, versie in copies]
    return keuzes


def regio_kosten(db: Session, regio_code: str, user: User | None) -> RegioKosten:
    mag = user is not None and can_edit_region(Principal.of(user), regio_code)
    base = {
        "mag_starten": mag,
        "keuzes": parameterset_keuzes(db) if mag else [],
        "zichtjaren": ZICHTJAREN,
        "standaard_zichtjaar": STANDAARD_ZICHTJAAR,
        "rekenkern": assessment.engine_available(),
    }
    recent = assessment.list_runs(db, regio=regio_code, paging=assessment.Paging(1, 1)).items
    mislukt = recent[0].foutmelding if recent and recent[0].status == assessment.STATUS_MISLUKT else None
    info = assessment.latest_run(db, regio_code)
    if info is None:
        return RegioKosten(**base, mislukt=mislukt)
    codes = sorted(assessment.run_buurt_codes(db, info))
    namen = queries.buurt_namen(db, codes, info.buurt_jaar)
    lowest = {r.buurt_code: r for r in assessment.lowest_cost_per_buurt(db, info)}
    rijen = []
    for code in codes:
        best = lowest.get(code)
        h18 = best.h18_nat_meerkost_weq if best else None
        rijen.append(
            LaagsteRij(
                code, namen.get(code), best.strategie if best else None, best.familie if best else None, h18,
                h18_klasse(h18),
            )
        )  # fmt: skip
    api = f"{API_PREFIX}/beoordelingen/{info.id}"
    vorige = assessment.previous_run(db, info)
    verschillen = diff_rows(db, vorige, info) if vorige else []
    return RegioKosten(
        **base,
        herkomst=_herkomst(info),
        vorige=_herkomst(vorige) if vorige else None,
        verschillen=verschillen[:MAX_VERSCHILLEN],
        aantal_verschillen=len(verschillen),
        rijen=rijen,
        kaart_url=f"{api}/laagste-kosten?formaat=geojson",
        csv_url=f"{api}/resultaten?formaat=csv",
        xlsx_url=f"{api}/resultaten?formaat=xlsx",
        mislukt=mislukt,
    )


# ---------------------------------------------------------------------------------------------- buurt


@dataclass(frozen=True)
class Segment:
    groep: str
    waarde: float
    x: float  # SVG x of the left edge
    breedte: float


@dataclass(frozen=True)
class VariantKosten:
    strategie: str
    familie: str | None
    groepen: dict[str, float | None]
    totaal: float | None
    h16: float | None
    h17: float | None
    h18: float | None
    eindgebruiker_per_maand: float | None
    opmerking: str | None
    segmenten: list[Segment] = field(default_factory=list)
    y: float = 0.0


@dataclass(frozen=True)
class Grafiek:
    breedte: int
    hoogte: int
    label_breedte: int
    balk_hoogte: int
    rij_hoogte: int
    nul_x: float
    referentie_x: float | None
    referentie: float | None
    ticks: list[tuple[float, float]]  # (value, x)


@dataclass(frozen=True)
class BuurtKosten:
    herkomst: Herkomst
    varianten: list[VariantKosten]
    grafiek: Grafiek
    heeft_eindgebruiker: bool
    groepen: tuple[tuple[str, str], ...] = tuple((k, label) for k, label, _ in KOSTENGROEPEN)


def _sum(row: assessment.ResultaatRij, columns: tuple[str, ...]) -> float | None:
    values = [row.get(c) for c in columns]
    numbers = [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    return sum(numbers) if numbers else None


def _nice_step(span: float) -> float:
    raw = span / 4 if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def buurt_kosten(db: Session, buurt_code: str) -> BuurtKosten | None:
    """Cost items per variant of the newest finished run with results for ``buurt_code``, or ``None``."""
    info = assessment.latest_run_for_buurt(db, buurt_code)
    if info is None:
        return None
    rows = assessment.results_for_run(db, info.id, buurt=buurt_code).items
    catalogue = assessment.catalogue_for_run(info)
    ordered = sorted(rows, key=lambda r: (assessment.variant_family(r.strategie, catalogue) != "REF", r.strategie))
    varianten = []
    for r in ordered:
        groepen = {key: _sum(r, cols) for key, _, cols in KOSTENGROEPEN}
        known = [v for v in groepen.values() if v is not None]
        eg = r.get(EINDGEBRUIKER_KOLOM)
        opmerking = r.get("opmerking")
        varianten.append(
            VariantKosten(
                strategie=r.strategie,
                familie=assessment.variant_family(r.strategie, catalogue),
                groepen=groepen,
                totaal=sum(known) if len(known) == len(groepen) else None,
                h16=r.h16_nat_meerkost,
                h17=r.h17_nat_meerkost_co2,
                h18=r.h18_nat_meerkost_weq,
                eindgebruiker_per_maand=float(eg) if isinstance(eg, int | float) else None,
                opmerking=str(opmerking) if opmerking else None,
            )
        )
    referentie = next((v.totaal for v in varianten if v.familie == "REF"), None)
    placed, grafiek = _layout(varianten, referentie)
    return BuurtKosten(
        herkomst=_herkomst(info),
        varianten=placed,
        grafiek=grafiek,
        heeft_eindgebruiker=any(v.eindgebruiker_per_maand is not None for v in varianten),
    )


def _layout(varianten: list[VariantKosten], referentie: float | None) -> tuple[list[VariantKosten], Grafiek]:
    """Positions of the stacked bars: positive items stack right of zero, negative items left of it."""
    label_breedte, plot_breedte, rij, balk, top = 200, 460, 30, 20, 34
    lows, highs = [0.0], [0.0]
    for v in varianten:
        pos = sum(x for x in v.groepen.values() if x is not None and x > 0)
        neg = sum(x for x in v.groepen.values() if x is not None and x < 0)
        highs.append(pos)
        lows.append(neg)
    if referentie is not None:
        highs.append(referentie)
        lows.append(referentie)
    lo, hi = min(lows), max(highs)
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step if hi > lo else lo + step
    scale = plot_breedte / (hi - lo)

    def x_of(value: float) -> float:
        return round(label_breedte + (value - lo) * scale, 2)

    placed = []
    for i, v in enumerate(varianten):
        segmenten = []
        right, left = 0.0, 0.0
        for key, _, _ in KOSTENGROEPEN:
            value = v.groepen.get(key)
            if value is None or value == 0:
                continue
            if value > 0:
                start, right = right, right + value
            else:
                left, start = left + value, left + value
            segmenten.append(Segment(key, value, x_of(start), round(abs(value) * scale, 2)))
        placed.append(
            VariantKosten(**{**v.__dict__, "segmenten": segmenten, "y": top + i * rij})
        )
    ticks = []
    value = lo
    while value <= hi + step / 2:
        ticks.append((value, x_of(value)))
        value += step
    grafiek = Grafiek(
        breedte=label_breedte + plot_breedte + 50,
        hoogte=top + len(varianten) * rij + 10,
        label_breedte=label_breedte,
        balk_hoogte=balk,
        rij_hoogte=rij,
        nul_x=x_of(0.0),
        referentie_x=x_of(referentie) if referentie is not None else None,
        referentie=referentie,
        ticks=ticks,
    )
    return placed, grafiek
