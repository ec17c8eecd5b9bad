"""Workshop mode of the afwegingskader (casus): a coordinator defines a case, participants weigh, the group decides.

A case (:class:`~warmteregio.store.models.Casus`) fixes one finished assessment run of a region, a set of
buurten, the variants and criteria to weigh and the method. Participants (:class:`CasusDeelnemer`, role
``deelnemer`` or ``begeleider``) give weights per criterion and written arguments; every save is a new,
append-only :class:`CasusInbreng` row with a version per participant. From the participants' latest weights
:func:`resultaat` computes (documented in docs/method/casus.md):

* each participant's ranking per buurt (:func:`warmteregio.engine.mcda.rank` on the case's decision matrix);
* agreement per buurt: the share of participants whose winner equals the most common winner (ties between
  equally common winners go to the variant listed first in the case), with the differing winners and who
  chose them; overall agreement is the mean over the buurten;
* pairwise similarity of participants: the share of buurten with the same winner, the cosine of their
  normalised weight vectors and Kendall's tau-b of their weight orderings;
* per criterion the spread of the normalised weights (minimum, maximum, mean, standard deviation);
* the group's robust choice per buurt: SMAA-2 (:func:`warmteregio.engine.robustness.smaa2`) with weight
  samples that are convex combinations of the participants' weight vectors (Dirichlet(1) mixing coefficients,
  :data:`N_SAMPLES` samples, seed :data:`SEED`); the variant with the highest first-rank acceptability is the
  group's choice, *robust* when that acceptability is at least :data:`ROBUUST_DREMPEL`, *contested* otherwise
  (then with the practically tied variants).

Results are computed once per change and cached in-process (key: database, case, its latest submission, its
participants and the state of what feeds the criteria matrix), so a room of 20 people polling every few seconds
costs one computation per save. When a case is closed, its results are frozen (JSON in ``casussen.resultaat``,
next to the conclusion in ``casussen.besluit``), so the decision log stays the same whatever changes afterwards.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import exists, func, insert, literal, select
from sqlalchemy.orm import Session

from warmteregio import __version__
from warmteregio.accounts.service import Principal, active_user, can_edit_region
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.engine import mcda
from warmteregio.services import assessment
from warmteregio.store.models import Buurt, Casus, CasusDeelnemer, CasusInbreng, ResRegio, User

#: A group choice is robust when its first-rank acceptability over the participants' weight mixtures is at
#: least this share; below it the buurt is contested.
ROBUUST_DREMPEL = 0.75
#: Number of SMAA weight samples (convex combinations of the participants' weights) and their seed.
N_SAMPLES = 5_000
SEED = 20_260_401
#: Practically tied with the group's choice: beats it in at least this share of the samples (SMAA-2 pairwise).
GELIJKSPEL_DREMPEL = 0.35

ROLLEN: tuple[str, ...] = ("deelnemer", "begeleider")
OPEN = "open"
GESLOTEN = "gesloten"
ALGEMEEN = "algemeen"  # key of the general argument

MAX_TITEL = 200
MAX_BESCHRIJVING = 5_000
MAX_ARGUMENT = 4_000
MAX_BESLUIT = 10_000
MAX_GEWICHT = 100.0
MIN_VARIANTEN = 2


class CasusError(ValueError):
    """A request on a case that cannot be honoured; ``nl``/``en`` message and an HTTP-like ``status``."""

    def __init__(self, nl: str, en: str, status: int = 400) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.status = status


def _not_found(casus_id: int) -> CasusError:
    return CasusError(f"casus {casus_id} niet gevonden", f"case {casus_id} not found", 404)


# ------------------------------------------------------------------------------------------------ views


@dataclass(frozen=True)
class DeelnemerInfo:
    user_id: int
    naam: str
    email: str
    rol: str
    toegevoegd: datetime
    heeft_inbreng: bool = False


@dataclass(frozen=True)
class InbrengInfo:
    id: int
    casus_id: int
    user_id: int
    naam: str
    versie: int
    gewichten: dict[str, float]
    argumenten: dict[str, str]
    ingediend: datetime


@dataclass(frozen=True)
class CasusInfo:
    id: int
    titel: str
    beschrijving: str
    regio_code: str | None
    regio_naam: str | None
    run_id: int | None
    buurten: list[str]
    varianten: list[str]
    criteria: list[str]
    methode: str
    status: str
    aangemaakt: datetime
    aangemaakt_door_id: int | None
    aangemaakt_door: str | None
    gesloten: datetime | None
    besluit: str | None
    deelnemers: list[DeelnemerInfo] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class Rechten:
    """What a user may do with a case."""

    zien: bool
    beheren: bool  # add/remove participants, close
    inbrengen: bool  # give weights (participants only, while open)


# ------------------------------------------------------------------------------------------------ helpers


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _now() -> datetime:
    return datetime.now(UTC)


def _besluit_parts(c: Casus) -> tuple[str | None, dict | None]:
    """(conclusion text, frozen results) of a case."""
    frozen = json.loads(c.resultaat) if c.resultaat else None
    return c.besluit, frozen


def _info(session: Session, c: Casus) -> CasusInfo:
    names = _user_names(session, [d.user_id for d in c.deelnemers] + [c.aangemaakt_door_id or 0])
    member_ids = [d.user_id for d in c.deelnemers]
    emails = dict(session.execute(select(User.id, User.email).where(User.id.in_(member_ids))).all())
    with_input = set(
        session.scalars(select(CasusInbreng.user_id).where(CasusInbreng.casus_id == c.id).distinct()).all()
    )
    deelnemers = sorted(
        (
            DeelnemerInfo(
                d.user_id,
                names.get(d.user_id, "?"),
                emails.get(d.user_id, ""),
                d.rol,
                _aware(d.toegevoegd),
                d.user_id in with_input,
            )  # type: ignore[arg-type]  # fmt: skip
            for d in c.deelnemers
        ),
        key=lambda d: (d.rol != "begeleider", d.naam.lower(), d.user_id),
    )
    regio_naam = session.scalar(select(ResRegio.naam).where(ResRegio.code == c.regio_code)) if c.regio_code else None
    tekst, _ = _besluit_parts(c)
    return CasusInfo(
        id=c.id, titel=c.titel, beschrijving=c.beschrijving or "", regio_code=c.regio_code, regio_naam=regio_naam,
        run_id=c.run_id, buurten=json.loads(c.buurten), varianten=json.loads(c.varianten),
        criteria=json.loads(c.criteria), methode=c.methode, status=c.status, aangemaakt=_aware(c.aangemaakt),  # type: ignore[arg-type]
        aangemaakt_door_id=c.aangemaakt_door_id, aangemaakt_door=names.get(c.aangemaakt_door_id or 0),
        gesloten=_aware(c.gesloten), besluit=tekst, deelnemers=deelnemers,
    )  # fmt: skip


def _user_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.naam).where(User.id.in_(ids))).all())


def rechten(user: User | None, c: Casus | CasusInfo) -> Rechten:
    """View: admin, the region's coordinator, the creator and every participant; manage: admin, region's
    coordinator, creator and facilitators; submit: participants (either role) while the case is open."""
    if user is None:
        return Rechten(False, False, False)
    rol_in_casus = next((d.rol for d in c.deelnemers if d.user_id == user.id), None)
    principal = Principal.of(user)
    owner = (
        user.rol == Role.ADMIN
        or c.aangemaakt_door_id == user.id
        or (c.regio_code is not None and user.rol == Role.COORDINATOR and can_edit_region(principal, c.regio_code))
    )
    zien = owner or rol_in_casus is not None
    beheren = owner or rol_in_casus == "begeleider"
    return Rechten(zien, beheren, rol_in_casus is not None and c.status == OPEN)


def _load(session: Session, user: User | None, casus_id: int, *, for_share: bool = False) -> Casus:
    """The case when ``user`` may see it; 404 otherwise (existence is not revealed)."""
    stmt = select(Casus).where(Casus.id == casus_id)
    if for_share and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(read=True)
    c = session.scalar(stmt)
    if c is None or not rechten(user, c).zien:
        raise _not_found(casus_id)
    return c


def _require_manage(user: User | None, c: Casus) -> None:
    if not rechten(user, c).beheren:
        raise CasusError("u mag deze casus niet beheren", "you may not manage this case", 403)


def _require_open(c: Casus) -> None:
    if c.status != OPEN:
        raise CasusError(
            "de casus is gesloten; er kan niets meer worden gewijzigd of ingebracht",
            "the case is closed; nothing can be changed or submitted any more",
            409,
        )


def _text(value: object, name_nl: str, name_en: str, max_len: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CasusError(f"{name_nl} moet tekst zijn", f"{name_en} must be text")
    value = value.strip()
    if required and not value:
        raise CasusError(f"{name_nl} is verplicht", f"{name_en} is required")
    if len(value) > max_len:
        raise CasusError(f"{name_nl} is te lang (maximaal {max_len} tekens)",
                         f"{name_en} is too long (at most {max_len} characters)")  # fmt: skip
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise CasusError(f"{name_nl} bevat ongeldige tekens", f"{name_en} contains invalid characters")
    return value


def criteria_catalogue() -> list[Any]:
    """The shipped criteria (through :mod:`warmteregio.services.afweging`)."""
    from warmteregio.services import afweging

    return afweging.criteria_catalogue()


def _catalogue_variants(info: assessment.RunInfo) -> tuple[list[str], list[str]]:
    """(all non-reference variant codes, the viewer ones) of the run's strategy catalogue."""
    catalogue = assessment.catalogue_for_run(info)
    if catalogue is None:
        return [], []
    codes = [v.code for v in catalogue if not v.is_reference]
    return codes, [v.code for v in catalogue if not v.is_reference and v.in_viewer]


# ------------------------------------------------------------------------------------------------ cases


def create_casus(
    session: Session,
    user: User,
    *,
    titel: str,
    regio: str,
    beschrijving: str = "",
    run_id: int | None = None,
    buurten: Sequence[str] | None = None,
    varianten: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    methode: str = "gewogen_som",
) -> CasusInfo:
    """Create a case (regional coordinator of the region or administrator); the creator becomes facilitator.

    Defaults: the region's latest finished run, all its buurten, the PBL viewer variants of the run's catalogue
    and all criteria of the catalogue."""
    titel = _text(titel, "titel", "title", MAX_TITEL, required=True)
    beschrijving = _text(beschrijving, "beschrijving", "description", MAX_BESCHRIJVING)
    try:
        regio = normalise_rescode(regio)
    except CodeError as exc:
        raise CasusError(exc.nl, exc.en) from None
    if session.get(ResRegio, regio) is None:
        raise CasusError(f"regio {regio} niet gevonden", f"region {regio} not found", 404)
    if not (user.rol == Role.ADMIN or (user.rol == Role.COORDINATOR and can_edit_region(Principal.of(user), regio))):
        raise CasusError(f"u mag geen casussen maken voor regio {regio}", f"you may not create cases for {regio}", 403)
    if methode not in mcda.METHODS:
        raise CasusError(f"onbekende methode: {methode} (kies uit {', '.join(mcda.METHODS)})",
                         f"unknown method: {methode} (choose from {', '.join(mcda.METHODS)})")  # fmt: skip
    if run_id is None:
        info = assessment.latest_run(session, regio)
        if info is None:
            raise CasusError(f"regio {regio} heeft nog geen afgeronde beoordeling",
                             f"region {regio} has no finished assessment yet", 409)  # fmt: skip
    else:
        info = assessment.get_run(session, run_id)
        if info is None:
            raise CasusError(f"beoordeling {run_id} niet gevonden", f"assessment {run_id} not found", 404)
        if info.status != "klaar" or info.regio_code != regio:
            raise CasusError(f"beoordeling {run_id} is geen afgeronde beoordeling van regio {regio}",
                             f"assessment {run_id} is not a finished assessment of region {regio}")  # fmt: skip
    in_run = sorted(assessment.run_buurt_codes(session, info))
    if buurten:
        try:
            chosen = list(dict.fromkeys(normalise_buurtcode(b) for b in buurten))
        except CodeError as exc:
            raise CasusError(exc.nl, exc.en) from None
        missing = [b for b in chosen if b not in set(in_run)]
        if missing:
            raise CasusError(f"buurten zonder resultaten in beoordeling {info.id}: {', '.join(missing)}",
                             f"buurten without results in assessment {info.id}: {', '.join(missing)}")  # fmt: skip
        chosen.sort()
    else:
        chosen = in_run
    if not chosen:
        raise CasusError("de casus heeft geen buurten", "the case has no buurten")
    all_variants, viewer = _catalogue_variants(info)
    if varianten:
        gekozen_v = list(dict.fromkeys(str(v).strip() for v in varianten))
        unknown = [v for v in gekozen_v if all_variants and v not in all_variants]
        if unknown:
            raise CasusError(f"onbekende variant(en): {', '.join(unknown)}",
                             f"unknown variant(s): {', '.join(unknown)}")  # fmt: skip
    else:
        gekozen_v = viewer
    if len(gekozen_v) < MIN_VARIANTEN:
        raise CasusError(f"kies minstens {MIN_VARIANTEN} varianten", f"choose at least {MIN_VARIANTEN} variants")
    known = [c.code for c in criteria_catalogue()]
    if criteria:
        gekozen_c = list(dict.fromkeys(str(c).strip() for c in criteria))
        unknown = [c for c in gekozen_c if c not in known]
        if unknown:
            raise CasusError(f"onbekend(e) criteri(um/a): {', '.join(unknown)}",
                             f"unknown criteri(on/a): {', '.join(unknown)}")  # fmt: skip
    else:
        gekozen_c = known
    if not gekozen_c:
        raise CasusError("kies minstens één criterium", "choose at least one criterion")
    c = Casus(
        titel=titel, beschrijving=beschrijving, regio_code=regio, run_id=info.id, buurten=json.dumps(chosen),
        varianten=json.dumps(gekozen_v), criteria=json.dumps(gekozen_c), methode=methode, status=OPEN,
        aangemaakt_door_id=user.id, aangemaakt=_now(),
    )  # fmt: skip
    c.deelnemers.append(CasusDeelnemer(user_id=user.id, rol="begeleider", toegevoegd=_now()))
    session.add(c)
    session.flush()
    return _info(session, c)


def get_casus(session: Session, user: User | None, casus_id: int) -> CasusInfo:
    """A case the user may see (404 otherwise)."""
    return _info(session, _load(session, user, casus_id))


def list_casussen(session: Session, user: User | None) -> list[CasusInfo]:
    """The cases the user may see, newest first."""
    if user is None:
        return []
    stmt = select(Casus).order_by(Casus.aangemaakt.desc(), Casus.id.desc())
    if user.rol != Role.ADMIN:
        mine = select(CasusDeelnemer.casus_id).where(CasusDeelnemer.user_id == user.id)
        cond = Casus.id.in_(mine) | (Casus.aangemaakt_door_id == user.id)
        if user.rol == Role.COORDINATOR and user.res_code:
            cond = cond | (Casus.regio_code == user.res_code)
        stmt = stmt.where(cond)
    return [_info(session, c) for c in session.scalars(stmt).all()]


def rechten_voor(session: Session, user: User | None, casus_id: int) -> Rechten:
    c = session.get(Casus, casus_id)
    return rechten(user, c) if c is not None else Rechten(False, False, False)


def kan_maken(user: User | None) -> list[str]:
    """Region codes for which the user may create cases (empty: none; ``["*"]``: every region)."""
    if user is None:
        return []
    if user.rol == Role.ADMIN:
        return ["*"]
    if user.rol == Role.COORDINATOR and user.res_code:
        return [user.res_code]
    return []


def add_deelnemer(session: Session, user: User, casus_id: int, email: str, rol: str = "deelnemer") -> DeelnemerInfo:
    """Add an existing user (by e-mail) as participant or facilitator; changing the role of a participant is
    allowed too."""
    c = _load(session, user, casus_id)
    _require_manage(user, c)
    _require_open(c)
    if rol not in ROLLEN:
        raise CasusError(f"onbekende rol {rol!r} (kies uit {', '.join(ROLLEN)})",
                         f"unknown role {rol!r} (choose from {', '.join(ROLLEN)})")  # fmt: skip
    email = _text(email, "e-mailadres", "e-mail address", 254, required=True).lower()
    target = session.scalar(select(User).where(func.lower(User.email) == email))
    if target is None or not target.actief:
        raise CasusError(f"geen actieve gebruiker met e-mailadres {email}", f"no active user with e-mail {email}", 404)
    existing = next((d for d in c.deelnemers if d.user_id == target.id), None)
    if existing is not None:
        existing.rol = rol
    else:
        c.deelnemers.append(CasusDeelnemer(user_id=target.id, rol=rol, toegevoegd=_now()))
    session.flush()
    info = _info(session, c)
    return next(d for d in info.deelnemers if d.user_id == target.id)


def remove_deelnemer(session: Session, user: User, casus_id: int, user_id: int) -> None:
    """Remove a participant; their submissions stay in the history but no longer count in the results."""
    c = _load(session, user, casus_id)
    _require_manage(user, c)
    _require_open(c)
    d = next((d for d in c.deelnemers if d.user_id == user_id), None)
    if d is None:
        raise CasusError(f"gebruiker {user_id} is geen deelnemer van casus {casus_id}",
                         f"user {user_id} is not a participant of case {casus_id}", 404)  # fmt: skip
    c.deelnemers.remove(d)
    session.flush()


def close_casus(session: Session, user: User, casus_id: int, besluit: str) -> CasusInfo:
    """Close the case with the group's conclusion; freezes the results for the decision log."""
    stmt = select(Casus).where(Casus.id == casus_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    c = session.scalar(stmt)
    if c is None or not rechten(user, c).zien:
        raise _not_found(casus_id)
    _require_manage(user, c)
    _require_open(c)
    tekst = _text(besluit, "besluit", "conclusion", MAX_BESLUIT, required=True)
    frozen = _compute(session, c)
    c.status = GESLOTEN
    c.gesloten = _now()
    c.besluit = tekst
    c.resultaat = json.dumps(frozen, ensure_ascii=False)
    session.flush()
    return _info(session, c)


# ------------------------------------------------------------------------------------------------ inbreng


def _check_weights(gewichten: object, criteria: Sequence[str]) -> dict[str, float]:
    if not isinstance(gewichten, Mapping):
        raise CasusError("gewichten moeten een object criterium -> getal zijn",
                         "weights must be an object criterion -> number")  # fmt: skip
    unknown = [k for k in gewichten if k not in criteria]
    if unknown:
        raise CasusError(f"criteria horen niet bij deze casus: {', '.join(map(str, unknown))}",
                         f"criteria not part of this case: {', '.join(map(str, unknown))}")  # fmt: skip
    missing = [k for k in criteria if k not in gewichten]
    if missing:
        raise CasusError(f"gewicht ontbreekt voor: {', '.join(missing)}", f"weight missing for: {', '.join(missing)}")
    out: dict[str, float] = {}
    for k in criteria:
        v = gewichten[k]
        if isinstance(v, bool):
            v = None
        try:
            x = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            x = float("nan")
        if not math.isfinite(x) or x < 0 or x > MAX_GEWICHT:
            raise CasusError(f"gewicht van {k} moet een getal van 0 tot en met {MAX_GEWICHT:g} zijn",
                             f"weight of {k} must be a number from 0 to {MAX_GEWICHT:g}")  # fmt: skip
        out[k] = x
    if sum(out.values()) <= 0:
        raise CasusError("minstens één gewicht moet groter dan 0 zijn", "at least one weight must be above 0")
    return out


def _check_arguments(argumenten: object, criteria: Sequence[str]) -> dict[str, str]:
    if argumenten is None:
        return {}
    if not isinstance(argumenten, Mapping):
        raise CasusError("argumenten moeten een object criterium -> tekst zijn",
                         "arguments must be an object criterion -> text")  # fmt: skip
    allowed = [*criteria, ALGEMEEN]
    unknown = [k for k in argumenten if k not in allowed]
    if unknown:
        raise CasusError(f"argumenten bij onbekende criteria: {', '.join(map(str, unknown))}",
                         f"arguments for unknown criteria: {', '.join(map(str, unknown))}")  # fmt: skip
    out = {}
    for k in allowed:
        if k in argumenten:
            text = _text(argumenten[k], f"argument bij {k}", f"argument for {k}", MAX_ARGUMENT)
            if text:
                out[k] = text
    return out


def submit(
    session: Session, user: User, casus_id: int, gewichten: Mapping[str, float], argumenten: Mapping[str, str] | None
) -> InbrengInfo:
    """Append a participant's weights and arguments (a new version). Only participants of an open case.

    The version is computed inside the INSERT (``max + 1`` per participant) and the insert only happens while the
    case is open, so concurrent saves and a concurrent close lose nothing and never duplicate a version; on
    PostgreSQL the participant's row is locked for the duration as well."""
    c = _load(session, user, casus_id, for_share=True)
    rol = next((d for d in c.deelnemers if d.user_id == user.id), None)
    if rol is None:
        raise CasusError("alleen deelnemers van de casus kunnen inbreng geven",
                         "only participants of the case can submit", 403)  # fmt: skip
    _require_open(c)
    criteria = json.loads(c.criteria)
    w = _check_weights(gewichten, criteria)
    args = _check_arguments(argumenten, criteria)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(CasusDeelnemer.id)
            .where(CasusDeelnemer.casus_id == c.id, CasusDeelnemer.user_id == user.id)
            .with_for_update()
        )
    now = _now()
    next_version = (
        select(func.coalesce(func.max(CasusInbreng.versie), 0) + 1)
        .where(CasusInbreng.casus_id == c.id, CasusInbreng.user_id == user.id)
        .scalar_subquery()
    )
    still_open = exists().where(Casus.id == c.id, Casus.status == OPEN)
    source = select(
        literal(c.id), literal(user.id), next_version, literal(json.dumps(w)),
        literal(json.dumps(args, ensure_ascii=False)), literal(now, type_=CasusInbreng.ingediend.type),
    ).where(still_open)  # fmt: skip
    stmt = (
        insert(CasusInbreng)
        .from_select(["casus_id", "user_id", "versie", "gewichten", "argumenten", "ingediend"], source)
        .returning(CasusInbreng.id)
    )
    new_id = session.execute(stmt).scalar()
    if new_id is None:
        raise CasusError(
            "de casus is gesloten; er kan niets meer worden gewijzigd of ingebracht",
            "the case is closed; nothing can be changed or submitted any more",
            409,
        )
    row = session.get(CasusInbreng, new_id)
    assert row is not None
    return _inbreng_info(row, {user.id: user.naam})


def _inbreng_info(row: CasusInbreng, names: Mapping[int, str]) -> InbrengInfo:
    return InbrengInfo(
        row.id, row.casus_id, row.user_id, names.get(row.user_id, "?"), row.versie, json.loads(row.gewichten),
        json.loads(row.argumenten or "{}"), _aware(row.ingediend),  # type: ignore[arg-type]
    )  # fmt: skip


def inbreng(session: Session, user: User | None, casus_id: int, *, alleen_laatste: bool = False) -> list[InbrengInfo]:
    """The submissions of a case in order (oldest first), or only each participant's latest."""
    c = _load(session, user, casus_id)
    rows = session.scalars(select(CasusInbreng).where(CasusInbreng.casus_id == c.id).order_by(CasusInbreng.id)).all()
    names = _user_names(session, [r.user_id for r in rows])
    items = [_inbreng_info(r, names) for r in rows]
    if alleen_laatste:
        latest: dict[int, InbrengInfo] = {}
        for item in items:
            latest[item.user_id] = item
        items = sorted(latest.values(), key=lambda i: i.id)
    return items


def mijn_laatste(session: Session, user: User, casus_id: int) -> InbrengInfo | None:
    row = session.scalar(
        select(CasusInbreng)
        .where(CasusInbreng.casus_id == casus_id, CasusInbreng.user_id == user.id)
        .order_by(CasusInbreng.id.desc())
        .limit(1)
    )
    return _inbreng_info(row, {user.id: user.naam}) if row else None


# ------------------------------------------------------------------------------------------------ results (pure)


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b of two equally long sequences (None when either is constant)."""
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx = np.sign(x[i] - x[j])
            dy = np.sign(y[i] - y[j])
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif dx == dy:
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return None if denom == 0 else (concordant - discordant) / denom


def cosine(x: np.ndarray, y: np.ndarray) -> float:
    nx, ny = float(np.linalg.norm(x)), float(np.linalg.norm(y))
    return float(x @ y / (nx * ny)) if nx > 0 and ny > 0 else 0.0


def mixture_samples(weights: np.ndarray, n: int = N_SAMPLES, seed: int = SEED) -> np.ndarray:
    """(n, C) convex combinations of the (P, C) participants' weight vectors, mixing coefficients ~ Dirichlet(1)."""
    p = weights.shape[0]
    rng = np.random.default_rng(seed)
    lam = rng.dirichlet(np.ones(p), size=n) if p > 1 else np.ones((n, 1))
    return lam @ weights


def compute_results(
    dm: mcda.DecisionMatrix,
    deelnemers: Sequence[tuple[int, str, Mapping[str, float]]],
    methode: str = "gewogen_som",
    *,
    n_samples: int = N_SAMPLES,
    seed: int = SEED,
    buurt_namen: Mapping[str, str] | None = None,
    criterium_namen: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The results of a case on decision matrix ``dm`` for participants ``(user id, name, weights)``.

    Pure (no database); JSON-compatible dict (see :func:`resultaat` and docs/method/casus.md)."""
    from warmteregio.engine.robustness import smaa2

    buurt_namen = buurt_namen or {}
    criterium_namen = criterium_namen or {}
    varianten = list(dm.varianten)
    buurten = [str(b) for b in dm.buurten]
    body: dict[str, Any] = {
        "deelnemers": [], "buurten": [], "overeenstemming": None, "eensgezind_aandeel": None, "gelijkenis": [],
        "spreiding": [], "n_samples": n_samples, "seed": seed, "drempel": ROBUUST_DREMPEL, "methode": methode,
        "varianten": varianten, "criteria": list(dm.criteria),
    }  # fmt: skip
    if not deelnemers:
        for b in buurten:
            body["buurten"].append({"buurt_code": b, "buurt_naam": buurt_namen.get(b), "winnaars": [],
                                    "meest_gekozen": None, "overeenstemming": None, "afwijkend": [],
                                    "groepskeuze": None, "acceptatie": None, "acceptaties": {}, "robuust": False,
                                    "omstreden": False, "gelijkspel": []})  # fmt: skip
        return body
    wmat = np.array([mcda.weights_vector(dm, dict(w)) for _, _, w in deelnemers])  # (P, C) normalised
    winners: list[list[str | None]] = []  # per participant, per buurt
    for (uid, naam, _), w in zip(deelnemers, wmat, strict=True):
        ranking = mcda.rank(dm, w, methode)
        win = [varianten[i] if i >= 0 else None for i in ranking.winner]
        winners.append(win)
        orders = []
        for bi in range(len(buurten)):
            ranks = ranking.ranks[bi]
            orders.append([varianten[v] for v in np.argsort(np.where(ranks > 0, ranks, 10**9), kind="stable")
                           if ranks[v] > 0])  # fmt: skip
        body["deelnemers"].append({
            "user_id": uid, "naam": naam,
            "gewichten": {c: float(x) for c, x in zip(dm.criteria, w, strict=True)},
            "winnaars": dict(zip(buurten, win, strict=True)),
            "rangorde": dict(zip(buurten, orders, strict=True)),
        })  # fmt: skip
    samples = mixture_samples(wmat, n_samples, seed)
    smaa = smaa2(dm, n_samples, weight_samples=samples, method=methode, seed=seed, tie_threshold=GELIJKSPEL_DREMPEL)
    first = smaa.first
    agreements = []
    unanimous = 0
    for bi, b in enumerate(buurten):
        chosen = [(deelnemers[p][0], deelnemers[p][1], winners[p][bi]) for p in range(len(deelnemers))]
        counts = Counter(v for _, _, v in chosen if v is not None)
        meest = None
        if counts:
            top = max(counts.values())
            meest = next(v for v in varianten if counts.get(v) == top)
        share = (counts[meest] / len(chosen)) if meest is not None else None
        if share is not None:
            agreements.append(share)
            unanimous += share == 1.0
        afwijkend = []
        for v in [*varianten, None]:
            if v == meest:
                continue
            who = [{"user_id": uid, "naam": naam} for uid, naam, win in chosen if win == v]
            if who:
                afwijkend.append({"variant": v, "deelnemers": who})
        wi = int(smaa.winner[bi])
        groep = varianten[wi] if wi >= 0 else None
        acc = float(first[bi, wi]) if wi >= 0 else None
        robuust = acc is not None and acc >= ROBUUST_DREMPEL
        tied = [varianten[v] for v in range(len(varianten)) if smaa.tied[bi, v] and v != wi]
        body["buurten"].append({
            "buurt_code": b, "buurt_naam": buurt_namen.get(b),
            "winnaars": [{"user_id": uid, "naam": naam, "variant": v} for uid, naam, v in chosen],
            "meest_gekozen": meest, "overeenstemming": share, "afwijkend": afwijkend,
            "groepskeuze": groep, "acceptatie": acc,
            "acceptaties": {varianten[v]: float(first[bi, v]) for v in range(len(varianten)) if first[bi, v] > 0},
            "robuust": robuust, "omstreden": groep is not None and not robuust,
            "gelijkspel": [] if robuust else tied,
        })  # fmt: skip
    body["overeenstemming"] = float(np.mean(agreements)) if agreements else None
    body["eensgezind_aandeel"] = unanimous / len(agreements) if agreements else None
    for a in range(len(deelnemers)):
        for b2 in range(a + 1, len(deelnemers)):
            pairs = [(x, y) for x, y in zip(winners[a], winners[b2], strict=True) if x is not None or y is not None]
            same = sum(x == y for x, y in pairs) / len(pairs) if pairs else None
            body["gelijkenis"].append({
                "a": deelnemers[a][0], "a_naam": deelnemers[a][1], "b": deelnemers[b2][0], "b_naam": deelnemers[b2][1],
                "zelfde_winnaar": same, "cosinus": cosine(wmat[a], wmat[b2]),
                "kendall_tau": kendall_tau_b(list(wmat[a]), list(wmat[b2])),
            })  # fmt: skip
    for ci, code in enumerate(dm.criteria):
        col = wmat[:, ci]
        body["spreiding"].append({
            "criterium": code, "naam": criterium_namen.get(code, code), "minimum": float(col.min()),
            "maximum": float(col.max()), "gemiddelde": float(col.mean()), "standaardafwijking": float(col.std()),
        })  # fmt: skip
    body["spreiding"].sort(key=lambda s: (-s["standaardafwijking"], s["criterium"]))
    return body


# ------------------------------------------------------------------------------------------------ results (stored)

_CACHE: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()
_COMPUTE_LOCKS: dict[int, threading.Lock] = {}
_STATS = {"berekeningen": 0}


def _case_matrix(session: Session, c: Casus) -> mcda.DecisionMatrix:
    from warmteregio.services import afweging

    if c.run_id is None:
        raise CasusError("de beoordeling van deze casus bestaat niet meer",
                         "the assessment of this case no longer exists", 409)  # fmt: skip
    cm = afweging.criteria_matrix(session, c.run_id, json.loads(c.buurten))
    varianten = [v for v in json.loads(c.varianten) if v in cm.dm.varianten]
    return cm.dm.select(varianten=varianten, criteria=json.loads(c.criteria))


def _latest_rows(session: Session, c: Casus) -> list[CasusInbreng]:
    members = {d.user_id for d in c.deelnemers}
    latest = select(func.max(CasusInbreng.id)).where(CasusInbreng.casus_id == c.id).group_by(CasusInbreng.user_id)
    rows = session.scalars(select(CasusInbreng).where(CasusInbreng.id.in_(latest)).order_by(CasusInbreng.id)).all()
    return [r for r in rows if r.user_id in members]


def _cache_key(session: Session, c: Casus) -> tuple:
    last_id, last_time = session.execute(
        select(func.max(CasusInbreng.id), func.max(CasusInbreng.ingediend)).where(CasusInbreng.casus_id == c.id)
    ).one()
    from warmteregio.services import afweging

    members = tuple(sorted(d.user_id for d in c.deelnemers))
    url = session.get_bind().url.render_as_string(hide_password=True)
    # the criteria matrix changes with user entries, area characteristics and heat sources
    matrix_state = afweging.state_token(session)
    return (url, c.id, str(c.aangemaakt), c.run_id, last_id, str(last_time), members, matrix_state)


def _compute(session: Session, c: Casus) -> dict[str, Any]:
    """Results of an open case (cached per change)."""
    key = _cache_key(session, c)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
        lock = _COMPUTE_LOCKS.setdefault(c.id, threading.Lock())
    with lock:  # one computation per change even when the whole room polls at once
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None:
            return hit
        rows = _latest_rows(session, c)
        names = _user_names(session, [r.user_id for r in rows])
        dm = _case_matrix(session, c)
        buurt_namen = dict(
            session.execute(select(Buurt.code, Buurt.naam).where(Buurt.code.in_([str(b) for b in dm.buurten]))).all()
        )
        crit_namen = {k.code: k.naam_nl for k in criteria_catalogue()}
        deelnemers = [(r.user_id, names.get(r.user_id, "?"), json.loads(r.gewichten)) for r in rows]
        try:
            body = compute_results(dm, deelnemers, c.methode, buurt_namen=buurt_namen, criterium_namen=crit_namen)
        except mcda.WeighingError as exc:
            raise CasusError(exc.nl, exc.en, 409) from None
        body["casus_id"] = c.id
        body["laatste_inbreng_id"] = key[4]
        body["inbreng_versies"] = {str(r.user_id): r.versie for r in rows}
        body["berekend"] = _now().isoformat()
        _STATS["berekeningen"] += 1
        with _CACHE_LOCK:
            _CACHE[key] = body
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return body


def resultaat(session: Session, user: User | None, casus_id: int) -> dict[str, Any]:
    """The case's results (frozen ones when closed); see :func:`compute_results` and docs/method/casus.md."""
    c = _load(session, user, casus_id)
    if c.status == GESLOTEN:
        _, frozen = _besluit_parts(c)
        if frozen is not None:
            return frozen
    return _compute(session, c)


def contested_first(buurten: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Buurten ordered for display: contested first (lowest acceptability first), then the rest by code."""
    return sorted(buurten, key=lambda b: (not b["omstreden"], b["acceptatie"] if b["omstreden"] else 0,
                                          b["buurt_code"]))  # fmt: skip


# ------------------------------------------------------------------------------------------------ decision log


def besluitenlog(session: Session, user: User | None, casus_id: int) -> dict[str, Any]:
    """Everything the decision log shows: the case definition with the run's provenance and the criteria's
    explanations, participants, latest weights and arguments, the full history, the results, the conclusion,
    generation time and version. Closed cases give the same content every time (apart from ``gegenereerd``)."""
    c = _load(session, user, casus_id)
    info = _info(session, c)
    run = assessment.get_run(session, c.run_id) if c.run_id else None
    crit = {k.code: k for k in criteria_catalogue()}
    criteria = []
    for code in info.criteria:
        k = crit.get(code)
        criteria.append({
            "code": code, "naam_nl": k.naam_nl if k else code, "naam_en": k.naam_en if k else code,
            "eenheid": k.eenheid if k else "", "richting": k.richting if k else 1,
            "uitleg_nl": k.uitleg_nl if k else "", "uitleg_en": k.uitleg_en if k else "",
        })  # fmt: skip
    history = inbreng(session, user, casus_id)
    members = {d.user_id for d in info.deelnemers}
    latest: dict[int, InbrengInfo] = {}
    for item in history:
        latest[item.user_id] = item
    buurt_namen = dict(session.execute(select(Buurt.code, Buurt.naam).where(Buurt.code.in_(info.buurten))).all())
    catalogue = assessment.catalogue_for_run(run) if run else None
    variant_namen: dict[str, tuple[str, str]] = {}
    if catalogue is not None:
        for v in catalogue:
            if v.code in info.varianten:
                variant_namen[v.code] = (v.beschrijving_nl or v.pbl_naam, v.beschrijving_en or v.pbl_naam)
    return {
        "casus": asdict(info),
        "run": asdict(run) if run else None,
        "criteria": criteria,
        "buurten": [{"code": b, "naam": buurt_namen.get(b)} for b in info.buurten],
        "varianten": [
            {"code": v, "naam_nl": variant_namen.get(v, (v, v))[0], "naam_en": variant_namen.get(v, (v, v))[1]}
            for v in info.varianten
        ],
        "laatste": [asdict(latest[d.user_id]) for d in info.deelnemers if d.user_id in latest],
        "geschiedenis": [asdict(h) | {"deelnemer": h.user_id in members} for h in history],
        "resultaat": resultaat(session, user, casus_id),
        "gegenereerd": _now(),
        "versie": __version__,
    }


def user_by_email(session: Session, email: str) -> User:
    """An active user by e-mail (for the CLI); 404 otherwise."""
    user = active_user(session, email)
    if user is None:
        email = email.strip().lower()
        raise CasusError(f"geen actieve gebruiker met e-mailadres {email}", f"no active user with e-mail {email}", 404)
    return user
