"""Warmteprogramma's (issue 6): a gemeente's programme versions and their lifecycle, buurt plans, the process
guide, legal checks, look-back, timeline and map per year, documents (live and published), stakeholders and the
participation log, and the regional overview for the coordinator.

Reading follows the programme's status: versions in consultation, adopted and superseded versions are public
(also without a session); a draft (concept) is readable by the gemeente's users, the coordinator of its region
and administrators. Partners and the participation log hold personal data and need a session of the gemeente,
its region's coordinator or an administrator. Changes need a session, the ``X-CSRF-Token`` header and the right
to edit the gemeente's programme (an administrator or a user of that gemeente). Every edit of a programme or its
plans and steps carries the programme's ``versie`` (in the body, a query parameter or ``If-Match``): a stale one
gives 409 and nothing is written. Thin over :mod:`warmteregio.services.programma`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_buurtcode, normalise_gemeentecode, normalise_rescode
from warmteregio.programme import alternatieven
from warmteregio.programme.model import (
    FASES,
    KOPPELKANS_SOORTEN,
    PARTICIPATIE_SOORTEN,
    PARTNER_SOORTEN,
    STAP_STATUSES,
    STATUSES,
)
from warmteregio.services import programma as service
from warmteregio.services.queries import Page
from warmteregio.store.models import User
from warmteregio.web import auth, geo
from warmteregio.web.api.common import (
    CSV,
    GEOJSON,
    WRITE_RESPONSES,
    XLSX,
    PageParams,
    bad_request,
    check_code,
    crs_params,
    download,
    list_body,
    page_params,
    require_login,
    require_write_session,
    wants,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
TAG = "Warmteprogrammas"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {"html": HTML, "pdf": PDF, "docx": DOCX}
MAX_ID = 2_147_483_647
PROGRAMMAID = Path(ge=1, le=MAX_ID, description="Nummer van het warmteprogramma (één versie).")
DOCUMENTID = Path(ge=1, le=MAX_ID, description="Nummer van het gepubliceerde document.")
PARTNERID = Path(ge=1, le=MAX_ID, description="Nummer van de partner.")
MOMENTID = Path(ge=1, le=MAX_ID, description="Nummer van het participatiemoment.")
STAPCODE = Path(max_length=40, pattern=r"^[a-z0-9_\-]+$", description="Code van de processtap.")
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Niet ingelogd (een concept of persoonsgegevens)."},
    403: {"description": "Geen toestemming om dit te lezen."},
}
CONFLICT_409 = {409: {"description": "De versie klopt niet (intussen gewijzigd), of het programma is vastgesteld."}}

Status = Literal["concept", "consultatie", "vastgesteld", "vervallen"]
Fase = Literal["verkenning", "planvorming", "uitvoeringsplan", "uitvoering", "gereed"]
StapStatus = Literal["open", "bezig", "gereed", "nvt"]
KoppelkansSoort = Literal[
    "riolering", "herinrichting", "renovatie_corporatie", "groot_onderhoud", "netverzwaring", "nieuwbouw", "overig"
]
PartnerSoort = Literal[
    "netbeheerder", "woningcorporatie", "bewonersgroep", "warmtebedrijf", "provincie", "waterschap",
    "buurgemeente", "energiecooperatie", "overig",
]  # fmt: skip
ParticipatieSoort = Literal[
    "bijeenkomst", "inloopavond", "enquete", "gesprek", "klankbordgroep", "zienswijze", "overig"
]
assert set(Status.__args__) == set(STATUSES) and set(Fase.__args__) == set(FASES)  # type: ignore[attr-defined]
assert set(StapStatus.__args__) == set(STAP_STATUSES)  # type: ignore[attr-defined]
assert set(KoppelkansSoort.__args__) == set(KOPPELKANS_SOORTEN)  # type: ignore[attr-defined]
assert set(PartnerSoort.__args__) == set(PARTNER_SOORTEN)  # type: ignore[attr-defined]
assert set(ParticipatieSoort.__args__) == set(PARTICIPATIE_SOORTEN)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ schemas


class _Invoer(Schema):
    model_config = ConfigDict(**Schema.model_config, extra="forbid")  # an unknown field is an error


class ProgrammaLinks(Schema):
    """Links van een warmteprogramma."""

    self_: Link = Field(alias="self", description="Dit programma.")
    buurtplannen: Link = Field(description="De planning per buurt (ook als CSV of XLSX).")
    stappen: Link = Field(description="De stappen van de procesaanpak.")
    toetsen: Link = Field(description="De wettelijke toetsen.")
    terugblik: Link = Field(description="De terugblik op de vorige vastgestelde versie.")
    tijdlijn: Link = Field(description="De tijdlijn van de buurtaanpak.")
    kaart: Link = Field(description="De kaart per jaar (GeoJSON).")
    document_html: Link = Field(description="Het programma als HTML-document.")
    document_pdf: Link = Field(description="Het programma als getagde PDF.")
    document_docx: Link = Field(description="Het programma als Word-document (DOCX).")
    publicaties: Link = Field(description="De gepubliceerde, onveranderlijke documenten.")


class Warmteprogramma(Schema):
    """Eén versie van het warmteprogramma van een gemeente, met status en tellingen."""

    id: int
    gemeente_code: str = Field(description="Gemeentecode, bijvoorbeeld GM0505.")
    gemeente_naam: str | None
    res_code: str | None = Field(description="RES-regio van de gemeente.")
    volgnummer: int = Field(description="Volgnummer van de versie binnen de gemeente (1, 2, ...).")
    titel: str
    status: Status = Field(description="concept, consultatie, vastgesteld of vervallen.")
    vastgesteld_op: date | None = Field(description="Datum van vaststelling.")
    besluit_referentie: str | None = Field(description="Kenmerk van het vaststellingsbesluit.")
    actualisatie_uiterlijk: date | None = Field(description="Uiterste datum van de volgende actualisatie.")
    versie: int = Field(description="Telt elke wijziging; nodig voor wijzigen (`versie` of `If-Match`).")
    gewijzigd: datetime | None
    aantal_buurten: int = Field(description="Aantal buurten met een plan.")
    aantal_in_horizon: int = Field(description="Buurten met een start binnen de planhorizon (10 jaar).")
    aantal_aanwijzen: int = Field(description="Buurten die de gemeente wil aanwijzen.")
    beoordelingsrun_id: int | None = Field(description="De beoordeling (afwegingskader) waaruit is opgesteld.")
    links: ProgrammaLinks = Field(alias="_links")


class WarmteprogrammaLijst(Lijst):
    """Gepagineerde lijst van warmteprogramma's (alleen wat u mag lezen)."""

    resultaten: list[Warmteprogramma]


class ProgrammaAnalyse(Schema):
    """Herkomst van de analyse waaruit de plannen zijn opgesteld."""

    run_id: int
    parameterset: str
    zichtjaar: int
    code_versie: str | None = None


class ProgrammaStap(Schema):
    """Eén stap van de procesaanpak met status, eigenaar en bewijs."""

    code: str
    volgorde: int | None = None
    titel_nl: str | None = None
    titel_en: str | None = None
    beschrijving_nl: str | None = None
    beschrijving_en: str | None = None
    verplicht: bool | None = None
    bron: str | None = Field(default=None, description="Waar de stap is beschreven.")
    status: StapStatus
    eigenaar: str | None = None
    bewijs: str | None = None
    toelichting: str | None = None
    programma_versie: int | None = Field(default=None, description="Versie van het programma na deze wijziging.")


class ProgrammaStapLijst(Schema):
    """De stappen van de procesaanpak in volgorde."""

    resultaten: list[ProgrammaStap]
    programma_versie: int


class WarmteprogrammaDetail(Warmteprogramma):
    """Een warmteprogramma met teksten per hoofdstuk, consultatie, vaststelling en stappen."""

    teksten: dict[str, str] = Field(description="Tekst per hoofdstukcode (een klein deel Markdown).")
    consultatie_van: date | None
    consultatie_tot: date | None
    vastgesteld_door: str | None = Field(description="gemeenteraad of college.")
    vorige_id: int | None = Field(description="De vastgestelde versie waarvan deze is afgeleid.")
    analyse: ProgrammaAnalyse | None
    stappen: list[ProgrammaStap]


class WarmteprogrammaNieuw(_Invoer):
    """Een nieuw warmteprogramma (of een nieuwe versie na een vastgestelde) voor een gemeente."""

    gemeente_code: str = Field(max_length=10, description="Gemeentecode, bijvoorbeeld GM0505.")
    titel: str | None = Field(default=None, max_length=200)
    beoordelingsrun_id: int | None = Field(
        default=None, ge=1, description="Beoordeling om uit op te stellen; standaard de laatste van de regio."
    )
    uit_analyse: bool = Field(default=True, description="Vul de plannen met de voorkeur uit de analyse.")


class WarmteprogrammaWijziging(_Invoer):
    """Een wijziging van titel, teksten of consultatieperiode, met de gelezen versie."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    titel: str | None = Field(default=None, max_length=200)
    teksten: dict[str, str] | None = Field(default=None, description="Tekst per hoofdstukcode; andere blijven.")
    consultatie_van: date | None = None
    consultatie_tot: date | None = None


class WarmteprogrammaUitAnalyse(_Invoer):
    """Vul de plannen (opnieuw) uit een beoordeling met het afwegingskader."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    beoordelingsrun_id: int | None = Field(default=None, ge=1, description="Standaard de laatste van de regio.")
    overschrijven: bool = Field(default=False, description="Ook gekozen alternatieven vervangen door de voorkeur.")


class WarmteprogrammaStatuswijziging(_Invoer):
    """Een stap in de levenscyclus: naar consultatie, terug naar concept of vaststellen."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    status: Literal["concept", "consultatie", "vastgesteld"]
    datum: date | None = Field(default=None, description="Datum van vaststelling (niet in de toekomst).")
    besluit_referentie: str | None = Field(default=None, max_length=200, description="Kenmerk van het besluit.")
    vastgesteld_door: Literal["gemeenteraad", "college"] | None = None
    consultatie_tot: date | None = Field(default=None, description="Einde van de consultatie.")


class ProgrammaKoppelkans(Schema):
    """Een koppelkans: werk dat met de buurtaanpak kan meelopen."""

    soort: KoppelkansSoort
    omschrijving: str = Field(max_length=500)
    jaar: int | None = Field(default=None, ge=1900, le=2100)


class ProgrammaBuurtplan(Schema):
    """De planning van één buurt: gekozen alternatief tegenover de analyse, fase, jaren, koppelkansen en
    aanwijzing. Bedragen in euro; maandlasten als verschil met de referentie."""

    buurt_code: str
    buurt_naam: str | None = None
    wijk_code: str | None = None
    cluster: str | None = None
    alternatief: str | None = Field(default=None, description="Variantcode (S1a ... S5d) of een familiekeuze.")
    alternatief_naam: str | None = None
    familie: str | None = Field(default=None, description="Familie van het gekozen alternatief.")
    analyse_voorkeur: str | None = Field(default=None, description="Voorkeursvariant uit het afwegingskader.")
    analyse_robuustheid: float | None = Field(default=None, description="Robuustheid van de voorkeur (0-1).")
    analyse_uitleg_nl: str | None = None
    analyse_uitleg_en: str | None = None
    afwijking: bool = Field(default=False, description="Of het gekozen alternatief afwijkt van de analyse.")
    afwijking_reden: str | None = None
    fase: Fase = "verkenning"
    startjaar: int | None = None
    doeljaar: int | None = None
    koppelkansen: list[ProgrammaKoppelkans] = Field(default_factory=list)
    aanwijzen: bool = False
    aanwijsbesluit_jaar: int | None = None
    aardgasvrij_jaar: int | None = None
    termijn_reden: str | None = None
    betaalbaarheid: str | None = None
    haalbaarheid: str | None = None
    nationale_kosten_weq: float | None = Field(default=None, description="Nationale kosten [EUR/WEQ/jaar].")
    maandlasten_eigenaar: float | None = Field(default=None, description="Verschil in maandlasten [EUR/maand].")
    maandlasten_sociale_huur: float | None = None
    maandlasten_particuliere_huur: float | None = None
    warmtebron_code: str | None = None
    warmtenet: str | None = None
    toelichting: str | None = None
    woningen: int | None = None
    weq: float | None = None
    warmtevraag_gj: float | None = Field(default=None, description="Warmtevraag [GJ/jaar].")
    programma_versie: int | None = Field(default=None, description="Versie van het programma.")


class ProgrammaBuurtplanLijst(Schema):
    """De plannen van alle buurten van het programma."""

    resultaten: list[ProgrammaBuurtplan]
    totaal: int
    programma_versie: int


class ProgrammaBuurtplanWijziging(_Invoer):
    """Een wijziging van een buurtplan: alleen de meegegeven velden veranderen (`null` maakt leeg)."""

    versie: int | None = Field(default=None, ge=1, description="De versie van het programma die u las.")
    cluster: str | None = Field(default=None, max_length=100)
    alternatief: str | None = Field(default=None, max_length=60)
    afwijking_reden: str | None = Field(default=None, max_length=5000)
    fase: Fase | None = None
    startjaar: int | None = Field(default=None, ge=1900, le=2100)
    doeljaar: int | None = Field(default=None, ge=1900, le=2100)
    koppelkansen: list[ProgrammaKoppelkans] | None = Field(default=None, max_length=50)
    aanwijzen: bool | None = None
    aanwijsbesluit_jaar: int | None = Field(default=None, ge=1900, le=2100)
    aardgasvrij_jaar: int | None = Field(default=None, ge=1900, le=2100)
    termijn_reden: str | None = Field(default=None, max_length=5000)
    betaalbaarheid: str | None = Field(default=None, max_length=10000)
    haalbaarheid: str | None = Field(default=None, max_length=10000)
    warmtebron_code: str | None = Field(default=None, max_length=40)
    warmtenet: str | None = Field(default=None, max_length=100)
    toelichting: str | None = Field(default=None, max_length=10000)


class ProgrammaImportUitkomst(Schema):
    """Uitkomst van een import van buurtplannen."""

    uitkomst: dict[str, Any] = Field(description="Aantallen en meldingen van de import.")
    programma_versie: int


class ProgrammaStapWijziging(_Invoer):
    """Een wijziging van een stap: status, eigenaar, bewijs of toelichting."""

    versie: int | None = Field(default=None, ge=1, description="De versie van het programma die u las.")
    status: StapStatus | None = None
    eigenaar: str | None = Field(default=None, max_length=200)
    bewijs: str | None = Field(default=None, max_length=5000)
    toelichting: str | None = Field(default=None, max_length=5000)


class ProgrammaToets(Schema):
    """De uitkomst van één wettelijke toets met de grondslag."""

    code: str
    titel_nl: str
    titel_en: str
    status: Literal["ok", "fout", "waarschuwing", "nvt"]
    melding_nl: str
    melding_en: str
    buurten: list[str] = Field(description="De buurten waarover de melding gaat.")
    grondslag: str = Field(description="Wettelijke grondslag, bijvoorbeeld het artikel.")
    bron: str = Field(description="Waar de grondslag na te lezen is.")
    blokkeert_vaststelling: bool = Field(description="Of een fout de vaststelling tegenhoudt.")


class ProgrammaToetsLijst(Schema):
    """Alle toetsen in de volgorde van het regelbestand, met een samenvatting."""

    resultaten: list[ProgrammaToets]
    aantal_fout: int
    aantal_waarschuwing: int
    vaststellen_mogelijk: bool = Field(description="Geen blokkerende toets faalt.")


class ProgrammaTerugblikRij(Schema):
    """Eén buurt: wat de vorige versie plande en wat er nu staat."""

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
    oordeel: str = Field(description="op_schema, vertraagd, versneld, gereed, alternatief_gewijzigd, vervallen, nieuw.")
    toelichting_nl: str
    toelichting_en: str


class ProgrammaTerugblik(Schema):
    """Terugblik: de plannen van de vorige vastgestelde versie tegenover deze."""

    vorige_id: int
    vorige_vastgesteld_op: date | None
    rijen: list[ProgrammaTerugblikRij]
    samenvatting: dict[str, int] = Field(description="Aantal buurten per oordeel.")


class ProgrammaTijdlijnRij(Schema):
    """Een balk van de tijdlijn: de aanpak van een buurt van startjaar tot doeljaar."""

    buurt_code: str
    buurt_naam: str | None = None
    familie: str | None = None
    alternatief: str | None = None
    alternatief_naam_nl: str | None = None
    alternatief_naam_en: str | None = None
    kleur: str | None = Field(default=None, description="Kleur van de familie (#rrggbb).")
    fase: str | None = None
    startjaar: int | None = None
    doeljaar: int | None = None
    aanwijzen: bool = False
    aanwijsbesluit_jaar: int | None = None
    aardgasvrij_jaar: int | None = None
    woningen: int | None = None


class ProgrammaTijdlijn(Schema):
    """De tijdlijn van het programma (alleen buurten met een startjaar)."""

    resultaten: list[ProgrammaTijdlijnRij]
    van_jaar: int | None
    tot_jaar: int | None


class ProgrammaPublicatie(Schema):
    """Een gepubliceerd document: bij consultatie of vaststelling bewaard en nooit meer gewijzigd."""

    id: int
    programma_id: int
    publicatie: str = Field(description="consultatie of vastgesteld.")
    formaat: Literal["html", "pdf", "docx"]
    bestandsnaam: str
    sha256: str = Field(description="SHA-256 van de inhoud bij publicatie.")
    grootte: int = Field(description="Grootte in bytes.")
    gemaakt: datetime
    href: str = Field(description="Downloadadres.")


class ProgrammaPublicatieLijst(Schema):
    """De gepubliceerde documenten, oudste eerst."""

    resultaten: list[ProgrammaPublicatie]


class ProgrammaPartner(Schema):
    """Een partner van de gemeente in de warmtetransitie met één contactpersoon."""

    id: int
    gemeente_code: str
    organisatie: str
    soort: PartnerSoort
    rol: str | None = None
    contactpersoon: str | None = None
    functie: str | None = None
    email: str | None = None
    actief: bool = True
    gemaakt: datetime | None = None
    gewijzigd: datetime | None = None


class ProgrammaPartnerLijst(Schema):
    """De partners van een gemeente."""

    resultaten: list[ProgrammaPartner]


class ProgrammaPartnerNieuw(_Invoer):
    """Een nieuwe partner. Bewaar alleen wat de functie vraagt (naam, functie, zakelijk e-mailadres)."""

    organisatie: str = Field(min_length=1, max_length=200)
    soort: PartnerSoort
    rol: str | None = Field(default=None, max_length=2000)
    contactpersoon: str | None = Field(default=None, max_length=200)
    functie: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    actief: bool | None = None


class ProgrammaPartnerWijziging(_Invoer):
    """Een wijziging van een partner: alleen de meegegeven velden veranderen."""

    organisatie: str | None = Field(default=None, min_length=1, max_length=200)
    soort: PartnerSoort | None = None
    rol: str | None = Field(default=None, max_length=2000)
    contactpersoon: str | None = Field(default=None, max_length=200)
    functie: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    actief: bool | None = None


class Participatiemoment(Schema):
    """Een moment in het participatielogboek: wat er werd ingebracht en hoe erop is gereageerd."""

    id: int
    gemeente_code: str
    programma_id: int | None = None
    datum: date
    soort: ParticipatieSoort
    titel: str
    partner_ids: list[int] = Field(default_factory=list)
    buurt_codes: list[str] = Field(default_factory=list)
    aantal_deelnemers: int | None = None
    inbreng: str = ""
    reactie: str | None = None
    gemaakt: datetime | None = None
    gewijzigd: datetime | None = None


class ParticipatiemomentLijst(Schema):
    """Het participatielogboek van een gemeente."""

    resultaten: list[Participatiemoment]


class ParticipatiemomentNieuw(_Invoer):
    """Een nieuw moment in het participatielogboek."""

    datum: date
    soort: ParticipatieSoort
    titel: str = Field(min_length=1, max_length=200)
    programma_id: int | None = Field(default=None, ge=1)
    partner_ids: list[int] | None = Field(default=None, max_length=100)
    buurt_codes: list[str] | None = Field(default=None, max_length=500)
    aantal_deelnemers: int | None = Field(default=None, ge=0)
    inbreng: str | None = Field(default=None, max_length=20000)
    reactie: str | None = Field(default=None, max_length=20000)


class ParticipatiemomentWijziging(_Invoer):
    """Een wijziging van een participatiemoment, bijvoorbeeld de reactie op de inbreng."""

    datum: date | None = None
    soort: ParticipatieSoort | None = None
    titel: str | None = Field(default=None, min_length=1, max_length=200)
    programma_id: int | None = Field(default=None, ge=1)
    partner_ids: list[int] | None = Field(default=None, max_length=100)
    buurt_codes: list[str] | None = Field(default=None, max_length=500)
    aantal_deelnemers: int | None = Field(default=None, ge=0)
    inbreng: str | None = Field(default=None, max_length=20000)
    reactie: str | None = Field(default=None, max_length=20000)


class RegioProgrammaGemeente(Schema):
    """De stand van één gemeente tegenover de termijn."""

    code: str
    naam: str | None
    programma: Warmteprogramma | None = Field(description="De nieuwste versie die u mag lezen.")
    status_label: str | None = Field(default=None, description="De stand in woorden (Nederlands).")
    status_label_en: str | None = Field(default=None, description="De stand in woorden (Engels).")
    vastgesteld_op: date | None = None
    op_tijd: bool | None = Field(description="Vastgesteld vóór de termijn; null als dat nog kan.")
    toetsen_fout: int
    toetsen_waarschuwing: int
    actualisatie_uiterlijk: date | None


class RegioProgrammaJaar(Schema):
    """Buurten per startjaar in de regio."""

    jaar: int
    per_gemeente: dict[str, int] = Field(description="Aantal buurten per gemeentecode.")
    buurten: int
    woningen: float | None = None
    per_familie: dict[str, int] = Field(default_factory=dict, description="Aantal buurten per familie.")


class ProgrammaConflict(Schema):
    """Een grensoverschrijdend conflict tussen plannen van gemeenten."""

    soort: str = Field(description="bron_capaciteit, warmtenet_keuze of warmtenet_planning.")
    ernst: str = Field(description="fout of waarschuwing.")
    gemeenten: list[str]
    buurten: list[str]
    melding_nl: str
    melding_en: str
    bron_code: str | None = None
    warmtenet: str | None = None
    cijfers: dict[str, float] = Field(default_factory=dict)


class ProgrammaRegioPlan(Schema):
    """Een buurtplan gezien vanuit de regio."""

    gemeente_code: str
    gemeente_naam: str | None
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


class RegioProgrammaOverzicht(Schema):
    """Het regionale overzicht: elke gemeente tegenover de termijn, buurten per jaar en conflicten."""

    regio: dict[str, Any] = Field(description="Code en naam van de regio.")
    deadline: date = Field(description="Uiterste datum van het eerste vastgestelde programma.")
    gemeenten: list[RegioProgrammaGemeente]
    per_jaar: list[RegioProgrammaJaar]
    conflicten: list[ProgrammaConflict]
    plannen: list[ProgrammaRegioPlan]


# ------------------------------------------------------------------------------------------------ helpers


def _camel(name: str) -> str:
    """API spelling of a field path (``koppelkansen.0.jaar`` -> ``koppelkansen.0.jaar``, ``fase_x`` -> ``faseX``)."""
    return ".".join(to_camel(part) for part in str(name).split("."))


def problem_of(exc: service.ProgrammaError) -> ApiProblem:
    """A bilingual problem+json for a service error; field errors as ``invalidParams``."""
    params = None
    fouten = getattr(exc, "fouten", None) or []
    if fouten:
        params = [
            {"name": _camel(f.get("veld") or "body"), "code": "invalid",
             "reason": f"{f.get('nl', '')} / {f.get('en', '')}"}
            for f in fouten
        ]  # fmt: skip
    return ApiProblem(getattr(exc, "status", 400) or 400, exc.nl, exc.en, invalid_params=params)


def _etag(versie: int) -> str:
    return f'"{versie}"'


def _if_match(value: str | None) -> int | None:
    if value is None or not value.strip() or value.strip() == "*":
        return None
    m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    if not m:
        raise bad_request(
            f'If-Match moet een versie zijn zoals "3" (gegeven: {value!r})',
            f'If-Match must be a version such as "3" (given: {value!r})',
            "If-Match",
        )
    return int(m.group(1))


def _versie(body: int | None, if_match: str | None) -> int:
    versie = body if body is not None else _if_match(if_match)
    if versie is None:
        raise bad_request(
            "geef de versie van het programma die u las (veld `versie` of de header If-Match)",
            "give the version of the programme you read (field `versie` or the If-Match header)",
            "versie",
        )
    return versie


def _write(request: Request, user: User | None) -> User:
    return require_write_session(request, user)  # type: ignore[return-value]


def _links(pid: int) -> dict[str, dict[str, str]]:
    base = f"{API_PREFIX}/warmteprogrammas/{pid}"
    return {
        "self": {"href": base}, "buurtplannen": {"href": f"{base}/buurtplannen"},
        "stappen": {"href": f"{base}/stappen"}, "toetsen": {"href": f"{base}/toetsen"},
        "terugblik": {"href": f"{base}/terugblik"}, "tijdlijn": {"href": f"{base}/tijdlijn"},
        "kaart": {"href": f"{base}/kaart"}, "document_html": {"href": f"{base}/document.html"},
        "document_pdf": {"href": f"{base}/document.pdf"}, "document_docx": {"href": f"{base}/document.docx"},
        "publicaties": {"href": f"{base}/publicaties"},
    }  # fmt: skip


def info_body(info: Any) -> dict[str, Any]:
    """A :class:`service.ProgrammaInfo` as the ``Warmteprogramma`` body."""
    body = asdict(info) if is_dataclass(info) else dict(info)
    body["_links"] = _links(body["id"])
    return body


def programma_info(db: Session, user: User | None, prog: Any) -> Any:
    """The ProgrammaInfo of one programme (counts as in the list)."""
    return service.info(db, prog)


def stappen_rows(snap: Any) -> list[dict[str, Any]]:
    """The steps of a snapshot joined with their definitions (title, description, order)."""
    from warmteregio.programme import regels

    defs = {d.code: d for d in regels.load_rules().stappen}
    rows = []
    for s in snap.stappen:
        d = defs.get(s.code)
        row = asdict(s)
        if d is not None:
            row.update(volgorde=d.volgorde, titel_nl=d.titel_nl, titel_en=d.titel_en, verplicht=d.verplicht,
                       beschrijving_nl=d.beschrijving_nl, beschrijving_en=d.beschrijving_en, bron=d.bron)  # fmt: skip
        rows.append(row)
    rows.sort(key=lambda r: (r.get("volgorde") is None, r.get("volgorde") or 0, r["code"]))
    return rows


def detail_body(db: Session, user: User | None, prog: Any) -> dict[str, Any]:
    snap = service.snapshot(db, prog)
    body = info_body(programma_info(db, user, prog))
    body.update(
        teksten=dict(snap.teksten), consultatie_van=snap.consultatie_van, consultatie_tot=snap.consultatie_tot,
        vastgesteld_door=snap.vastgesteld_door, vorige_id=snap.vorige_id,
        analyse=asdict(snap.analyse) if snap.analyse else None, stappen=stappen_rows(snap),
    )  # fmt: skip
    return body


def plan_body(plan: Any, lang: str = "nl") -> dict[str, Any]:
    """A :class:`model.Buurtplan` as the ``ProgrammaBuurtplan`` body (family, name and deviation added)."""
    body = asdict(plan)
    body["koppelkansen"] = [asdict(k) if is_dataclass(k) else dict(k) for k in plan.koppelkansen]
    body["familie"] = alternatieven.family(plan.alternatief)
    body["alternatief_naam"] = alternatieven.name(plan.alternatief, lang) if plan.alternatief else None
    body["afwijking"] = alternatieven.deviates(plan.alternatief, plan.analyse_voorkeur)
    return body


def _json_list(text: Any) -> list:
    if isinstance(text, list):
        return text
    try:
        value = json.loads(text or "[]")
    except (TypeError, ValueError):
        return []
    return value if isinstance(value, list) else []


def partner_body(p: Any) -> dict[str, Any]:
    fields = ("id", "gemeente_code", "organisatie", "soort", "rol", "contactpersoon", "functie", "email", "actief",
              "gemaakt", "gewijzigd")  # fmt: skip
    return {f: getattr(p, f, None) for f in fields}


def moment_body(m: Any) -> dict[str, Any]:
    fields = ("id", "gemeente_code", "programma_id", "datum", "soort", "titel", "aantal_deelnemers", "inbreng",
              "reactie", "gemaakt", "gewijzigd")  # fmt: skip
    body = {f: getattr(m, f, None) for f in fields}
    body["inbreng"] = body["inbreng"] or ""
    body["partner_ids"] = _json_list(m.partner_ids)
    body["buurt_codes"] = _json_list(m.buurt_codes)
    return body


def publicatie_body(d: Any) -> dict[str, Any]:
    fields = ("id", "programma_id", "publicatie", "formaat", "bestandsnaam", "sha256", "grootte", "gemaakt")
    body = {f: getattr(d, f) for f in fields}
    body["href"] = f"{API_PREFIX}/warmteprogrammas/{d.programma_id}/publicaties/{d.id}"
    return body


def _call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service function; its :class:`ProgrammaError` becomes a problem."""
    try:
        return func(*args, **kwargs)
    except service.ProgrammaError as exc:
        raise problem_of(exc) from None


def _written(db: Session, user: User | None, response: Response, programma_id: int) -> dict[str, Any]:
    db.commit()
    prog = _call(service.get_programma, db, user, programma_id)
    response.headers["ETag"] = _etag(prog.versie)
    return detail_body(db, user, prog)


def _values(verzoek: Schema, skip: tuple[str, ...] = ("versie",)) -> dict[str, Any]:
    data = verzoek.model_dump(exclude_unset=True, by_alias=False)
    return {k: v for k, v in data.items() if k not in skip}


# ------------------------------------------------------------------------------------------------ programmes


@router.get(
    "/warmteprogrammas",
    tags=[TAG],
    operation_id="lijstWarmteprogrammas",
    summary="Warmteprogramma's",
    description="De versies van warmteprogramma's die u mag lezen, te filteren op gemeente, regio en status: zonder "
    "sessie alleen openbare versies (consultatie, vastgesteld, vervallen); een concept alleen voor de gemeente, de "
    "regiocoördinator van haar regio en beheerders. Met tellingen van buurten, buurten in de planhorizon en "
    "buurten die de gemeente wil aanwijzen.",
    response_model=WarmteprogrammaLijst,
)
def warmteprogrammas(
    request: Request,
    gemeente: str | None = Query(None, description="Gemeentecode, bijvoorbeeld GM0505."),
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    status: Status | None = Query(None, description="concept, consultatie, vastgesteld of vervallen."),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_gemeentecode, gemeente, "gemeente")
    regiocode = check_code(normalise_rescode, regio, "regio")
    items = _call(service.list_programmas, db, user, gemeente=code, regio=regiocode, status=status)
    paging = pages.paging()
    page = Page(items[paging.offset : paging.offset + paging.pagina_grootte], len(items), paging.pagina,
                paging.pagina_grootte)  # fmt: skip
    return list_body(request, page, [info_body(i) for i in page.items])


@router.post(
    "/warmteprogrammas",
    tags=[TAG],
    operation_id="maakWarmteprogramma",
    summary="Maak een warmteprogramma",
    description="Maakt een concept van het warmteprogramma van een gemeente met een plan voor elke buurt (nieuwste "
    "indeling) en de stappen van de procesaanpak; met `uitAnalyse` (standaard) gevuld met de voorkeursvariant, de "
    "robuustheid, de uitleg en de kosten uit de laatste beoordeling van de regio (of `beoordelingsrunId`). Is er "
    "al een vastgestelde versie, dan wordt dit een nieuwe versie met de teksten en plannen daarvan. Er kan maar één "
    "concept of consultatieversie tegelijk zijn (anders 409). Vereist een sessie van de gemeente of een beheerder "
    "en de header `X-CSRF-Token`. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=WarmteprogrammaDetail,
    responses={**WRITE_RESPONSES, 409: {"description": "Er is al een concept of consultatieversie."}},
    openapi_extra={"x-sessie": True},
)
def maak(
    request: Request,
    response: Response,
    verzoek: WarmteprogrammaNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    code = check_code(normalise_gemeentecode, verzoek.gemeente_code, "gemeenteCode") or ""
    prog = _call(service.create_programma, db, user, code, titel=verzoek.titel,
                 beoordelingsrun_id=verzoek.beoordelingsrun_id, uit_analyse=verzoek.uit_analyse)  # fmt: skip
    pid = prog.id
    response.headers["Location"] = f"{API_PREFIX}/warmteprogrammas/{pid}"
    return _written(db, user, response, pid)


@router.get(
    "/warmteprogrammas/{programmaid}",
    tags=[TAG],
    operation_id="haalWarmteprogramma",
    summary="Eén warmteprogramma",
    description="Een versie van een warmteprogramma met status, vaststelling, actualisatiedatum, de teksten per "
    "hoofdstuk, de stappen van de procesaanpak, de herkomst van de analyse en tellingen. De versie staat ook in de "
    "header `ETag` (voor `If-Match`).",
    response_model=WarmteprogrammaDetail,
    responses=READ_RESPONSES,
)
def warmteprogramma(
    response: Response,
    programmaid: int = PROGRAMMAID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    prog = _call(service.get_programma, db, user, programmaid)
    response.headers["ETag"] = _etag(prog.versie)
    return detail_body(db, user, prog)


@router.patch(
    "/warmteprogrammas/{programmaid}",
    tags=[TAG],
    operation_id="wijzigWarmteprogramma",
    summary="Wijzig een warmteprogramma",
    description="Wijzigt de titel, de teksten per hoofdstuk (alleen de meegegeven hoofdstukken) of de "
    "consultatieperiode. Met de gelezen versie (`versie` of `If-Match`); een verouderde versie of een vastgestelde "
    "of vervallen versie geeft 409 en er verandert niets.",
    response_model=WarmteprogrammaDetail,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig(
    request: Request,
    response: Response,
    programmaid: int = PROGRAMMAID,
    verzoek: WarmteprogrammaWijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description='De gelezen versie, bijvoorbeeld "3".'),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    versie = _versie(verzoek.versie, if_match)
    _call(service.update_programma, db, user, programmaid, versie=versie, **_values(verzoek))
    return _written(db, user, response, programmaid)


@router.delete(
    "/warmteprogrammas/{programmaid}",
    tags=[TAG],
    operation_id="verwijderWarmteprogramma",
    summary="Verwijder een concept",
    description="Verwijdert een concept dat nooit is gepubliceerd, met de gelezen versie (`versie` of `If-Match`). "
    "Een gepubliceerde of vastgestelde versie blijft altijd bewaard (409). Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def verwijder(
    request: Request,
    programmaid: int = PROGRAMMAID,
    versie: int | None = Query(None, ge=1, description="De gelezen versie van het programma."),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = _write(request, user)
    _call(service.delete_programma, db, user, programmaid, versie=_versie(versie, if_match))
    db.commit()
    return Response(status_code=204)


@router.post(
    "/warmteprogrammas/{programmaid}/uit-analyse",
    tags=[TAG],
    operation_id="vulWarmteprogrammaUitAnalyse",
    summary="Vul de plannen uit de analyse",
    description="Neemt voor elke buurt de voorkeursvariant, de robuustheid, de uitleg en de kosten (nationaal en "
    "maandlasten voor bewoners) over uit een beoordeling met het afwegingskader (standaard de laatste van de regio). "
    "Lege keuzes worden de voorkeur; met `overschrijven` ook gemaakte keuzes. Met de gelezen versie.",
    response_model=WarmteprogrammaDetail,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def uit_analyse(
    request: Request,
    response: Response,
    programmaid: int = PROGRAMMAID,
    verzoek: WarmteprogrammaUitAnalyse = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    _call(service.draft_from_analysis, db, user, programmaid, versie=_versie(verzoek.versie, if_match),
          beoordelingsrun_id=verzoek.beoordelingsrun_id, overschrijven=verzoek.overschrijven)  # fmt: skip
    return _written(db, user, response, programmaid)


@router.post(
    "/warmteprogrammas/{programmaid}/status",
    tags=[TAG],
    operation_id="wijzigWarmteprogrammaStatus",
    summary="Wijzig de status",
    description="Een stap in de levenscyclus: `consultatie` (publiceert HTML, PDF en DOCX onveranderlijk), terug "
    "naar `concept` (om reacties te verwerken) of `vastgesteld` met de datum (niet in de toekomst) en het kenmerk "
    "van het besluit. Vaststellen zet de actualisatiedatum (vaststelling plus vijf jaar), laat de vorige "
    "vastgestelde versie vervallen en publiceert de documenten; het wordt geweigerd (409) zolang een blokkerende "
    "toets faalt, met die toetsen in `invalidParams`.",
    response_model=WarmteprogrammaDetail,
    responses={**WRITE_RESPONSES, 409: {"description": "Overgang niet toegestaan, toets faalt of versie klopt niet."}},
    openapi_extra={"x-sessie": True},
)
def status_wijziging(
    request: Request,
    response: Response,
    programmaid: int = PROGRAMMAID,
    verzoek: WarmteprogrammaStatuswijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    _call(service.change_status, db, user, programmaid, verzoek.status, versie=_versie(verzoek.versie, if_match),
          datum=verzoek.datum, besluit_referentie=verzoek.besluit_referentie,
          vastgesteld_door=verzoek.vastgesteld_door, consultatie_tot=verzoek.consultatie_tot)  # fmt: skip
    return _written(db, user, response, programmaid)


# ------------------------------------------------------------------------------------------------ buurt plans


@router.get(
    "/warmteprogrammas/{programmaid}/buurtplannen",
    tags=[TAG],
    operation_id="lijstProgrammaBuurtplannen",
    summary="Buurtplannen",
    description="De planning van elke buurt: gekozen alternatief met de voorkeur en robuustheid uit het "
    "afwegingskader (en of het afwijkt), fase, start- en doeljaar, koppelkansen, aanwijzing en de kosten. Met "
    "`formaat=csv` of `formaat=xlsx` (of de header `Accept`) een export die weer te importeren is.",
    response_model=ProgrammaBuurtplanLijst,
    responses={
        **READ_RESPONSES,
        200: {
            "content": {CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}
        },  # fmt: skip
    },
)
def buurtplannen(
    request: Request,
    programmaid: int = PROGRAMMAID,
    formaat: Literal["json", "csv", "xlsx"] | None = Query(None, description="`json` (standaard), `csv` of `xlsx`."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict | Response:
    prog = _call(service.get_programma, db, user, programmaid)
    if formaat is None:
        formaat = "csv" if wants(request, CSV) else "xlsx" if wants(request, XLSX) else "json"
    if formaat in ("csv", "xlsx"):
        data = _call(service.export_plannen, db, user, programmaid, formaat)
        name = f"buurtplannen-{prog.gemeente_code}-v{prog.volgnummer}.{formaat}"
        return download(data, CSV if formaat == "csv" else XLSX, name)
    snap = service.snapshot(db, prog)
    rows = [plan_body(p) | {"programma_versie": prog.versie} for p in snap.plannen]
    return {"resultaten": rows, "totaal": len(rows), "programma_versie": prog.versie}


@router.patch(
    "/warmteprogrammas/{programmaid}/buurtplannen/{buurtcode}",
    tags=[TAG],
    operation_id="wijzigProgrammaBuurtplan",
    summary="Wijzig een buurtplan",
    description="Wijzigt de meegegeven velden van het plan van een buurt (alternatief, reden van afwijking, fase, "
    "jaren, koppelkansen, aanwijzing met besluitjaar en einde termijn, reden van een kortere termijn, "
    "betaalbaarheid en haalbaarheid, bron en warmtenet, toelichting). Elke fout veld wordt tegelijk gemeld; er "
    "verandert dan niets. Met de gelezen versie van het programma; elke wijziging verhoogt die.",
    response_model=ProgrammaBuurtplan,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig_buurtplan(
    request: Request,
    response: Response,
    programmaid: int = PROGRAMMAID,
    buurtcode: str = Path(description="Buurtcode, bijvoorbeeld BU05050101."),
    verzoek: ProgrammaBuurtplanWijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie van het programma."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode") or ""
    values = _values(verzoek)
    _call(service.update_plan, db, user, programmaid, code, values, versie=_versie(verzoek.versie, if_match))
    db.commit()
    prog = _call(service.get_programma, db, user, programmaid)
    response.headers["ETag"] = _etag(prog.versie)
    plan = service.snapshot(db, prog).plan(code)
    if plan is None:
        raise ApiProblem(404, f"buurt {code} niet in dit programma", f"buurt {code} not in this programme")
    return plan_body(plan) | {"programma_versie": prog.versie}


IMPORT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["bestand", "versie"],
                "properties": {
                    "bestand": {
                        "type": "string",
                        "format": "binary",
                        "description": "CSV (puntkomma) of XLSX in het formaat van de export.",
                    },
                    "versie": {"type": "integer", "minimum": 1, "description": "De gelezen versie van het programma."},
                },
            }
        }
    },
}


@router.post(
    "/warmteprogrammas/{programmaid}/buurtplannen/import",
    tags=[TAG],
    operation_id="importeerProgrammaBuurtplannen",
    summary="Importeer buurtplannen",
    description="Leest buurtplannen uit een CSV- of XLSX-bestand in het formaat van de export (multipart, veld "
    "`bestand`, met `versie`). Alles of niets: bij een fout in een regel verandert er niets en noemt het antwoord "
    "elke foute regel.",
    response_model=ProgrammaImportUitkomst,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True, "requestBody": IMPORT_BODY},
)
async def importeer(
    request: Request,
    response: Response,
    programmaid: int = PROGRAMMAID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    form = await request.form()
    bestand = form.get("bestand")
    if bestand is None or isinstance(bestand, str):
        raise bad_request("kies een bestand (veld `bestand`)", "choose a file (field `bestand`)", "bestand")
    try:
        versie = int(str(form.get("versie") or ""))
    except ValueError:
        raise bad_request(
            "geef de versie van het programma die u las (veld `versie`)",
            "give the version of the programme you read (field `versie`)",
            "versie",
        ) from None
    data = await bestand.read()
    uitkomst = _call(
        service.import_plannen, db, user, programmaid, data, bestand.filename or "plannen.csv", versie=versie
    )
    db.commit()
    prog = _call(service.get_programma, db, user, programmaid)
    response.headers["ETag"] = _etag(prog.versie)
    return {"uitkomst": uitkomst if isinstance(uitkomst, dict) else {}, "programma_versie": prog.versie}


# ------------------------------------------------------------------------------------------------ steps, checks


@router.get(
    "/warmteprogrammas/{programmaid}/stappen",
    tags=[TAG],
    operation_id="lijstProgrammaStappen",
    summary="Stappen van de procesaanpak",
    description="De stappen van het opstellen van een warmteprogramma als checklist, met de beschrijving en bron uit "
    "het regelbestand en per stap de status (open, bezig, gereed, nvt), de eigenaar en het bewijs.",
    response_model=ProgrammaStapLijst,
    responses=READ_RESPONSES,
)
def stappen(
    programmaid: int = PROGRAMMAID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    prog = _call(service.get_programma, db, user, programmaid)
    return {"resultaten": stappen_rows(service.snapshot(db, prog)), "programma_versie": prog.versie}


@router.patch(
    "/warmteprogrammas/{programmaid}/stappen/{stapcode}",
    tags=[TAG],
    operation_id="wijzigProgrammaStap",
    summary="Wijzig een stap",
    description="Wijzigt de status, de eigenaar, het bewijs of de toelichting van een stap, met de gelezen versie "
    "van het programma. `nvt` vraagt een toelichting.",
    response_model=ProgrammaStap,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig_stap(
    request: Request,
    response: Response,
    programmaid: int = PROGRAMMAID,
    stapcode: str = STAPCODE,
    verzoek: ProgrammaStapWijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie van het programma."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    _call(service.update_stap, db, user, programmaid, stapcode, versie=_versie(verzoek.versie, if_match),
          **_values(verzoek))  # fmt: skip
    db.commit()
    prog = _call(service.get_programma, db, user, programmaid)
    response.headers["ETag"] = _etag(prog.versie)
    for row in stappen_rows(service.snapshot(db, prog)):
        if row["code"] == stapcode:
            return row | {"programma_versie": prog.versie}
    raise ApiProblem(404, f"stap {stapcode} niet gevonden", f"step {stapcode} not found")


def toetsen_body(results: list[Any]) -> dict[str, Any]:
    from warmteregio.programme import checks

    rows = [asdict(r) for r in results]
    return {
        "resultaten": rows,
        "aantal_fout": sum(1 for r in results if r.status == "fout"),
        "aantal_waarschuwing": sum(1 for r in results if r.status == "waarschuwing"),
        "vaststellen_mogelijk": not checks.blocking_failures(results),
    }


@router.get(
    "/warmteprogrammas/{programmaid}/toetsen",
    tags=[TAG],
    operation_id="lijstProgrammaToetsen",
    summary="Wettelijke toetsen",
    description="De automatische toetsen van het programma met een duidelijke melding en de wettelijke grondslag "
    "uit het regelbestand: aan te wijzen gebieden staan in het programma, de termijn is minstens de richtlijn of "
    "er is een reden, betaalbaarheid en haalbaarheid zijn onderbouwd, participatie is vastgelegd, elke buurt heeft "
    "een perspectief voor 2050 en de actualisatie is niet te laat.",
    response_model=ProgrammaToetsLijst,
    responses=READ_RESPONSES,
)
def toetsen(
    programmaid: int = PROGRAMMAID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    return toetsen_body(_call(service.toetsen, db, user, programmaid))


@router.get(
    "/warmteprogrammas/{programmaid}/terugblik",
    tags=[TAG],
    operation_id="haalProgrammaTerugblik",
    summary="Terugblik",
    description="Vergelijkt de plannen van de vorige vastgestelde versie met deze: per buurt op schema, vertraagd, "
    "versneld, gereed, een ander alternatief, vervallen of nieuw. Zonder vorige versie 404.",
    response_model=ProgrammaTerugblik,
    responses=READ_RESPONSES,
)
def terugblik(
    programmaid: int = PROGRAMMAID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    t = _call(service.terugblik, db, user, programmaid)
    if t is None:
        raise ApiProblem(404, "dit programma heeft geen vorige vastgestelde versie",
                         "this programme has no previous adopted version")  # fmt: skip
    return asdict(t)


@router.get(
    "/warmteprogrammas/{programmaid}/tijdlijn",
    tags=[TAG],
    operation_id="haalProgrammaTijdlijn",
    summary="Tijdlijn",
    description="De aanpak per buurt van startjaar tot doeljaar met familie, fase en het jaar van een voorgenomen "
    "aanwijzing, gesorteerd op startjaar; alleen buurten met een startjaar.",
    response_model=ProgrammaTijdlijn,
    responses=READ_RESPONSES,
)
def tijdlijn(
    programmaid: int = PROGRAMMAID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    rows = _call(service.tijdlijn, db, user, programmaid)
    years = [y for r in rows for y in (r.get("startjaar"), r.get("doeljaar")) if y is not None]
    return {"resultaten": rows, "van_jaar": min(years) if years else None, "tot_jaar": max(years) if years else None}


@router.get(
    "/warmteprogrammas/{programmaid}/kaart",
    tags=[TAG],
    operation_id="haalProgrammaKaart",
    summary="Kaart per jaar",
    description="De buurten van de gemeente als GeoJSON FeatureCollection met de toestand in het gevraagde jaar "
    "(geen_planning, nog_niet_gestart, in_voorbereiding, in_uitvoering, aardgasvrij), het gekozen alternatief en "
    "de familie. Geometrie in het CRS van `crs` of `Accept-Crs` (standaard CRS84).",
    response_class=Response,
    responses={
        **READ_RESPONSES,
        200: {"content": {GEOJSON: {"schema": {"type": "object", "description": "GeoJSON FeatureCollection."}}}},
    },  # fmt: skip
    openapi_extra={"x-content-crs": True},
)
def kaart(
    programmaid: int = PROGRAMMAID,
    jaar: int | None = Query(None, ge=2000, le=2100, description="Jaar van de toestand (standaard dit jaar)."),
    crs: str = Depends(crs_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    prog = _call(service.get_programma, db, user, programmaid)
    year = jaar or date.today().year
    toestand = _call(service.toestand_in_jaar, db, user, programmaid, year)
    snap = service.snapshot(db, prog)
    shapes = service.geometrie(db, prog.gemeente_code)
    codes = [p.buurt_code for p in snap.plannen]
    geometries = geo.geometries_to_geojson(geo.from_wkb([shapes.get(c) for c in codes]), crs)
    props = [
        {"buurtCode": p.buurt_code, "buurtNaam": p.buurt_naam, "jaar": year,
         "toestand": toestand.get(p.buurt_code, "geen_planning"), "alternatief": p.alternatief,
         "familie": alternatieven.family(p.alternatief), "fase": p.fase, "startjaar": p.startjaar,
         "doeljaar": p.doeljaar, "aanwijzen": p.aanwijzen}
        for p in snap.plannen
    ]  # fmt: skip
    body = geo.feature_collection_json(codes, geometries, props, extra={"numberMatched": len(codes),
                                       "numberReturned": len(codes)})  # fmt: skip
    return Response(body.encode("utf-8"), media_type=GEOJSON, headers={"Content-Crs": crs, "Vary": "Accept-Crs"})


# ------------------------------------------------------------------------------------------------ documents


def _document_route(formaat: str) -> None:
    media = MEDIA_TYPES[formaat]
    names = {"html": "HTML-document", "pdf": "getagde PDF (PDF/UA-1)", "docx": "Word-document (DOCX)"}

    def document(
        programmaid: int = PROGRAMMAID,
        taal: Literal["nl", "en"] = Query("nl", description="Taal van het document: `nl` (standaard) of `en`."),
        user: User | None = Depends(auth.current_user),
        db: Session = Depends(get_db),
    ) -> Response:
        content, media_type, filename = _call(service.document, db, user, programmaid, formaat, taal)
        data = content.encode("utf-8") if isinstance(content, str) else content
        media_type = media_type or media
        if formaat == "html" and "charset" not in media_type:
            media_type = f"{media_type}; charset=utf-8"
        disposition = "inline" if formaat == "html" else "attachment"
        return Response(data, media_type=media_type,
                        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})  # fmt: skip

    schema = {"type": "string"} if formaat == "html" else {"type": "string", "format": "binary"}
    router.add_api_route(
        f"/warmteprogrammas/{{programmaid}}/document.{formaat}",
        document,
        methods=["GET"],
        tags=[TAG],
        operation_id=f"haalWarmteprogrammaDocument{formaat.capitalize()}",
        summary=f"Het programma als {names[formaat]}",
        description=f"Het warmteprogramma als {names[formaat]}, nu gegenereerd uit de actuele stand: de hoofdstukken "
        "van de landelijke handreiking met kaarten, tabellen, de uitleg uit het afwegingskader en de toetsen. Voor "
        "de onveranderlijke, gepubliceerde versies zie `/publicaties`.",
        response_class=Response,
        responses={**READ_RESPONSES, 200: {"content": {media: {"schema": schema}}}},
    )


for _formaat in ("html", "pdf", "docx"):
    _document_route(_formaat)


@router.get(
    "/warmteprogrammas/{programmaid}/publicaties",
    tags=[TAG],
    operation_id="lijstProgrammaPublicaties",
    summary="Gepubliceerde documenten",
    description="De documenten die bij consultatie en vaststelling zijn bewaard, met formaat, grootte en de SHA-256 "
    "van de inhoud. Ze worden nooit gewijzigd of verwijderd.",
    response_model=ProgrammaPublicatieLijst,
    responses=READ_RESPONSES,
)
def publicaties(
    programmaid: int = PROGRAMMAID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    return {"resultaten": [publicatie_body(d) for d in _call(service.list_documents, db, user, programmaid)]}


@router.get(
    "/warmteprogrammas/{programmaid}/publicaties/{documentid}",
    tags=[TAG],
    operation_id="haalProgrammaPublicatie",
    summary="Eén gepubliceerd document",
    description="De inhoud van een gepubliceerd document zoals het bij publicatie is bewaard (HTML, PDF of DOCX), "
    "met de SHA-256 als `ETag`.",
    response_class=Response,
    responses={
        **READ_RESPONSES,
        200: {
            "content": {
                HTML: {"schema": {"type": "string"}},
                PDF: {"schema": {"type": "string", "format": "binary"}},
                DOCX: {"schema": {"type": "string", "format": "binary"}},
            }
        },
    },  # fmt: skip
)
def publicatie(
    programmaid: int = PROGRAMMAID,
    documentid: int = DOCUMENTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    d = _call(service.get_document, db, user, programmaid, documentid)
    media = MEDIA_TYPES.get(d.formaat, "application/octet-stream")
    if d.formaat == "html":
        media = f"{media}; charset=utf-8"
    headers = {"Content-Disposition": f'attachment; filename="{d.bestandsnaam}"', "ETag": f'"{d.sha256}"',
               "Cache-Control": "public, max-age=31536000, immutable"}  # fmt: skip
    return Response(bytes(d.inhoud), media_type=media, headers=headers)


# ------------------------------------------------------------------------------------------------ partners


def _gemeente(gemeentecode: str) -> str:
    return check_code(normalise_gemeentecode, gemeentecode, "gemeentecode") or ""


@router.get(
    "/gemeenten/{gemeentecode}/partners",
    tags=[TAG],
    operation_id="lijstProgrammaPartners",
    summary="Partners van een gemeente",
    description="De partners van de gemeente in de warmtetransitie (netbeheerder, corporaties, bewonersgroepen, "
    "warmtebedrijf, provincie, waterschap ...) met één contactpersoon. Bevat persoonsgegevens: alleen voor de "
    "gemeente, de regiocoördinator van haar regio en beheerders.",
    response_model=ProgrammaPartnerLijst,
    responses=READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def partners(
    gemeentecode: str = Path(description="Gemeentecode, bijvoorbeeld GM0505."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = _gemeente(gemeentecode)
    require_login(user)
    return {"resultaten": [partner_body(p) for p in _call(service.list_partners, db, user, code)]}


@router.post(
    "/gemeenten/{gemeentecode}/partners",
    tags=[TAG],
    operation_id="maakProgrammaPartner",
    summary="Voeg een partner toe",
    description="Voegt een partner van de gemeente toe. Vereist een sessie van de gemeente of een beheerder en de "
    "header `X-CSRF-Token`. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=ProgrammaPartner,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak_partner(
    request: Request,
    response: Response,
    gemeentecode: str = Path(description="Gemeentecode."),
    verzoek: ProgrammaPartnerNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    p = _call(service.create_partner, db, user, _gemeente(gemeentecode), _values(verzoek, ()))
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/partners/{p.id}"
    return partner_body(p)


@router.patch(
    "/partners/{partnerid}",
    tags=[TAG],
    operation_id="wijzigProgrammaPartner",
    summary="Wijzig een partner",
    description="Wijzigt de meegegeven velden van een partner. Vereist een sessie van de gemeente van de partner of "
    "een beheerder en de header `X-CSRF-Token`.",
    response_model=ProgrammaPartner,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def wijzig_partner(
    request: Request,
    partnerid: int = PARTNERID,
    verzoek: ProgrammaPartnerWijziging = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    p = _call(service.update_partner, db, user, partnerid, _values(verzoek, ()))
    db.commit()
    return partner_body(p)


@router.delete(
    "/partners/{partnerid}",
    tags=[TAG],
    operation_id="verwijderProgrammaPartner",
    summary="Verwijder een partner",
    description="Verwijdert een partner met de contactgegevens (recht op vergetelheid); in het "
    "participatielogboek verdwijnt de verwijzing. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def verwijder_partner(
    request: Request,
    partnerid: int = PARTNERID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = _write(request, user)
    _call(service.delete_partner, db, user, partnerid)
    db.commit()
    return Response(status_code=204)


@router.get(
    "/gemeenten/{gemeentecode}/participatie",
    tags=[TAG],
    operation_id="lijstParticipatiemomenten",
    summary="Participatielogboek",
    description="De bijeenkomsten, enquêtes, gesprekken en zienswijzen van de gemeente met de inbreng en de "
    "reactie daarop, nieuwste eerst; met `programma` alleen die bij één programmaversie. Alleen voor de gemeente, "
    "de regiocoördinator van haar regio en beheerders.",
    response_model=ParticipatiemomentLijst,
    responses=READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def participatie(
    gemeentecode: str = Path(description="Gemeentecode, bijvoorbeeld GM0505."),
    programma: int | None = Query(None, ge=1, le=MAX_ID, description="Alleen de momenten bij dit programma."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = _gemeente(gemeentecode)
    require_login(user)
    items = _call(service.list_participatie, db, user, code, programma)
    return {"resultaten": [moment_body(m) for m in items]}


@router.post(
    "/gemeenten/{gemeentecode}/participatie",
    tags=[TAG],
    operation_id="maakParticipatiemoment",
    summary="Leg een participatiemoment vast",
    description="Voegt een moment toe aan het participatielogboek van de gemeente: datum, soort, titel, partners, "
    "buurten, aantal deelnemers, de inbreng en de reactie. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=Participatiemoment,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak_participatie(
    request: Request,
    response: Response,
    gemeentecode: str = Path(description="Gemeentecode."),
    verzoek: ParticipatiemomentNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    m = _call(service.create_participatie, db, user, _gemeente(gemeentecode), _values(verzoek, ()))
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/participatie/{m.id}"
    return moment_body(m)


@router.patch(
    "/participatie/{momentid}",
    tags=[TAG],
    operation_id="wijzigParticipatiemoment",
    summary="Wijzig een participatiemoment",
    description="Wijzigt de meegegeven velden van een participatiemoment, bijvoorbeeld de reactie op de inbreng.",
    response_model=Participatiemoment,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def wijzig_participatie(
    request: Request,
    momentid: int = MOMENTID,
    verzoek: ParticipatiemomentWijziging = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    m = _call(service.update_participatie, db, user, momentid, _values(verzoek, ()))
    db.commit()
    return moment_body(m)


@router.delete(
    "/participatie/{momentid}",
    tags=[TAG],
    operation_id="verwijderParticipatiemoment",
    summary="Verwijder een participatiemoment",
    description="Verwijdert een moment uit het participatielogboek. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def verwijder_participatie(
    request: Request,
    momentid: int = MOMENTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = _write(request, user)
    _call(service.delete_participatie, db, user, momentid)
    db.commit()
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------------ region


def overview_body(o: dict[str, Any]) -> dict[str, Any]:
    gemeenten = []
    for g in o.get("gemeenten", []):
        row = dict(g)
        row["programma"] = info_body(g["programma"]) if g.get("programma") is not None else None
        gemeenten.append(row)
    return {
        "regio": dict(o.get("regio") or {}),
        "deadline": o["deadline"],
        "gemeenten": gemeenten,
        "per_jaar": [dict(r) for r in o.get("per_jaar", [])],
        "conflicten": [asdict(c) if is_dataclass(c) else dict(c) for c in o.get("conflicten", [])],
        "plannen": [asdict(p) if is_dataclass(p) else dict(p) for p in o.get("plannen", [])],
    }


@router.get(
    "/regios/{regiocode}/warmteprogrammas",
    tags=[TAG],
    operation_id="haalRegioWarmteprogrammas",
    summary="Regionaal overzicht van warmteprogramma's",
    description="Voor de regiocoördinator: per gemeente de stand van het warmteprogramma tegenover de termijn "
    "(31 december 2026), het aantal falende toetsen en de actualisatiedatum; de buurten per startjaar over de "
    "regio; en grensoverschrijdende conflicten (buren op dezelfde bron boven haar capaciteit, tegenstrijdige "
    "keuzes voor een gedeeld warmtenet). Voor beheerders, de coördinator van de regio en gemeenten in de regio.",
    response_model=RegioProgrammaOverzicht,
    responses=READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def regio_overzicht(
    regiocode: str = Path(description="RES-regiocode, bijvoorbeeld ES18."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_rescode, regiocode, "regiocode") or ""
    require_login(user)
    return overview_body(_call(service.regional_overview, db, user, code))
