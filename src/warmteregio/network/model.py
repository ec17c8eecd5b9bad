"""Vocabularies and limits of the regional network, each with its Dutch and English label.

Every vocabulary is a mapping ``code -> (nl, en)``; the code is what is stored and what the API speaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Labels = Mapping[str, tuple[str, str]]


def _labels(**items: tuple[str, str]) -> Labels:
    return MappingProxyType(dict(items))


#: Kinds of organisation in the directory.
ORGANISATIE_SOORTEN: Labels = _labels(
    gemeente=("Gemeente", "Municipality"),
    provincie=("Provincie", "Province"),
    netbeheerder=("Netbeheerder", "Grid operator"),
    res=("RES-regio", "RES region"),
    corporatie=("Woningcorporatie", "Housing corporation"),
    warmtebedrijf=("Warmtebedrijf", "Heat company"),
    waterschap=("Waterschap", "Water board"),
    rijk=("Rijk / nationaal programma", "National government / programme"),
    kennisinstelling=("Kennisinstelling", "Knowledge institute"),
    adviesbureau=("Adviesbureau", "Consultancy"),
    bewonersorganisatie=("Bewonersorganisatie / energiecoöperatie", "Residents' group / energy cooperative"),
    overig=("Overig", "Other"),
)

#: Roles of a person in the network.
PERSOON_ROLLEN: Labels = _labels(
    coordinator=("Regiocoördinator", "Regional coordinator"),
    accounthouder=("Accounthouder NPLW", "National account holder"),
    contact=("Contactpersoon gemeente", "Municipal contact"),
    partner=("Partner", "Partner"),
    expert=("Expert", "Expert"),
    lid=("Lid", "Member"),
)

#: Who a meeting is for (and who may register).
DOELGROEPEN: Labels = _labels(
    coordinatoren=(
        "Alle regiocoördinatoren en het nationaal programma",
        "All regional coordinators and the national programme",
    ),
    regio=("Leden van één regio", "Members of one region"),
    leden=("Alle leden", "All members"),
)

#: Kinds of agenda item.
ONDERDEEL_SOORTEN: Labels = _labels(
    plenair=("Plenair", "Plenary"),
    workshop=("Workshop", "Workshop"),
    pauze=("Pauze", "Break"),
)

MEETING_STATUSES: Labels = _labels(gepland=("Gepland", "Planned"), geannuleerd=("Geannuleerd", "Cancelled"))

#: Status of a registration and of a workshop choice.
AANMELDING_STATUSES: Labels = _labels(
    aangemeld=("Aangemeld", "Registered"),
    wachtlijst=("Wachtlijst", "Waiting list"),
    afgemeld=("Afgemeld", "Cancelled"),
)
KEUZE_STATUSES: Labels = _labels(ingedeeld=("Ingedeeld", "Placed"), wachtlijst=("Wachtlijst", "Waiting list"))

#: Kinds of knowledge item.
KENNIS_SOORTEN: Labels = _labels(
    studie=("Studie", "Study"),
    praktijkverhaal=("Praktijkverhaal", "Practice story"),
    handreiking=("Handreiking", "Guide"),
    sjabloon=("Sjabloon", "Template"),
    workshopcasus=("Workshopcasus", "Workshop case"),
    terugblik=("Terugblik", "Retrospective"),
    vraag_antwoord=("Vraag en antwoord", "Question and answer"),
)

#: Who may read a knowledge item (ordered from narrow to wide).
ZICHTBAARHEDEN: Labels = _labels(
    prive=("Privé (alleen de auteur)", "Private (author only)"),
    regio=("Leden van de regio", "Members of the region"),
    leden=("Alle leden", "All members"),
    publiek=("Openbaar", "Public"),
)
#: Visibility choices for a question.
VRAAG_ZICHTBAARHEDEN: Labels = _labels(regio=ZICHTBAARHEDEN["regio"], leden=ZICHTBAARHEDEN["leden"])

KENNIS_STATUSES: Labels = _labels(concept=("Concept", "Draft"), gepubliceerd=("Gepubliceerd", "Published"))
VRAAG_STATUSES: Labels = _labels(open=("Open", "Open"), beantwoord=("Beantwoord", "Answered"))

#: Suggested themes (free tags are allowed too; these give the filters and the questionnaire its structure).
THEMAS: Labels = _labels(
    warmtenetten=("Warmtenetten", "Heat networks"),
    bronnen=("Warmtebronnen", "Heat sources"),
    isolatie=("Isolatie en besparing", "Insulation and saving"),
    all_electric=("All-electric en warmtepompen", "All-electric and heat pumps"),
    hybride=("Hybride en groen gas", "Hybrid and green gas"),
    participatie=("Participatie en communicatie", "Participation and communication"),
    betaalbaarheid=("Betaalbaarheid en financiering", "Affordability and finance"),
    juridisch=("Wet- en regelgeving", "Law and regulation"),
    data=("Data en analyse", "Data and analysis"),
    netcongestie=("Elektriciteitsnet en netcongestie", "Electricity grid and congestion"),
    organisatie=("Organisatie en capaciteit", "Organisation and capacity"),
    warmteprogramma=("Warmteprogramma", "Heat programme"),
)

#: Kinds of question in a questionnaire.
VRAAG_SOORTEN: Labels = _labels(
    schaal=("Schaal 1-5 (behoefte)", "Scale 1-5 (need)"),
    keuze=("Eén keuze", "Single choice"),
    meerkeuze=("Meerdere keuzes", "Multiple choice"),
    open=("Open vraag", "Open question"),
)
SCHAAL_MIN = 1
SCHAAL_MAX = 5
SCHAAL_LABELS: Mapping[int, tuple[str, str]] = MappingProxyType(
    {
        1: ("geen behoefte", "no need"),
        2: ("weinig behoefte", "little need"),
        3: ("enige behoefte", "some need"),
        4: ("grote behoefte", "great need"),
        5: ("zeer grote behoefte", "very great need"),
    }
)
VRAGENLIJST_STATUSES: Labels = _labels(
    concept=("Concept", "Draft"), open=("Open voor antwoorden", "Open for answers"), gesloten=("Gesloten", "Closed")
)

# ---------------------------------------------------------------------------------------------------- limits

#: Attachment limits [bytes].
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_FOTO_BYTES = 8 * 1024 * 1024
#: Upper bound of the uncompressed size of a DOCX/XLSX (zip bomb guard) [bytes].
MAX_UITGEPAKT_BYTES = 200 * 1024 * 1024
MAX_BIJLAGEN_PER_ITEM = 20
#: Text limits [characters].
MAX_TITEL = 300
MAX_SAMENVATTING = 2_000
MAX_INHOUD = 200_000
MAX_TAGS = 30
#: Days before a meeting when the reminder goes out.
HERINNERING_DAGEN = 3


def label(vocabulary: Labels, code: str | None, lang: str = "nl") -> str:
    """The label of ``code`` in ``lang`` (``nl``/``en``); the code itself when unknown."""
    if code is None:
        return ""
    pair = vocabulary.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]
