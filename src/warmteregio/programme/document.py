"""The warmteprogramma as a document: HTML, tagged PDF (PDF/UA-1) and DOCX.

One content model (:func:`inhoud`) feeds all three formats, so they always say the same. The chapters follow
``programme/data/hoofdstukken.csv`` (the national guide's structure, :func:`warmteregio.programme.regels.load_rules`):
each chapter has the municipality's own text (``Programma.teksten[code]``, a small Markdown subset, see
:mod:`warmteregio.programme.tekst`; in a draft an empty chapter shows a placeholder with what belongs there)
followed by what the platform generates for that chapter from the planning:

* ``perspectief_2050``: map of the 2050 perspective (colour per family) and the buurten per family;
* ``buurten_planning``: the buurten of the coming ten years (alternative, phase, start and target year, cluster,
  linked opportunities, designation), buurten per start year and a map of start periods;
* ``aanwijzing``: the designation intentions (decision year, end of natural gas, term and its reason);
* ``haalbaar_betaalbaar``: per area to be designated the monthly costs for residents from the assessment
  framework, the national costs and the affordability and feasibility texts;
* ``partners``: partner organisations (names and roles only, no personal data);
* ``participatie``: the participation log (date, kind, title, input, reaction) and the status of the process steps;
* ``monitoring``: the update date; ``terugblik``: the look-back; ``verantwoording``: the analysis' provenance and
  the deviations from the preferred variant;
* appendices: A, per buurt the assessment framework's preferred variant, robustness, the chosen alternative and
  the explanation text; B, the check results with their legal basis.

Generated content whose chapter is missing from ``hoofdstukken.csv`` gets a chapter of its own at the end, so a
change of the chapter file never loses content. Every map is followed by a table with the same information.
Texts in Dutch by default; ``lang="en"`` translates the fixed texts and headings (the municipality's own texts stay
as entered). Numbers with :func:`warmteregio.engine.explain.fmt_number`.

Speed: WeasyPrint's time grows with every line and table cell, so the generated tables keep few columns and the
appendix one paragraph per buurt; a full programme of Dordrecht's 130 buurten renders in well under 10 s
(``bench/bench_programme.py``). Pure: no database, no web.
"""

from __future__ import annotations

import gc
import io
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import ClassVar

import shapely
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from warmteregio.engine.explain import fmt_number
from warmteregio.programme import alternatieven, kaart, planning, tekst
from warmteregio.programme.model import Programma, Terugblik, Toetsresultaat
from warmteregio.programme.regels import actualisatie_datum, load_rules

FORMATEN: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
LANGS = ("nl", "en")
LEEG = "–"

_ENV = Environment(
    loader=PackageLoader("warmteregio.programme", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)

# ------------------------------------------------------------------------------------------------ vocabulary

T: dict[str, tuple[str, str]] = {
    "warmteprogramma": ("Warmteprogramma", "Heat programme"),
    "gemeente": ("Gemeente", "Municipality"),
    "versie": ("Versie", "Version"),
    "status": ("Status", "Status"),
    "consultatie": ("Ter inzage", "Public consultation"),
    "vastgesteld_op": ("Vastgesteld op", "Adopted on"),
    "vastgesteld_door": ("Vastgesteld door", "Adopted by"),
    "besluit": ("Besluit", "Decision"),
    "actualisatie": ("Uiterlijk te actualiseren op", "To be updated by"),
    "vorige": ("Vorige versie vastgesteld op", "Previous version adopted on"),
    "analyse": ("Analyse (afwegingskader)", "Analysis (assessment framework)"),
    "analyse_waarde": (
        "beoordeling {run}, parameterset {set}, zichtjaar {jaar}",
        "assessment run {run}, parameter set {set}, view year {jaar}",
    ),
    "code_versie": ("programmaversie {v}", "software version {v}"),
    "geen_analyse": ("geen analyse gekoppeld", "no analysis linked"),
    "gegenereerd": ("Gegenereerd op {moment} UTC met warmteregio.", "Generated on {moment} UTC with warmteregio."),
    "inhoud": ("Inhoud", "Contents"),
    "concept_melding": (
        "Concept: dit programma is nog niet vastgesteld en kan nog veranderen.",
        "Draft: this programme has not been adopted and may still change.",
    ),
    "consultatie_melding": (
        "Dit ontwerp ligt ter inzage; zienswijzen worden verwerkt voor de vaststelling.",
        "This draft is open for consultation; responses are processed before adoption.",
    ),
    "vervallen_melding": (
        "Vervallen: deze versie is vervangen door een later vastgesteld programma.",
        "Superseded: this version has been replaced by a later adopted programme.",
    ),
    "vastgesteld_melding": (
        "Vastgesteld programma; deze versie verandert niet meer.",
        "Adopted programme; this version no longer changes.",
    ),
    "nog_niet_ingevuld": ("Nog niet ingevuld.", "Not yet written."),
    "wat_hier_hoort": ("Wat hier hoort: {inhoud}", "What belongs here: {inhoud}"),
    "bijlage": ("Bijlage", "Appendix"),
    "buurt": ("Buurt", "Buurt"),
    "code": ("Code", "Code"),
    "alternatief": ("Alternatief", "Alternative"),
    "familie": ("Familie", "Family"),
    "startjaar": ("Startjaar", "Start year"),
    "fase_jaren": ("Fase, start–doel", "Phase, start–target"),
    "per_familie": ("Per familie", "Per family"),
    "aanwijzen_per": ("aanwijzen (besluit {jaar})", "designate (decision {jaar})"),
    "koppelkansen": ("Koppelkansen", "Linked opportunities"),
    "buurt_koppelkansen": ("Buurt (cluster, koppelkansen)", "Buurt (cluster, linked opportunities)"),
    "ja": ("ja", "yes"),
    "nee": ("nee", "no"),
    "woningen": ("Woningen", "Dwellings"),
    "aantal_buurten": ("Buurten", "Buurten"),
    "geen_plan": ("Geen plan", "No plan"),
    # perspective
    "perspectief_kaart": ("Kaart: perspectief 2050 per buurt", "Map: perspective 2050 per buurt"),
    "perspectief_desc": (
        "Kaart van {gemeente} met per buurt de kleur van de familie van het gekozen alternatief "
        "voor 2050. {samenvatting} De tabel hierna geeft dezelfde informatie.",
        "Map of {gemeente} with per buurt the colour of the family of the chosen alternative for "
        "2050. {samenvatting} The table below gives the same information.",
    ),
    "perspectief_tabel": (
        "Perspectief 2050: buurten per familie (het gekozen alternatief per buurt staat in bijlage A)",
        "Perspective 2050: buurten per family (the chosen alternative per buurt is in appendix A)",
    ),
    # planning
    "planning_tabel": (
        "Buurten die in de komende tien jaar ({van}–{tot}) starten of al gestart zijn",
        "Buurten that start in the coming ten years ({van}–{tot}) or have started",
    ),
    "planning_leeg": (
        "Er zijn nog geen buurten met een startjaar in de komende tien jaar.",
        "There are no buurten with a start year in the coming ten years yet.",
    ),
    "per_jaar_tabel": ("Buurten en woningen per startjaar", "Buurten and dwellings per start year"),
    "startperiode_kaart": ("Kaart: startperiode per buurt", "Map: start period per buurt"),
    "startperiode_desc": (
        "Kaart van {gemeente} met per buurt de periode waarin de aanpak start. {samenvatting} "
        "De tabel hierna geeft dezelfde informatie.",
        "Map of {gemeente} with per buurt the period in which the approach starts. {samenvatting} "
        "The table below gives the same information.",
    ),
    "startperiode_tabel": ("Startperiode per buurt", "Start period per buurt"),
    "startperiode": ("Startperiode", "Start period"),
    "periode_gereed": ("Aardgasvrij (gereed)", "Natural-gas-free (done)"),
    "periode_gestart": ("Gestart vóór {jaar}", "Started before {jaar}"),
    "periode_van_tot": ("Start {van}–{tot}", "Start {van}–{tot}"),
    "periode_na": ("Start na {jaar}", "Start after {jaar}"),
    "periode_geen": ("Geen startjaar", "No start year"),
    # designation
    "aanwijzing_tabel": (
        "Gebieden die de gemeente voornemens is aan te wijzen",
        "Areas the municipality intends to designate",
    ),
    "aanwijzing_leeg": (
        "De gemeente is (nog) niet voornemens gebieden aan te wijzen.",
        "The municipality does not (yet) intend to designate areas.",
    ),
    "aanwijs_jaren": ("Aanwijsbesluit → einde aardgas (termijn)", "Designation decision → end of gas (term)"),
    "termijn_reden": ("Reden termijn", "Reason for the term"),
    "jaar_eenheid": ("{n} jaar", "{n} years"),
    "kosten_tabel": (
        "Maandlasten voor bewoners (verschil met de referentie, € per maand) en nationale kosten "
        "per aan te wijzen gebied",
        "Monthly costs for residents (difference with the reference, € per month) and national costs "
        "per area to be designated",
    ),
    "eigenaar": ("Eigenaar-bewoner", "Owner-occupier"),
    "sociale_huur": ("Sociale huur", "Social rent"),
    "particuliere_huur": ("Particuliere huur", "Private rent"),
    "nationale_kosten": ("Nationale kosten (€/WEQ/jaar)", "National costs (€/WEQ/yr)"),
    "betaalbaarheid": ("Betaalbaarheid", "Affordability"),
    "haalbaarheid": ("Haalbaarheid", "Feasibility"),
    "niet_onderbouwd": ("niet onderbouwd", "not substantiated"),
    "haalbaar_leeg": (
        "Er zijn geen aan te wijzen gebieden; de onderbouwing per buurt staat in bijlage A.",
        "There are no areas to be designated; the substantiation per buurt is in appendix A.",
    ),
    # partners, participation, steps
    "partners_tabel": ("Partners", "Partners"),
    "organisatie": ("Organisatie", "Organisation"),
    "soort": ("Soort", "Kind"),
    "rol": ("Rol", "Role"),
    "partners_leeg": ("Er zijn nog geen partners vastgelegd.", "No partners have been recorded yet."),
    "participatie_tabel": ("Participatielogboek", "Participation log"),
    "participatie_leeg": (
        "Er zijn nog geen participatiemomenten vastgelegd.",
        "No participation moments have been recorded yet.",
    ),
    "datum": ("Datum", "Date"),
    "titel": ("Titel", "Title"),
    "deelnemers": ("Deelnemers", "Participants"),
    "inbreng": ("Inbreng", "Input"),
    "reactie": ("Reactie", "Reaction"),
    "stappen_kop": ("Processtappen", "Process steps"),
    "stappen_tabel": ("Status van de processtappen", "Status of the process steps"),
    "stap": ("Stap", "Step"),
    "verplicht": ("Verplicht", "Required"),
    "eigenaar_stap": ("Eigenaar", "Owner"),
    "bewijs": ("Bewijs / toelichting", "Evidence / note"),
    # monitoring, look-back, accounting
    "actualisatie_zin": (
        "Dit programma wordt uiterlijk op {datum} geactualiseerd (ten minste eens per {n} jaar).",
        "This programme will be updated by {datum} at the latest (at least every {n} years).",
    ),
    "actualisatie_concept": (
        "Na vaststelling wordt het programma uiterlijk {n} jaar later geactualiseerd.",
        "After adoption the programme will be updated within {n} years.",
    ),
    "terugblik_tabel": (
        "Terugblik: buurten die niet volgens het vorige programma verlopen",
        "Look-back: buurten that did not go as the previous programme planned",
    ),
    "terugblik_op_schema": (
        "Volgens planning van het vorige programma ({n}): {buurten}.",
        "As planned in the previous programme ({n}): {buurten}.",
    ),
    "terugblik_samenvatting": ("Samenvatting terugblik", "Look-back summary"),
    "terugblik_eerste": (
        "Niet van toepassing: dit is het eerste warmteprogramma van de gemeente.",
        "Not applicable: this is the municipality's first heat programme.",
    ),
    "terugblik_geen": ("Er is geen terugblik beschikbaar.", "No look-back is available."),
    "oordeel": ("Oordeel", "Judgement"),
    "toelichting": ("Toelichting", "Explanation"),
    "aantal": ("Aantal", "Number"),
    "afwijking_zin": (
        "In {n} buurt(en) is een alternatief gekozen uit een andere familie dan de voorkeursvariant van "
        "de analyse: {buurten}. De reden staat per buurt in bijlage A.",
        "In {n} buurt(en) an alternative of another family than the analysis' preferred variant was "
        "chosen: {buurten}. The reason per buurt is in appendix A.",
    ),
    "afwijking_zonder": (
        "Voor {n} daarvan is (nog) geen reden vastgelegd: {buurten}.",
        "For {n} of these no reason has been recorded (yet): {buurten}.",
    ),
    "afwijking_leeg": (
        "Het gekozen alternatief wijkt in geen enkele buurt af van de familie van de voorkeursvariant.",
        "In no buurt does the chosen alternative deviate from the family of the preferred variant.",
    ),
    "voorkeur": ("Voorkeur analyse", "Preferred by analysis"),
    "gekozen": ("Gekozen", "Chosen"),
    "reden": ("Reden", "Reason"),
    "robuustheid": ("Robuustheid", "Robustness"),
    "robuustheid_uitleg": (
        "Robuustheid: het aandeel van de doorgerekende gevallen (onzekere parameters en "
        "gewichten) waarin de voorkeursvariant op de eerste plaats staat.",
        "Robustness: the share of the computed cases (uncertain parameters and weights) in which "
        "the preferred variant ranks first.",
    ),
    # appendices
    "bijlage_uitleg": (
        "Uitleg per buurt uit het afwegingskader",
        "Explanation per buurt from the assessment framework",
    ),
    "varianten_tabel": ("Varianten uit de catalogus", "Variants of the catalogue"),
    "bijlage_uitleg_intro": (
        "Per buurt de voorkeursvariant van het afwegingskader, de robuustheid en de uitleg "
        "zoals de analyse die gaf, met het gekozen alternatief.",
        "Per buurt the assessment framework's preferred variant, its robustness and the "
        "explanation as the analysis gave it, with the chosen alternative.",
    ),
    "geen_uitleg": ("Geen uitleg uit de analyse beschikbaar.", "No explanation from the analysis available."),
    "bijlage_toetsen": ("Toetsresultaten", "Check results"),
    "toetsen_intro": (
        "De automatische toetsen op het moment van genereren, met hun wettelijke grondslag.",
        "The automatic checks at the time of generation, with their legal basis.",
    ),
    "toetsen_tabel": ("Toetsen met status, melding en grondslag", "Checks with status, message and legal basis"),
    "toets": ("Toets", "Check"),
    "melding": ("Melding", "Message"),
    "grondslag": ("Grondslag", "Legal basis"),
    "toetsen_leeg": ("Er zijn geen toetsresultaten meegegeven.", "No check results were provided."),
    "blokkeert": ("blokkeert vaststelling", "blocks adoption"),
    "pagina": ("Pagina", "Page"),
}

STATUS_NAMEN: dict[str, tuple[str, str]] = {
    "concept": ("Concept", "Draft"),
    "consultatie": ("Ter inzage (ontwerp)", "Public consultation (draft)"),
    "vastgesteld": ("Vastgesteld", "Adopted"),
    "vervallen": ("Vervallen", "Superseded"),
}
FASE_NAMEN: dict[str, tuple[str, str]] = {
    "verkenning": ("Verkenning", "Exploration"),
    "planvorming": ("Planvorming", "Planning"),
    "uitvoeringsplan": ("Uitvoeringsplan", "Implementation plan"),
    "uitvoering": ("Uitvoering", "Execution"),
    "gereed": ("Gereed", "Done"),
}
KOPPELKANS_NAMEN: dict[str, tuple[str, str]] = {
    "riolering": ("Rioolvervanging", "Sewer renewal"),
    "herinrichting": ("Herinrichting openbare ruimte", "Street renewal"),
    "renovatie_corporatie": ("Renovatie corporatie", "Corporation renovation"),
    "groot_onderhoud": ("Groot onderhoud", "Major maintenance"),
    "netverzwaring": ("Netverzwaring", "Grid reinforcement"),
    "nieuwbouw": ("Nieuwbouw", "New construction"),
    "overig": ("Overig", "Other"),
}
PARTNER_NAMEN: dict[str, tuple[str, str]] = {
    "netbeheerder": ("Netbeheerder", "Grid operator"),
    "woningcorporatie": ("Woningcorporatie", "Housing corporation"),
    "bewonersgroep": ("Bewonersgroep", "Residents' group"),
    "warmtebedrijf": ("Warmtebedrijf", "Heat company"),
    "provincie": ("Provincie", "Province"),
    "waterschap": ("Waterschap", "Water board"),
    "buurgemeente": ("Buurgemeente", "Neighbouring municipality"),
    "energiecooperatie": ("Energiecoöperatie", "Energy cooperative"),
    "overig": ("Overig", "Other"),
}
PARTICIPATIE_NAMEN: dict[str, tuple[str, str]] = {
    "bijeenkomst": ("Bijeenkomst", "Meeting"),
    "inloopavond": ("Inloopavond", "Drop-in evening"),
    "enquete": ("Enquête", "Survey"),
    "gesprek": ("Gesprek", "Conversation"),
    "klankbordgroep": ("Klankbordgroep", "Sounding board"),
    "zienswijze": ("Zienswijze", "Formal response"),
    "overig": ("Overig", "Other"),
}
STAP_STATUS_NAMEN: dict[str, tuple[str, str]] = {
    "open": ("Open", "Open"),
    "bezig": ("Bezig", "In progress"),
    "gereed": ("Gereed", "Done"),
    "nvt": ("Niet van toepassing", "Not applicable"),
}
TOETS_STATUS_NAMEN: dict[str, tuple[str, str]] = {
    "ok": ("Voldoet", "Passes"),
    "fout": ("Voldoet niet", "Fails"),
    "waarschuwing": ("Waarschuwing", "Warning"),
    "nvt": ("Niet van toepassing", "Not applicable"),
}
MAANDEN = (
    ("januari", "January"), ("februari", "February"), ("maart", "March"), ("april", "April"), ("mei", "May"),
    ("juni", "June"), ("juli", "July"), ("augustus", "August"), ("september", "September"),
    ("oktober", "October"), ("november", "November"), ("december", "December"),
)  # fmt: skip
PERIODE_KLEUREN = ("#238b45", "#08306b", "#2171b5", "#6baed6", "#c6dbef", "#bdbdbd")
GEEN_PLAN_KLEUR = "#e6e6e6"


def _v(pair: tuple[str, str] | None, lang: str, fallback: str = LEEG) -> str:
    if pair is None:
        return fallback
    return pair[1] if lang == "en" else pair[0]


class _Taal:
    """Fixed texts and number formats in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else "nl"

    def __call__(self, key: str, **kw: object) -> str:
        text = _v(T[key], self.lang)
        return text.format(**kw) if kw else text

    def naam(self, table: Mapping[str, tuple[str, str]], code: str | None) -> str:
        if not code:
            return LEEG
        return _v(table.get(code), self.lang, code)

    def getal(self, x: float | int | None, decimals: int = 0) -> str:
        return LEEG if x is None else fmt_number(x, decimals, self.lang)

    def euro(self, x: float | None) -> str:
        return LEEG if x is None else f"€ {fmt_number(x, 0, self.lang)}"

    def euro_verschil(self, x: float | None) -> str:
        if x is None:
            return LEEG
        bedrag = fmt_number(abs(x), 0, self.lang)
        teken = "" if bedrag == "0" else "+" if x > 0 else "\u2212"
        return f"{teken}€ {bedrag}"

    def procent(self, share: float | None) -> str:
        return LEEG if share is None else fmt_number(100 * share, 0, self.lang) + "%"

    def datum(self, d: date | None) -> str:
        if d is None:
            return LEEG
        return f"{d.day} {MAANDEN[d.month - 1][1 if self.lang == 'en' else 0]} {d.year}"

    def jaar(self, y: int | None) -> str:
        return LEEG if y is None else str(y)


# ------------------------------------------------------------------------------------------------ content model


@dataclass
class Tabel:
    soort: ClassVar[str] = "tabel"
    id: str
    bijschrift: str
    kop: list[str]
    rijen: list[list[str]]
    numeriek: frozenset[int] = frozenset()  # right-aligned columns
    rijkop: bool = True  # the first cell of a row is its header
    klein: bool = False  # many columns: smaller type
    breedtes: tuple[int, ...] = ()  # column widths in percent (fixed table layout: fast and predictable)


@dataclass
class Kaart:
    soort: ClassVar[str] = "kaart"
    id: str
    titel: str
    beschrijving: str
    kleuren: dict[str, str]
    legenda: list[tuple[str, str]]
    tooltips: dict[str, str]
    tabel_id: str  # the table with the same information


@dataclass
class Tekst:
    """The municipality's own text (Markdown subset)."""

    soort: ClassVar[str] = "tekst"
    tekst: str


@dataclass
class Leeg:
    """Placeholder of a chapter without text in a draft."""

    soort: ClassVar[str] = "leeg"
    melding: str
    uitleg: str


@dataclass
class Alinea:
    soort: ClassVar[str] = "alinea"
    tekst: str
    klasse: str = ""


@dataclass
class Kop:
    """A subheading (h3 in HTML, Heading 2 in DOCX)."""

    soort: ClassVar[str] = "kop"
    tekst: str
    id: str = ""


@dataclass
class Gegevens:
    """Key-value pairs: a definition list, or (``kort``) one line ``key: value · key: value``."""

    soort: ClassVar[str] = "gegevens"
    paren: list[tuple[str, str]]
    kort: bool = False


@dataclass
class Hoofdstuk:
    code: str
    nummer: str  # "1", "2", ... or "A", "B" for appendices
    titel: str
    blokken: list = field(default_factory=list)
    bijlage: bool = False

    @property
    def anker(self) -> str:
        return f"h-{self.code}"

    @property
    def kop(self) -> str:
        return f"{self.nummer}. {self.titel}" if not self.bijlage else f"{self.nummer} {self.titel}"


@dataclass
class Document:
    lang: str
    titel: str  # the document's title (HTML <title>, PDF and DOCX metadata)
    programma: Programma
    voorblad: list[tuple[str, str]]
    statusmelding: str
    gegenereerd: datetime
    gegenereerd_tekst: str
    hoofdstukken: list[Hoofdstuk]
    geoms: dict[str, shapely.Geometry]
    t: _Taal


# ------------------------------------------------------------------------------------------------ building


def _buurt(plan_or_code: object, namen: Mapping[str, str | None]) -> str:
    code = plan_or_code if isinstance(plan_or_code, str) else plan_or_code.buurt_code  # type: ignore[attr-defined]
    naam = namen.get(code)
    return f"{naam} ({code})" if naam else code


def _alt(code: str | None, t: _Taal) -> str:
    return alternatieven.name(code, t.lang) if code else LEEG


def _fam_naam(fam: str | None, t: _Taal) -> str:
    return _v(alternatieven.FAMILY_NAMES.get(fam or ""), t.lang, fam or LEEG)


def _tekst_blokken(p: Programma, code: str, inhoud: str, t: _Taal) -> list:
    text = (p.teksten or {}).get(code) or ""
    if text.strip():
        return [Tekst(text)]
    if p.status == "concept":
        return [Leeg(t("nog_niet_ingevuld"), t("wat_hier_hoort", inhoud=inhoud))]
    return []


def _namenlijst(codes: Sequence[str], namen: Mapping[str, str | None]) -> str:
    return ", ".join(namen.get(c) or c for c in codes) or LEEG


def _perspectief(p: Programma, doc: Document, namen: Mapping[str, str | None]) -> list:
    """Map of the 2050 perspective and, as its table alternative, the buurten per family (the chosen variant
    per buurt is in appendix A)."""
    t = doc.t
    plans = {q.buurt_code: q for q in p.plannen}
    codes = sorted(set(doc.geoms) | set(plans) | set(p.gemeente_buurten))
    kleuren: dict[str, str] = {}
    tooltips: dict[str, str] = {}
    groepen: dict[str, list[str]] = {}
    woningen: dict[str, int] = {}
    for code in codes:
        q = plans.get(code)
        fam = planning.familie(q) if q else ""
        kleuren[code] = alternatieven.FAMILY_COLOURS.get(fam, GEEN_PLAN_KLEUR)
        keuze = (_alt(q.alternatief, t) if q.alternatief else _fam_naam(fam, t)) if q else t("geen_plan")
        tooltips[code] = f"{_buurt(code, namen)}: {keuze}"
        groepen.setdefault(fam, []).append(code)
        woningen[fam] = woningen.get(fam, 0) + ((q.woningen or 0) if q else 0)
    volgorde = [f for f in alternatieven.FAMILY_COLOURS if f in groepen] + ([""] if "" in groepen else [])

    def label(f: str) -> str:
        return _fam_naam(f, t) if f else t("geen_plan")

    legenda = [(alternatieven.FAMILY_COLOURS.get(f, GEEN_PLAN_KLEUR), label(f)) for f in volgorde]
    samenvatting = "; ".join(f"{label(f)}: {len(groepen[f])}" for f in volgorde) + "."
    blokken: list = []
    if doc.geoms:
        blokken.append(Kaart("kaart-perspectief", t("perspectief_kaart"),
                             t("perspectief_desc", gemeente=p.gemeente_naam, samenvatting=samenvatting),
                             kleuren, legenda, tooltips, "tabel-perspectief"))  # fmt: skip
    blokken.append(Tabel("tabel-perspectief", t("perspectief_tabel"),
                         [t("familie"), t("aantal_buurten"), t("woningen"), t("buurt")],
                         [[label(f), t.getal(len(groepen[f])), t.getal(woningen[f]), _namenlijst(groepen[f], namen)]
                          for f in volgorde], numeriek=frozenset({1, 2}), klein=True,
                         breedtes=(20, 10, 11, 59)))  # fmt: skip
    return blokken


def _koppelkansen(q, t: _Taal) -> str:  # noqa: ANN001
    parts = []
    for k in q.koppelkansen:
        s = t.naam(KOPPELKANS_NAMEN, k.soort)
        if k.omschrijving:
            s += f": {k.omschrijving}"
        if k.jaar:
            s += f" ({k.jaar})"
        parts.append(s)
    return "; ".join(parts) or LEEG


def _periode(q, peil: int, eind: int, t: _Taal) -> tuple[int, str]:  # noqa: ANN001
    """(index into PERIODE_KLEUREN, label) of a plan's start period."""
    midden = peil + (eind - peil + 1) // 2
    if q is None or (q.startjaar is None and q.fase != "gereed"):
        return 5, t("periode_geen")
    if q.fase == "gereed":
        return 0, t("periode_gereed")
    if q.startjaar < peil:
        return 1, t("periode_gestart", jaar=peil)
    if q.startjaar < midden:
        return 2, t("periode_van_tot", van=peil, tot=midden - 1)
    if q.startjaar <= eind:
        return 3, t("periode_van_tot", van=midden, tot=eind)
    return 4, t("periode_na", jaar=eind)


def _planning(p: Programma, doc: Document, namen: Mapping[str, str | None], peil: int) -> list:
    t = doc.t
    van, tot = planning.horizon(peil)
    in_h = sorted((q for q in p.plannen if planning.in_horizon(q, peil)),
                  key=lambda q: (q.startjaar or 0, q.buurt_code))  # fmt: skip
    blokken: list = []
    if in_h:
        rijen = []
        for q in in_h:
            buurt = _buurt(q, namen) + (f"\n{q.cluster}" if q.cluster else "")
            if q.koppelkansen:
                buurt += f"\n{t('koppelkansen')}: {_koppelkansen(q, t)}"
            fase = f"{t.naam(FASE_NAMEN, q.fase)}, {t.jaar(q.startjaar)}–{t.jaar(q.doeljaar)}"
            if q.aanwijzen:
                fase += "\n" + t("aanwijzen_per", jaar=t.jaar(q.aanwijsbesluit_jaar))
            rijen.append([buurt, _alt(q.alternatief, t), fase])
        # few columns on purpose: every table cell costs layout time in the PDF (130 buurten < 10 s); the linked
        # opportunities go with the buurt
        blokken.append(Tabel("tabel-planning", t("planning_tabel", van=van, tot=tot),
                             [t("buurt_koppelkansen"), t("alternatief"), t("fase_jaren")], rijen, klein=True,
                             breedtes=(42, 34, 24)))  # fmt: skip
    else:
        blokken.append(Alinea(t("planning_leeg")))
    jaren = [r for r in planning.per_jaar(p.plannen) if r["buurten"]]
    if jaren:
        rijen = [
            [
                str(r["jaar"]),
                t.getal(r["buurten"]),
                t.getal(r["woningen"]),
                ", ".join(f"{_fam_naam(f, t)} {n}" for f, n in r["per_familie"].items()),
            ]
            for r in jaren
        ]
        blokken.append(Tabel("tabel-per-jaar", t("per_jaar_tabel"),
                             [t("startjaar"), t("aantal_buurten"), t("woningen"), t("per_familie")], rijen,
                             numeriek=frozenset({1, 2}), klein=True, breedtes=(14, 12, 14, 60)))  # fmt: skip
    # map of start periods
    plans = {q.buurt_code: q for q in p.plannen}
    codes = sorted(set(doc.geoms) | set(plans) | set(p.gemeente_buurten))
    kleuren: dict[str, str] = {}
    tooltips: dict[str, str] = {}
    groepen: dict[int, tuple[str, list[str]]] = {}
    for code in codes:
        idx, label = _periode(plans.get(code), peil, tot, t)
        kleuren[code] = PERIODE_KLEUREN[idx]
        tooltips[code] = f"{_buurt(code, namen)}: {label}"
        groepen.setdefault(idx, (label, []))[1].append(code)
    legenda = [(PERIODE_KLEUREN[i], groepen[i][0]) for i in sorted(groepen)]
    samenvatting = "; ".join(f"{groepen[i][0]}: {len(groepen[i][1])}" for i in sorted(groepen)) + "."
    if doc.geoms:
        blokken.append(Kaart("kaart-startperiode", t("startperiode_kaart"),
                             t("startperiode_desc", gemeente=p.gemeente_naam, samenvatting=samenvatting),
                             kleuren, legenda, tooltips, "tabel-startperiode"))  # fmt: skip
    blokken.append(Tabel("tabel-startperiode", t("startperiode_tabel"),
                         [t("startperiode"), t("aantal_buurten"), t("buurt")],
                         [[groepen[i][0], t.getal(len(groepen[i][1])), _namenlijst(groepen[i][1], namen)]
                          for i in sorted(groepen)],
                         numeriek=frozenset({1}), klein=True, breedtes=(24, 10, 66)))  # fmt: skip
    return blokken


def _aanwijzing(p: Programma, doc: Document, namen: Mapping[str, str | None]) -> list:
    t = doc.t
    plans = sorted((q for q in p.plannen if q.aanwijzen), key=lambda q: (q.aanwijsbesluit_jaar or 0, q.buurt_code))
    if not plans:
        return [Alinea(t("aanwijzing_leeg"))]
    rijen = []
    for q in plans:
        termijn = (q.aardgasvrij_jaar - q.aanwijsbesluit_jaar
                   if q.aardgasvrij_jaar is not None and q.aanwijsbesluit_jaar is not None else None)  # fmt: skip
        jaren = f"{t.jaar(q.aanwijsbesluit_jaar)} → {t.jaar(q.aardgasvrij_jaar)}"
        if termijn is not None:
            jaren += f" ({t('jaar_eenheid', n=termijn)})"
        rijen.append([_buurt(q, namen), _alt(q.alternatief, t), jaren, tekst.platte_tekst(q.termijn_reden) or LEEG])
    return [Tabel("tabel-aanwijzing", t("aanwijzing_tabel"),
                  [t("buurt"), t("alternatief"), t("aanwijs_jaren"), t("termijn_reden")], rijen, klein=True,
                  breedtes=(24, 28, 20, 28))]  # fmt: skip


def _haalbaar(p: Programma, doc: Document, namen: Mapping[str, str | None]) -> list:
    t = doc.t
    plans = sorted((q for q in p.plannen if q.aanwijzen), key=lambda q: q.buurt_code)
    if not plans:
        return [Alinea(t("haalbaar_leeg"))]
    rijen = [[_buurt(q, namen), t.euro_verschil(q.maandlasten_eigenaar), t.euro_verschil(q.maandlasten_sociale_huur),
              t.euro_verschil(q.maandlasten_particuliere_huur), t.euro(q.nationale_kosten_weq)]
             for q in plans]  # fmt: skip
    blokken: list = [Tabel("tabel-kosten", t("kosten_tabel"),
                           [t("buurt"), t("eigenaar"), t("sociale_huur"), t("particuliere_huur"),
                            t("nationale_kosten")], rijen, numeriek=frozenset({1, 2, 3, 4}), klein=True,
                           breedtes=(32, 16, 16, 16, 20))]  # fmt: skip
    for q in plans:
        blokken.append(Kop(_buurt(q, namen), id=f"aanwijzing-{q.buurt_code}"))
        blokken.append(Alinea(
            f"{t('betaalbaarheid')}: {tekst.platte_tekst(q.betaalbaarheid) or t('niet_onderbouwd')}\n"
            f"{t('haalbaarheid')}: {tekst.platte_tekst(q.haalbaarheid) or t('niet_onderbouwd')}", "wr-doc__regels"
        ))  # fmt: skip
    return blokken


def _partners(p: Programma, doc: Document) -> list:
    t = doc.t
    if not p.partners:
        return [Alinea(t("partners_leeg"))]
    rijen = [[x.organisatie, t.naam(PARTNER_NAMEN, x.soort), x.rol or LEEG]
             for x in sorted(p.partners, key=lambda x: (x.soort, x.organisatie.lower()))]  # fmt: skip
    return [
        Tabel(
            "tabel-partners",
            t("partners_tabel"),
            [t("organisatie"), t("soort"), t("rol")],
            rijen,
            breedtes=(35, 25, 40),
        )
    ]


def _participatie(p: Programma, doc: Document, regels) -> list:  # noqa: ANN001
    t = doc.t
    blokken: list = []
    if p.participatie:
        rijen = []
        for m in sorted(p.participatie, key=lambda m: (m.datum, m.id)):
            titel = m.titel + (f"\n({', '.join(m.partners)})" if m.partners else "")
            rijen.append([t.datum(m.datum), t.naam(PARTICIPATIE_NAMEN, m.soort), titel,
                          t.getal(m.aantal_deelnemers), m.inbreng or LEEG, m.reactie or LEEG])  # fmt: skip
        blokken.append(Tabel("tabel-participatie", t("participatie_tabel"),
                             [t("datum"), t("soort"), t("titel"), t("deelnemers"), t("inbreng"), t("reactie")],
                             rijen, numeriek=frozenset({3}), rijkop=False, klein=True,
                             breedtes=(11, 11, 18, 9, 26, 25)))  # fmt: skip
    else:
        blokken.append(Alinea(t("participatie_leeg")))
    stappen = {s.code: s for s in p.stappen}
    if regels.stappen:
        blokken.append(Kop(t("stappen_kop"), id="stappen"))
        rijen = []
        for d in regels.stappen:
            s = stappen.get(d.code)
            notes = [x for x in ((s.bewijs, s.toelichting) if s else ()) if x]
            rijen.append([_v((d.titel_nl, d.titel_en), t.lang), t("ja") if d.verplicht else t("nee"),
                          t.naam(STAP_STATUS_NAMEN, s.status if s else "open"), (s.eigenaar if s else None) or LEEG,
                          "\n".join(notes) or LEEG])  # fmt: skip
        blokken.append(Tabel("tabel-stappen", t("stappen_tabel"),
                             [t("stap"), t("verplicht"), t("status"), t("eigenaar_stap"), t("bewijs")], rijen,
                             klein=True, breedtes=(30, 9, 12, 17, 32)))  # fmt: skip
    return blokken


def _monitoring(p: Programma, doc: Document, regels) -> list:  # noqa: ANN001
    t = doc.t
    uiterlijk = p.actualisatie_uiterlijk or (actualisatie_datum(p.vastgesteld_op, regels) if p.vastgesteld_op
                                             else None)  # fmt: skip
    if uiterlijk:
        return [Alinea(t("actualisatie_zin", datum=t.datum(uiterlijk), n=regels.actualisatie_jaren))]
    return [Alinea(t("actualisatie_concept", n=regels.actualisatie_jaren))]


def _terugblik(p: Programma, doc: Document, terugblik: Terugblik | None) -> list:
    t = doc.t
    if terugblik is None:
        return [Alinea(t("terugblik_eerste") if p.vorige_id is None else t("terugblik_geen"))]
    blokken: list = []
    if terugblik.vorige_vastgesteld_op:
        blokken.append(Gegevens([(t("vorige"), t.datum(terugblik.vorige_vastgesteld_op))]))
    blokken.append(Tabel("tabel-terugblik-samenvatting", t("terugblik_samenvatting"), [t("oordeel"), t("aantal")],
                         [[t.naam(planning.OORDEEL_NAMEN, o), t.getal(n)] for o, n in terugblik.samenvatting.items()
                          if n], numeriek=frozenset({1}), breedtes=(70, 30)))  # fmt: skip
    op_schema = [r for r in terugblik.rijen if r.oordeel == "op_schema"]
    anders = [r for r in terugblik.rijen if r.oordeel != "op_schema"]
    if op_schema:
        blokken.append(Alinea(t("terugblik_op_schema", n=len(op_schema),
                                buurten=", ".join(r.buurt_naam or r.buurt_code for r in op_schema))))  # fmt: skip
    if anders:
        rijen = [[f"{r.buurt_naam} ({r.buurt_code})" if r.buurt_naam else r.buurt_code,
                  t.naam(planning.OORDEEL_NAMEN, r.oordeel), r.toelichting_en if t.lang == "en" else r.toelichting_nl]
                 for r in anders]  # fmt: skip
        blokken.append(Tabel("tabel-terugblik", t("terugblik_tabel"), [t("buurt"), t("oordeel"), t("toelichting")],
                             rijen, klein=True, breedtes=(26, 16, 58)))  # fmt: skip
    return blokken


def _analyse_tekst(p: Programma, t: _Taal) -> str:
    a = p.analyse
    if a is None:
        return t("geen_analyse")
    s = t("analyse_waarde", run=a.run_id, set=a.parameterset, jaar=a.zichtjaar)
    return s + (f", {t('code_versie', v=a.code_versie)}" if a.code_versie else "")


def _verantwoording(p: Programma, doc: Document, namen: Mapping[str, str | None]) -> list:
    t = doc.t
    blokken: list = [Gegevens([(t("analyse"), _analyse_tekst(p, t))])]
    plannen = [q for q in sorted(p.plannen, key=lambda q: q.buurt_code)
               if alternatieven.deviates(q.alternatief, q.analyse_voorkeur)]  # fmt: skip
    if plannen:
        afwijkend = [q.buurt_code for q in plannen]
        zonder = [q.buurt_code for q in plannen if not (q.afwijking_reden or "").strip()]
        blokken.append(Alinea(t("afwijking_zin", n=len(afwijkend), buurten=_namenlijst(afwijkend, namen))))
        if zonder:
            blokken.append(Alinea(t("afwijking_zonder", n=len(zonder), buurten=_namenlijst(zonder, namen))))
    else:
        blokken.append(Alinea(t("afwijking_leeg")))
    return blokken


def _kort(code: str | None, t: _Taal) -> str:
    """A catalogue variant by its code (``S2a``), a family choice by its name; the codes are explained once."""
    if not code:
        return LEEG
    return code if code in alternatieven.catalogue_alternatives() else _alt(code, t)


def _bijlage_uitleg(p: Programma, doc: Document, namen: Mapping[str, str | None]) -> list:
    t = doc.t
    plannen = sorted(p.plannen, key=lambda q: q.buurt_code)
    blokken: list = [Alinea(t("bijlage_uitleg_intro")), Alinea(t("robuustheid_uitleg"), "wr-doc__noot")]
    catalogus = alternatieven.catalogue_alternatives()
    gebruikt = sorted({c for q in plannen for c in (q.analyse_voorkeur, q.alternatief) if c in catalogus})
    if gebruikt:
        blokken.append(Tabel("tabel-varianten", t("varianten_tabel"), [t("code"), t("alternatief")],
                             [[c, _alt(c, t)] for c in gebruikt], klein=True, breedtes=(12, 88)))  # fmt: skip
    for q in plannen:
        blokken.append(Kop(_buurt(q, namen), id=f"uitleg-{q.buurt_code}"))
        meta = (f"{t('voorkeur')}: {_kort(q.analyse_voorkeur, t)} · {t('robuustheid')}: "
                f"{t.procent(q.analyse_robuustheid)} · {t('gekozen')}: {_kort(q.alternatief, t)}")  # fmt: skip
        if q.afwijking_reden:
            meta += f" · {t('reden')}: {tekst.platte_tekst(q.afwijking_reden)}"
        uitleg = (q.analyse_uitleg_en or q.analyse_uitleg_nl) if t.lang == "en" else q.analyse_uitleg_nl
        # one paragraph (meta line, then the explanation): fewer boxes keep the PDF of 130 buurten fast
        blokken.append(Alinea(f"{meta}\n{uitleg or t('geen_uitleg')}", "wr-doc__uitleg"))
    return blokken


def _bijlage_toetsen(toetsen: Sequence[Toetsresultaat], doc: Document, namen: Mapping[str, str | None]) -> list:
    t = doc.t
    if not toetsen:
        return [Alinea(t("toetsen_leeg"))]
    rijen = []
    for r in toetsen:
        status = t.naam(TOETS_STATUS_NAMEN, r.status)
        if r.blokkeert_vaststelling and r.status == "fout":
            status += f" ({t('blokkeert')})"
        melding = r.melding_en if t.lang == "en" else r.melding_nl
        grond = r.grondslag + (f"\n{r.bron}" if r.bron and r.bron != r.grondslag else "")
        rijen.append([r.titel_en if t.lang == "en" else r.titel_nl, status, melding, grond])
    return [Alinea(t("toetsen_intro")),
            Tabel("tabel-toetsen", t("toetsen_tabel"), [t("toets"), t("status"), t("melding"), t("grondslag")],
                  rijen, klein=True, breedtes=(18, 12, 35, 35))]  # fmt: skip


def inhoud(
    p: Programma,
    *,
    geometrie: Mapping[str, bytes],
    toetsen: Sequence[Toetsresultaat],
    terugblik: Terugblik | None,
    lang: str = "nl",
    gegenereerd: datetime | None = None,
) -> Document:
    """The document's content in ``lang``: title page data and the chapters with their blocks."""
    t = _Taal(lang)
    regels = load_rules()
    moment = gegenereerd or datetime.now(UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)  # naive = UTC
    codes = list(geometrie)
    geoms: dict[str, shapely.Geometry] = {}
    if codes:
        parsed = shapely.from_wkb([geometrie[c] for c in codes], on_invalid="ignore")
        geoms = {c: g for c, g in zip(codes, parsed, strict=True) if g is not None and not g.is_empty}
    namen: dict[str, str | None] = {q.buurt_code: q.buurt_naam for q in p.plannen}
    peil = planning.peiljaar(p, moment.date())

    voorblad = [(t("gemeente"), f"{p.gemeente_naam} ({p.gemeente_code})"), (t("versie"), str(p.volgnummer)),
                (t("status"), t.naam(STATUS_NAMEN, p.status))]  # fmt: skip
    if p.consultatie_van or p.consultatie_tot:
        voorblad.append((t("consultatie"), f"{t.datum(p.consultatie_van)} – {t.datum(p.consultatie_tot)}"))
    if p.vastgesteld_op:
        voorblad.append((t("vastgesteld_op"), t.datum(p.vastgesteld_op)))
        if p.vastgesteld_door:
            voorblad.append((t("vastgesteld_door"), p.vastgesteld_door))
    if p.besluit_referentie:
        voorblad.append((t("besluit"), p.besluit_referentie))
    uiterlijk = p.actualisatie_uiterlijk or (actualisatie_datum(p.vastgesteld_op, regels) if p.vastgesteld_op
                                             else None)  # fmt: skip
    if uiterlijk:
        voorblad.append((t("actualisatie"), t.datum(uiterlijk)))
    if p.vorige_vastgesteld_op:
        voorblad.append((t("vorige"), t.datum(p.vorige_vastgesteld_op)))
    voorblad.append((t("analyse"), _analyse_tekst(p, t)))
    melding = {"concept": "concept_melding", "consultatie": "consultatie_melding", "vastgesteld":
               "vastgesteld_melding", "vervallen": "vervallen_melding"}.get(p.status, "concept_melding")  # fmt: skip

    doc = Document(
        lang=t.lang, titel=f"{p.titel} – {p.gemeente_naam}", programma=p, voorblad=voorblad,
        statusmelding=t(melding), gegenereerd=moment,
        gegenereerd_tekst=t("gegenereerd", moment=moment.strftime("%Y-%m-%d %H:%M")),
        hoofdstukken=[], geoms=geoms, t=t,
    )  # fmt: skip
    generated = {
        "perspectief_2050": lambda: _perspectief(p, doc, namen),
        "buurten_planning": lambda: _planning(p, doc, namen, peil),
        "aanwijzing": lambda: _aanwijzing(p, doc, namen),
        "haalbaar_betaalbaar": lambda: _haalbaar(p, doc, namen),
        "partners": lambda: _partners(p, doc),
        "participatie": lambda: _participatie(p, doc, regels),
        "monitoring": lambda: _monitoring(p, doc, regels),
        "terugblik": lambda: _terugblik(p, doc, terugblik),
        "verantwoording": lambda: _verantwoording(p, doc, namen),
    }
    extra_titels = {  # generated content whose chapter is missing from hoofdstukken.csv gets its own chapter
        "perspectief_2050": ("Perspectief 2050", "Perspective 2050"),
        "buurten_planning": ("Buurten in de komende tien jaar", "Buurten in the coming ten years"),
        "aanwijzing": ("Voornemens tot aanwijzing", "Designation intentions"),
        "haalbaar_betaalbaar": ("Haalbaarheid en betaalbaarheid", "Feasibility and affordability"),
        "partners": ("Partners", "Partners"),
        "participatie": ("Participatie", "Participation"),
        "monitoring": ("Actualisatie", "Update"),
        "terugblik": ("Terugblik", "Look-back"),
        "verantwoording": ("Verantwoording analyse", "Analysis accounting"),
    }
    nummer = 0
    for h in regels.hoofdstukken:
        nummer += 1
        titel = h.titel_en if t.lang == "en" else h.titel_nl
        inhoud_tekst = h.inhoud_en if t.lang == "en" else h.inhoud_nl
        blokken = _tekst_blokken(p, h.code, inhoud_tekst, t)
        if h.code in generated:
            blokken += generated.pop(h.code)()
        doc.hoofdstukken.append(Hoofdstuk(h.code, str(nummer), titel, blokken))
    for code, build in generated.items():
        nummer += 1
        doc.hoofdstukken.append(Hoofdstuk(code, str(nummer), _v(extra_titels[code], t.lang), build()))
    doc.hoofdstukken.append(Hoofdstuk("bijlage-uitleg", f"{t('bijlage')} A", t("bijlage_uitleg"),
                                      _bijlage_uitleg(p, doc, namen), bijlage=True))  # fmt: skip
    doc.hoofdstukken.append(Hoofdstuk("bijlage-toetsen", f"{t('bijlage')} B", t("bijlage_toetsen"),
                                      _bijlage_toetsen(toetsen, doc, namen), bijlage=True))  # fmt: skip
    return doc


# ------------------------------------------------------------------------------------------------ HTML / PDF


def _svg(doc: Document, k: Kaart, *, pdf: bool, breedte: int = 640) -> Markup:
    # tooltips are for the screen only: in the PDF they would be SVG nodes nobody sees
    svg = kaart.svg_kaart(doc.geoms, k.kleuren, titel=k.titel, beschrijving=k.beschrijving, legenda=k.legenda,
                          breedte=breedte, tooltips=k.tooltips, id=k.id, buurt_titels=not pdf)  # fmt: skip
    return Markup(svg)  # built from escaped parts by svg_kaart


def render_html(
    p: Programma,
    *,
    geometrie: Mapping[str, bytes],
    toetsen: Sequence[Toetsresultaat],
    terugblik: Terugblik | None,
    lang: str = "nl",
    pdf: bool = False,
    gegenereerd: datetime | None = None,
) -> str:
    """The programme as one standalone HTML document (``pdf``: the source of the PDF, with print-only rules)."""
    doc = inhoud(p, geometrie=geometrie, toetsen=toetsen, terugblik=terugblik, lang=lang, gegenereerd=gegenereerd)
    kaarten = {b.id: _svg(doc, b, pdf=pdf) for h in doc.hoofdstukken for b in h.blokken if isinstance(b, Kaart)}
    return _ENV.get_template("programma.html").render(
        doc=doc,
        p=p,
        t=doc.t,
        pdf=pdf,
        kaarten=kaarten,
        render_tekst=tekst.render_tekst,
        status_label=doc.t.naam(STATUS_NAMEN, p.status),
    )


def render_pdf(
    p: Programma,
    *,
    geometrie: Mapping[str, bytes],
    toetsen: Sequence[Toetsresultaat],
    terugblik: Terugblik | None,
    lang: str = "nl",
    pdf: bool = True,
    gegenereerd: datetime | None = None,
) -> bytes:
    """The programme as a tagged PDF (PDF/UA-1) with language and title metadata and page numbers."""
    from weasyprint import HTML

    html = render_html(p, geometrie=geometrie, toetsen=toetsen, terugblik=terugblik, lang=lang, pdf=True,
                       gegenereerd=gegenereerd)  # fmt: skip
    with _gc_gepauzeerd():
        return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]


_gc_lock = threading.Lock()
_gc_diepte = 0
_gc_was_aan = True


@contextmanager
def _gc_gepauzeerd() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while WeasyPrint lays out a long document.

    WeasyPrint allocates hundreds of thousands of short-lived objects; in a process with a large heap (the web
    app, the CLI after loading data) every automatic full collection walks all of them, which costs 15-20% of the
    time of a 40-page programme. The collector is restored (when it was on) as soon as the last concurrent
    document is done; nothing is leaked, collection is only postponed by a few seconds."""
    global _gc_diepte, _gc_was_aan
    with _gc_lock:
        if _gc_diepte == 0:
            _gc_was_aan = gc.isenabled()
            gc.disable()
        _gc_diepte += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_diepte -= 1
            if _gc_diepte == 0 and _gc_was_aan:
                gc.enable()


# ------------------------------------------------------------------------------------------------ DOCX


def _docx_runs(paragraph, line) -> None:  # noqa: ANN001
    for text, bold in line:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True


def _docx_tabel(document, tabel: Tabel) -> None:  # noqa: ANN001
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document.add_paragraph(tabel.bijschrift, style="Caption")
    table = document.add_table(rows=1 + len(tabel.rijen), cols=len(tabel.kop))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    size = Pt(8) if tabel.klein else Pt(9)
    rows = table.rows
    header = rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat on every page and mark as the header row
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for i, text in enumerate(tabel.kop):
        par = header.cells[i].paragraphs[0]
        run = par.add_run(text)
        run.bold = True
        run.font.size = size
        if i in tabel.numeriek:
            par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r, rij in enumerate(tabel.rijen, start=1):
        cells = rows[r].cells
        for i, text in enumerate(rij):
            par = cells[i].paragraphs[0]
            run = par.add_run(text)
            run.font.size = size
            if i == 0 and tabel.rijkop:
                run.bold = True
            if i in tabel.numeriek:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_taal(document, lang: str) -> None:  # noqa: ANN001
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    code = "en-GB" if lang == "en" else "nl-NL"
    document.core_properties.language = code
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    el = OxmlElement("w:lang")
    el.set(qn("w:val"), code)
    el.set(qn("w:eastAsia"), code)
    el.set(qn("w:bidi"), code)
    rpr.append(el)


def _docx_paginanummer(document, label: str) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    par = document.sections[0].footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    par.add_run(f"{label} ")
    for instr in ("PAGE", None, "NUMPAGES"):
        if instr is None:
            par.add_run(" / ")
            continue
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), instr)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        fld.append(run)
        par._p.append(fld)


def render_docx(
    p: Programma,
    *,
    geometrie: Mapping[str, bytes],
    toetsen: Sequence[Toetsresultaat],
    terugblik: Terugblik | None,
    lang: str = "nl",
    pdf: bool = False,
    gegenereerd: datetime | None = None,
) -> bytes:
    """The programme as a Word document: Title and Heading 1/2 styles, tables with a repeating header row, maps
    as PNG pictures with alternative text, title and language in the core properties, page numbers."""
    from docx import Document as DocxDocument
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    doc = inhoud(p, geometrie=geometrie, toetsen=toetsen, terugblik=terugblik, lang=lang, gegenereerd=gegenereerd)
    t = doc.t
    d = DocxDocument()
    section = d.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    d.styles["Normal"].font.name = "Arial"
    d.styles["Normal"].font.size = Pt(10)
    props = d.core_properties
    props.title = doc.titel
    props.subject = t("warmteprogramma")
    props.author = p.gemeente_naam
    props.keywords = f"warmteprogramma {p.gemeente_code} v{p.volgnummer} {p.status}"
    props.created = doc.gegenereerd.replace(tzinfo=None)
    props.modified = doc.gegenereerd.replace(tzinfo=None)
    props.revision = max(1, p.versie)
    _docx_taal(d, t.lang)
    _docx_paginanummer(d, t("pagina"))

    d.add_heading(p.titel, level=0)
    d.add_paragraph(f"{t('warmteprogramma')} {p.gemeente_naam}")
    d.add_paragraph(doc.statusmelding).runs[0].bold = True
    info = d.add_table(rows=len(doc.voorblad), cols=2)
    info.style = "Table Grid"
    for row, (k, v) in zip(info.rows, doc.voorblad, strict=True):
        row.cells[0].paragraphs[0].add_run(k).bold = True
        row.cells[1].paragraphs[0].add_run(v)
    d.add_paragraph(doc.gegenereerd_tekst)
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for h in doc.hoofdstukken:
        d.add_heading(h.kop, level=1)
        for b in h.blokken:
            if isinstance(b, Tekst):
                for blok in tekst.blokken(b.tekst):
                    if blok.soort == "lijst":
                        for item in blok.regels:
                            _docx_runs(d.add_paragraph(style="List Bullet"), item)
                    else:
                        par = d.add_paragraph()
                        for i, line in enumerate(blok.regels):
                            if i:
                                par.add_run().add_break()
                            _docx_runs(par, line)
            elif isinstance(b, Leeg):
                d.add_paragraph().add_run(b.melding).italic = True
                d.add_paragraph().add_run(b.uitleg).italic = True
            elif isinstance(b, Alinea):
                d.add_paragraph(b.tekst)
            elif isinstance(b, Kop):
                d.add_heading(b.tekst, level=2)
            elif isinstance(b, Gegevens):
                for k, v in b.paren:
                    par = d.add_paragraph()
                    par.add_run(f"{k}: ").bold = True
                    par.add_run(v)
            elif isinstance(b, Tabel):
                _docx_tabel(d, b)
            elif isinstance(b, Kaart):
                d.add_paragraph(b.titel, style="Caption")
                png = kaart.png_kaart(doc.geoms, b.kleuren, legenda=b.legenda, breedte=1200)
                shape = d.add_picture(io.BytesIO(png), width=Cm(16.5))
                doc_pr = shape._inline.docPr
                doc_pr.set("descr", b.beschrijving)
                doc_pr.set("title", b.titel)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ names


def bestandsnaam(p: Programma, formaat: str) -> str:
    """``warmteprogramma-GM0505-v2-concept.pdf``."""
    if formaat not in FORMATEN:
        raise ValueError(f"onbekend formaat / unknown format: {formaat!r}")
    code = "".join(ch for ch in p.gemeente_code if ch.isalnum())
    status = "".join(ch for ch in p.status if ch.isalnum())
    return f"warmteprogramma-{code}-v{p.volgnummer}-{status}.{formaat}"
