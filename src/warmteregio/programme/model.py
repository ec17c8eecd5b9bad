"""Plain data of a warmteprogramma version, shared by the checks, planning, conflicts and documents.

The service (``warmteregio.services.programma``) builds these from the database; everything in
``warmteregio.programme`` works on them without a database, so checks and documents can be tested on hand-made
programmes. Money in EUR, energy in GJ per year, years as calendar years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

STATUSES: tuple[str, ...] = ("concept", "consultatie", "vastgesteld", "vervallen")
PUBLIC_STATUSES: frozenset[str] = frozenset({"consultatie", "vastgesteld", "vervallen"})
FASES: tuple[str, ...] = ("verkenning", "planvorming", "uitvoeringsplan", "uitvoering", "gereed")
STAP_STATUSES: tuple[str, ...] = ("open", "bezig", "gereed", "nvt")
KOPPELKANS_SOORTEN: tuple[str, ...] = (
    "riolering", "herinrichting", "renovatie_corporatie", "groot_onderhoud", "netverzwaring", "nieuwbouw", "overig",
)  # fmt: skip
PARTNER_SOORTEN: tuple[str, ...] = (
    "netbeheerder", "woningcorporatie", "bewonersgroep", "warmtebedrijf", "provincie", "waterschap",
    "buurgemeente", "energiecooperatie", "overig",
)  # fmt: skip
PARTICIPATIE_SOORTEN: tuple[str, ...] = (
    "bijeenkomst", "inloopavond", "enquete", "gesprek", "klankbordgroep", "zienswijze", "overig",
)  # fmt: skip
# family choices besides the catalogue variant codes (S1a ... S5d); "nader_te_bepalen" = perspective still open
FAMILIE_KEUZES: tuple[str, ...] = ("warmtenet", "all_electric", "groengas_hybride", "waterstof", "nader_te_bepalen")


@dataclass(frozen=True)
class Koppelkans:
    soort: str
    omschrijving: str
    jaar: int | None = None


@dataclass(frozen=True)
class Buurtplan:
    """One buurt's plan; see :class:`warmteregio.store.models.ProgrammaBuurtplan` for the meaning of each field."""

    buurt_code: str
    buurt_naam: str | None = None
    wijk_code: str | None = None
    cluster: str | None = None
    alternatief: str | None = None
    analyse_voorkeur: str | None = None
    analyse_robuustheid: float | None = None
    analyse_uitleg_nl: str | None = None
    analyse_uitleg_en: str | None = None
    afwijking_reden: str | None = None
    fase: str = "verkenning"
    startjaar: int | None = None
    doeljaar: int | None = None
    koppelkansen: tuple[Koppelkans, ...] = ()
    aanwijzen: bool = False
    aanwijsbesluit_jaar: int | None = None
    aardgasvrij_jaar: int | None = None
    termijn_reden: str | None = None
    betaalbaarheid: str | None = None
    haalbaarheid: str | None = None
    nationale_kosten_weq: float | None = None  # EUR/WEQ/yr (H18) of the chosen alternative
    maandlasten_eigenaar: float | None = None  # EUR/month difference with the reference
    maandlasten_sociale_huur: float | None = None
    maandlasten_particuliere_huur: float | None = None
    warmtebron_code: str | None = None
    warmtenet: str | None = None
    toelichting: str | None = None
    woningen: int | None = None
    weq: float | None = None
    warmtevraag_gj: float | None = None  # GJ/yr, total heat demand of the buurt


@dataclass(frozen=True)
class Stap:
    code: str
    status: str = "open"
    eigenaar: str | None = None
    bewijs: str | None = None
    toelichting: str | None = None


@dataclass(frozen=True)
class Partner:
    """A stakeholder organisation as it appears in a programme (no personal data)."""

    id: int
    organisatie: str
    soort: str
    rol: str | None = None


@dataclass(frozen=True)
class Participatie:
    id: int
    datum: date
    soort: str
    titel: str
    partners: tuple[str, ...] = ()  # organisation names
    buurt_codes: tuple[str, ...] = ()
    aantal_deelnemers: int | None = None
    inbreng: str = ""
    reactie: str | None = None


@dataclass(frozen=True)
class AnalyseInfo:
    """Provenance of the assessment run the plans were drafted from."""

    run_id: int
    parameterset: str  # "naam versie"
    zichtjaar: int
    code_versie: str | None = None


@dataclass(frozen=True)
class Programma:
    id: int
    gemeente_code: str
    gemeente_naam: str
    volgnummer: int
    titel: str
    status: str
    res_code: str | None = None
    teksten: dict[str, str] = field(default_factory=dict)
    consultatie_van: date | None = None
    consultatie_tot: date | None = None
    vastgesteld_op: date | None = None
    vastgesteld_door: str | None = None
    besluit_referentie: str | None = None
    actualisatie_uiterlijk: date | None = None
    vorige_id: int | None = None
    vorige_vastgesteld_op: date | None = None
    analyse: AnalyseInfo | None = None
    plannen: tuple[Buurtplan, ...] = ()
    gemeente_buurten: tuple[str, ...] = ()  # every buurt code of the gemeente's current division
    stappen: tuple[Stap, ...] = ()
    participatie: tuple[Participatie, ...] = ()
    partners: tuple[Partner, ...] = ()
    gewijzigd: datetime | None = None
    versie: int = 1

    def plan(self, buurt_code: str) -> Buurtplan | None:
        for p in self.plannen:
            if p.buurt_code == buurt_code:
                return p
        return None


# --- rules and process guide (data files in programme/data, loaded by programme.regels) --------------------------


@dataclass(frozen=True)
class ToetsDef:
    """A legal check as defined in ``data/toetsen.csv``: its legal basis can be updated without code changes."""

    code: str
    titel_nl: str
    titel_en: str
    grondslag: str  # legal basis, e.g. the article or the guide's section
    bron: str  # where it can be verified (publication, URL)
    ernst: str  # "fout" or "waarschuwing" when the check does not pass
    blokkeert_vaststelling: bool  # a failing check of this kind refuses adoption


@dataclass(frozen=True)
class StapDef:
    code: str
    volgorde: int
    titel_nl: str
    titel_en: str
    beschrijving_nl: str
    beschrijving_en: str
    verplicht: bool
    bron: str


@dataclass(frozen=True)
class HoofdstukDef:
    code: str
    volgorde: int
    titel_nl: str
    titel_en: str
    inhoud_nl: str  # what the chapter must contain (shown as guidance in the editor)
    inhoud_en: str
    bron: str
    verplicht: bool = True  # the programme must have its own text for this chapter (check "hoofdstukken")
    alleen_bij_actualisatie: bool = False  # only applies to an update (a version with a previous adopted one)


@dataclass(frozen=True)
class Regels:
    """Parameters of the rules (from ``data/regels.csv``) plus the checks, steps and chapters."""

    peildatum: date  # the date the rules files were last checked against the regulations
    actualisatie_jaren: int  # update at least every N years after adoption
    aanwijstermijn_min_jaren: int  # guideline term between designation decision and end of natural gas
    planhorizon_jaren: int  # the programme names the buurten of the coming N years
    eerste_vaststelling_uiterlijk: date  # first programme adopted by
    waarschuwing_maanden: int  # warn this many months before an update is due
    toetsen: tuple[ToetsDef, ...] = ()
    stappen: tuple[StapDef, ...] = ()
    hoofdstukken: tuple[HoofdstukDef, ...] = ()

    def toets(self, code: str) -> ToetsDef:
        for t in self.toetsen:
            if t.code == code:
                return t
        raise KeyError(code)


# --- results of checks, look-back and cross-border conflicts ------------------------------------------------------


@dataclass(frozen=True)
class Toetsresultaat:
    code: str
    titel_nl: str
    titel_en: str
    status: str  # "ok", "fout", "waarschuwing" or "nvt"
    melding_nl: str
    melding_en: str
    buurten: tuple[str, ...] = ()  # the buurten the message is about
    grondslag: str = ""
    bron: str = ""
    blokkeert_vaststelling: bool = False


@dataclass(frozen=True)
class TerugblikRij:
    buurt_code: str
    buurt_naam: str | None
    gepland_alternatief: str | None
    huidig_alternatief: str | None
    gepland_startjaar: int | None
    huidig_startjaar: int | None
    gepland_doeljaar: int | None
    huidig_doeljaar: int | None
    geplande_fase: str | None
    huidige_fase: str | None
    oordeel: str  # op_schema, vertraagd, versneld, gereed, alternatief_gewijzigd, vervallen, nieuw
    toelichting_nl: str
    toelichting_en: str


@dataclass(frozen=True)
class Terugblik:
    vorige_id: int
    vorige_vastgesteld_op: date | None
    rijen: tuple[TerugblikRij, ...]
    samenvatting: dict[str, int]  # oordeel -> number of buurten


@dataclass(frozen=True)
class RegioPlan:
    """A buurt plan seen from the region: which gemeente's programme (latest version) plans what."""

    gemeente_code: str
    gemeente_naam: str
    programma_id: int
    programma_status: str
    buurt_code: str
    buurt_naam: str | None
    alternatief: str | None
    familie: str | None
    warmtebron_code: str | None
    warmtenet: str | None
    warmtevraag_gj: float | None
    startjaar: int | None
    doeljaar: int | None


@dataclass(frozen=True)
class BronCapaciteit:
    code: str
    naam: str
    beschikbaar_gj: float | None  # GJ/yr available; None = unknown


@dataclass(frozen=True)
class Conflict:
    soort: str  # bron_capaciteit, warmtenet_keuze, warmtenet_planning
    ernst: str  # fout or waarschuwing
    gemeenten: tuple[str, ...]
    buurten: tuple[str, ...]
    melding_nl: str
    melding_en: str
    bron_code: str | None = None
    warmtenet: str | None = None
    cijfers: dict[str, float] = field(default_factory=dict)  # e.g. vraag_gj, beschikbaar_gj
