"""The demo's regional network: people, meetings with parallel workshops, a knowledge base, questions and answers,
and two years of the information-needs questionnaire, all in Drechtsteden (ES18).

Issue 7 is done when, in the demo, a coordinator organises a meeting with two parallel workshops, members register,
a retrospective is published and found by search, and an information-needs questionnaire is answered and
aggregated. This module seeds exactly that story through the same services the pages, the API and the CLI use:

* **Directory**: real organisations of the region (gemeenten, province, grid operator, corporations, heat company,
  the national programme) with fictitious demo people; every demo account gets a profile.
* **Meetings** (organised by the demo coordinator): the *Werkatelier warmtebronnen* of last month with two parallel
  workshops, registrations, attendance and a published retrospective; and the *Regiodag Drechtsteden* of next
  month with two parallel workshops (one small, so it is full and has a waiting list) and registrations.
  The past meeting is created like any meeting and then moved back in time (the services only create meetings in
  the future): the demo needs history.
* **Knowledge base**: studies, practice stories, a guide and a template about the region's buurten, strategies and
  sources, at several visibility levels.
* **Questions and answers**: one answered question whose best answer became a knowledge item, one open question.
* **Information needs**: the questionnaire of last year (closed) and of this year (open), answered by the
  gemeenten and the region, so results aggregate per theme and region and compare between years.
* An **administrator of the national programme** (``accounthouder@warmteregio.nl``, same public demo password)
  builds the questionnaires.

All texts say they are demo texts; people are fictitious. Loading twice adds nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.store.models import (
    Bijeenkomst,
    Kennisitem,
    NetwerkPersoon,
    User,
    Vragenlijst,
)

REGIO = "ES18"
NPLW_EMAIL = "accounthouder@warmteregio.nl"
NPLW_NAAM = "Demo accounthouder NPLW"
WERKATELIER = "Werkatelier warmtebronnen Drechtsteden"
REGIODAG = "Regiodag Drechtsteden: samen naar het warmteprogramma"

ORGANISATIES: tuple[tuple[str, str, str | None, str | None], ...] = (
    # (naam, soort, res_code, gemeente_code); real organisations of the region
    ("Gemeente Alblasserdam", "gemeente", REGIO, "GM0482"),
    ("Gemeente Dordrecht", "gemeente", REGIO, "GM0505"),
    ("Gemeente Hardinxveld-Giessendam", "gemeente", REGIO, "GM0523"),
    ("Gemeente Hendrik-Ido-Ambacht", "gemeente", REGIO, "GM0531"),
    ("Gemeente Papendrecht", "gemeente", REGIO, "GM0590"),
    ("Gemeente Sliedrecht", "gemeente", REGIO, "GM0610"),
    ("Gemeente Zwijndrecht", "gemeente", REGIO, "GM0642"),
    ("Provincie Zuid-Holland", "provincie", None, None),
    ("Stedin", "netbeheerder", None, None),
    ("RES Drechtsteden", "res", REGIO, None),
    ("Woonkracht10", "corporatie", REGIO, None),
    ("Trivire", "corporatie", REGIO, None),
    ("HVC", "warmtebedrijf", None, None),
    ("Waterschap Hollandse Delta", "waterschap", None, None),
    ("Nationaal Programma Lokale Warmtetransitie", "rijk", None, None),
)

#: Fictitious people without an account: (naam, functie, organisatie, rol, expertise).
EXPERTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Demo expert aquathermie", "Adviseur aquathermie (demo)", "Waterschap Hollandse Delta", "expert",
     ("aquathermie", "rwzi", "warmtebronnen")),
    ("Demo netplanner Stedin", "Netplanner (demo)", "Stedin", "partner", ("netcongestie", "elektriciteitsnet")),
    ("Demo projectleider HVC", "Projectleider warmtenetten (demo)", "HVC", "partner", ("warmtenetten", "restwarmte")),
    ("Demo participatieadviseur", "Adviseur participatie (demo)", "Trivire", "expert",
     ("participatie", "bewoners", "corporaties")),
)  # fmt: skip


@dataclass
class DemoNetwerk:
    personen: int = 0
    kennisitems: int = 0
    bijeenkomsten: list[tuple[int, str]] = field(default_factory=list)
    vragenlijsten: list[tuple[int, int, str]] = field(default_factory=list)
    nieuw: bool = False


def _user(s: Session, email: str) -> User:
    user = s.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        raise RuntimeError(f"demo-account {email} ontbreekt: laad eerst de demo / load the demo first")
    return user


def ensure_nplw_account(s: Session) -> User:
    """The demo administrator of the national programme (builds the questionnaires)."""
    from warmteregio.accounts.service import create_user, hash_password, verify_password
    from warmteregio.demo.loader import DEMO_PASSWORD
    from warmteregio.domain.enums import Role

    user = s.scalar(select(User).where(func.lower(User.email) == NPLW_EMAIL))
    if user is None:
        return create_user(s, email=NPLW_EMAIL, naam=NPLW_NAAM, password=DEMO_PASSWORD, rol=Role.ADMIN)
    user.rol = Role.ADMIN.value
    user.actief = True
    if not verify_password(user.password_hash, DEMO_PASSWORD):
        user.password_hash = hash_password(DEMO_PASSWORD)
    return user


def _accounts() -> list[tuple[str, str, str, str | None]]:
    """(email, functie, rol in the directory, gemeente) of every demo account."""
    from warmteregio.demo.loader import DEMO_EMAIL, DEMO_OFFICIALS, DEMO_PARTICIPANTS

    out = [(DEMO_EMAIL, "Regiocoördinator warmtetransitie Drechtsteden (demo)", "coordinator", None),
           (NPLW_EMAIL, "Accounthouder regio's Zuid-Holland (demo)", "accounthouder", None)]  # fmt: skip
    out += [(e, "Beleidsmedewerker warmtetransitie (demo)", "contact", gm) for e, _n, gm in DEMO_OFFICIALS]
    out += [(e, "Projectleider wijkaanpak (demo)", "lid", gm) for e, _n, gm in DEMO_PARTICIPANTS]
    return out


def _directory(s: Session, coordinator: User) -> int:
    from warmteregio.services import netwerk_leden

    orgs: dict[str, int] = {o.naam: o.id for o in netwerk_leden.list_organisaties(s, coordinator)}
    gm_org: dict[str, str] = {}
    nplw = ensure_nplw_account(s)
    for naam, soort, res, gm in ORGANISATIES:
        if gm:
            gm_org[gm] = naam
        if naam not in orgs:
            org = netwerk_leden.create_organisatie(s, nplw, {"naam": naam, "soort": soort, "res_code": res,
                                                               "gemeente_code": gm})  # fmt: skip
            orgs[naam] = org.id
    n = 0
    for email, functie, rol, gm in _accounts():
        user = _user(s, email)
        if netwerk_leden.profiel_van(s, user) is not None:
            continue
        org = gm_org.get(gm) if gm else ("Nationaal Programma Lokale Warmtetransitie" if rol == "accounthouder"
                                         else "RES Drechtsteden")  # fmt: skip
        netwerk_leden.create_persoon(s, nplw, {
            "naam": user.naam, "functie": functie, "organisatie_id": orgs[org], "rol": rol,
            # the account holder too: she is the national programme's contact for ES18
            "res_code": REGIO, "gemeente_code": gm, "email": user.email,
            "expertise": ["warmteprogramma", "participatie"] if rol == "contact" else ["regionale samenwerking"],
        })  # fmt: skip
        n += 1
    for naam, functie, org, rol, expertise in EXPERTS:
        if s.scalar(select(NetwerkPersoon.id).where(NetwerkPersoon.naam == naam)) is None:
            netwerk_leden.create_persoon(s, coordinator, {"naam": naam, "functie": functie,
                                                           "organisatie_id": orgs[org], "rol": rol,
                                                           "res_code": REGIO,
                                                           "expertise": list(expertise)})  # fmt: skip
            n += 1
    return n


KENNIS: tuple[dict[str, Any], ...] = (
    {
        "soort": "praktijkverhaal",
        "titel": "Warmtenet Dordrecht-West: corporatiewoningen als startmotor (demo)",
        "samenvatting": "Hoe een corporatie en de gemeente de eerste 800 woningen op het warmtenet kregen.",
        "inhoud": "## Aanpak\n\n(Demotekst.) In Crabbehof en Wielwijk sloot de corporatie eerst haar eigen "
                  "portiekflats aan op het **warmtenet**. Daarmee werd de aanleg van de hoofdleiding rendabel.\n\n"
                  "- bewonersavonden per portiek\n- een vaste contactpersoon\n- tarieven vooraf bekend\n\n"
                  "## Lessen\n\nStart waar de eigenaar één partij is; particuliere eigenaren volgen als de "
                  "leiding in de straat ligt.",
        "themas": ["warmtenetten", "participatie", "betaalbaarheid"],
        "buurten": ["BU05050604", "BU05050605"], "strategieen": ["S2d"], "bronnen": ["HTHP0018"],
        "zichtbaarheid": "publiek",
    },
    {
        "soort": "studie",
        "titel": "Aquathermie uit de RWZI Zwijndrecht: potentie en randvoorwaarden (demo)",
        "samenvatting": "Verkenning van de restwarmte van de rioolwaterzuivering voor buurten in Zwijndrecht en "
                        "Hendrik-Ido-Ambacht.",
        "inhoud": "(Demotekst.) De RWZI kan naar schatting 130.000 GJ per jaar leveren op lage temperatuur. "
                  "Met een collectieve warmtepomp zijn de buurten rond Heer Oudelands te bedienen. De capaciteit "
                  "is te klein voor alle buurten die gemeenten nu noemen: afstemming tussen Zwijndrecht en "
                  "Hendrik-Ido-Ambacht is nodig.",
        "themas": ["bronnen", "warmtenetten"], "buurten": ["BU06420703", "BU06420704", "BU06420705"],
        "strategieen": ["S3a"], "bronnen": ["LTHP0041"], "zichtbaarheid": "leden",
    },
    {
        "soort": "handreiking",
        "titel": "Participatie bij het aanwijzen van een wijk: stappenplan (demo)",
        "samenvatting": "Wat bewoners, corporaties en de energiecoöperatie wanneer van de gemeente mogen verwachten.",
        "inhoud": "(Demotekst.) 1. Informeer vroeg. 2. Betrek de coöperatie van bewoners en de bewonersorganisaties. "
                  "3. Leg vast wat met de inbreng gebeurt. 4. Koppel terug vóór het aanwijsbesluit.",
        "themas": ["participatie", "juridisch", "warmteprogramma"], "zichtbaarheid": "leden",
    },
    {
        "soort": "sjabloon",
        "titel": "Sjabloon hoofdstuk betaalbaarheid warmteprogramma (demo)",
        "samenvatting": "Een opzet voor het hoofdstuk betaalbaarheid met de maandlasten uit het afwegingskader.",
        "inhoud": "(Demotekst.) Per aangewezen buurt: nationale kosten per woningequivalent, maandlasten voor "
                  "eigenaar-bewoners en huurders, en de ondersteuning die de gemeente biedt.",
        "themas": ["betaalbaarheid", "warmteprogramma"], "zichtbaarheid": "regio",
    },
    {
        "soort": "praktijkverhaal",
        "titel": "All-electric in de jaren-zeventigwijk: isolatie eerst (demo)",
        "samenvatting": "Ervaringen met isolatie en warmtepompen in grondgebonden woningen in Papendrecht.",
        "inhoud": "(Demotekst.) Na na-isolatie tot label B werkten lucht-waterwarmtepompen goed. De netbeheerder "
                  "moest wel de laagspanningskabels versterken: plan dat mee.",
        "themas": ["all_electric", "isolatie", "netcongestie"], "buurten": ["BU05900004"],
        "strategieen": ["S1a"], "zichtbaarheid": "publiek",
    },
    {
        "soort": "studie",
        "titel": "Netcongestie en de wijkaanpak in Drechtsteden (demo)",
        "samenvatting": "Wat de beperkte ruimte op het elektriciteitsnet betekent voor de volgorde van wijken.",
        "inhoud": "(Demotekst.) Wijken met all-electric als voorkeur vragen tot 2030 extra transformatorcapaciteit. "
                  "Stem de planning af met de netbeheerder in het regionale overleg.",
        "themas": ["netcongestie", "data"], "zichtbaarheid": "leden",
    },
)  # fmt: skip


def _kennis(s: Session, coordinator: User) -> int:
    from warmteregio.services import kennis

    n = 0
    for data in KENNIS:
        if s.scalar(select(Kennisitem.id).where(Kennisitem.titel == data["titel"])) is None:
            kennis.create_item(s, coordinator, {**data, "res_code": REGIO, "status": "gepubliceerd",
                                                "auteur_naam": "Demo regiocoördinator Drechtsteden"})  # fmt: skip
            n += 1
    return n


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` Dutch local time (Europe/Amsterdam), in UTC."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Amsterdam"))
    return local.astimezone(UTC)


def _flipover() -> bytes:
    """A demo 'photo' of the flip-over with the agreements (drawn, PNG)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 600), (250, 250, 245))
    d = ImageDraw.Draw(img)
    d.rectangle((60, 40, 740, 560), outline=(40, 40, 40), width=4)
    lines = [
        "Werkatelier warmtebronnen (demo)",
        "",
        "Afspraken:",
        "- verkenning warmtenet Zwijndrecht/H-I-Ambacht",
        "- voorbeelden participatieplannen verzamelen",
        "",
        "RWZI: 130.000 GJ/jaar, niet genoeg voor alles",
    ]
    for i, line in enumerate(lines):
        d.text((100, 80 + 50 * i), line, fill=(20, 40, 120))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _meeting(s: Session, coordinator: User, titel: str, day: datetime, *, ws_capaciteit: tuple[int | None, int | None],
             locatie: str, omschrijving: str) -> Bijeenkomst:  # fmt: skip
    from warmteregio.services import bijeenkomsten

    return bijeenkomsten.create_bijeenkomst(s, coordinator, {
        "titel": titel, "omschrijving": omschrijving, "start": _at(day, 8, 30), "eind": _at(day, 12, 30),
        "locatie": locatie, "doelgroep": "regio", "res_code": REGIO, "capaciteit": 30,
        "onderdelen": [
            {"soort": "plenair", "titel": "Opening en stand van de warmteprogramma's", "start": _at(day, 8, 30),
             "eind": _at(day, 9, 15), "zaal": "Grote zaal"},
            {"soort": "workshop", "titel": "Warmtebronnen verdelen over gemeentegrenzen", "ronde": 1,
             "start": _at(day, 9, 30), "eind": _at(day, 10, 45), "zaal": "Zaal 1", "capaciteit": ws_capaciteit[0],
             "begeleider": "Demo expert aquathermie"},
            {"soort": "workshop", "titel": "Participatie en betaalbaarheid bij aanwijzen", "ronde": 1,
             "start": _at(day, 9, 30), "eind": _at(day, 10, 45), "zaal": "Zaal 2", "capaciteit": ws_capaciteit[1],
             "begeleider": "Demo participatieadviseur"},
            {"soort": "pauze", "titel": "Pauze", "start": _at(day, 10, 45), "eind": _at(day, 11, 0)},
            {"soort": "plenair", "titel": "Terugkoppeling en afspraken", "start": _at(day, 11, 0),
             "eind": _at(day, 12, 30), "zaal": "Grote zaal"},
        ],
    })  # fmt: skip


def _workshops(b: Bijeenkomst) -> list[int]:
    return [o.id for o in sorted(b.onderdelen, key=lambda o: o.id) if o.soort == "workshop"]


def _register_all(s: Session, b: Bijeenkomst, keuzes: list[tuple[str, int]]) -> None:
    """Register accounts: (email, index of the chosen workshop)."""
    from warmteregio.services import bijeenkomsten

    ws = _workshops(b)
    for email, idx in keuzes:
        bijeenkomsten.aanmelden(s, _user(s, email), b.id, [ws[idx]])


def _past_meeting(s: Session, coordinator: User, today: datetime) -> Bijeenkomst:
    """Organised as usual, then moved back in time; attendance recorded; retrospective published."""
    from warmteregio.demo.loader import DEMO_OFFICIALS, DEMO_PARTICIPANTS
    from warmteregio.services import bijeenkomsten, kennis

    day = today + timedelta(days=7)
    b = _meeting(s, coordinator, WERKATELIER, day, ws_capaciteit=(12, 12), locatie="Stadskantoor Dordrecht, "
                 "Spuiboulevard 300, Dordrecht", omschrijving="(Demo.) Werkatelier over de verdeling van "
                 "warmtebronnen en de participatie bij het aanwijzen van wijken.")  # fmt: skip
    emails = [e for e, _n, _g in DEMO_OFFICIALS] + [e for e, _n, _g in DEMO_PARTICIPANTS]
    _register_all(s, b, [(e, i % 2) for i, e in enumerate(emails)])
    shift = timedelta(days=7 + 30)
    b.start -= shift
    b.eind -= shift
    for o in b.onderdelen:
        o.start -= shift
        o.eind -= shift
    s.flush()
    present = {_user(s, e).id: (i % 4 != 3) for i, e in enumerate(emails)}
    bijeenkomsten.registreer_aanwezigheid(s, coordinator, b.id, present)
    links = [i.id for i in s.scalars(select(Kennisitem).where(Kennisitem.titel.in_([
        KENNIS[1]["titel"], KENNIS[2]["titel"]])))]  # fmt: skip
    item = kennis.terugblik_opslaan(s, coordinator, b.id, {
        "inhoud": "## Wat we bespraken\n\n(Demotekst.) Acht collega's uit zes gemeenten werkten aan twee "
                  "vragen. In de workshop **warmtebronnen** bleek dat de RWZI Zwijndrecht niet alle buurten kan "
                  "bedienen die Zwijndrecht en Hendrik-Ido-Ambacht in hun warmteprogramma noemen; de gemeenten "
                  "spraken een gezamenlijke verkenning af. In de workshop **participatie** deelden gemeenten hoe zij "
                  "bewoners en de energiecoöperatie betrekken vóór een aanwijsbesluit.\n\n## Afspraken\n\n"
                  "- gezamenlijke verkenning warmtenetten Zwijndrecht en Hendrik-Ido-Ambacht\n"
                  "- de regiocoördinator verzamelt voorbeelden van participatieplannen\n",
        "kennisitems": links, "themas": ["bronnen", "warmtenetten", "participatie"], "status": "gepubliceerd",
    })  # fmt: skip
    kennis.add_bijlage(
        s,
        coordinator,
        item.id,
        "flipover-afspraken.png",
        _flipover(),
        soort="foto",
        beschrijving="Flip-over met de afspraken van het werkatelier (getekende demo-afbeelding)",
    )
    return b


def _future_meeting(s: Session, coordinator: User, today: datetime) -> Bijeenkomst:
    from warmteregio.demo.loader import DEMO_OFFICIALS, DEMO_PARTICIPANTS

    day = today + timedelta(days=40)
    b = _meeting(s, coordinator, REGIODAG, day, ws_capaciteit=(3, None), locatie="Energiehuis, Noordendijk 250, "
                 "Dordrecht", omschrijving="(Demo.) Regiodag met de stand van de warmteprogramma's en twee "
                 "parallelle workshops. De workshop over warmtebronnen is klein gehouden (3 plaatsen).")  # fmt: skip
    officials = [e for e, _n, _g in DEMO_OFFICIALS]
    # four choose the small workshop: three are placed, the fourth is on its waiting list
    _register_all(s, b, [(e, 0) for e in officials[:4]] + [(e, 1) for e in officials[4:6]]
                  + [(DEMO_PARTICIPANTS[0][0], 1)])  # fmt: skip
    return b


VRAGEN: tuple[dict[str, Any], ...] = (
    {"code": "bronnen_data", "thema": "bronnen", "soort": "schaal", "verplicht": True,
     "tekst": "Hoe groot is uw behoefte aan betere gegevens over warmtebronnen (vermogen, temperatuur, "
             "beschikbaarheid)?"},
    {"code": "warmtenet_businesscase", "thema": "warmtenetten", "soort": "schaal", "verplicht": True,
     "tekst": "Hoe groot is uw behoefte aan ondersteuning bij de businesscase van een warmtenet?"},
    {"code": "participatie_aanwijzen", "thema": "participatie", "soort": "schaal", "verplicht": True,
     "tekst": "Hoe groot is uw behoefte aan voorbeelden van participatie rond een aanwijsbesluit?"},
    {"code": "betaalbaarheid_maandlasten", "thema": "betaalbaarheid", "soort": "schaal", "verplicht": True,
     "tekst": "Hoe groot is uw behoefte aan inzicht in de maandlasten voor bewoners per strategie?"},
    {"code": "juridisch_wgiw", "thema": "juridisch", "soort": "schaal", "verplicht": True,
     "tekst": "Hoe groot is uw behoefte aan uitleg over de Wet gemeentelijke instrumenten warmtetransitie?"},
    {"code": "netcongestie_planning", "thema": "netcongestie", "soort": "schaal", "verplicht": True,
     "tekst": "Hoe groot is uw behoefte aan afstemming met de netbeheerder over de planning?"},
    {"code": "vorm", "thema": "organisatie", "soort": "meerkeuze", "verplicht": False,
     "opties": ["handreiking", "rekenmodel", "werksessie", "intervisie", "helpdesk"],
     "tekst": "In welke vorm helpt kennis u het meest?"},
    {"code": "capaciteit", "thema": "organisatie", "soort": "keuze", "verplicht": True,
     "opties": ["voldoende", "krap", "onvoldoende"], "tekst": "Hoe is de capaciteit voor de warmtetransitie?"},
    {"code": "toelichting", "thema": "organisatie", "soort": "open", "verplicht": False,
     "tekst": "Wat wilt u het nationaal programma nog meegeven?"},
)  # fmt: skip


def _score(*parts: object) -> int:
    """A deterministic 'answer' 1-5 for the demo (hash of the parts)."""
    return 1 + int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest(), 16) % 5


def _antwoorden(respondent: str, jaar: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in VRAGEN:
        if v["soort"] == "schaal":
            base = _score(respondent, v["code"])
            trend = 1 if v["code"] in ("netcongestie_planning", "juridisch_wgiw") and jaar > 2025 else 0
            out[v["code"]] = max(1, min(5, base + trend))
        elif v["soort"] == "keuze":
            out[v["code"]] = v["opties"][_score(respondent, jaar, v["code"]) % len(v["opties"])]
        elif v["soort"] == "meerkeuze":
            out[v["code"]] = [o for i, o in enumerate(v["opties"]) if _score(respondent, o) >= 3 or i == 0]
        else:
            out[v["code"]] = f"(Demo-antwoord van {respondent}.) Meer voorbeelden uit andere regio's graag."
    return out


def _vragenlijsten(s: Session, today: datetime) -> list[Vragenlijst]:
    from warmteregio.demo.loader import DEMO_EMAIL, DEMO_OFFICIALS
    from warmteregio.services import informatiebehoefte

    nplw = ensure_nplw_account(s)
    jaar = today.year
    out = []
    vorige = informatiebehoefte.create_vragenlijst(s, nplw, {
        "jaar": jaar - 1, "titel": f"Informatiebehoefte gemeenten en regio's {jaar - 1} (demo)",
        "toelichting": "(Demo.) Jaarlijkse inventarisatie van het Nationaal Programma Lokale Warmtetransitie.",
        "vragen": [dict(v) for v in VRAGEN],
    })  # fmt: skip
    informatiebehoefte.zet_status(s, nplw, vorige.id, "open")
    for email, _n, gm in DEMO_OFFICIALS[:5]:
        informatiebehoefte.beantwoord(s, _user(s, email), vorige.id, gm, _antwoorden(gm, jaar - 1))
    informatiebehoefte.zet_status(s, nplw, vorige.id, "gesloten")
    out.append(vorige)
    huidige = informatiebehoefte.kopieer_vragenlijst(s, nplw, vorige.id, jaar)
    informatiebehoefte.zet_status(s, nplw, huidige.id, "open")
    for email, _n, gm in DEMO_OFFICIALS[:6]:
        informatiebehoefte.beantwoord(s, _user(s, email), huidige.id, gm, _antwoorden(gm, jaar))
    informatiebehoefte.beantwoord(s, _user(s, DEMO_EMAIL), huidige.id, REGIO, _antwoorden(REGIO, jaar))
    out.append(huidige)
    return out


def _vragen(s: Session) -> None:
    from warmteregio.demo.loader import DEMO_OFFICIALS
    from warmteregio.services import kennis

    zwijndrecht = _user(s, DEMO_OFFICIALS[6][0])
    vraag = kennis.stel_vraag(s, zwijndrecht, {
        "titel": "Hoe onderbouwen jullie de betaalbaarheid in een aanwijsbesluit? (demo)",
        "tekst": "(Demo.) Wij willen Heer Oudelands aanwijzen. Welke maandlasten nemen jullie op, en hoe gaan "
                 "jullie om met huurders van particuliere verhuurders?",
        "themas": ["betaalbaarheid", "juridisch"], "zichtbaarheid": "regio",
    })  # fmt: skip
    kennis.beantwoord(
        s,
        _user(s, DEMO_OFFICIALS[5][0]),
        vraag.id,
        "(Demo.) Wij nemen de maandlasten uit het afwegingskader op voor drie huishoudtypen.",
    )
    beste = kennis.beantwoord(s, _user(s, DEMO_OFFICIALS[1][0]), vraag.id,
                              "(Demo.) Dordrecht neemt per buurt de maandlasten voor eigenaar-bewoners, sociale "
                              "huur en particuliere huur op, plus de tegemoetkoming uit het warmtefonds. Voor "
                              "particuliere huur maken we afspraken met verhuurders.")  # fmt: skip
    kennis.markeer_beste(s, zwijndrecht, vraag.id, beste.id)
    kennis.stel_vraag(s, _user(s, DEMO_OFFICIALS[0][0]), {
        "titel": "Wie heeft ervaring met een gezamenlijke aanbesteding van een warmtenetstudie? (demo)",
        "tekst": "(Demo.) Alblasserdam overweegt een studie samen met Papendrecht. Wie deed dit eerder?",
        "themas": ["warmtenetten", "organisatie"], "zichtbaarheid": "leden",
    })  # fmt: skip


def create_demo_netwerk(factory: sessionmaker[Session], *, nu: datetime | None = None,
                        progress: Callable[[str], None] | None = None) -> DemoNetwerk:  # fmt: skip
    """Seed the demo network (see the module docstring) in one transaction; nothing when it is there already."""
    from warmteregio.demo.loader import DEMO_EMAIL

    today = (nu or datetime.now(UTC)).astimezone(UTC)
    result = DemoNetwerk()
    with factory() as s:
        if s.scalar(select(Bijeenkomst.id).where(Bijeenkomst.titel == REGIODAG)) is None:
            coordinator = _user(s, DEMO_EMAIL)
            for label, step in (
                ("leden / members", lambda: _directory(s, coordinator)),
                ("kennisbank / knowledge base", lambda: _kennis(s, coordinator)),
                ("werkatelier / workshop", lambda: _past_meeting(s, coordinator, today)),
                ("regiodag / regional day", lambda: _future_meeting(s, coordinator, today)),
                ("vragen en antwoorden / questions and answers", lambda: _vragen(s)),
                ("informatiebehoefte / information needs", lambda: _vragenlijsten(s, today)),
            ):  # fmt: skip
                if progress:
                    progress(label)
                step()
            s.commit()
            result.nieuw = True
    with factory() as s:
        result.personen = s.scalar(select(func.count()).select_from(NetwerkPersoon)) or 0
        result.kennisitems = s.scalar(select(func.count()).select_from(Kennisitem)) or 0
        result.bijeenkomsten = [(b.id, b.titel) for b in s.scalars(select(Bijeenkomst).order_by(Bijeenkomst.start))]
        result.vragenlijsten = [
            (v.id, v.jaar, v.status) for v in s.scalars(select(Vragenlijst).order_by(Vragenlijst.jaar))
        ]
    return result
