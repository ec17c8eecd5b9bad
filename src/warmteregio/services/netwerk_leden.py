"""The directory of the regional network: organisations and people, the member import and export, and a person's
data export and erasure on request.

**Personal data is minimised**: a person has a name, a function, an organisation, a role in the network, a region
and gemeente, a work e-mail, optionally a work phone and expertise tags; nothing else. The directory is for
logged-in members only.

**Who** (see :mod:`warmteregio.services.netwerk`):

* Read: members.
* Create people and organisations, import members: administrators and coordinators; a coordinator only adds and
  changes people of her own region (a person she creates without a region gets hers). Organisations: a coordinator
  changes those without a region or of her own region.
* A profile is edited, exported and erased by administrators, the coordinator of the person's region and the
  person herself (the user linked to the profile). The person herself cannot change her role, region or gemeente.
* A profile is linked to a login automatically when an active user has the profile's e-mail address.

**Erasure** (:func:`wis_persoon`) deletes the profile; when a login is linked it also cancels the registrations for
meetings that have not started (serving the waiting lists), anonymises the login (name "Verwijderd lid", an
``.invalid`` address, inactive, unusable password; past registrations, questions and answers stay tied to the
anonymised login) and removes the name (the profile's and the login's) as author of knowledge items, from under
the person's best answers in question-and-answer items and as facilitator of agenda items, search index included.
The audit entry holds counts only.

Functions flush and never commit; the caller commits (or rolls back on an error).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import EMAIL_RE, gemeente_region
from warmteregio.domain.enums import Role
from warmteregio.network import search
from warmteregio.network.model import ORGANISATIE_SOORTEN, PERSOON_ROLLEN
from warmteregio.services import netwerk as nw
from warmteregio.store.models import (
    Aanmelding,
    Antwoord,
    Bijeenkomst,
    BijeenkomstOnderdeel,
    Gemeente,
    Kennisitem,
    NetwerkOrganisatie,
    NetwerkPersoon,
    User,
    Vraag,
    VragenlijstInzending,
)

MAX_NAAM = 200
MAX_FUNCTIE = 200
MAX_TELEFOON = 40
MAX_EXPERTISE = 20
TELEFOON_RE = re.compile(r"^\+?[0-9][0-9 ()./\-]{4,38}$")
#: columns of the member import and export (``expertise`` separated by ``|``)
KOLOMMEN: tuple[str, ...] = (
    "naam",
    "email",
    "functie",
    "organisatie",
    "organisatie_soort",
    "rol",
    "regio",
    "gemeente",
    "telefoon",
    "expertise",
)
#: import column -> data key of :func:`create_persoon`
KOLOM_VELD = {"regio": "res_code", "gemeente": "gemeente_code"}
VELDEN: dict[str, tuple[str, str]] = {
    "naam": ("naam", "name"),
    "functie": ("functie", "function"),
    "organisatie": ("organisatie", "organisation"),
    "organisatie_id": ("organisatie", "organisation"),
    "organisatie_soort": ("soort organisatie", "kind of organisation"),
    "soort": ("soort", "kind"),
    "rol": ("rol", "role"),
    "res_code": ("regio", "region"),
    "gemeente_code": ("gemeente", "gemeente"),
    "email": ("e-mailadres", "e-mail address"),
    "telefoon": ("telefoon", "phone"),
    "expertise": ("expertise", "expertise"),
    "website": ("website", "website"),
}
ANONIEM_NAAM = "Verwijderd lid"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _lbl(veld: str) -> tuple[str, str]:
    return VELDEN.get(veld, (veld, veld))


def _velden_gegeven(f: nw.Fouten) -> set[str]:
    return {e["veld"] for e in f.items}


# ------------------------------------------------------------------------------------------------ permissions


def _require_editor(user: User | None) -> User:
    u = nw.require_member(user)
    if u.rol not in (Role.ADMIN.value, Role.COORDINATOR.value):
        raise nw.forbidden(
            "alleen beheerders en regiocoördinatoren beheren de ledengids",
            "only administrators and regional coordinators maintain the directory",
        )
    return u


def can_edit_organisatie(user: User | None, org: NetwerkOrganisatie) -> bool:
    u = nw.member(user)
    if u is None:
        return False
    if u.rol == Role.ADMIN.value:
        return True
    return u.rol == Role.COORDINATOR.value and org.res_code in (None, u.res_code)


def can_edit_persoon(session: Session, user: User | None, p: NetwerkPersoon) -> bool:
    """Administrators, the coordinator of the person's region and the person herself."""
    u = nw.member(user)
    if u is None:
        return False
    if (p.user_id is not None and p.user_id == u.id) or u.rol == Role.ADMIN.value:
        return True
    return p.res_code is not None and nw.can_manage_region(u, p.res_code)


def _beheert(u: User, p: NetwerkPersoon | None) -> bool:
    """Administrator, or the coordinator of the person's region (not just the person herself)."""
    if u.rol == Role.ADMIN.value:
        return True
    return u.rol == Role.COORDINATOR.value and (p is None or p.res_code == u.res_code)


# ---------------------------------------------------------------------------------------------- organisations


def list_organisaties(
    session: Session, user: User | None, *, soort: str | None = None, regio: str | None = None
) -> list[NetwerkOrganisatie]:
    nw.require_member(user)
    soort, regio = nw.strip(soort), nw.strip(regio)
    stmt = select(NetwerkOrganisatie).order_by(func.lower(NetwerkOrganisatie.naam), NetwerkOrganisatie.id)
    if soort:
        stmt = stmt.where(NetwerkOrganisatie.soort == soort)
    if regio:
        stmt = stmt.where(NetwerkOrganisatie.res_code == regio.strip().upper())
    return list(session.scalars(stmt))


def get_organisatie(session: Session, user: User | None, organisatie_id: int) -> NetwerkOrganisatie:
    nw.require_member(user)
    org = session.get(NetwerkOrganisatie, nw.as_id(organisatie_id, "organisatie", "organisation"))
    if org is None:
        raise nw.not_found("organisatie", "organisation", organisatie_id)
    return org


def _org_op_naam(session: Session, naam: str) -> NetwerkOrganisatie | None:
    return session.scalar(
        select(NetwerkOrganisatie)
        .where(func.lower(NetwerkOrganisatie.naam) == naam.lower())
        .order_by(NetwerkOrganisatie.id)
        .limit(1)
    )


def _website(f: nw.Fouten, value: object) -> str | None:
    text = nw.text_field(f, "website", value, max_len=300, label=_lbl("website"))
    if text is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", text, re.IGNORECASE):
        f.add(
            "website",
            "website moet een adres zijn dat begint met http:// of https://",
            "website must be an address starting with http:// or https://",
        )
        return None
    return text


def _org_velden(session: Session, f: nw.Fouten, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "naam": nw.text_field(f, "naam", data.get("naam"), max_len=MAX_NAAM, required=True, label=_lbl("naam")),
        "soort": nw.choice(f, "soort", data.get("soort"), ORGANISATIE_SOORTEN, label=_lbl("soort")),
        "res_code": nw.res_code_field(session, f, "res_code", data.get("res_code")),
        "gemeente_code": nw.gemeente_code_field(f, "gemeente_code", data.get("gemeente_code")),
        "website": _website(f, data.get("website")),
    }


def create_organisatie(session: Session, user: User | None, data: Mapping[str, Any]) -> NetwerkOrganisatie:
    """A new organisation (``naam`` unique, case-insensitive)."""
    u = _require_editor(user)
    f = nw.Fouten()
    v = _org_velden(session, f, data)
    if v["naam"] and _org_op_naam(session, v["naam"]) is not None:
        f.add(
            "naam",
            f"er bestaat al een organisatie met de naam {v['naam']!r}",
            f"an organisation named {v['naam']!r} already exists",
        )
    f.raise_if_any("de organisatie is niet opgeslagen", "the organisation was not saved")
    nu = nw.now()
    org = NetwerkOrganisatie(**v, versie=1, gemaakt=nu, gewijzigd=nu)
    session.add(org)
    session.flush()
    nw.audit(session, u, "maak", "organisatie", org.id, res_code=org.res_code, soort=org.soort)
    return org


def update_organisatie(
    session: Session, user: User | None, organisatie_id: int, data: Mapping[str, Any], versie: object = None
) -> NetwerkOrganisatie:
    u = nw.require_member(user)
    org = get_organisatie(session, u, organisatie_id)
    if not can_edit_organisatie(u, org):
        raise nw.forbidden(
            "alleen beheerders en de coördinator van de regio wijzigen deze organisatie",
            "only administrators and the region's coordinator change this organisation",
        )
    nw.check_versie(
        org.versie, versie if versie is not None else data.get("versie"), "de organisatie", "the organisation"
    )
    keys = ("naam", "soort", "res_code", "gemeente_code", "website")
    samen = {k: (data[k] if k in data else getattr(org, k)) for k in keys}
    f = nw.Fouten()
    v = _org_velden(session, f, samen)
    if v["naam"] and v["naam"].lower() != org.naam.lower():
        ander = _org_op_naam(session, v["naam"])
        if ander is not None and ander.id != org.id:
            f.add(
                "naam",
                f"er bestaat al een organisatie met de naam {v['naam']!r}",
                f"an organisation named {v['naam']!r} already exists",
            )
    f.raise_if_any("de organisatie is niet opgeslagen", "the organisation was not saved")
    if u.rol != Role.ADMIN.value and v["res_code"] not in (None, u.res_code):
        raise nw.forbidden(
            "u kunt een organisatie niet aan een andere regio toewijzen",
            "you cannot assign an organisation to another region",
        )
    gewijzigd = [k for k in keys if getattr(org, k) != v[k]]
    if gewijzigd:
        for k in gewijzigd:
            setattr(org, k, v[k])
        org.versie = (org.versie or 1) + 1
        org.gewijzigd = nw.now()
        session.flush()
        nw.audit(session, u, "wijzig", "organisatie", org.id, res_code=org.res_code, velden=gewijzigd)
    return org


# ---------------------------------------------------------------------------------------------------- people


def _login_met_email(session: Session, email: str | None) -> User | None:
    """The login with this work e-mail that no profile claims yet (a login made after the profile)."""
    if not email:
        return None
    login = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if login is None:
        return None
    claimed = session.scalar(select(NetwerkPersoon.id).where(NetwerkPersoon.user_id == login.id))
    return None if claimed is not None else login


def profiel_van(session: Session, user: User | None) -> NetwerkPersoon | None:
    """The directory profile of ``user``: the one linked to the login, else one with the same work e-mail that no
    login claims yet (a login made after the profile). None when there is none. Reads only."""
    if user is None:
        return None
    p = session.scalar(select(NetwerkPersoon).where(NetwerkPersoon.user_id == user.id))
    if p is None and user.email:
        p = session.scalar(select(NetwerkPersoon).where(NetwerkPersoon.user_id.is_(None),
                                                        func.lower(NetwerkPersoon.email) == user.email.lower())
                           .order_by(NetwerkPersoon.id).limit(1))  # fmt: skip
    return p


def list_personen(
    session: Session,
    user: User | None,
    *,
    regio: str | None = None,
    rol: str | None = None,
    expertise: str | None = None,
    q: str | None = None,
    organisatie_id: int | None = None,
) -> list[NetwerkPersoon]:
    """The directory, by name. ``expertise``: people with that tag; ``q``: words found in name, function,
    organisation or expertise (case and diacritics ignored)."""
    nw.require_member(user)
    regio, rol = nw.strip(regio), nw.strip(rol)
    stmt = select(NetwerkPersoon)
    if regio:
        stmt = stmt.where(NetwerkPersoon.res_code == regio.strip().upper())
    if rol:
        stmt = stmt.where(NetwerkPersoon.rol == rol)
    if organisatie_id not in (None, ""):
        stmt = stmt.where(NetwerkPersoon.organisatie_id == nw.as_id(organisatie_id, "organisatie", "organisation"))
    personen = list(session.scalars(stmt))
    orgs = {o.id: o.naam for o in session.scalars(select(NetwerkOrganisatie))} if q else {}
    tag = search.normalise(expertise).strip() if expertise else ""
    woorden = search.words(q) if q else []
    uit = []
    for p in personen:
        tags = [search.normalise(t) for t in nw.json_list(p.expertise)]
        if tag and tag not in tags:
            continue
        if woorden:
            tekst = search.normalise(" ".join([p.naam, p.functie or "", orgs.get(p.organisatie_id or 0, ""), *tags]))
            if not all(w in tekst for w in woorden):
                continue
        uit.append(p)
    return sorted(uit, key=lambda p: (search.normalise(p.naam), p.id))


def get_persoon(session: Session, user: User | None, persoon_id: int) -> NetwerkPersoon:
    nw.require_member(user)
    p = session.get(NetwerkPersoon, nw.as_id(persoon_id, "persoon", "person"))
    if p is None:
        raise nw.not_found("persoon", "person", persoon_id)
    return p


@dataclass
class _Organisaties:
    """Resolves organisation names during validation; new ones are only created after all checks passed."""

    session: Session
    nieuw: dict[str, dict[str, Any]] = field(default_factory=dict)
    bekend: dict[str, NetwerkOrganisatie | None] = field(default_factory=dict)

    def zoek(self, naam: str) -> NetwerkOrganisatie | None:
        key = naam.lower()
        if key not in self.bekend:
            self.bekend[key] = _org_op_naam(self.session, naam)
        return self.bekend[key]

    def plan(self, naam: str, soort: str, res_code: str | None) -> str:
        self.nieuw.setdefault(naam.lower(), {"naam": naam, "soort": soort, "res_code": res_code})
        return naam.lower()

    def maak(self, user: User) -> dict[str, int]:
        ids: dict[str, int] = {}
        nu = nw.now()
        for key, v in self.nieuw.items():
            org = NetwerkOrganisatie(
                naam=v["naam"], soort=v["soort"], res_code=v["res_code"], versie=1, gemaakt=nu, gewijzigd=nu
            )
            self.session.add(org)
            self.session.flush()
            nw.audit(self.session, user, "maak", "organisatie", org.id, res_code=org.res_code, soort=org.soort)
            ids[key] = org.id
            self.bekend[key] = org
        self.nieuw.clear()
        return ids


def _telefoon(f: nw.Fouten, value: object) -> str | None:
    text = nw.text_field(f, "telefoon", value, max_len=MAX_TELEFOON, label=_lbl("telefoon"))
    if text is not None and not TELEFOON_RE.match(text):
        f.add(
            "telefoon",
            f"telefoonnummer {text!r} is ongeldig (cijfers, spaties, + - ( ) .)",
            f"phone number {text!r} is not valid (digits, spaces, + - ( ) .)",
        )
        return None
    return text


def _email(f: nw.Fouten, value: object) -> str | None:
    text = nw.text_field(f, "email", value, max_len=254, label=_lbl("email"))
    if text is None:
        return None
    text = text.lower()
    if not EMAIL_RE.match(text):
        f.add("email", f"ongeldig e-mailadres: {text!r}", f"invalid e-mail address: {text!r}")
        return None
    return text


def _persoon_velden(
    session: Session,
    f: nw.Fouten,
    data: Mapping[str, Any],
    *,
    huidig: NetwerkPersoon | None,
    u: User,
    orgs: _Organisaties,
    emails_elders: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The checked fields of a new person (all) or of a change (only those in ``data``). The organisation is
    ``organisatie_id`` (an id) or ``_organisatie_nieuw`` (the key of a planned organisation)."""

    def has(k: str) -> bool:
        return huidig is None or k in data

    v: dict[str, Any] = {}
    if has("naam"):
        v["naam"] = nw.text_field(f, "naam", data.get("naam"), max_len=MAX_NAAM, required=True, label=_lbl("naam"))
    if has("functie"):
        v["functie"] = nw.text_field(f, "functie", data.get("functie"), max_len=MAX_FUNCTIE, label=_lbl("functie"))
    if has("rol"):
        v["rol"] = nw.choice(f, "rol", data.get("rol") or "lid", PERSOON_ROLLEN, label=_lbl("rol"))
    standaard = u.res_code if u.rol == Role.COORDINATOR.value and huidig is None else None
    if has("res_code"):
        v["res_code"] = nw.res_code_field(session, f, "res_code", nw.strip(data.get("res_code")) or standaard)
    if has("gemeente_code"):
        gm = nw.gemeente_code_field(f, "gemeente_code", data.get("gemeente_code"))
        if gm is not None and session.scalar(select(Gemeente.id).where(Gemeente.code == gm).limit(1)) is None:
            f.add("gemeente_code", f"onbekende gemeente {gm}", f"unknown gemeente {gm}")
            gm = None
        v["gemeente_code"] = gm
        if gm is not None:
            regio = gemeente_region(session, gm)
            res = v.get("res_code", huidig.res_code if huidig is not None else None)
            if res is None and "res_code" not in _velden_gegeven(f):
                v["res_code"] = regio
            elif regio is not None and res is not None and res != regio:
                f.add(
                    "gemeente_code",
                    f"gemeente {gm} hoort bij regio {regio}, niet bij {res}",
                    f"gemeente {gm} belongs to region {regio}, not to {res}",
                )
    if has("email"):
        v["email"] = _email(f, data.get("email"))
        if v["email"]:
            ander = (emails_elders or {}).get(v["email"])
            if ander is None:
                ander = session.scalar(select(NetwerkPersoon.id).where(func.lower(NetwerkPersoon.email) == v["email"]))
            if ander is not None and (huidig is None or ander != huidig.id):
                f.add(
                    "email",
                    f"er staat al een persoon met e-mailadres {v['email']} in de gids (nummer {ander})",
                    f"a person with e-mail address {v['email']} is already in the directory (number {ander})",
                )
    if has("telefoon"):
        v["telefoon"] = _telefoon(f, data.get("telefoon"))
    if has("expertise"):
        v["expertise"] = nw.dump_list(
            nw.tags_field(f, "expertise", data.get("expertise"), max_items=MAX_EXPERTISE, label=_lbl("expertise"))
        )
    if "organisatie_id" in data and nw.strip(data.get("organisatie_id")) is not None:
        oid = nw.int_field(f, "organisatie_id", data.get("organisatie_id"), lo=1, label=_lbl("organisatie_id"))
        if oid is not None and session.get(NetwerkOrganisatie, oid) is None:
            f.add("organisatie_id", f"organisatie {oid} bestaat niet", f"organisation {oid} does not exist")
        v["organisatie_id"] = oid
    elif "organisatie" in data or "organisatie_id" in data or huidig is None:
        naam = nw.text_field(f, "organisatie", data.get("organisatie"), max_len=MAX_NAAM, label=_lbl("organisatie"))
        if naam is None:
            v["organisatie_id"] = None
        elif (org := orgs.zoek(naam)) is not None:
            v["organisatie_id"] = org.id
        else:
            soort = nw.choice(
                f,
                "organisatie_soort",
                data.get("organisatie_soort") or "overig",
                ORGANISATIE_SOORTEN,
                label=_lbl("organisatie_soort"),
            )
            if soort is not None:
                res = v.get("res_code", huidig.res_code if huidig is not None else None)
                v["_organisatie_nieuw"] = orgs.plan(naam, soort, res)
    return v


def _scope_fout(u: User, huidig: NetwerkPersoon | None, v: Mapping[str, Any]) -> tuple[str, str] | None:
    """Why ``u`` may not make this person (change), or None."""
    if u.rol == Role.ADMIN.value:
        return None
    if huidig is not None and not _beheert(u, huidig):
        # the person herself
        for k in ("rol", "res_code", "gemeente_code"):
            if k in v and v[k] != getattr(huidig, k):
                nl, en = _lbl(k)
                return (
                    f"u kunt uw eigen {nl} niet wijzigen; vraag het de coördinator van uw regio",
                    f"you cannot change your own {en}; ask your region's coordinator",
                )
        return None
    if u.rol != Role.COORDINATOR.value:
        return (
            "alleen beheerders en regiocoördinatoren beheren de ledengids",
            "only administrators and regional coordinators maintain the directory",
        )
    res = v.get("res_code", huidig.res_code if huidig is not None else None)
    if res != u.res_code:
        return (
            f"u beheert alleen mensen in uw eigen regio {u.res_code}",
            f"you only maintain people in your own region {u.res_code}",
        )
    return None


def _koppel(session: Session, p: NetwerkPersoon) -> None:
    """Link the profile to the active login with its e-mail address (when that login has no profile yet)."""
    if p.user_id is not None or not p.email:
        return
    uid = session.scalar(select(User.id).where(func.lower(User.email) == p.email.lower(), User.actief.is_(True)))
    if uid is None:
        return
    if session.scalar(select(NetwerkPersoon.id).where(NetwerkPersoon.user_id == uid)) is None:
        p.user_id = uid


def _pas_toe(p: NetwerkPersoon, v: Mapping[str, Any], org_ids: Mapping[str, int]) -> list[str]:
    """Apply checked fields; the names of the fields that changed."""
    gewijzigd = []
    for k, waarde in v.items():
        if k == "_organisatie_nieuw":
            k, waarde = "organisatie_id", org_ids[waarde]
        if getattr(p, k) != waarde:
            setattr(p, k, waarde)
            gewijzigd.append(k)
    return gewijzigd


def create_persoon(session: Session, user: User | None, data: Mapping[str, Any]) -> NetwerkPersoon:
    """A new person in the directory (see the module docstring for who may and what is kept)."""
    u = _require_editor(user)
    f = nw.Fouten()
    orgs = _Organisaties(session)
    v = _persoon_velden(session, f, data, huidig=None, u=u, orgs=orgs)
    f.raise_if_any("de persoon is niet opgeslagen", "the person was not saved")
    fout = _scope_fout(u, None, v)
    if fout:
        raise nw.forbidden(*fout)
    nu = nw.now()
    p = NetwerkPersoon(versie=1, gemaakt=nu, gewijzigd=nu, expertise="[]")
    _pas_toe(p, v, orgs.maak(u))
    _koppel(session, p)
    session.add(p)
    session.flush()
    nw.audit(
        session,
        u,
        "maak",
        "persoon",
        p.id,
        res_code=p.res_code,
        rol=p.rol,
        velden=sorted(k for k, x in v.items() if x not in (None, "", "[]")),
    )
    return p


def update_persoon(
    session: Session, user: User | None, persoon_id: int, data: Mapping[str, Any], versie: object = None
) -> NetwerkPersoon:
    """Change the fields present in ``data``."""
    u = nw.require_member(user)
    p = get_persoon(session, u, persoon_id)
    if not can_edit_persoon(session, u, p):
        raise nw.forbidden(
            f"u mag het profiel van persoon {p.id} niet wijzigen", f"you may not change the profile of person {p.id}"
        )
    nw.check_versie(p.versie, versie if versie is not None else data.get("versie"), "het profiel", "the profile")
    f = nw.Fouten()
    orgs = _Organisaties(session)
    v = _persoon_velden(session, f, data, huidig=p, u=u, orgs=orgs)
    f.raise_if_any("het profiel is niet opgeslagen", "the profile was not saved")
    fout = _scope_fout(u, p, v)
    if fout:
        raise nw.forbidden(*fout)
    gewijzigd = _pas_toe(p, v, orgs.maak(u))
    if "email" in gewijzigd:
        _koppel(session, p)
    if gewijzigd:
        p.versie = (p.versie or 1) + 1
        p.gewijzigd = nw.now()
        session.flush()
        nw.audit(session, u, "wijzig", "persoon", p.id, res_code=p.res_code, velden=sorted(gewijzigd))
    return p


# ------------------------------------------------------------------------------------------ export and erasure


def _iso(value: Any) -> str | None:
    return nw.aware(value).isoformat() if value is not None else None


def _persoon_voor_recht(
    session: Session, user: User | None, persoon_id: int, wat_nl: str, wat_en: str
) -> tuple[User, NetwerkPersoon]:
    u = nw.require_member(user)
    p = get_persoon(session, u, persoon_id)
    if not can_edit_persoon(session, u, p):
        raise nw.forbidden(
            f"alleen de persoon zelf, de coördinator van de regio of een beheerder mag {wat_nl}",
            f"only the person, the region's coordinator or an administrator may {wat_en}",
        )
    return u, p


def export_persoon(session: Session, user: User | None, persoon_id: int) -> dict[str, Any]:
    """Everything the platform keeps about the person (JSON-able): profile, organisation, login, registrations,
    questions, answers, knowledge items (by the login or credited to the person's name), agenda items the person
    facilitates (``begeleider``) and the number of questionnaire submissions."""
    u, p = _persoon_voor_recht(session, user, persoon_id, "de gegevens exporteren", "export the data")
    org = session.get(NetwerkOrganisatie, p.organisatie_id) if p.organisatie_id else None
    uit: dict[str, Any] = {
        "geexporteerd_op": nw.now().isoformat(),
        "profiel": {
            "id": p.id,
            "naam": p.naam,
            "functie": p.functie,
            "rol": p.rol,
            "res_code": p.res_code,
            "gemeente_code": p.gemeente_code,
            "email": p.email,
            "telefoon": p.telefoon,
            "expertise": nw.json_list(p.expertise),
            "gemaakt": _iso(p.gemaakt),
            "gewijzigd": _iso(p.gewijzigd),
        },
        "organisatie": {"id": org.id, "naam": org.naam, "soort": org.soort} if org else None,
        "gebruiker": None,
        "aanmeldingen": [],
        "vragen": [],
        "antwoorden": [],
        "kennisitems": [],
        "vragenlijst_inzendingen": 0,
    }
    login = session.get(User, p.user_id) if p.user_id else None
    if login is not None:
        uit["gebruiker"] = {
            "email": login.email,
            "naam": login.naam,
            "rol": login.rol,
            "res_code": login.res_code,
            "gemeente_code": login.gemeente_code,
            "aangemaakt": _iso(login.aangemaakt),
            "laatste_login": _iso(login.laatste_login),
        }
        rows = session.execute(
            select(Aanmelding, Bijeenkomst)
            .join(Bijeenkomst, Bijeenkomst.id == Aanmelding.bijeenkomst_id)
            .where(Aanmelding.user_id == login.id)
            .order_by(Bijeenkomst.start)
        )
        for a, b in rows:
            titels = dict(
                session.execute(
                    select(BijeenkomstOnderdeel.id, BijeenkomstOnderdeel.titel).where(
                        BijeenkomstOnderdeel.bijeenkomst_id == b.id
                    )
                ).all()
            )
            uit["aanmeldingen"].append(
                {
                    "bijeenkomst_id": b.id,
                    "bijeenkomst": b.titel,
                    "datum": _iso(b.start),
                    "status": a.status,
                    "aangemeld_op": _iso(a.aangemeld_op),
                    "aanwezig": a.aanwezig,
                    "workshops": [{"titel": titels.get(k.onderdeel_id), "status": k.status} for k in a.keuzes],
                }
            )
        uit["vragen"] = [
            {"id": v.id, "titel": v.titel, "tekst": v.tekst, "gemaakt": _iso(v.gemaakt)}
            for v in session.scalars(select(Vraag).where(Vraag.auteur_id == login.id).order_by(Vraag.id))
        ]
        uit["antwoorden"] = [
            {"vraag_id": a.vraag_id, "tekst": a.tekst, "gemaakt": _iso(a.gemaakt)}
            for a in session.scalars(select(Antwoord).where(Antwoord.auteur_id == login.id).order_by(Antwoord.id))
        ]
        uit["vragenlijst_inzendingen"] = session.scalar(
            select(func.count())
            .select_from(VragenlijstInzending)
            .where(VragenlijstInzending.ingevuld_door_id == login.id)
        )
    # what erasure removes: items by her login or credited to her name, agenda items she facilitates
    namen = _namen(p, login)
    auteur = Kennisitem.auteur_naam.in_(namen)
    uit["kennisitems"] = [
        {"id": i, "titel": t}
        for i, t in session.execute(
            select(Kennisitem.id, Kennisitem.titel)
            .where(or_(auteur, Kennisitem.auteur_id == login.id) if login is not None else auteur)
            .order_by(Kennisitem.id)
        )
    ]
    uit["begeleider"] = [
        {"bijeenkomst_id": b_id, "bijeenkomst": b_titel, "onderdeel": o_titel}
        for b_id, b_titel, o_titel in session.execute(
            select(Bijeenkomst.id, Bijeenkomst.titel, BijeenkomstOnderdeel.titel)
            .join(Bijeenkomst, Bijeenkomst.id == BijeenkomstOnderdeel.bijeenkomst_id)
            .where(BijeenkomstOnderdeel.begeleider.in_(namen))
            .order_by(Bijeenkomst.start, BijeenkomstOnderdeel.id)
        )
    ]
    nw.audit(session, u, "export", "persoon", p.id, res_code=p.res_code)
    return uit


def _namen(p: NetwerkPersoon, login: User | None) -> list[str]:
    """The names the person goes by: her profile's and her login's."""
    return sorted({p.naam, *([login.naam] if login is not None and login.naam != ANONIEM_NAAM else [])})


def wis_persoon(session: Session, user: User | None, persoon_id: int) -> dict[str, Any]:
    """Erase the person on request (see the module docstring); counts of what was done."""
    from warmteregio.services import bijeenkomsten, kennis

    u, p = _persoon_voor_recht(session, user, persoon_id, "de gegevens wissen", "erase the data")
    res_code, pid = p.res_code, p.id
    uit: dict[str, Any] = {
        "profiel": 1,
        "afgemeld": 0,
        "van_wachtlijst": 0,
        "gebruiker_geanonimiseerd": False,
        "kennisitems_auteur": 0,
    }
    login = session.get(User, p.user_id) if p.user_id else _login_met_email(session, p.email)
    namen = _namen(p, login)
    gewijzigd: dict[int, Kennisitem] = {}
    if login is not None:
        # her name under her best answers that became knowledge items (kennis.markeer_beste)
        for item in session.scalars(
            select(Kennisitem)
            .join(Vraag, Vraag.kennisitem_id == Kennisitem.id)
            .join(Antwoord, Antwoord.id == Vraag.beste_antwoord_id)
            .where(Antwoord.auteur_id == login.id)
        ):
            zonder = item.inhoud or ""
            for n in namen:
                zonder = zonder.replace(kennis.handtekening(n), "")
            if zonder != (item.inhoud or ""):
                item.inhoud = zonder
                gewijzigd[item.id] = item
        nu = nw.now()
        regs = session.scalars(
            select(Aanmelding).where(Aanmelding.user_id == login.id, Aanmelding.status != "afgemeld")
        )
        for a in list(regs):
            b = bijeenkomsten._laad(session, a.bijeenkomst_id, for_update=True)
            if b.status == "gepland" and nw.aware(b.start) > nu:
                uit["van_wachtlijst"] += len(bijeenkomsten._afmelden(session, u, b, a, None))
                uit["afgemeld"] += 1
        login.naam = ANONIEM_NAAM
        login.email = f"verwijderd-{login.id}@verwijderd.invalid"
        login.actief = False
        login.password_hash = "!"  # no argon2 hash: no password ever matches
        login.laatste_login = None
        uit["gebruiker_geanonimiseerd"] = True
    for item in session.scalars(select(Kennisitem).where(Kennisitem.auteur_naam.in_(namen))):
        item.auteur_naam = None
        gewijzigd[item.id] = item
    items = list(gewijzigd.values())
    for item in items:
        item.versie = (item.versie or 1) + 1  # an edit form still showing the name is stale now
    meetings: set[int] = set()
    for o in session.scalars(select(BijeenkomstOnderdeel).where(BijeenkomstOnderdeel.begeleider.in_(namen))):
        o.begeleider = None
        meetings.add(o.bijeenkomst_id)
    for b in session.scalars(select(Bijeenkomst).where(Bijeenkomst.id.in_(meetings))) if meetings else ():
        b.versie = (b.versie or 1) + 1
    session.delete(p)
    session.flush()
    if items:
        kennis.bulk_index(session, items)  # the name leaves the search index too
    uit["kennisitems_auteur"] = len(items)
    details = {k: v for k, v in uit.items() if k != "profiel"}
    nw.audit(session, u, "wis", "persoon", pid, res_code=res_code, begeleider=len(meetings), **details)
    return uit


# --------------------------------------------------------------------------------------------- import / export


def _read_table(data: bytes, bestandsnaam: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(lower-case header, [(row number, cells)]) of a CSV or XLSX member list (sheet 'Leden' or the first)."""
    return nw.read_table(data, bestandsnaam, sheet="Leden")


def import_leden(
    session: Session, user: User | None, inhoud: bytes, *, bestandsnaam: str = "leden.csv", droog: bool = False
) -> dict[str, Any]:
    """Import members from CSV or XLSX (columns :data:`KOLOMMEN`; ``naam`` required, ``expertise`` separated by
    ``|``). A person with the same e-mail address is updated (absent columns stay as they are, empty cells
    clear), others are created; organisations are found by name or created. All or nothing: any bad row refuses
    the file with every error (``fouten`` with ``rij``). ``droog``: check only. Returns ``{"aangemaakt",
    "bijgewerkt", "ongewijzigd", "fouten"}``."""
    u = _require_editor(user)
    header, body = _read_table(inhoud, bestandsnaam)
    f = nw.Fouten()
    gezien: set[str] = set()
    for c in header:
        if not c:
            continue
        if c not in KOLOMMEN:
            f.add(
                c,
                f"rij 1: onbekende kolom {c!r} (kolommen: {', '.join(KOLOMMEN)})",
                f"row 1: unknown column {c!r} (columns: {', '.join(KOLOMMEN)})",
                rij=1,
            )
        elif c in gezien:
            f.add(c, f"rij 1: kolom {c} staat dubbel", f"row 1: column {c} appears twice", rij=1)
        gezien.add(c)
    if "naam" not in header:
        f.add("naam", "rij 1: kolom naam ontbreekt", "row 1: column naam is missing", rij=1)
    if not body:
        f.add(None, "het bestand bevat geen leden", "the file contains no members", rij=None)
    f.raise_if_any("het bestand is niet ingelezen", "the file was not imported")
    orgs = _Organisaties(session)
    bestaand = {
        p.email.lower(): p for p in session.scalars(select(NetwerkPersoon).where(NetwerkPersoon.email.is_not(None)))
    }
    emails_in_bestand: dict[str, int] = {}
    plan: list[tuple[NetwerkPersoon | None, dict[str, Any]]] = []
    for rij, cells in body:
        data: dict[str, Any] = {}
        for i, c in enumerate(header):
            if c not in KOLOMMEN:
                continue
            waarde = cells[i] if i < len(cells) else None
            waarde = None if waarde is None or not str(waarde).strip() else str(waarde).strip()
            if c == "expertise" and waarde is not None:
                waarde = [t for t in (x.strip() for x in waarde.split("|")) if t]
            data[KOLOM_VELD.get(c, c)] = waarde
        sub = nw.Fouten()
        email = (data.get("email") or "").lower()
        huidig = bestaand.get(email) if email else None
        if email and email in emails_in_bestand:
            sub.add(
                "email",
                f"e-mailadres {email} staat ook al in rij {emails_in_bestand[email]}",
                f"e-mail address {email} is also in row {emails_in_bestand[email]}",
            )
        elif email:
            emails_in_bestand[email] = rij
        v = _persoon_velden(session, sub, data, huidig=huidig, u=u, orgs=orgs)
        if not sub:
            fout = (
                _scope_fout(u, huidig, v)
                if huidig is None or _beheert(u, huidig)
                else (
                    f"u beheert alleen mensen in uw eigen regio {u.res_code}",
                    f"you only maintain people in your own region {u.res_code}",
                )
            )
            if fout:
                sub.add("regio", *fout)
        for e in sub.items:
            kolom = {v_: k for k, v_ in KOLOM_VELD.items()}.get(e["veld"], e["veld"])
            f.add(kolom, f"rij {rij}: {e['nl']}", f"row {rij}: {e['en']}", rij=rij)
        if not sub:
            plan.append((huidig, v))
    f.raise_if_any(
        "het bestand is niet ingelezen; er is niets opgeslagen", "the file was not imported; nothing was saved"
    )
    aangemaakt = sum(1 for h, _ in plan if h is None)
    if droog:
        bijgewerkt = sum(
            1
            for h, v in plan
            if h is not None and any(k == "_organisatie_nieuw" or getattr(h, k) != x for k, x in v.items())
        )
        return {
            "aangemaakt": aangemaakt,
            "bijgewerkt": bijgewerkt,
            "ongewijzigd": len(plan) - aangemaakt - bijgewerkt,
            "fouten": [],
            "droog": True,
        }
    org_ids = orgs.maak(u)
    nu = nw.now()
    bijgewerkt = 0
    for huidig, v in plan:
        if huidig is None:
            p = NetwerkPersoon(versie=1, gemaakt=nu, gewijzigd=nu, expertise="[]")
            _pas_toe(p, v, org_ids)
            _koppel(session, p)
            session.add(p)
            session.flush()
            continue
        gewijzigd = _pas_toe(huidig, v, org_ids)
        if gewijzigd:
            bijgewerkt += 1
            huidig.versie = (huidig.versie or 1) + 1
            huidig.gewijzigd = nu
            if "email" in gewijzigd:
                _koppel(session, huidig)
    session.flush()
    nw.audit(
        session,
        u,
        "import",
        "persoon",
        None,
        res_code=u.res_code if u.rol == Role.COORDINATOR.value else None,
        aangemaakt=aangemaakt,
        bijgewerkt=bijgewerkt,
        rijen=len(plan),
    )
    return {
        "aangemaakt": aangemaakt,
        "bijgewerkt": bijgewerkt,
        "ongewijzigd": len(plan) - aangemaakt - bijgewerkt,
        "fouten": [],
        "droog": False,
    }


def _export_rijen(session: Session, regio: str | None) -> list[list[Any]]:
    stmt = select(NetwerkPersoon)
    if regio:
        stmt = stmt.where(NetwerkPersoon.res_code == regio.strip().upper())
    orgs = {o.id: o for o in session.scalars(select(NetwerkOrganisatie))}
    rijen = []
    for p in sorted(session.scalars(stmt), key=lambda p: (search.normalise(p.naam), p.id)):
        org = orgs.get(p.organisatie_id or 0)
        rijen.append(
            [
                p.naam,
                p.email or "",
                p.functie or "",
                org.naam if org else "",
                org.soort if org else "",
                p.rol,
                p.res_code or "",
                p.gemeente_code or "",
                p.telefoon or "",
                "|".join(str(t) for t in nw.json_list(p.expertise)),
            ]
        )
    return rijen


def export_leden(session: Session, user: User | None, *, regio: str | None = None, formaat: str = "csv") -> bytes:
    """The directory (or one region) as CSV (semicolon, UTF-8 with BOM) or XLSX (sheet 'Leden'), in the columns
    of the import. Members only."""
    u = nw.require_member(user)
    regio = nw.strip(regio)
    formaat = (formaat or "").strip().lower()
    if formaat not in ("csv", "xlsx"):
        raise nw.NetwerkError(
            f"formaat moet csv of xlsx zijn, niet {formaat!r}",
            f"format must be csv or xlsx, not {formaat!r}",
            400,
            veld="formaat",
        )
    rijen = _export_rijen(session, regio)
    nw.audit(
        session,
        u,
        "export",
        "ledenlijst",
        None,
        res_code=regio.upper() if regio else None,
        formaat=formaat,
        rijen=len(rijen),
    )
    if formaat == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(KOLOMMEN)
        writer.writerows(rijen)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Leden"
    ws.append(list(KOLOMMEN))
    for r in rijen:
        ws.append(r)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
