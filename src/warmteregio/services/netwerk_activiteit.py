"""The activity overview of a region: what is going on in the network there.

:func:`overzicht` gathers, for members, the upcoming meetings the user may see (the region's own and the national
ones), knowledge published in the region in the last 90 days that the user may read, the open questions of the
region the user may see, the state of the warmteprogramma per gemeente (from the workbench, the versions the user
may read), the response to the latest open questionnaire and, for those who manage the region, its latest changes.
:func:`landelijk_overzicht` counts the same per region for the national hub. Every list respects the visibility
rules of its own module (:mod:`~warmteregio.services.bijeenkomsten`, :mod:`~warmteregio.services.kennis`,
:mod:`~warmteregio.services.programma`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, normalise_rescode
from warmteregio.programme.regels import load_rules
from warmteregio.services import bijeenkomsten, kennis, programma
from warmteregio.services.netwerk import (
    NetwerkError,
    audit_log,
    aware,
    can_manage_region,
    not_found,
    now,
    require_member,
)
from warmteregio.store.models import (
    AuditRegel,
    Bijeenkomst,
    Gemeente,
    Kennisitem,
    NetwerkPersoon,
    ResRegio,
    User,
    Vraag,
    Vragenlijst,
    VragenlijstInzending,
)

MAX_ITEMS = 10
NIEUW_DAGEN = 90


@dataclass
class Activiteit:
    """The activity overview of region ``res_code`` (see the module docstring). ``programmas``: one dict per
    gemeente (``gemeente_code``, ``naam``, ``programma_id``/``id``, ``volgnummer``, ``status`` (None = no
    programme), ``vastgesteld_op``, ``actualisatie_uiterlijk``, ``deadline``), empty when the region has none;
    ``vragenlijst``: ``id``, ``titel``, ``jaar``, ``open_tot``, ``ingevuld`` (gemeenten that answered),
    ``gemeenten``/``totaal`` (gemeenten in the region), ``regio_ingevuld``; None without an open questionnaire."""

    res_code: str
    naam: str
    komende_bijeenkomsten: list[Bijeenkomst] = field(default_factory=list)
    nieuwe_kennis: list[Kennisitem] = field(default_factory=list)
    open_vragen: list[Vraag] = field(default_factory=list)
    programmas: list[dict[str, Any]] = field(default_factory=list)
    vragenlijst: dict[str, Any] | None = None
    wijzigingen: list[AuditRegel] = field(default_factory=list)
    #: who is who: the region's coordinators and national account holders (directory profiles), and the contacts
    #: per gemeente code (``rol`` contact), by name
    kernteam: list[NetwerkPersoon] = field(default_factory=list)
    contacten: dict[str, list[NetwerkPersoon]] = field(default_factory=dict)


def _regio(session: Session, res_code: str) -> ResRegio:
    try:
        code = normalise_rescode(res_code)
    except CodeError as exc:
        raise NetwerkError(exc.nl, exc.en, 400, veld="res_code") from None
    regio = session.get(ResRegio, code)
    if regio is None:
        raise not_found("regio", "region", code)
    return regio


def _komend(session: Session, user: User, nu: datetime) -> list[Bijeenkomst]:
    """Upcoming meetings the user may see (not cancelled), by start."""
    items = bijeenkomsten.list_bijeenkomsten(session, user, komend=True, nu=nu)
    return [b for b in items if b.status != "geannuleerd" and aware(b.start) >= nu]


def _nieuwe_kennis(session: Session, user: User, nu: datetime) -> list[ColumnElement[bool]]:
    """Conditions: readable by the user, published in the last :data:`NIEUW_DAGEN` days."""
    return [
        kennis.leesbaar_filter(session, user),
        Kennisitem.status == "gepubliceerd",
        Kennisitem.gepubliceerd_op.is_not(None),
        Kennisitem.gepubliceerd_op >= nu - timedelta(days=NIEUW_DAGEN),
    ]


def _gemeenten(session: Session, res_code: str) -> list[Gemeente]:
    """The gemeenten of the region's newest division, by name."""
    jaar = session.scalar(select(func.max(Gemeente.jaar)).where(Gemeente.res_code == res_code))
    if jaar is None:
        return []
    return list(session.scalars(select(Gemeente).where(Gemeente.res_code == res_code, Gemeente.jaar == jaar)
                                .order_by(Gemeente.naam, Gemeente.code)))  # fmt: skip


def _programmas(session: Session, user: User, res_code: str, gemeenten: list[Gemeente]) -> list[dict[str, Any]]:
    infos = programma.list_programmas(session, user, regio=res_code)
    if not infos:
        return []
    deadline = load_rules().eerste_vaststelling_uiterlijk
    per_gm: dict[str, list[programma.ProgrammaInfo]] = {}
    for i in infos:  # newest version first per gemeente
        per_gm.setdefault(i.gemeente_code, []).append(i)
    rows = []
    for g in gemeenten:
        versies = per_gm.get(g.code, [])
        laatste = versies[0] if versies else None
        vastgesteld = next((i for i in versies if i.status == "vastgesteld"), None)
        rows.append({
            "gemeente_code": g.code, "naam": g.naam,
            "programma_id": laatste.id if laatste else None, "id": laatste.id if laatste else None,
            "volgnummer": laatste.volgnummer if laatste else None, "titel": laatste.titel if laatste else None,
            "status": laatste.status if laatste else None,
            "vastgesteld_op": vastgesteld.vastgesteld_op if vastgesteld else None,
            "actualisatie_uiterlijk": vastgesteld.actualisatie_uiterlijk if vastgesteld else None,
            "deadline": deadline,
        })  # fmt: skip
    return rows


def _vragenlijst(session: Session, res_code: str, gemeenten: list[Gemeente]) -> dict[str, Any] | None:
    vl = session.scalar(select(Vragenlijst).where(Vragenlijst.status == "open")
                        .order_by(Vragenlijst.jaar.desc(), Vragenlijst.id.desc()).limit(1))  # fmt: skip
    if vl is None:
        return None
    respondenten = set(session.scalars(select(VragenlijstInzending.respondent).where(
        VragenlijstInzending.vragenlijst_id == vl.id, VragenlijstInzending.res_code == res_code)))  # fmt: skip
    codes = {g.code for g in gemeenten}
    return {
        "id": vl.id, "titel": vl.titel, "jaar": vl.jaar, "open_tot": vl.open_tot,
        "ingevuld": len(respondenten & codes), "gemeenten": len(codes), "totaal": len(codes),
        "regio_ingevuld": res_code in respondenten,
    }  # fmt: skip


def _wie_is_wie(session: Session, res_code: str, gemeenten: list[Gemeente]) -> tuple[
    list[NetwerkPersoon], dict[str, list[NetwerkPersoon]]
]:  # fmt: skip
    """The region's coordinators and account holders, and the gemeente contacts (directory profiles)."""
    kern = list(session.scalars(select(NetwerkPersoon).where(
        NetwerkPersoon.res_code == res_code, NetwerkPersoon.rol.in_(("coordinator", "accounthouder"))
    ).order_by(NetwerkPersoon.rol.desc(), NetwerkPersoon.naam)))  # fmt: skip
    codes = [g.code for g in gemeenten]
    contacten: dict[str, list[NetwerkPersoon]] = {}
    if codes:
        for p in session.scalars(select(NetwerkPersoon).where(NetwerkPersoon.rol == "contact",
                                                              NetwerkPersoon.gemeente_code.in_(codes))
                                 .order_by(NetwerkPersoon.naam)):  # fmt: skip
            contacten.setdefault(p.gemeente_code, []).append(p)
    return kern, contacten


def overzicht(session: Session, user: User | None, res_code: str, *, nu: datetime | None = None) -> Activiteit:
    """The activity overview of a region for a member (401 anonymous, 404 unknown region)."""
    u = require_member(user)
    regio = _regio(session, res_code)
    res = regio.code
    nu = aware(nu).astimezone(UTC) if nu is not None else now()  # UTC: SQLite compares wall-clock text
    komend = [b for b in _komend(session, u, nu) if b.res_code in (res, None)][:MAX_ITEMS]
    nieuw = list(session.scalars(select(Kennisitem).where(*_nieuwe_kennis(session, u, nu), Kennisitem.res_code == res)
                                 .order_by(Kennisitem.gepubliceerd_op.desc(), Kennisitem.id.desc())
                                 .limit(MAX_ITEMS)))  # fmt: skip
    vragen = kennis.list_vragen(session, u, status="open", regio=res)[:MAX_ITEMS]
    gemeenten = _gemeenten(session, res)
    kern, contacten = _wie_is_wie(session, res, gemeenten)
    return Activiteit(
        res_code=res, naam=regio.naam, komende_bijeenkomsten=komend, nieuwe_kennis=nieuw, open_vragen=vragen,
        programmas=_programmas(session, u, res, gemeenten), vragenlijst=_vragenlijst(session, res, gemeenten),
        wijzigingen=audit_log(session, u, res_code=res, limit=MAX_ITEMS) if can_manage_region(u, res) else [],
        kernteam=kern, contacten=contacten,
    )  # fmt: skip


def landelijk_overzicht(session: Session, user: User | None, *, nu: datetime | None = None) -> list[dict[str, Any]]:
    """Per region (by code) for members: ``res_code``, ``naam``, ``bijeenkomsten`` (upcoming meetings of that
    region the user may see; national meetings are not counted per region), ``kennis`` (readable items of the
    region published in the last 90 days) and ``vragen`` (open questions of the region the user may see)."""
    u = require_member(user)
    nu = aware(nu).astimezone(UTC) if nu is not None else now()  # UTC: SQLite compares wall-clock text
    meetings: dict[str, int] = {}
    for b in _komend(session, u, nu):
        if b.res_code:
            meetings[b.res_code] = meetings.get(b.res_code, 0) + 1
    items = dict(session.execute(select(Kennisitem.res_code, func.count(Kennisitem.id))
                                 .where(*_nieuwe_kennis(session, u, nu), Kennisitem.res_code.is_not(None))
                                 .group_by(Kennisitem.res_code)).all())  # fmt: skip
    vragen: dict[str, int] = {}
    for v in kennis.list_vragen(session, u, status="open"):
        if v.res_code:
            vragen[v.res_code] = vragen.get(v.res_code, 0) + 1
    return [
        {
            "res_code": r.code,
            "naam": r.naam,
            "bijeenkomsten": meetings.get(r.code, 0),
            "kennis": int(items.get(r.code, 0)),
            "vragen": vragen.get(r.code, 0),
        }  # fmt: skip
        for r in session.scalars(select(ResRegio).order_by(ResRegio.code))
    ]
