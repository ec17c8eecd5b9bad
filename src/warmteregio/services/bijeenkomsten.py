"""Meetings of the regional network: agenda with plenary parts and parallel workshops, registration with workshop
choice, capacity limits and waiting lists, attendance, calendar (iCalendar) and e-mail (invitations, reminders,
"off the waiting list", cancellation).

**Who** (see :mod:`warmteregio.services.netwerk`): a meeting is visible to members according to its ``doelgroep``:
``leden`` all members; ``coordinatoren`` administrators and regional coordinators; ``regio`` administrators and the
members of that region. The organiser and the managers always see it. *Managing* (edit, agenda, participants,
attendance, invitations, cancellation) is for administrators, the organiser and the coordinator of the meeting's
region. Creating: administrators (any audience) and coordinators (a ``regio`` meeting only for their own region).

**Registration rules**

* Registration is open while the meeting is ``gepland``, has not started and ``aanmelden_tot`` (when set) has not
  passed. The same holds for changing one's workshop choices; cancelling is possible until the start.
* *Meeting capacity*: a registration is ``aangemeld`` while places are free, otherwise it goes on the waiting list
  (``wachtlijst``). The waiting list is served strictly in order of ``aangemeld_op`` (then ``id``); a newcomer never
  passes someone already waiting. Cancelling (``afgemeld``) and registering again puts you at the back.
* *Workshops*: at most one workshop per ``ronde``. Workshop places are only taken by registrations that are
  ``aangemeld``: a choice is ``ingedeeld`` while the workshop has room, otherwise ``wachtlijst``. A registrant on the
  meeting's waiting list keeps her choices, recorded as ``wachtlijst``; they are placed when she is promoted and the
  workshop has room. A workshop's waiting list is served in order of ``gekozen_op`` (then ``id``) among registered
  participants; changing the choice for a round is a new choice (at the back), keeping it keeps the place.
* *Promotion* (:func:`afmelden`, changed choices, a larger capacity): first the meeting's waiting list while places
  are free, then every workshop's waiting list while the workshop has room. Promoted people get an e-mail when mail
  is on (``mailer`` argument or the SMTP settings); a mail failure never undoes the promotion (it is logged).
* Lowering a capacity never removes anyone already placed; it only stops new placements.
* No promotions once the meeting has started or is cancelled.
* Concurrency: registrations lock the meeting row first (PostgreSQL ``SELECT ... FOR UPDATE``; on SQLite a no-op
  update of the row takes the database's write lock) so that simultaneous registrations cannot exceed a capacity.

Functions flush and never commit; the caller commits (or rolls back on an error). E-mail is sent before the caller
commits: a rolled-back transaction may leave an e-mail that announced it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warmteregio.domain.enums import Role
from warmteregio.network import mail as netmail
from warmteregio.network.ical import Gebeurtenis, kalender
from warmteregio.network.model import (
    DOELGROEPEN,
    HERINNERING_DAGEN,
    KEUZE_STATUSES,
    ONDERDEEL_SOORTEN,
)
from warmteregio.services import netwerk as nw
from warmteregio.settings import get_settings
from warmteregio.store.models import (
    Aanmelding,
    Bijeenkomst,
    BijeenkomstOnderdeel,
    Casus,
    Gemeente,
    Kennisitem,
    NetwerkOrganisatie,
    NetwerkPersoon,
    User,
    Workshopkeuze,
)

log = logging.getLogger(__name__)

MAX_TITEL = 200
MAX_OMSCHRIJVING = 20_000
MAX_ONDERDELEN = 100
MAX_CAPACITEIT = 100_000
VELDEN: dict[str, tuple[str, str]] = {
    "titel": ("titel", "title"),
    "omschrijving": ("omschrijving", "description"),
    "start": ("begin", "start"),
    "eind": ("einde", "end"),
    "locatie": ("locatie", "location"),
    "online_url": ("online-link", "online link"),
    "doelgroep": ("doelgroep", "audience"),
    "res_code": ("regio", "region"),
    "capaciteit": ("capaciteit", "capacity"),
    "aanmelden_tot": ("aanmelden tot", "registration until"),
    "soort": ("soort", "kind"),
    "ronde": ("ronde", "round"),
    "zaal": ("zaal", "room"),
    "begeleider": ("begeleider", "facilitator"),
    "kennisitem_id": ("kennisitem", "knowledge item"),
    "casus_id": ("casus", "case"),
    "workshops": ("workshops", "workshops"),
}
BIJEENKOMST_VELDEN = (
    "titel",
    "omschrijving",
    "start",
    "eind",
    "locatie",
    "online_url",
    "doelgroep",
    "res_code",
    "capaciteit",
    "aanmelden_tot",
)
Promotie = Aanmelding | Workshopkeuze


def _lbl(veld: str) -> tuple[str, str]:
    return VELDEN.get(veld, (veld, veld))


def _bijeenkomst_niet_gevonden(ident: object) -> nw.NetwerkError:
    return nw.not_found("bijeenkomst", "meeting", ident)


# ------------------------------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class WorkshopBezetting:
    """Places of a workshop: ``ingedeeld`` placed participants, ``wachtlijst`` registered participants waiting,
    ``vrij`` free places (None = unlimited)."""

    ingedeeld: int
    wachtlijst: int
    capaciteit: int | None
    vrij: int | None


@dataclass(frozen=True)
class Bezetting:
    """Places of a meeting: ``aangemeld``, ``wachtlijst``, ``vrij`` (None = unlimited) and per workshop id."""

    aangemeld: int
    wachtlijst: int
    capaciteit: int | None
    vrij: int | None
    workshops: dict[int, WorkshopBezetting] = field(default_factory=dict)


@dataclass(frozen=True)
class DeelnemerRij:
    """One registration as the organiser sees it. ``positie``: place on the waiting list (1 = next), None when
    registered. ``workshops``: (onderdeel id, title, status ingedeeld|wachtlijst)."""

    aanmelding_id: int
    user_id: int
    naam: str
    email: str
    organisatie: str | None
    status: str
    positie: int | None
    workshops: list[tuple[int, str, str]]
    aanwezig: bool | None
    #: onderdeel id -> (gekozen_op, keuze id): the order of each workshop's waiting list
    keuze_volgorde: dict[int, tuple[datetime, int]] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------- permissions


def _is_organiser(u: User | None, b: Bijeenkomst) -> bool:
    return u is not None and b.organisator_id is not None and b.organisator_id == u.id


def can_manage(session: Session, user: User | None, b: Bijeenkomst) -> bool:
    """Administrators, the organiser and the coordinator of the meeting's region."""
    u = nw.member(user)
    if u is None:
        return False
    return nw.is_admin(u) or _is_organiser(u, b) or (b.res_code is not None and nw.can_manage_region(u, b.res_code))


def _ziet(session: Session, u: User | None, b: Bijeenkomst, regio: dict[str, str | None]) -> bool:
    if u is None:
        return False
    if u.rol == Role.ADMIN.value or can_manage(session, u, b):
        return True
    if b.doelgroep == "leden":
        return True
    if b.doelgroep == "coordinatoren":
        return u.rol == Role.COORDINATOR.value
    if b.doelgroep == "regio":
        if "r" not in regio:
            regio["r"] = nw.user_region(session, u)
        return b.res_code is not None and regio["r"] == b.res_code
    return False


def can_see(session: Session, user: User | None, b: Bijeenkomst) -> bool:
    """Whether a member may see the meeting (its ``doelgroep``; managers always)."""
    return _ziet(session, nw.member(user), b, {})


def _gesloten(b: Bijeenkomst, nu: datetime) -> tuple[str, str] | None:
    """Why registration is closed (nl, en), or None when open."""
    if b.status != "gepland":
        return "de bijeenkomst is geannuleerd", "the meeting is cancelled"
    if nu >= nw.aware(b.start):
        return "de bijeenkomst is al begonnen", "the meeting has already started"
    if b.aanmelden_tot is not None and nu > nw.aware(b.aanmelden_tot):
        return "de aanmeldtermijn is verstreken", "the registration deadline has passed"
    return None


def can_register(session: Session, user: User | None, b: Bijeenkomst, *, nu: datetime | None = None) -> bool:
    """Visible, ``gepland``, not started and before ``aanmelden_tot``."""
    return can_see(session, user, b) and _gesloten(b, nu or nw.now()) is None


def _require_manage(session: Session, user: User | None, b: Bijeenkomst) -> User:
    u = nw.require_member(user)
    if not can_manage(session, u, b):
        raise nw.forbidden(
            f"alleen de organisator, de coördinator van de regio of een beheerder mag bijeenkomst {b.id} beheren",
            f"only the organiser, the region's coordinator or an administrator may manage meeting {b.id}",
        )
    return u


def _require_see(session: Session, u: User, b: Bijeenkomst) -> None:
    if not can_see(session, u, b):
        doel_nl, doel_en = DOELGROEPEN.get(b.doelgroep, (b.doelgroep, b.doelgroep))
        raise nw.forbidden(
            f"bijeenkomst {b.id} is niet voor u bedoeld (doelgroep: {doel_nl.lower()})",
            f"meeting {b.id} is not meant for you (audience: {doel_en.lower()})",
        )


# ------------------------------------------------------------------------------------------------------ loading


def _laad(session: Session, bijeenkomst_id: object, *, for_update: bool = False) -> Bijeenkomst:
    try:
        bid = int(bijeenkomst_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise _bijeenkomst_niet_gevonden(bijeenkomst_id) from None
    stmt = select(Bijeenkomst).where(Bijeenkomst.id == bid)
    if for_update:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        elif dialect == "sqlite":
            # a no-op write takes SQLite's write lock, so the counts read next cannot go stale
            session.execute(
                update(Bijeenkomst)
                .where(Bijeenkomst.id == bid)
                .values(versie=Bijeenkomst.versie)
                .execution_options(synchronize_session=False)
            )
    b = session.scalar(stmt)
    if b is None:
        raise _bijeenkomst_niet_gevonden(bijeenkomst_id)
    return b


def list_bijeenkomsten(
    session: Session,
    user: User | None,
    *,
    regio: str | None = None,
    komend: bool | None = None,
    nu: datetime | None = None,
) -> list[Bijeenkomst]:
    """The meetings the member may see, by start. ``regio``: only meetings of that region; ``komend`` True: not
    yet started, False: started or past."""
    u = nw.require_member(user)
    nu = (nu or nw.now()).astimezone(UTC)
    regio = nw.strip(regio)
    stmt = select(Bijeenkomst).order_by(Bijeenkomst.start, Bijeenkomst.id)
    if regio:
        stmt = stmt.where(Bijeenkomst.res_code == regio.strip().upper())
    if komend is True:
        stmt = stmt.where(Bijeenkomst.start >= nu)
    elif komend is False:
        stmt = stmt.where(Bijeenkomst.start < nu)
    cache: dict[str, str | None] = {}
    return [b for b in session.scalars(stmt) if _ziet(session, u, b, cache)]


def get_bijeenkomst(session: Session, user: User | None, bijeenkomst_id: int) -> Bijeenkomst:
    u = nw.require_member(user)
    b = _laad(session, bijeenkomst_id)
    _require_see(session, u, b)
    return b


# --------------------------------------------------------------------------------------------- create / update


def _url(f: nw.Fouten, veld: str, value: object, max_len: int) -> str | None:
    text = nw.text_field(f, veld, value, max_len=max_len, label=_lbl(veld))
    if text is not None and not text.lower().startswith(("http://", "https://")):
        nl, en = _lbl(veld)
        f.add(veld, f"{nl} moet beginnen met http:// of https://", f"{en} must start with http:// or https://")
        return None
    return text


def _velden(
    session: Session, f: nw.Fouten, data: Mapping[str, Any], *, standaard_regio: str | None = None
) -> dict[str, Any]:
    """The meeting's own fields from ``data`` (all of them; absent ones are None, the region
    ``standaard_regio``)."""
    v: dict[str, Any] = {
        "titel": nw.text_field(f, "titel", data.get("titel"), max_len=MAX_TITEL, required=True, label=_lbl("titel")),
        "omschrijving": nw.text_field(f, "omschrijving", data.get("omschrijving"), max_len=MAX_OMSCHRIJVING) or "",
        "start": nw.datetime_field(f, "start", data.get("start"), required=True, label=_lbl("start")),
        "eind": nw.datetime_field(f, "eind", data.get("eind"), required=True, label=_lbl("eind")),
        "locatie": nw.text_field(f, "locatie", data.get("locatie"), max_len=300, label=_lbl("locatie")),
        "online_url": _url(f, "online_url", data.get("online_url"), 500),
        "doelgroep": nw.choice(f, "doelgroep", data.get("doelgroep"), DOELGROEPEN, label=_lbl("doelgroep")),
        "res_code": nw.res_code_field(session, f, "res_code", data.get("res_code") or standaard_regio),
        "capaciteit": nw.int_field(
            f, "capaciteit", data.get("capaciteit"), lo=1, hi=MAX_CAPACITEIT, label=_lbl("capaciteit")
        ),
        "aanmelden_tot": nw.datetime_field(f, "aanmelden_tot", data.get("aanmelden_tot"), label=_lbl("aanmelden_tot")),
    }
    if v["start"] and v["eind"] and v["eind"] <= v["start"]:
        f.add("eind", "het einde moet na het begin liggen", "the end must lie after the start")
    if not v["locatie"] and not v["online_url"] and "locatie" not in {e["veld"] for e in f.items}:
        f.add(
            "locatie", "geef een locatie of een online-link (of allebei)", "give a location or an online link (or both)"
        )
    if v["doelgroep"] == "regio" and v["res_code"] is None and "res_code" not in {e["veld"] for e in f.items}:
        f.add(
            "res_code",
            "een bijeenkomst voor één regio heeft een regio nodig",
            "a meeting for one region needs a region",
        )
    if v["aanmelden_tot"] and v["start"] and v["aanmelden_tot"] > v["start"]:
        f.add(
            "aanmelden_tot",
            "aanmelden kan niet langer dan tot het begin van de bijeenkomst",
            "registration cannot stay open after the start of the meeting",
        )
    return v


def _onderdelen(
    session: Session, f: nw.Fouten, items: object, start: datetime | None, eind: datetime | None
) -> list[dict[str, Any]]:
    """The agenda items: every field checked, inside the meeting, workshops of one round overlapping in time and
    rounds not overlapping each other."""
    if items is None:
        return []
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        f.add("onderdelen", "onderdelen moet een lijst zijn", "onderdelen must be a list")
        return []
    if len(items) > MAX_ONDERDELEN:
        f.add(
            "onderdelen",
            f"te veel onderdelen ({len(items)}, maximaal {MAX_ONDERDELEN})",
            f"too many agenda items ({len(items)}, at most {MAX_ONDERDELEN})",
        )
        return []
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(items):
        p = f"onderdelen[{i}]"
        if not isinstance(raw, Mapping):
            f.add(p, f"onderdeel {i + 1} moet een object zijn", f"agenda item {i + 1} must be an object")
            continue
        sub = nw.Fouten()
        o: dict[str, Any] = {
            "soort": nw.choice(sub, "soort", raw.get("soort") or "plenair", ONDERDEEL_SOORTEN, label=_lbl("soort")),
            "titel": nw.text_field(
                sub, "titel", raw.get("titel"), max_len=MAX_TITEL, required=True, label=_lbl("titel")
            ),
            "omschrijving": nw.text_field(sub, "omschrijving", raw.get("omschrijving"), max_len=MAX_OMSCHRIJVING) or "",
            "start": nw.datetime_field(sub, "start", raw.get("start"), required=True, label=_lbl("start")),
            "eind": nw.datetime_field(sub, "eind", raw.get("eind"), required=True, label=_lbl("eind")),
            "ronde": nw.int_field(sub, "ronde", raw.get("ronde"), lo=1, hi=50, label=_lbl("ronde")),
            "zaal": nw.text_field(sub, "zaal", raw.get("zaal"), max_len=100, label=_lbl("zaal")),
            "begeleider": nw.text_field(
                sub, "begeleider", raw.get("begeleider"), max_len=200, label=_lbl("begeleider")
            ),
            "capaciteit": nw.int_field(
                sub, "capaciteit", raw.get("capaciteit"), lo=1, hi=MAX_CAPACITEIT, label=_lbl("capaciteit")
            ),
            "kennisitem_id": nw.int_field(
                sub, "kennisitem_id", raw.get("kennisitem_id"), lo=1, label=_lbl("kennisitem_id")
            ),
            "casus_id": nw.int_field(sub, "casus_id", raw.get("casus_id"), lo=1, label=_lbl("casus_id")),
            "id": raw.get("id"),
            "volgorde": i,
        }
        if o["start"] and o["eind"]:
            if o["eind"] <= o["start"]:
                sub.add("eind", "het einde moet na het begin liggen", "the end must lie after the start")
            elif start and eind and (o["start"] < start or o["eind"] > eind):
                sub.add(
                    "start",
                    "het onderdeel valt buiten de tijd van de bijeenkomst",
                    "the agenda item lies outside the time of the meeting",
                )
        if o["soort"] == "workshop":
            if o["ronde"] is None and not any(e["veld"] == "ronde" for e in sub.items):
                sub.add(
                    "ronde",
                    "een workshop hoort bij een ronde (parallelle workshops delen een ronde)",
                    "a workshop belongs to a round (parallel workshops share a round)",
                )
        else:
            o["ronde"] = None
            o["capaciteit"] = None
        if o["kennisitem_id"] is not None and session.get(Kennisitem, o["kennisitem_id"]) is None:
            sub.add(
                "kennisitem_id",
                f"kennisitem {o['kennisitem_id']} bestaat niet",
                f"knowledge item {o['kennisitem_id']} does not exist",
            )
        if o["casus_id"] is not None and session.get(Casus, o["casus_id"]) is None:
            sub.add("casus_id", f"casus {o['casus_id']} bestaat niet", f"case {o['casus_id']} does not exist")
        for e in sub.items:
            f.add(f"{p}.{e['veld']}", f"onderdeel {i + 1}: {e['nl']}", f"agenda item {i + 1}: {e['en']}")
        if not sub:
            out.append(o)
    if len(out) == len(items):
        rondes: dict[int, list[dict[str, Any]]] = {}
        for o in out:
            if o["ronde"] is not None:
                rondes.setdefault(o["ronde"], []).append(o)
        spans: list[tuple[int, datetime, datetime]] = []
        for ronde, ws in sorted(rondes.items()):
            if max(w["start"] for w in ws) >= min(w["eind"] for w in ws):
                f.add(
                    "onderdelen",
                    f"de workshops van ronde {ronde} lopen niet tegelijk; parallelle workshops "
                    "moeten elkaar in de tijd overlappen",
                    f"the workshops of round {ronde} do not run at the same time; parallel workshops must overlap "
                    "in time",
                )
            spans.append((ronde, min(w["start"] for w in ws), max(w["eind"] for w in ws)))
        for (r1, s1, e1), (r2, s2, e2) in zip(spans, spans[1:], strict=False):
            if s2 < e1 and s1 < e2:
                f.add(
                    "onderdelen",
                    f"ronde {r1} en ronde {r2} overlappen in de tijd; kies één ronde voor workshops die tegelijk lopen",
                    f"round {r1} and round {r2} overlap in time; use one round for workshops that run at the same time",
                )
    return out


def _check_create_scope(u: User, doelgroep: str | None, res_code: str | None) -> None:
    if u.rol == Role.ADMIN.value:
        return
    if u.rol != Role.COORDINATOR.value:
        raise nw.forbidden(
            "alleen beheerders en regiocoördinatoren organiseren bijeenkomsten",
            "only administrators and regional coordinators organise meetings",
        )
    if res_code is not None and res_code != u.res_code:
        raise nw.forbidden(
            f"u organiseert alleen bijeenkomsten voor uw eigen regio {u.res_code}, niet {res_code}",
            f"you only organise meetings for your own region {u.res_code}, not {res_code}",
        )


def _sync_onderdelen(session: Session, b: Bijeenkomst, items: list[dict[str, Any]]) -> bool:
    """Replace the agenda by ``items``; an item keeps its row (and its participants' choices) when it has the same
    ``id`` or, failing that, the same title. Returns whether anything calendar clients see changed."""
    bestaand = list(b.onderdelen)
    vrij = {o.id: o for o in bestaand}
    voor = sorted((o.titel, nw.aware(o.start), nw.aware(o.eind), o.zaal) for o in bestaand)
    matches: list[tuple[dict[str, Any], BijeenkomstOnderdeel | None]] = []
    for item in items:
        match = None
        try:
            oid = int(item["id"]) if item.get("id") not in (None, "") else None
        except (TypeError, ValueError):
            oid = None
        if oid is not None and oid in vrij:
            match = vrij.pop(oid)
        matches.append((item, match))
    for idx, (item, match) in enumerate(matches):
        if match is None:
            for oid, o in list(vrij.items()):
                if o.titel.casefold() == item["titel"].casefold():
                    matches[idx] = (item, vrij.pop(oid))
                    break
    weg = list(vrij.values())
    schrap = [o.id for o in weg]
    for item, o in matches:
        if o is not None and (item["soort"] != "workshop" or item["ronde"] != o.ronde) and o.soort == "workshop":
            schrap.append(o.id)
    if schrap:
        # through the registrations' collections (delete-orphan), so that loaded registrations stay consistent
        for k in list(session.scalars(select(Workshopkeuze).where(Workshopkeuze.onderdeel_id.in_(schrap)))):
            k.aanmelding.keuzes.remove(k)
    for o in weg:
        b.onderdelen.remove(o)
    velden = (
        "soort",
        "titel",
        "omschrijving",
        "start",
        "eind",
        "ronde",
        "zaal",
        "begeleider",
        "capaciteit",
        "kennisitem_id",
        "casus_id",
        "volgorde",
    )
    for item, o in matches:
        if o is None:
            o = BijeenkomstOnderdeel()
            b.onderdelen.append(o)
        for k in velden:
            setattr(o, k, item[k])
    session.flush()
    na = sorted((o.titel, nw.aware(o.start), nw.aware(o.eind), o.zaal) for o in b.onderdelen)
    return voor != na


def create_bijeenkomst(session: Session, user: User | None, data: Mapping[str, Any]) -> Bijeenkomst:
    """A new meeting with its agenda (see the module docstring for who may). The organiser is the user."""
    u = nw.require_member(user)
    if u.rol not in (Role.ADMIN.value, Role.COORDINATOR.value):
        _check_create_scope(u, None, None)
    f = nw.Fouten()
    v = _velden(session, f, data, standaard_regio=u.res_code if u.rol == Role.COORDINATOR.value else None)
    items = _onderdelen(session, f, data.get("onderdelen"), v["start"], v["eind"])
    f.raise_if_any("de bijeenkomst is niet opgeslagen", "the meeting was not saved")
    _check_create_scope(u, v["doelgroep"], v["res_code"])
    nu = nw.now()
    b = Bijeenkomst(**v, status="gepland", organisator_id=u.id, ical_sequence=0, versie=1, gemaakt=nu, gewijzigd=nu)
    session.add(b)
    session.flush()
    _sync_onderdelen(session, b, items)
    nw.audit(
        session,
        u,
        "maak",
        "bijeenkomst",
        b.id,
        res_code=b.res_code,
        doelgroep=b.doelgroep,
        onderdelen=len(items),
        velden=sorted(k for k in BIJEENKOMST_VELDEN if v.get(k) not in (None, "")),
    )
    return b


def update_bijeenkomst(
    session: Session,
    user: User | None,
    bijeenkomst_id: int,
    data: Mapping[str, Any],
    versie: object = None,
    *,
    mailer: netmail.Mailer | None = None,
) -> Bijeenkomst:
    """Change fields present in ``data`` (absent ones stay); ``onderdelen`` replaces the agenda (items matched by
    id or title keep their participants' choices). A larger capacity promotes from the waiting lists."""
    u = nw.require_member(user)
    b = _laad(session, bijeenkomst_id, for_update=True)
    _require_manage(session, u, b)
    nw.check_versie(b.versie, versie if versie is not None else data.get("versie"), "de bijeenkomst", "the meeting")
    if b.status != "gepland":
        raise nw.NetwerkError(
            f"bijeenkomst {b.id} is geannuleerd en kan niet meer worden gewijzigd",
            f"meeting {b.id} is cancelled and can no longer be changed",
            409,
        )
    huidig = {k: nw.aware(x) if isinstance(x := getattr(b, k), datetime) else x for k in BIJEENKOMST_VELDEN}
    samen = {**huidig, **{k: data[k] for k in BIJEENKOMST_VELDEN if k in data}}
    f = nw.Fouten()
    v = _velden(session, f, samen)
    items: list[dict[str, Any]] | None = None
    if "onderdelen" in data:
        items = _onderdelen(session, f, data.get("onderdelen"), v["start"], v["eind"])
    elif v["start"] and v["eind"]:
        for o in b.onderdelen:
            if nw.aware(o.start) < v["start"] or nw.aware(o.eind) > v["eind"]:
                f.add(
                    "start",
                    f"onderdeel \u201c{o.titel}\u201d valt dan buiten de bijeenkomst; pas ook de agenda aan",
                    f"agenda item \u201c{o.titel}\u201d would lie outside the meeting; change the agenda too",
                )
                break
    f.raise_if_any("de bijeenkomst is niet opgeslagen", "the meeting was not saved")
    if (v["doelgroep"], v["res_code"]) != (b.doelgroep, b.res_code) and not nw.is_admin(u):
        _check_create_scope(u, v["doelgroep"], v["res_code"])
    gewijzigd = [k for k in BIJEENKOMST_VELDEN if _anders(getattr(b, k), v[k])]
    zichtbaar = any(k in gewijzigd for k in ("titel", "start", "eind", "locatie", "online_url"))
    for k in gewijzigd:
        setattr(b, k, v[k])
    if items is not None:
        zichtbaar = _sync_onderdelen(session, b, items) or zichtbaar
        gewijzigd.append("onderdelen")
    if not gewijzigd:
        return b
    if zichtbaar:
        b.ical_sequence = (b.ical_sequence or 0) + 1
    b.versie = (b.versie or 1) + 1
    b.gewijzigd = nw.now()
    session.flush()
    if "titel" in gewijzigd or "omschrijving" in gewijzigd:
        # a retrospective's search text holds its meeting's title and description
        from warmteregio.services import kennis

        kennis.bulk_index(session, list(session.scalars(select(Kennisitem).where(Kennisitem.bijeenkomst_id == b.id))))
    promoted = _vul_aan(session, b, nw.now())
    _mail_promoties(session, b, promoted, mailer)
    nw.audit(
        session, u, "wijzig", "bijeenkomst", b.id, res_code=b.res_code, velden=gewijzigd, gepromoveerd=len(promoted)
    )
    return b


def _anders(oud: object, nieuw: object) -> bool:
    if isinstance(oud, datetime) and isinstance(nieuw, datetime):
        return nw.aware(oud) != nw.aware(nieuw)
    return (oud if oud != "" else None) != (nieuw if nieuw != "" else None)


def annuleer_bijeenkomst(
    session: Session, user: User | None, bijeenkomst_id: int, *, mailer: netmail.Mailer | None = None
) -> Bijeenkomst:
    """Cancel the meeting; everyone registered or waiting gets a cancellation (calendar CANCEL) when mail is on."""
    u = nw.require_member(user)
    b = _laad(session, bijeenkomst_id, for_update=True)
    _require_manage(session, u, b)
    if b.status != "gepland":
        raise nw.NetwerkError(f"bijeenkomst {b.id} is al geannuleerd", f"meeting {b.id} is already cancelled", 409)
    b.status = "geannuleerd"
    b.ical_sequence = (b.ical_sequence or 0) + 1
    b.versie = (b.versie or 1) + 1
    b.gewijzigd = nw.now()
    session.flush()
    regs = [a for a in _registraties(session, b) if a.status in ("aangemeld", "wachtlijst")]
    verzonden = 0
    m = mailer or netmail.mailer_uit_instellingen()
    if m is not None and regs:
        info = _info(b)
        users = _users(session, [a.user_id for a in regs])
        msgs = [
            netmail.annulering(info, aan=us.email, naam=us.naam, gebeurtenissen=_gebeurtenissen(b, a))
            for a in regs
            if (us := users.get(a.user_id)) is not None and us.actief
        ]
        verzonden = _verstuur_veilig(m, msgs)
    nw.audit(session, u, "wijzig", "bijeenkomst", b.id, res_code=b.res_code, status="geannuleerd", mails=verzonden)
    return b


# ------------------------------------------------------------------------------------------------ registration


def _registraties(session: Session, b: Bijeenkomst) -> list[Aanmelding]:
    """The registrations that hold or wait for a place, in waiting-list order."""
    regs = list(
        session.scalars(select(Aanmelding).where(Aanmelding.bijeenkomst_id == b.id, Aanmelding.status != "afgemeld"))
    )
    return sorted(regs, key=lambda a: (nw.aware(a.aangemeld_op), a.id))


def _vul_aan(session: Session, b: Bijeenkomst, nu: datetime) -> list[Promotie]:
    """Promote from the waiting lists while places are free (see the module docstring); the promoted rows."""
    if b.status != "gepland" or nu >= nw.aware(b.start):
        return []
    regs = _registraties(session, b)
    promoted: list[Promotie] = []
    vrij = None if b.capaciteit is None else b.capaciteit - sum(a.status == "aangemeld" for a in regs)
    for a in regs:
        if a.status == "wachtlijst" and (vrij is None or vrij > 0):
            a.status = "aangemeld"
            a.gewijzigd = nu
            promoted.append(a)
            if vrij is not None:
                vrij -= 1
    per_workshop: dict[int, list[Workshopkeuze]] = {}
    for a in regs:
        if a.status == "aangemeld":
            for k in a.keuzes:
                per_workshop.setdefault(k.onderdeel_id, []).append(k)
    for o in b.onderdelen:
        if o.soort != "workshop":
            continue
        ks = per_workshop.get(o.id, [])
        ruimte = None if o.capaciteit is None else o.capaciteit - sum(k.status == "ingedeeld" for k in ks)
        for k in sorted((k for k in ks if k.status == "wachtlijst"), key=lambda k: (nw.aware(k.gekozen_op), k.id)):
            if ruimte is not None and ruimte <= 0:
                break
            k.status = "ingedeeld"
            promoted.append(k)
            if ruimte is not None:
                ruimte -= 1
    if promoted:
        session.flush()
    return promoted


def _workshop_keuzes(session: Session, b: Bijeenkomst, workshops: Sequence[object]) -> dict[int, BijeenkomstOnderdeel]:
    """The chosen workshops by round; 400 for unknown ids, non-workshops and two workshops in one round."""
    per_id = {o.id: o for o in b.onderdelen if o.soort == "workshop"}
    f = nw.Fouten()
    gekozen: dict[int, BijeenkomstOnderdeel] = {}
    for raw in workshops or ():
        if raw in (None, ""):
            continue
        try:
            oid = int(raw)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            oid = None
        o = per_id.get(oid) if oid is not None else None
        if o is None:
            f.add(
                "workshops",
                f"{raw!r} is geen workshop van deze bijeenkomst",
                f"{raw!r} is not a workshop of this meeting",
            )
            continue
        ronde = o.ronde or 0
        if ronde in gekozen and gekozen[ronde].id != o.id:
            f.add(
                "workshops",
                f"kies één workshop per ronde (ronde {ronde}: \u201c{gekozen[ronde].titel}\u201d en "
                f"\u201c{o.titel}\u201d)",
                f"choose one workshop per round (round {ronde}: \u201c{gekozen[ronde].titel}\u201d and "
                f"\u201c{o.titel}\u201d)",
            )
            continue
        gekozen[ronde] = o
    f.raise_if_any()
    return gekozen


def aanmelden(
    session: Session,
    user: User | None,
    bijeenkomst_id: int,
    workshops: Sequence[int] = (),
    *,
    mailer: netmail.Mailer | None = None,
) -> Aanmelding:
    """Register the user (or change her workshop choices): ``aangemeld`` while places are free, otherwise on the
    waiting list; the same per workshop. At most one workshop per round. Freed workshop places go to the next in
    line (who gets an e-mail when mail is on)."""
    u = nw.require_member(user)
    b = _laad(session, bijeenkomst_id, for_update=True)
    _require_see(session, u, b)
    nu = nw.now()
    reden = _gesloten(b, nu)
    if reden is not None:
        raise nw.NetwerkError(
            f"aanmelden is niet (meer) mogelijk: {reden[0]}", f"registration is not possible: {reden[1]}", 409
        )
    gekozen = _workshop_keuzes(session, b, workshops)
    a = session.scalar(select(Aanmelding).where(Aanmelding.bijeenkomst_id == b.id, Aanmelding.user_id == u.id))
    nieuw = a is None or a.status == "afgemeld"
    if a is None:
        a = Aanmelding(bijeenkomst_id=b.id, user_id=u.id, status="wachtlijst", aangemeld_op=nu, gewijzigd=nu)
        session.add(a)
    elif a.status == "afgemeld":
        a.status = "wachtlijst"  # at the back of the queue; _vul_aan places it when there is room
        a.aangemeld_op = nu
        a.aanwezig = None
        a.herinnering_verzonden = None
        a.gewijzigd = nu
    session.flush()
    houden = {o.id for o in gekozen.values()}
    for k in list(a.keuzes):
        if k.onderdeel_id not in houden:
            a.keuzes.remove(k)  # frees the place (delete-orphan)
    al = {k.onderdeel_id for k in a.keuzes}
    for o in gekozen.values():
        if o.id not in al:
            a.keuzes.append(Workshopkeuze(onderdeel_id=o.id, status="wachtlijst", gekozen_op=nu))
    a.gewijzigd = nu
    session.flush()
    promoted = _vul_aan(session, b, nu)
    _mail_promoties(session, b, [p for p in promoted if _eigenaar(p) != a.id], mailer)
    nw.audit(
        session,
        u,
        "aanmeld",
        "bijeenkomst",
        b.id,
        res_code=b.res_code,
        nieuw=nieuw,
        status=a.status,
        workshops=sorted(houden),
    )
    return a


def _eigenaar(p: Promotie) -> int:
    return p.id if isinstance(p, Aanmelding) else p.aanmelding_id


def _afmelden(
    session: Session, actor: User | None, b: Bijeenkomst, a: Aanmelding, mailer: netmail.Mailer | None
) -> list[Promotie]:
    """Cancel registration ``a`` (no permission check) and serve the waiting lists."""
    nu = nw.now()
    a.status = "afgemeld"
    a.gewijzigd = nu
    a.keuzes.clear()
    session.flush()
    promoted = _vul_aan(session, b, nu)
    _mail_promoties(session, b, promoted, mailer)
    nw.audit(
        session, actor, "afmeld", "bijeenkomst", b.id, res_code=b.res_code, aanmelding=a.id, gepromoveerd=len(promoted)
    )
    return promoted


def afmelden(
    session: Session,
    user: User | None,
    bijeenkomst_id: int,
    *,
    user_id: int | None = None,
    mailer: netmail.Mailer | None = None,
) -> list[Promotie]:
    """Cancel the user's registration (a manager may cancel someone else's: ``user_id``) until the meeting
    starts. Returns who was promoted from the waiting lists (registrations and workshop choices)."""
    u = nw.require_member(user)
    b = _laad(session, bijeenkomst_id, for_update=True)
    doel = u.id if user_id is None else nw.as_id(user_id, "gebruiker", "user")
    if doel != u.id:
        _require_manage(session, u, b)
    else:
        _require_see(session, u, b)
    a = session.scalar(select(Aanmelding).where(Aanmelding.bijeenkomst_id == b.id, Aanmelding.user_id == doel))
    if a is None or a.status == "afgemeld":
        raise nw.NetwerkError("er is geen aanmelding om af te melden", "there is no registration to cancel", 404)
    if nw.now() >= nw.aware(b.start):
        raise nw.NetwerkError(
            "de bijeenkomst is al begonnen; afmelden kan niet meer",
            "the meeting has already started; cancelling is no longer possible",
            409,
        )
    return _afmelden(session, u, b, a, mailer)


def mijn_aanmelding(session: Session, user: User | None, bijeenkomst_id: int) -> Aanmelding | None:
    """The user's registration (also when ``afgemeld``), or None."""
    u = nw.require_member(user)
    bid = nw.as_id(bijeenkomst_id, "bijeenkomst", "meeting")
    return session.scalar(select(Aanmelding).where(Aanmelding.bijeenkomst_id == bid, Aanmelding.user_id == u.id))


def wachtlijst_positie(session: Session, a: Aanmelding) -> int | None:
    """The place of registration ``a`` on the meeting's waiting list (1 = next), None when not waiting."""
    if a.status != "wachtlijst":
        return None
    wachtend = [x for x in _registraties(session, _laad(session, a.bijeenkomst_id)) if x.status == "wachtlijst"]
    return next((i for i, x in enumerate(wachtend, start=1) if x.id == a.id), None)


def workshop_posities(session: Session, a: Aanmelding) -> dict[int, int]:
    """onderdeel id -> place of registration ``a`` on that workshop's waiting list (1 = next), for the workshops
    she waits for. Only registered participants queue for a workshop (see the module docstring): a registration
    on the meeting's own waiting list has no workshop places yet."""
    wachtend = {k.onderdeel_id for k in a.keuzes if k.status == "wachtlijst"}
    if a.status != "aangemeld" or not wachtend:
        return {}
    rows = session.execute(
        select(Workshopkeuze.onderdeel_id, Workshopkeuze.aanmelding_id)
        .join(Aanmelding, Aanmelding.id == Workshopkeuze.aanmelding_id)
        .where(Workshopkeuze.onderdeel_id.in_(wachtend), Workshopkeuze.status == "wachtlijst",
               Aanmelding.status == "aangemeld")
        .order_by(Workshopkeuze.onderdeel_id, Workshopkeuze.gekozen_op, Workshopkeuze.id)
    ).all()  # fmt: skip
    out: dict[int, int] = {}
    teller: dict[int, int] = {}
    for oid, aid in rows:
        teller[oid] = teller.get(oid, 0) + 1
        if aid == a.id:
            out[oid] = teller[oid]
    return out


def bezetting(session: Session, b: Bijeenkomst) -> Bezetting:
    """Occupancy of the meeting and its workshops."""
    regs = _registraties(session, b)
    aangemeld = [a for a in regs if a.status == "aangemeld"]
    n = len(aangemeld)
    ws: dict[int, WorkshopBezetting] = {}
    for o in b.onderdelen:
        if o.soort != "workshop":
            continue
        ks = [k for a in aangemeld for k in a.keuzes if k.onderdeel_id == o.id]
        ing = sum(k.status == "ingedeeld" for k in ks)
        ws[o.id] = WorkshopBezetting(
            ing, len(ks) - ing, o.capaciteit, None if o.capaciteit is None else max(o.capaciteit - ing, 0)
        )
    return Bezetting(n, len(regs) - n, b.capaciteit, None if b.capaciteit is None else max(b.capaciteit - n, 0), ws)


def _users(session: Session, ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(set(ids))))}


def deelnemers(session: Session, user: User | None, bijeenkomst_id: int) -> list[DeelnemerRij]:
    """Registered participants then the waiting list (in order); for managers only."""
    b = _laad(session, bijeenkomst_id)
    _require_manage(session, user, b)
    regs = _registraties(session, b)
    users = _users(session, [a.user_id for a in regs])
    orgs = dict(
        session.execute(
            select(NetwerkPersoon.user_id, NetwerkOrganisatie.naam)
            .join(NetwerkOrganisatie, NetwerkOrganisatie.id == NetwerkPersoon.organisatie_id)
            .where(NetwerkPersoon.user_id.in_([a.user_id for a in regs] or [-1]))
        ).all()
    )
    titels = {o.id: o.titel for o in b.onderdelen}
    rijen: list[DeelnemerRij] = []
    positie = 0
    for a in sorted(regs, key=lambda a: a.status != "aangemeld"):
        us = users.get(a.user_id)
        if a.status == "wachtlijst":
            positie += 1
        rijen.append(
            DeelnemerRij(
                aanmelding_id=a.id,
                user_id=a.user_id,
                naam=us.naam if us else "?",
                email=us.email if us else "",
                organisatie=orgs.get(a.user_id),
                status=a.status,
                positie=positie if a.status == "wachtlijst" else None,
                workshops=[
                    (k.onderdeel_id, titels.get(k.onderdeel_id, "?"), k.status)
                    for k in sorted(a.keuzes, key=lambda k: k.onderdeel_id)
                ],
                aanwezig=a.aanwezig,
                keuze_volgorde={k.onderdeel_id: (nw.aware(k.gekozen_op), k.id) for k in a.keuzes},
            )
        )
    return rijen


def registreer_aanwezigheid(
    session: Session, user: User | None, bijeenkomst_id: int, aanwezig: Mapping[int, bool]
) -> int:
    """Record attendance (user id -> present) once the meeting has started; the number of registrations
    recorded. Unknown users refuse the whole list."""
    b = _laad(session, bijeenkomst_id)
    u = _require_manage(session, user, b)
    if b.status != "gepland":
        raise nw.NetwerkError("de bijeenkomst is geannuleerd", "the meeting is cancelled", 409)
    if nw.now() < nw.aware(b.start):
        raise nw.NetwerkError(
            "aanwezigheid registreren kan pas vanaf het begin van de bijeenkomst",
            "attendance can only be recorded from the start of the meeting",
            409,
        )
    per_user = {a.user_id: a for a in _registraties(session, b)}
    f = nw.Fouten()
    wijzig: list[tuple[Aanmelding, bool]] = []
    for raw_id, waarde in aanwezig.items():
        try:
            uid = int(raw_id)
        except (TypeError, ValueError):
            uid = None
        a = per_user.get(uid) if uid is not None else None
        if a is None:
            f.add(
                "aanwezig",
                f"gebruiker {raw_id} is niet aangemeld voor deze bijeenkomst",
                f"user {raw_id} is not registered for this meeting",
            )
            continue
        wijzig.append((a, bool(waarde)))
    f.raise_if_any()
    for a, waarde in wijzig:
        a.aanwezig = waarde
        a.gewijzigd = nw.now()
    session.flush()
    nw.audit(
        session,
        u,
        "wijzig",
        "aanwezigheid",
        b.id,
        res_code=b.res_code,
        aantal=len(wijzig),
        aanwezig=sum(w for _, w in wijzig),
    )
    return len(wijzig)


# -------------------------------------------------------------------------------------------------- calendar


def _link(b: Bijeenkomst) -> str:
    return f"{get_settings().public_url.rstrip('/')}/bijeenkomsten/{b.id}"


def _organisator() -> str | None:
    return parseaddr(get_settings().mail_from)[1] or None


def _gebeurtenissen(b: Bijeenkomst, a: Aanmelding | None = None) -> list[Gebeurtenis]:
    """The meeting's calendar entry plus the entries of the workshops registration ``a`` is placed in."""
    status = "CANCELLED" if b.status == "geannuleerd" else "CONFIRMED"
    link = _link(b)
    agenda = [f"{nw.aware(o.start).astimezone(netmail.TZ):%H:%M} {o.titel}" for o in b.onderdelen]
    beschrijving = "\n".join([b.omschrijving or "", *(["", "Agenda:", *agenda] if agenda else []), "", link]).strip()
    gewijzigd = nw.aware(b.gewijzigd) if b.gewijzigd else None
    org = _organisator()
    uit = [
        Gebeurtenis(
            uid=f"bijeenkomst-{b.id}@warmteregio",
            titel=b.titel,
            start=nw.aware(b.start),
            eind=nw.aware(b.eind),
            beschrijving=beschrijving,
            locatie=b.locatie or b.online_url,
            url=link,
            sequence=b.ical_sequence or 0,
            status=status,
            organisator=org,
            gewijzigd=gewijzigd,
        )
    ]
    if a is not None:
        titels = {o.id: o for o in b.onderdelen}
        for k in sorted(a.keuzes, key=lambda k: k.onderdeel_id):
            o = titels.get(k.onderdeel_id)
            if o is None or k.status != "ingedeeld":
                continue
            plek = ", ".join(p for p in (o.zaal, b.locatie or b.online_url) if p) or None
            uit.append(
                Gebeurtenis(
                    uid=f"onderdeel-{o.id}@warmteregio",
                    titel=f"{b.titel}: {o.titel}",
                    start=nw.aware(o.start),
                    eind=nw.aware(o.eind),
                    beschrijving="\n".join(
                        p for p in (o.omschrijving, o.begeleider and f"Begeleider: {o.begeleider}", link) if p
                    ),
                    locatie=plek,
                    url=link,
                    sequence=b.ical_sequence or 0,
                    status=status,
                    organisator=org,
                    gewijzigd=gewijzigd,
                )
            )
    return uit


def ical_bijeenkomst(session: Session, user: User | None, bijeenkomst_id: int) -> str:
    """The meeting as iCalendar (with the user's placed workshops)."""
    b = get_bijeenkomst(session, user, bijeenkomst_id)
    u = nw.require_member(user)
    a = session.scalar(
        select(Aanmelding).where(
            Aanmelding.bijeenkomst_id == b.id, Aanmelding.user_id == u.id, Aanmelding.status == "aangemeld"
        )
    )
    return kalender(_gebeurtenissen(b, a), naam=b.titel)


def ical_mijn_agenda(session: Session, user: User | None) -> str:
    """The user's calendar: every meeting she is registered for (cancelled ones as CANCELLED), with workshops."""
    u = nw.require_member(user)
    rows = session.execute(
        select(Aanmelding, Bijeenkomst)
        .join(Bijeenkomst, Bijeenkomst.id == Aanmelding.bijeenkomst_id)
        .where(Aanmelding.user_id == u.id, Aanmelding.status == "aangemeld")
        .order_by(Bijeenkomst.start)
    ).all()
    events: list[Gebeurtenis] = []
    for a, b in rows:
        events.extend(_gebeurtenissen(b, a))
    return kalender(events, naam="warmteregio: mijn bijeenkomsten")


# ------------------------------------------------------------------------------------------------------ e-mail


def _info(b: Bijeenkomst, a: Aanmelding | None = None) -> netmail.Bijeenkomstinfo:
    workshops: tuple[tuple[str, str, str], ...] = ()
    if a is not None:
        titels = {o.id: o.titel for o in b.onderdelen}
        workshops = tuple(
            (titels.get(k.onderdeel_id, "?"), *KEUZE_STATUSES[k.status])
            for k in sorted(a.keuzes, key=lambda k: k.onderdeel_id)
        )
    return netmail.Bijeenkomstinfo(
        titel=b.titel,
        start=nw.aware(b.start),
        eind=nw.aware(b.eind),
        locatie=b.locatie,
        online_url=b.online_url,
        link=_link(b),
        omschrijving=b.omschrijving or "",
        aanmelden_tot=nw.aware(b.aanmelden_tot) if b.aanmelden_tot else None,
        workshops=workshops,
    )


def _verstuur_veilig(m: netmail.Mailer, msgs: Sequence[EmailMessage]) -> int:
    """Send where a failure must not undo the change that caused the mail: log it and carry on."""
    try:
        return m.send(msgs)
    except netmail.MailFout as exc:
        log.warning("e-mail niet verzonden / e-mail not sent: %s", exc.en)
        return exc.verzonden


def _mail_promoties(
    session: Session, b: Bijeenkomst, promoted: Sequence[Promotie], mailer: netmail.Mailer | None
) -> int:
    """One "off the waiting list" e-mail per promoted registration (when mail is on)."""
    if not promoted:
        return 0
    m = mailer or netmail.mailer_uit_instellingen()
    if m is None:
        return 0
    per: dict[int, tuple[bool, list[str]]] = {}
    titels = {o.id: o.titel for o in b.onderdelen}
    for p in promoted:
        ws = per.setdefault(_eigenaar(p), (False, []))[1]
        if isinstance(p, Aanmelding):
            per[p.id] = (True, ws)
        else:
            ws.append(titels.get(p.onderdeel_id, "?"))
    regs = {a.id: a for a in session.scalars(select(Aanmelding).where(Aanmelding.id.in_(list(per))))}
    users = _users(session, [a.user_id for a in regs.values()])
    msgs = []
    for aid, (hele, ws) in per.items():
        a = regs.get(aid)
        us = users.get(a.user_id) if a is not None else None
        if a is None or us is None or not us.actief or a.status != "aangemeld":
            continue
        msgs.append(
            netmail.van_wachtlijst(
                _info(b, a),
                aan=us.email,
                naam=us.naam,
                bijeenkomst=hele,
                workshops=ws,
                gebeurtenissen=_gebeurtenissen(b, a),
            )
        )
    return _verstuur_veilig(m, msgs) if msgs else 0


def _mailer_verplicht(mailer: netmail.Mailer | None) -> netmail.Mailer:
    m = mailer or netmail.mailer_uit_instellingen()
    if m is None:
        raise nw.NetwerkError(
            "e-mail staat uit: er is geen SMTP-server ingesteld (WARMTEREGIO_SMTP_HOST)",
            "e-mail is off: no SMTP server is configured (WARMTEREGIO_SMTP_HOST)",
            409,
        )
    return m


def _doelgroep_users(session: Session, b: Bijeenkomst) -> list[User]:
    """Active users in the meeting's audience: all members; administrators and coordinators; or the region's
    members (coordinators of the region, gemeente users of its gemeenten, people with a profile there)."""
    stmt = select(User).where(User.actief.is_(True)).order_by(User.id)
    if b.doelgroep == "coordinatoren":
        stmt = stmt.where(User.rol.in_((Role.ADMIN.value, Role.COORDINATOR.value)))
    elif b.doelgroep == "regio":
        gemeenten = select(Gemeente.code).where(Gemeente.res_code == b.res_code)
        profielen = select(NetwerkPersoon.user_id).where(
            NetwerkPersoon.res_code == b.res_code, NetwerkPersoon.user_id.is_not(None)
        )
        stmt = stmt.where(
            ((User.rol == Role.COORDINATOR.value) & (User.res_code == b.res_code))
            | ((User.rol == Role.GEMEENTE.value) & User.gemeente_code.in_(gemeenten))
            | (User.id.in_(profielen) & (User.rol != Role.ADMIN.value))
        )
    return [u for u in session.scalars(stmt) if _ziet(session, u, b, {})]


def verstuur_uitnodigingen(
    session: Session, user: User | None, bijeenkomst_id: int, *, mailer: netmail.Mailer | None = None
) -> int:
    """Invite every active user in the audience who has not registered yet (calendar entry attached); the number
    of e-mails accepted by the server. 409 when mail is off, the meeting is cancelled or has started."""
    b = _laad(session, bijeenkomst_id)
    u = _require_manage(session, user, b)
    reden = _gesloten(b, nw.now())
    if reden is not None:
        raise nw.NetwerkError(f"uitnodigen heeft geen zin: {reden[0]}", f"inviting makes no sense: {reden[1]}", 409)
    m = _mailer_verplicht(mailer)
    al = {a.user_id for a in _registraties(session, b)}
    info = _info(b)
    events = _gebeurtenissen(b)
    msgs = [
        netmail.uitnodiging(info, aan=x.email, naam=x.naam, gebeurtenissen=events)
        for x in _doelgroep_users(session, b)
        if x.id not in al
    ]
    try:
        verzonden = m.send(msgs)
    except netmail.MailFout as exc:
        raise nw.NetwerkError(exc.nl, exc.en, 502) from exc
    b.uitnodiging_verzonden = nw.now()
    session.flush()
    nw.audit(session, u, "mail", "bijeenkomst", b.id, res_code=b.res_code, soort="uitnodiging", aantal=verzonden)
    return verzonden


def verstuur_herinneringen(
    session: Session,
    *,
    dagen: int = HERINNERING_DAGEN,
    nu: datetime | None = None,
    mailer: netmail.Mailer | None = None,
) -> int:
    """Remind everyone registered (``aangemeld``) for a planned meeting starting within ``dagen`` days who has
    not been reminded yet; the number of e-mails accepted. Each registration is reminded once. 409 when mail is
    off."""
    m = _mailer_verplicht(mailer)
    nu = (nu or nw.now()).astimezone(UTC)
    rows = session.execute(
        select(Aanmelding, Bijeenkomst)
        .join(Bijeenkomst, Bijeenkomst.id == Aanmelding.bijeenkomst_id)
        .where(
            Aanmelding.status == "aangemeld",
            Aanmelding.herinnering_verzonden.is_(None),
            Bijeenkomst.status == "gepland",
            Bijeenkomst.start > nu,
            Bijeenkomst.start <= nu + timedelta(days=dagen),
        )
        .order_by(Bijeenkomst.start, Aanmelding.id)
    ).all()
    users = _users(session, [a.user_id for a, _ in rows])
    msgs: list[EmailMessage] = []
    gedaan: list[Aanmelding] = []
    for a, b in rows:
        us = users.get(a.user_id)
        if us is None or not us.actief:
            continue
        msgs.append(netmail.herinnering(_info(b, a), aan=us.email, naam=us.naam, gebeurtenissen=_gebeurtenissen(b, a)))
        gedaan.append(a)
    if not msgs:
        return 0
    try:
        verzonden = m.send(msgs)
    except netmail.MailFout as exc:
        raise nw.NetwerkError(exc.nl, exc.en, 502) from exc
    for a in gedaan:
        a.herinnering_verzonden = nu
    session.flush()
    nw.audit(
        session, None, "mail", "herinnering", None, aantal=verzonden, bijeenkomsten=sorted({b.id for _, b in rows})
    )
    return verzonden
