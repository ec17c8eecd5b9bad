"""The warmteprogramma workbench as a service (issue 6): versions and their lifecycle, buurt plans drafted from the
assessment framework, the process guide, stakeholders and the participation log, published documents and the
regional overview.

Everything that is not storage lives in :mod:`warmteregio.programme` (pure functions on the plain
:class:`~warmteregio.programme.model.Programma` that :func:`snapshot` builds): the rules and checks, planning and
look-back, cross-border conflicts and the documents.

Rules (docs: the issue contract):

* Statuses ``concept`` -> ``consultatie`` -> ``vastgesteld`` -> ``vervallen`` (set automatically when a later
  version is adopted); ``consultatie`` -> ``concept`` is allowed, and ``concept`` -> ``vastgesteld`` directly. At
  most one ``concept``/``consultatie`` version per gemeente. Adopted and superseded versions are immutable.
* Adoption needs a date (not in the future) and a decision reference, sets ``actualisatie_uiterlijk`` (adoption +
  the rules' update period) and is refused while a check that blocks adoption fails. Going to consultation or
  adoption stores the HTML, PDF and DOCX in :class:`~warmteregio.store.models.ProgrammaDocument` (with sha256;
  never changed or deleted).
* Every edit passes the programme's ``versie`` (optimistic locking): a stale one is refused with 409 and nothing
  is written; each successful edit of the programme, its plans or steps increments it.
* Permissions: edit = admin, or a ``gemeente`` user of the programme's gemeente. Read a concept = editors, the
  coordinator of the gemeente's region and admin; consultatie/vastgesteld/vervallen = everybody (also anonymous).
  Partners and the participation log (personal data) are read by admin, the gemeente's users and the region's
  coordinator and edited by editors. The regional overview: admin, the region's coordinator and gemeente users of
  a gemeente in the region.

Errors are :class:`ProgrammaError` (Dutch and English, an HTTP-like ``status``, and every bad field in
``fouten``). Functions flush and never commit: the caller (web dependency, CLI ``database_session``) commits, or
rolls back on an error, so nothing is half-written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, defer

from warmteregio.accounts.service import EMAIL_RE, gemeente_region
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_gemeentecode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.programme import alternatieven, checks, conflicts, planning, regels
from warmteregio.programme import model as pm
from warmteregio.store.models import (
    Beoordelingsrun,
    Buurt,
    Gemeente,
    Participatiemoment,
    ProgrammaBuurtplan,
    ProgrammaDocument,
    ProgrammaPartner,
    ProgrammaStap,
    ResRegio,
    User,
    Warmtebron,
    Warmteprogramma,
)

JAAR_MIN = 2020
JAAR_MAX = 2050
KOPPELKANS_JAAR = (2000, 2100)
FORMATEN = ("html", "pdf", "docx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OPEN_STATUSES = ("concept", "consultatie")
IMMUTABLE_STATUSES = ("vastgesteld", "vervallen")
#: allowed manual transitions (vervallen is only set when a later version is adopted)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "concept": ("consultatie", "vastgesteld"),
    "consultatie": ("concept", "vastgesteld"),
    "vastgesteld": (),
    "vervallen": (),
}
STATUS_NAMEN: dict[str, tuple[str, str]] = {
    "concept": ("concept", "draft"),
    "consultatie": ("in consultatie", "in consultation"),
    "vastgesteld": ("vastgesteld", "adopted"),
    "vervallen": ("vervallen", "superseded"),
}
#: buurt plan fields a user may change (update_plan, import)
PLAN_VELDEN: tuple[str, ...] = (
    "cluster", "alternatief", "afwijking_reden", "fase", "startjaar", "doeljaar", "koppelkansen", "aanwijzen",
    "aanwijsbesluit_jaar", "aardgasvrij_jaar", "termijn_reden", "betaalbaarheid", "haalbaarheid", "warmtebron_code",
    "warmtenet", "toelichting",
)  # fmt: skip
#: plan field -> criterion code of the assessment framework's matrix it is copied from
KOSTEN_CRITERIA: dict[str, str] = {
    "nationale_kosten_weq": "nationale_meerkosten",
    "maandlasten_eigenaar": "maandlasten_eigenaar",
    "maandlasten_sociale_huur": "maandlasten_sociale_huur",
    "maandlasten_particuliere_huur": "maandlasten_particuliere_huur",
}
#: columns of the plan export (CSV/XLSX); the editable ones (PLAN_VELDEN) are read back on import, the others are
#: information and ignored on import
EXPORT_KOLOMMEN: tuple[str, ...] = (
    "buurt_code", "buurt_naam", "woningen", "cluster", "alternatief", "analyse_voorkeur", "analyse_robuustheid",
    "afwijking_reden", "fase", "startjaar", "doeljaar", "koppelkansen", "aanwijzen", "aanwijsbesluit_jaar",
    "aardgasvrij_jaar", "termijn_reden", "betaalbaarheid", "haalbaarheid", "nationale_kosten_weq",
    "maandlasten_eigenaar", "maandlasten_sociale_huur", "maandlasten_particuliere_huur", "warmtebron_code",
    "warmtenet", "toelichting",
)  # fmt: skip
ALLEEN_LEZEN = frozenset(EXPORT_KOLOMMEN) - frozenset(PLAN_VELDEN) - {"buurt_code"}
VELD_NAMEN: dict[str, tuple[str, str]] = {
    "buurt_code": ("buurtcode", "neighbourhood code"),
    "cluster": ("cluster", "cluster"),
    "alternatief": ("alternatief", "alternative"),
    "afwijking_reden": ("reden van afwijking", "reason for deviation"),
    "fase": ("fase", "phase"),
    "startjaar": ("startjaar", "start year"),
    "doeljaar": ("doeljaar", "target year"),
    "koppelkansen": ("koppelkansen", "linked opportunities"),
    "aanwijzen": ("aanwijzen", "designate"),
    "aanwijsbesluit_jaar": ("jaar aanwijsbesluit", "year of the designation decision"),
    "aardgasvrij_jaar": ("aardgasvrij in", "natural-gas free in"),
    "termijn_reden": ("reden kortere termijn", "reason for a shorter term"),
    "betaalbaarheid": ("betaalbaarheid", "affordability"),
    "haalbaarheid": ("haalbaarheid", "feasibility"),
    "warmtebron_code": ("warmtebron", "heat source"),
    "warmtenet": ("warmtenet", "heat network"),
    "toelichting": ("toelichting", "explanation"),
    "titel": ("titel", "title"),
    "teksten": ("teksten", "texts"),
    "consultatie_van": ("consultatie van", "consultation from"),
    "consultatie_tot": ("consultatie tot", "consultation until"),
    "datum": ("datum", "date"),
    "besluit_referentie": ("besluitreferentie", "decision reference"),
    "vastgesteld_door": ("vastgesteld door", "adopted by"),
    "status": ("status", "status"),
    "eigenaar": ("eigenaar", "owner"),
    "bewijs": ("bewijs", "evidence"),
    "versie": ("versie", "version"),
    "organisatie": ("organisatie", "organisation"),
    "soort": ("soort", "kind"),
    "rol": ("rol", "role"),
    "contactpersoon": ("contactpersoon", "contact person"),
    "functie": ("functie", "function"),
    "email": ("e-mailadres", "e-mail address"),
    "actief": ("actief", "active"),
    "titel_participatie": ("titel", "title"),
    "partner_ids": ("partners", "partners"),
    "buurt_codes": ("buurten", "neighbourhoods"),
    "aantal_deelnemers": ("aantal deelnemers", "number of participants"),
    "inbreng": ("inbreng", "input received"),
    "reactie": ("reactie", "response"),
    "programma_id": ("programma", "programme"),
    "formaat": ("formaat", "format"),
}
MAX_TEKST = 100_000
#: a participation entry may be planned ahead by at most this many days; entries with input received lie in the past
PARTICIPATIE_VOORUIT_DAGEN = 2 * 366
PARTICIPATIE_VANAF = date(2000, 1, 1)


# ------------------------------------------------------------------------------------------------------- errors


class ProgrammaError(ValueError):
    """A request that cannot be honoured, in Dutch and English. ``status``: 400 bad input, 401 not logged in,
    403 not allowed, 404 not found, 409 conflict (stale version, immutable version, blocking checks, wrong
    status). ``fouten`` lists every bad field: ``{"veld", "nl", "en"}`` (import errors add ``"rij"``)."""

    def __init__(self, nl: str, en: str, status: int = 400, fouten: Sequence[Mapping[str, Any]] | None = None,
                 *, veld: str | None = None) -> None:  # fmt: skip
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.status = status
        if fouten:
            self.fouten = [dict(f) for f in fouten]
        elif veld is not None:
            self.fouten = [{"veld": veld, "nl": nl, "en": en}]
        else:
            self.fouten = []


class _Fouten:
    """Collects field errors so that a request reports every bad field at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, veld: str | None, nl: str, en: str, **extra: Any) -> None:
        self.items.append({"veld": veld, "nl": nl, "en": en, **extra})

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, nl: str = "de invoer is niet in orde", en: str = "the input is not valid") -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            f = self.items[0]
            raise ProgrammaError(f["nl"], f["en"], 400, self.items)
        lines_nl = "; ".join(f["nl"] for f in self.items)
        lines_en = "; ".join(f["en"] for f in self.items)
        raise ProgrammaError(f"{nl}: {lines_nl}", f"{en}: {lines_en}", 400, self.items)


def _naam(veld: str) -> tuple[str, str]:
    return VELD_NAMEN.get(veld, (veld, veld))


def _not_logged_in() -> ProgrammaError:
    return ProgrammaError("niet ingelogd", "not logged in", 401)


def _not_found(programma_id: object) -> ProgrammaError:
    return ProgrammaError(f"warmteprogramma {programma_id} niet gevonden", f"heat programme {programma_id} not found",
                          404)  # fmt: skip


def _afweging_error(exc: Exception) -> ProgrammaError:
    return ProgrammaError(getattr(exc, "nl", str(exc)), getattr(exc, "en", str(exc)), getattr(exc, "status", 400))


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------- area lookups


def _gemeente_code(value: object) -> str:
    try:
        return normalise_gemeentecode(value)
    except CodeError as exc:
        raise ProgrammaError(exc.nl, exc.en, 400, veld="gemeente_code") from None


def _gemeente(session: Session, code: str) -> Gemeente:
    """The newest division's row of a gemeente; 404 when unknown."""
    g = session.scalar(select(Gemeente).where(Gemeente.code == code).order_by(Gemeente.jaar.desc()).limit(1))
    if g is None:
        raise ProgrammaError(f"gemeente {code} niet gevonden", f"gemeente {code} not found", 404)
    return g


def _gemeente_namen(session: Session, codes: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """code -> (naam, res_code) of the newest division."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    out: dict[str, tuple[str, str | None, int]] = {}
    for code, naam, res, jaar in session.execute(
        select(Gemeente.code, Gemeente.naam, Gemeente.res_code, Gemeente.jaar).where(Gemeente.code.in_(codes))
    ):  # fmt: skip
        if code not in out or jaar > out[code][2]:
            out[code] = (naam, res, jaar)
    return {c: (v[0], v[1]) for c, v in out.items()}


def _buurten_van(session: Session, gemeente_code: str) -> list[Buurt]:
    """The buurten of the gemeente's newest division year (ordered by code)."""
    jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.gemeente_code == gemeente_code))
    if jaar is None:
        return []
    return list(session.scalars(
        select(Buurt).where(Buurt.gemeente_code == gemeente_code, Buurt.jaar == jaar).order_by(Buurt.code)
    ))  # fmt: skip


def geometrie(session: Session, gemeente_code: str) -> dict[str, bytes]:
    """Buurt code -> WKB geometry (RD New) of the gemeente's newest division (buurten without geometry left out)."""
    code = _gemeente_code(gemeente_code)
    jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.gemeente_code == code))
    if jaar is None:
        return {}
    rows = session.execute(
        select(Buurt.code, Buurt.geometry).where(Buurt.gemeente_code == code, Buurt.jaar == jaar,
                                                 Buurt.geometry.is_not(None)).order_by(Buurt.code)
    ).all()  # fmt: skip
    return {c: bytes(g) for c, g in rows}


# ------------------------------------------------------------------------------------------------ permissions


def _active(user: User | None) -> User | None:
    return user if user is not None and getattr(user, "actief", True) else None


def can_edit(session: Session, user: User | None, gemeente_code: str) -> bool:
    """Edit a gemeente's programme, plans, steps, partners and participation: admin, or a gemeente user of it."""
    user = _active(user)
    if user is None:
        return False
    if user.rol == Role.ADMIN.value:
        return True
    return user.rol == Role.GEMEENTE.value and bool(user.gemeente_code) and user.gemeente_code == gemeente_code


def _coordinator_of(session: Session, user: User | None, gemeente_code: str, res_code: str | None = None) -> bool:
    user = _active(user)
    if user is None or user.rol != Role.COORDINATOR.value or not user.res_code:
        return False
    res = res_code if res_code is not None else gemeente_region(session, gemeente_code)
    return res is not None and res == user.res_code


def can_read_private(session: Session, user: User | None, gemeente_code: str, *, res_code: str | None = None) -> bool:
    """Read a gemeente's concept versions, partners and participation log: editors, the region's coordinator,
    admin."""
    return can_edit(session, user, gemeente_code) or _coordinator_of(session, user, gemeente_code, res_code)


def can_read(session: Session, user: User | None, prog: Warmteprogramma, *, res_code: str | None = None) -> bool:
    """Published versions (consultatie, vastgesteld, vervallen) for everybody; a concept for
    :func:`can_read_private`."""
    if prog.status in pm.PUBLIC_STATUSES:
        return True
    return can_read_private(session, user, prog.gemeente_code, res_code=res_code)


def can_see_region(session: Session, user: User | None, res_code: str) -> bool:
    """The regional overview: admin, the region's coordinator, gemeente users of a gemeente in the region."""
    user = _active(user)
    if user is None:
        return False
    if user.rol == Role.ADMIN.value:
        return True
    if user.rol == Role.COORDINATOR.value:
        return user.res_code == res_code
    if user.rol == Role.GEMEENTE.value and user.gemeente_code:
        return gemeente_region(session, user.gemeente_code) == res_code
    return False


def editable_gemeenten(session: Session, user: User | None) -> list[tuple[str, str]]:
    """(code, naam) of the gemeenten the user may create and edit programmes for, by name."""
    user = _active(user)
    if user is None:
        return []
    if user.rol == Role.ADMIN.value:
        namen = _gemeente_namen(session, session.scalars(select(Gemeente.code).distinct()))
    elif user.rol == Role.GEMEENTE.value and user.gemeente_code:
        namen = _gemeente_namen(session, [user.gemeente_code])
    else:
        return []
    return sorted(((c, v[0]) for c, v in namen.items()), key=lambda t: (t[1].lower(), t[0]))


def _require_private_read(session: Session, user: User | None, gemeente_code: str) -> None:
    if _active(user) is None:
        raise _not_logged_in()
    if not can_read_private(session, user, gemeente_code):
        raise ProgrammaError(
            f"u mag de partners en het participatielogboek van {gemeente_code} niet inzien",
            f"you may not see the partners and participation log of {gemeente_code}", 403,
        )  # fmt: skip


def _require_edit_gemeente(session: Session, user: User | None, gemeente_code: str) -> None:
    if _active(user) is None:
        raise _not_logged_in()
    if not can_edit(session, user, gemeente_code):
        raise ProgrammaError(
            f"u mag het warmteprogramma van {gemeente_code} niet wijzigen (alleen de gemeente zelf of een beheerder)",
            f"you may not change the heat programme of {gemeente_code} (only the gemeente itself or an "
            "administrator)", 403,
        )  # fmt: skip


# ------------------------------------------------------------------------------------------------- loading


def _load(session: Session, programma_id: object, *, for_update: bool = False) -> Warmteprogramma:
    try:
        pid = int(programma_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise _not_found(programma_id) from None
    stmt = select(Warmteprogramma).where(Warmteprogramma.id == pid)
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    prog = session.scalar(stmt)
    if prog is None:
        raise _not_found(programma_id)
    return prog


def get_programma(session: Session, user: User | None, programma_id: int) -> Warmteprogramma:
    """A programme version the user may read: 404 when it does not exist, 403 when it is a concept the user may
    not see (401 for an anonymous visitor)."""
    prog = _load(session, programma_id)
    if not can_read(session, user, prog):
        if _active(user) is None:
            raise ProgrammaError(
                f"warmteprogramma {prog.id} is nog niet openbaar; log in", f"heat programme {prog.id} is not public "
                "yet; log in", 401,
            )  # fmt: skip
        raise ProgrammaError(f"u mag warmteprogramma {prog.id} (concept) niet inzien",
                             f"you may not see heat programme {prog.id} (draft)", 403)  # fmt: skip
    return prog


def _editable(session: Session, user: User | None, programma_id: int, versie: object) -> Warmteprogramma:
    """The programme for an edit: logged in, allowed, not adopted/superseded, ``versie`` current."""
    if _active(user) is None:
        raise _not_logged_in()
    prog = _load(session, programma_id, for_update=True)
    if not can_edit(session, user, prog.gemeente_code):
        if not can_read(session, user, prog):
            raise ProgrammaError(f"u mag warmteprogramma {prog.id} niet inzien",
                                 f"you may not see heat programme {prog.id}", 403)  # fmt: skip
        _require_edit_gemeente(session, user, prog.gemeente_code)
    _require_mutable(prog)
    _check_versie(prog, versie)
    return prog


def _require_mutable(prog: Warmteprogramma) -> None:
    if prog.status in IMMUTABLE_STATUSES:
        nl, en = STATUS_NAMEN[prog.status]
        raise ProgrammaError(
            f"warmteprogramma {prog.id} (versie {prog.volgnummer}) is {nl} en kan niet meer worden gewijzigd; maak "
            "een nieuwe versie",
            f"heat programme {prog.id} (version {prog.volgnummer}) is {en} and can no longer be changed; create a "
            "new version", 409, veld="status",
        )  # fmt: skip


def _check_versie(prog: Warmteprogramma, versie: object) -> None:
    if isinstance(versie, bool):
        versie = None
    try:
        v = int(versie)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ProgrammaError("versie ontbreekt of is geen geheel getal", "version missing or not a whole number", 400,
                             veld="versie") from None  # fmt: skip
    if v != prog.versie:
        raise ProgrammaError(
            f"het warmteprogramma is intussen gewijzigd (u bewerkte versie {v}, nu is het versie {prog.versie}); "
            "laad het opnieuw en breng uw wijziging opnieuw aan",
            f"the heat programme has changed in the meantime (you edited version {v}, it is now version "
            f"{prog.versie}); reload it and make your change again", 409, veld="versie",
        )  # fmt: skip


def _touch(prog: Warmteprogramma, user: User | None) -> None:
    prog.versie = (prog.versie or 1) + 1
    prog.gewijzigd = _now()
    prog.gewijzigd_door_id = user.id if user is not None else None


# ------------------------------------------------------------------------------------------------- snapshot


def _koppelkansen(text: str | None) -> tuple[pm.Koppelkans, ...]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return ()
    out = []
    for k in items if isinstance(items, list) else []:
        if isinstance(k, dict) and k.get("soort"):
            jaar = k.get("jaar")
            out.append(pm.Koppelkans(str(k["soort"]), str(k.get("omschrijving") or ""),
                                     int(jaar) if isinstance(jaar, int | float) else None))  # fmt: skip
    return tuple(out)


def _buurtplan(p: ProgrammaBuurtplan, b: Any | None) -> pm.Buurtplan:
    return pm.Buurtplan(
        buurt_code=p.buurt_code, buurt_naam=getattr(b, "naam", None), wijk_code=getattr(b, "wijk_code", None),
        cluster=p.cluster, alternatief=p.alternatief, analyse_voorkeur=p.analyse_voorkeur,
        analyse_robuustheid=p.analyse_robuustheid, analyse_uitleg_nl=p.analyse_uitleg_nl,
        analyse_uitleg_en=p.analyse_uitleg_en, afwijking_reden=p.afwijking_reden, fase=p.fase or "verkenning",
        startjaar=p.startjaar, doeljaar=p.doeljaar, koppelkansen=_koppelkansen(p.koppelkansen),
        aanwijzen=bool(p.aanwijzen), aanwijsbesluit_jaar=p.aanwijsbesluit_jaar, aardgasvrij_jaar=p.aardgasvrij_jaar,
        termijn_reden=p.termijn_reden, betaalbaarheid=p.betaalbaarheid, haalbaarheid=p.haalbaarheid,
        nationale_kosten_weq=p.nationale_kosten_weq, maandlasten_eigenaar=p.maandlasten_eigenaar,
        maandlasten_sociale_huur=p.maandlasten_sociale_huur,
        maandlasten_particuliere_huur=p.maandlasten_particuliere_huur, warmtebron_code=p.warmtebron_code,
        warmtenet=p.warmtenet, toelichting=p.toelichting,
        woningen=getattr(b, "aantal_woningen", None), weq=getattr(b, "weq", None),
        warmtevraag_gj=getattr(b, "vraag_totaal_gj", None),
    )  # fmt: skip


@dataclass(frozen=True)
class _BuurtRij:
    code: str
    jaar: int
    naam: str | None
    wijk_code: str | None
    aantal_woningen: int | None
    weq: float | None
    vraag_totaal_gj: float | None


def _buurt_rijen(session: Session, gemeente_code: str, codes: Iterable[str]) -> tuple[
        dict[tuple[str, int], _BuurtRij], dict[str, _BuurtRij], list[str]]:  # fmt: skip
    """Buurt data for the plans: by (code, jaar), by code (newest year) and the codes of the gemeente's newest
    division."""
    cols = (Buurt.code, Buurt.jaar, Buurt.naam, Buurt.wijk_code, Buurt.aantal_woningen, Buurt.weq,
            Buurt.vraag_totaal_gj)  # fmt: skip
    own = [_BuurtRij(*r) for r in session.execute(select(*cols).where(Buurt.gemeente_code == gemeente_code))]
    rows = list(own)
    wanted = sorted(set(codes) - {r.code for r in own})
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        rows += [_BuurtRij(*r) for r in session.execute(select(*cols).where(Buurt.code.in_(part)))]
    by_key: dict[tuple[str, int], _BuurtRij] = {}
    newest: dict[str, _BuurtRij] = {}
    for rij in rows:
        by_key[(rij.code, rij.jaar)] = rij
        if rij.code not in newest or rij.jaar > newest[rij.code].jaar:
            newest[rij.code] = rij
    current_year = max((r.jaar for r in own), default=None)
    gemeente_buurten = sorted({r.code for r in own if r.jaar == current_year})
    return by_key, newest, gemeente_buurten


def _analyse_info(session: Session, run_id: int | None) -> pm.AnalyseInfo | None:
    if run_id is None:
        return None
    run = session.get(Beoordelingsrun, run_id)
    if run is None:
        return None
    return pm.AnalyseInfo(run_id=run.id, parameterset=f"{run.parameterset_naam} {run.parameterset_versie}".strip(),
                          zichtjaar=run.zichtjaar, code_versie=run.code_versie)  # fmt: skip


def _stappen_volgorde() -> dict[str, int]:
    return {s.code: s.volgorde for s in regels.load_rules().stappen}


def snapshot(session: Session, prog: Warmteprogramma) -> pm.Programma:
    """The programme version as plain data for checks, planning, conflicts and documents: plans with the buurt's
    name, dwellings, WEQ and heat demand; steps in the guide's order; the gemeente's participation entries that
    belong to this version (linked to it, or unlinked and dated on or before its adoption); the active partners
    (organisation names only, no personal data); the provenance of the assessment run."""
    namen = _gemeente_namen(session, [prog.gemeente_code])
    gemeente_naam, res_code = namen.get(prog.gemeente_code, (prog.gemeente_code, None))
    plans = list(session.scalars(
        select(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id == prog.id)
        .order_by(ProgrammaBuurtplan.buurt_code)
    ))  # fmt: skip
    by_key, newest, gemeente_buurten = _buurt_rijen(session, prog.gemeente_code, [p.buurt_code for p in plans])
    plannen = tuple(_buurtplan(p, by_key.get((p.buurt_code, p.buurt_jaar)) or newest.get(p.buurt_code)) for p in plans)
    volgorde = _stappen_volgorde()
    stap_rows = session.scalars(select(ProgrammaStap).where(ProgrammaStap.programma_id == prog.id)).all()
    stappen = tuple(
        pm.Stap(s.stap_code, s.status, s.eigenaar, s.bewijs, s.toelichting)
        for s in sorted(stap_rows, key=lambda s: (volgorde.get(s.stap_code, 10_000), s.stap_code))
    )
    partner_rows = session.scalars(
        select(ProgrammaPartner).where(ProgrammaPartner.gemeente_code == prog.gemeente_code)
        .order_by(ProgrammaPartner.organisatie, ProgrammaPartner.id)
    ).all()  # fmt: skip
    organisatie = {p.id: p.organisatie for p in partner_rows}
    partners = tuple(pm.Partner(p.id, p.organisatie, p.soort, p.rol) for p in partner_rows if p.actief)
    stmt = select(Participatiemoment).where(Participatiemoment.gemeente_code == prog.gemeente_code)
    moments = []
    for m in session.scalars(stmt.order_by(Participatiemoment.datum, Participatiemoment.id)):
        if m.programma_id == prog.id or (
            m.programma_id is None and (prog.vastgesteld_op is None or m.datum <= prog.vastgesteld_op)
        ):
            moments.append(m)
    participatie = tuple(
        pm.Participatie(
            id=m.id,
            datum=m.datum,
            soort=m.soort,
            titel=m.titel,
            partners=tuple(organisatie[i] for i in _ids(m.partner_ids) if i in organisatie),
            buurt_codes=tuple(_codes(m.buurt_codes)),
            aantal_deelnemers=m.aantal_deelnemers,
            inbreng=m.inbreng or "",
            reactie=m.reactie,
        )  # fmt: skip
        for m in moments
    )
    vorige_op = None
    if prog.vorige_id is not None:
        vorige_op = session.scalar(select(Warmteprogramma.vastgesteld_op).where(Warmteprogramma.id == prog.vorige_id))
    try:
        teksten = {str(k): str(v) for k, v in json.loads(prog.teksten or "{}").items()}
    except (ValueError, AttributeError):
        teksten = {}
    return pm.Programma(
        id=prog.id, gemeente_code=prog.gemeente_code, gemeente_naam=gemeente_naam, volgnummer=prog.volgnummer,
        titel=prog.titel, status=prog.status, res_code=res_code, teksten=teksten,
        consultatie_van=prog.consultatie_van, consultatie_tot=prog.consultatie_tot,
        vastgesteld_op=prog.vastgesteld_op, vastgesteld_door=prog.vastgesteld_door,
        besluit_referentie=prog.besluit_referentie, actualisatie_uiterlijk=prog.actualisatie_uiterlijk,
        vorige_id=prog.vorige_id, vorige_vastgesteld_op=vorige_op,
        analyse=_analyse_info(session, prog.beoordelingsrun_id), plannen=plannen,
        gemeente_buurten=tuple(gemeente_buurten), stappen=stappen, participatie=participatie, partners=partners,
        gewijzigd=prog.gewijzigd, versie=prog.versie or 1,
    )  # fmt: skip


def _ids(text: str | None) -> list[int]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return []
    return [int(i) for i in items if isinstance(i, int | float) and not isinstance(i, bool)] if isinstance(
        items, list) else []  # fmt: skip


def _codes(text: str | None) -> list[str]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(i) for i in items] if isinstance(items, list) else []


# ---------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ProgrammaInfo:
    """A programme version for lists and the regional overview."""

    id: int
    gemeente_code: str
    gemeente_naam: str
    res_code: str | None
    volgnummer: int
    titel: str
    status: str
    vastgesteld_op: date | None
    besluit_referentie: str | None
    actualisatie_uiterlijk: date | None
    versie: int
    gewijzigd: datetime | None
    aantal_buurten: int
    aantal_in_horizon: int
    aantal_aanwijzen: int
    beoordelingsrun_id: int | None


def _peiljaar(prog: Warmteprogramma, vandaag: date) -> int:
    return prog.vastgesteld_op.year if prog.vastgesteld_op is not None else vandaag.year


def _infos(session: Session, progs: Sequence[Warmteprogramma], vandaag: date | None = None) -> list[ProgrammaInfo]:
    if not progs:
        return []
    vandaag = vandaag or date.today()
    namen = _gemeente_namen(session, [p.gemeente_code for p in progs])
    plans: dict[int, list[ProgrammaBuurtplan]] = {p.id: [] for p in progs}
    ids = list(plans)
    for start in range(0, len(ids), 500):
        for plan in session.scalars(
            select(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id.in_(ids[start : start + 500]))
        ):  # fmt: skip
            plans[plan.programma_id].append(plan)
    rules = regels.load_rules()
    out = []
    for p in progs:
        naam, res = namen.get(p.gemeente_code, (p.gemeente_code, None))
        jaar = _peiljaar(p, vandaag)
        bps = [_buurtplan(x, None) for x in plans[p.id]]
        out.append(ProgrammaInfo(
            id=p.id, gemeente_code=p.gemeente_code, gemeente_naam=naam, res_code=res, volgnummer=p.volgnummer,
            titel=p.titel, status=p.status, vastgesteld_op=p.vastgesteld_op, besluit_referentie=p.besluit_referentie,
            actualisatie_uiterlijk=p.actualisatie_uiterlijk, versie=p.versie or 1, gewijzigd=p.gewijzigd,
            aantal_buurten=len(bps), aantal_in_horizon=sum(1 for b in bps if planning.in_horizon(b, jaar, rules)),
            aantal_aanwijzen=sum(1 for b in bps if b.aanwijzen), beoordelingsrun_id=p.beoordelingsrun_id,
        ))  # fmt: skip
    return out


def info(session: Session, prog: Warmteprogramma, vandaag: date | None = None) -> ProgrammaInfo:
    """The :class:`ProgrammaInfo` of one version (no permission check: the caller has the programme already)."""
    return _infos(session, [prog], vandaag)[0]


def list_programmas(session: Session, user: User | None, *, gemeente: str | None = None, regio: str | None = None,
                    status: str | None = None) -> list[ProgrammaInfo]:  # fmt: skip
    """The programme versions the user may read, by gemeente name and newest version first."""
    stmt = select(Warmteprogramma)
    if gemeente:
        stmt = stmt.where(Warmteprogramma.gemeente_code == _gemeente_code(gemeente))
    if regio:
        try:
            res = normalise_rescode(regio)
        except CodeError as exc:
            raise ProgrammaError(exc.nl, exc.en, 400, veld="regio") from None
        codes = session.scalars(select(Gemeente.code).where(Gemeente.res_code == res).distinct()).all()
        stmt = stmt.where(Warmteprogramma.gemeente_code.in_(list(codes)))
    if status:
        if status not in pm.STATUSES:
            raise ProgrammaError(f"onbekende status {status!r} (kies uit {', '.join(pm.STATUSES)})",
                                 f"unknown status {status!r} (choose from {', '.join(pm.STATUSES)})", 400,
                                 veld="status")  # fmt: skip
        stmt = stmt.where(Warmteprogramma.status == status)
    progs = list(session.scalars(stmt))
    namen = _gemeente_namen(session, [p.gemeente_code for p in progs])
    readable = [p for p in progs if can_read(session, user, p, res_code=namen.get(p.gemeente_code, ("", ""))[1] or "")]
    readable.sort(key=lambda p: (namen.get(p.gemeente_code, (p.gemeente_code,))[0].lower(), p.gemeente_code,
                                 -p.volgnummer))  # fmt: skip
    return _infos(session, readable)


def toetsen(session: Session, user: User | None, programma_id: int, vandaag: date | None = None) -> list[
        pm.Toetsresultaat]:  # fmt: skip
    """The legal checks of a version (in the order of the rules file)."""
    prog = get_programma(session, user, programma_id)
    return checks.run_checks(snapshot(session, prog), vandaag or date.today())


def _terugblik(session: Session, prog: Warmteprogramma, huidig: pm.Programma, vandaag: date) -> pm.Terugblik | None:
    if prog.vorige_id is None:
        return None
    vorige = session.get(Warmteprogramma, prog.vorige_id)
    if vorige is None:
        return None
    return planning.terugblik(snapshot(session, vorige), huidig, vandaag)


def terugblik(session: Session, user: User | None, programma_id: int, vandaag: date | None = None) -> (
        pm.Terugblik | None):  # fmt: skip
    """The look-back: the previous adopted version's plans against this version (None for a first programme)."""
    prog = get_programma(session, user, programma_id)
    return _terugblik(session, prog, snapshot(session, prog), vandaag or date.today())


def tijdlijn(session: Session, user: User | None, programma_id: int) -> list[dict]:
    """Rows for the Gantt chart (:func:`warmteregio.programme.planning.tijdlijn`)."""
    prog = get_programma(session, user, programma_id)
    return planning.tijdlijn(snapshot(session, prog))


def toestand_in_jaar(session: Session, user: User | None, programma_id: int, jaar: int) -> dict:
    """Buurt code -> state in ``jaar`` (for the map per year)."""
    prog = get_programma(session, user, programma_id)
    return planning.toestand_in_jaar(snapshot(session, prog).plannen, int(jaar))


def _render(session: Session, prog: Warmteprogramma, formaat: str, lang: str, vandaag: date,
            gegenereerd: datetime | None = None) -> tuple[bytes, pm.Programma]:  # fmt: skip
    from warmteregio.programme import document as doc

    p = snapshot(session, prog)
    kwargs: dict[str, Any] = {
        "geometrie": geometrie(session, prog.gemeente_code),
        "toetsen": checks.run_checks(p, vandaag),
        "terugblik": _terugblik(session, prog, p, vandaag),
        "lang": lang,
        "gegenereerd": gegenereerd or _now(),
    }
    if formaat == "html":
        return doc.render_html(p, **kwargs).encode("utf-8"), p
    if formaat == "pdf":
        return doc.render_pdf(p, **kwargs), p
    return doc.render_docx(p, **kwargs), p


def _formaat(formaat: str) -> str:
    f = (formaat or "").strip().lower().lstrip(".")
    if f not in FORMATEN:
        raise ProgrammaError(f"onbekend formaat {formaat!r} (kies uit html, pdf, docx)",
                             f"unknown format {formaat!r} (choose from html, pdf, docx)", 400,
                             veld="formaat")  # fmt: skip
    return f


def _lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        raise ProgrammaError(f"onbekende taal {lang!r} (nl of en)", f"unknown language {lang!r} (nl or en)", 400,
                             veld="lang")  # fmt: skip
    return lang


def document(session: Session, user: User | None, programma_id: int, formaat: str, lang: str = "nl") -> tuple[
        bytes, str, str]:  # fmt: skip
    """The programme as a document generated live from its current state: (content, media type, file name)."""
    from warmteregio.programme import document as doc

    f = _formaat(formaat)
    lang = _lang(lang)
    prog = get_programma(session, user, programma_id)
    content, p = _render(session, prog, f, lang, date.today())
    return content, MEDIA_TYPES[f], doc.bestandsnaam(p, f)


def list_documents(session: Session, user: User | None, programma_id: int) -> list[ProgrammaDocument]:
    """The stored publications of a version (oldest first), without loading their content."""
    prog = get_programma(session, user, programma_id)
    return list(session.scalars(
        select(ProgrammaDocument).options(defer(ProgrammaDocument.inhoud))
        .where(ProgrammaDocument.programma_id == prog.id).order_by(ProgrammaDocument.id)
    ))  # fmt: skip


def get_document(session: Session, user: User | None, programma_id: int, document_id: int) -> ProgrammaDocument:
    """One stored publication of a version (immutable; ``sha256`` of ``inhoud``)."""
    prog = get_programma(session, user, programma_id)
    try:
        did = int(document_id)
    except (TypeError, ValueError):
        did = -1
    d = session.get(ProgrammaDocument, did)
    if d is None or d.programma_id != prog.id:
        raise ProgrammaError(f"document {document_id} van warmteprogramma {prog.id} niet gevonden",
                             f"document {document_id} of heat programme {prog.id} not found", 404)  # fmt: skip
    return d


# ---------------------------------------------------------------------------------------------- value parsing


def _strip(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _tekst(f: _Fouten, veld: str, value: object, max_len: int | None = None, *, label: str | None = None,
           **extra: Any) -> str | None:  # fmt: skip
    if value is not None and not isinstance(value, str | int | float) or isinstance(value, bool):
        nl, en = _naam(label or veld)
        f.add(veld, f"{nl}: geen tekst", f"{en}: not text", **extra)
        return None
    text = _strip(value)
    if text is not None and max_len is not None and len(text) > max_len:
        nl, en = _naam(label or veld)
        f.add(veld, f"{nl}: langer dan {max_len} tekens", f"{en}: longer than {max_len} characters", **extra)
        return None
    return text


def _jaar(f: _Fouten, veld: str, value: object, lo: int = JAAR_MIN, hi: int = JAAR_MAX, **extra: Any) -> int | None:
    nl, en = _naam(veld)
    if value is None:
        return None
    if isinstance(value, bool):
        f.add(veld, f"{nl}: geen jaartal", f"{en}: not a year", **extra)
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            f.add(veld, f"{nl}: geen geheel jaartal", f"{en}: not a whole year", **extra)
            return None
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"[0-9]{1,4}(\.0+)?", text):
            value = int(text.split(".")[0])
        else:
            f.add(veld, f"{nl}: {text!r} is geen jaartal", f"{en}: {text!r} is not a year", **extra)
            return None
    if not isinstance(value, int):
        f.add(veld, f"{nl}: geen jaartal", f"{en}: not a year", **extra)
        return None
    if not lo <= value <= hi:
        f.add(veld, f"{nl}: {value} ligt niet tussen {lo} en {hi}", f"{en}: {value} is not between {lo} and {hi}",
              **extra)  # fmt: skip
        return None
    return value


_JA = {"ja", "j", "true", "waar", "1", "yes", "y", "x"}
_NEE = {"nee", "n", "false", "onwaar", "0", "no", ""}


def _bool(f: _Fouten, veld: str, value: object, **extra: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _JA:
        return True
    if text in _NEE:
        return False
    nl, en = _naam(veld)
    f.add(veld, f"{nl}: {value!r} is geen ja/nee", f"{en}: {value!r} is not yes/no", **extra)
    return None


def _datum(f: _Fouten, veld: str, value: object, **extra: Any) -> date | None:
    if value is None or isinstance(value, datetime):
        return value.date() if isinstance(value, datetime) else None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    nl, en = _naam(veld)
    f.add(veld, f"{nl}: {text!r} is geen datum (jjjj-mm-dd)", f"{en}: {text!r} is not a date (yyyy-mm-dd)", **extra)
    return None


def _parse_koppelkansen_text(text: str) -> list[Any]:
    """JSON (as exported) or lines ``soort: omschrijving (jaar)`` separated by new lines or ``|``."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return json.loads(text)
    out = []
    for part in re.split(r"\s*(?:\||\n)\s*", text):
        if not part:
            continue
        soort, sep, rest = part.partition(":")
        if not sep:
            out.append({"soort": soort.strip(), "omschrijving": ""})
            continue
        rest = rest.strip()
        m = re.search(r"\((\d{4})\)\s*$", rest)
        jaar = int(m.group(1)) if m else None
        omschrijving = rest[: m.start()].strip() if m else rest
        out.append({"soort": soort.strip(), "omschrijving": omschrijving, "jaar": jaar})
    return out


def _koppelkansen_in(f: _Fouten, value: object, **extra: Any) -> str | None:
    """Validated koppelkansen as JSON text, or None (with errors in ``f``)."""
    if value is None:
        return "[]"
    if isinstance(value, str):
        try:
            value = _parse_koppelkansen_text(value)
        except ValueError:
            f.add("koppelkansen", "koppelkansen: geen geldige lijst (JSON of 'soort: omschrijving (jaar)')",
                  "linked opportunities: not a valid list (JSON or 'kind: description (year)')", **extra)  # fmt: skip
            return None
    if not isinstance(value, list | tuple):
        f.add("koppelkansen", "koppelkansen: verwacht een lijst", "linked opportunities: a list is expected", **extra)
        return None
    out = []
    before = len(f.items)
    for i, k in enumerate(value, start=1):
        if isinstance(k, pm.Koppelkans):
            k = {"soort": k.soort, "omschrijving": k.omschrijving, "jaar": k.jaar}
        if not isinstance(k, Mapping):
            f.add("koppelkansen", f"koppelkans {i}: verwacht soort, omschrijving en jaar",
                  f"linked opportunity {i}: kind, description and year expected", **extra)  # fmt: skip
            continue
        unknown = sorted(set(k) - {"soort", "omschrijving", "jaar"})
        if unknown:
            f.add("koppelkansen", f"koppelkans {i}: onbekend veld {unknown[0]!r}",
                  f"linked opportunity {i}: unknown field {unknown[0]!r}", **extra)  # fmt: skip
        soort = _strip(k.get("soort"))
        if soort not in pm.KOPPELKANS_SOORTEN:
            f.add("koppelkansen", f"koppelkans {i}: onbekende soort {soort!r} (kies uit "
                  f"{', '.join(pm.KOPPELKANS_SOORTEN)})", f"linked opportunity {i}: unknown kind {soort!r} (choose "
                  f"from {', '.join(pm.KOPPELKANS_SOORTEN)})", **extra)  # fmt: skip
        omschrijving = _strip(k.get("omschrijving"))
        if not omschrijving:
            f.add("koppelkansen", f"koppelkans {i}: omschrijving ontbreekt",
                  f"linked opportunity {i}: description missing", **extra)  # fmt: skip
        elif len(omschrijving) > 500:
            f.add("koppelkansen", f"koppelkans {i}: omschrijving langer dan 500 tekens",
                  f"linked opportunity {i}: description longer than 500 characters", **extra)  # fmt: skip
        sub = _Fouten()
        jaar = _jaar(sub, "koppelkansen", k.get("jaar"), *KOPPELKANS_JAAR)
        if sub:
            f.add("koppelkansen", f"koppelkans {i}: jaar moet tussen {KOPPELKANS_JAAR[0]} en {KOPPELKANS_JAAR[1]} "
                  "liggen", f"linked opportunity {i}: year must be between {KOPPELKANS_JAAR[0]} and "
                  f"{KOPPELKANS_JAAR[1]}", **extra)  # fmt: skip
        out.append({"soort": soort, "omschrijving": omschrijving, "jaar": jaar})
    if len(f.items) > before:
        return None
    return json.dumps(out, ensure_ascii=False)


def _plan_state(p: ProgrammaBuurtplan) -> dict[str, Any]:
    return {k: getattr(p, k) for k in PLAN_VELDEN}


def _clean_plan(f: _Fouten, wijzigingen: Mapping[str, Any], current: Mapping[str, Any], bron_codes: set[str],
                **extra: Any) -> dict[str, Any]:  # fmt: skip
    """Validate changes of a plan's editable fields against the current values; errors go to ``f``."""
    clean: dict[str, Any] = {}
    for veld, value in wijzigingen.items():
        if veld not in PLAN_VELDEN:
            f.add(veld, f"onbekend veld {veld!r}", f"unknown field {veld!r}", **extra)
            continue
        nl, en = _naam(veld)
        if veld in ("startjaar", "doeljaar", "aanwijsbesluit_jaar", "aardgasvrij_jaar"):
            n = len(f.items)
            jaar = _jaar(f, veld, value, **extra)
            if len(f.items) == n:
                clean[veld] = jaar
        elif veld == "aanwijzen":
            b = _bool(f, veld, value, **extra)
            if b is not None:
                clean[veld] = b
        elif veld == "koppelkansen":
            text = _koppelkansen_in(f, value, **extra)
            if text is not None:
                clean[veld] = text
        elif veld == "fase":
            fase = _strip(value)
            if fase not in pm.FASES:
                f.add(veld, f"fase: onbekende fase {fase!r} (kies uit {', '.join(pm.FASES)})",
                      f"phase: unknown phase {fase!r} (choose from {', '.join(pm.FASES)})", **extra)  # fmt: skip
            else:
                clean[veld] = fase
        elif veld == "alternatief":
            alt = _strip(value)
            if alt is not None and not alternatieven.is_known(alt):
                f.add(veld, f"alternatief: onbekend alternatief {alt!r} (een variant zoals S2a of een keuze: "
                      f"{', '.join(pm.FAMILIE_KEUZES)})", f"alternative: unknown alternative {alt!r} (a variant "
                      f"such as S2a or a choice: {', '.join(pm.FAMILIE_KEUZES)})", **extra)  # fmt: skip
            else:
                clean[veld] = alt
        elif veld == "warmtebron_code":
            code = _strip(value)
            if code is not None and code not in bron_codes:
                f.add(veld, f"warmtebron: {code} staat niet in het warmtebronnenregister",
                      f"heat source: {code} is not in the heat-source registry", **extra)  # fmt: skip
            else:
                clean[veld] = code
        else:
            max_len = 100 if veld in ("cluster", "warmtenet") else MAX_TEKST
            n = len(f.items)
            text = _tekst(f, veld, value, max_len, **extra)
            if len(f.items) == n:
                clean[veld] = text
        del nl, en
    merged = {**current, **clean}
    start, doel = merged.get("startjaar"), merged.get("doeljaar")
    if start is not None and doel is not None and start > doel and ("startjaar" in clean or "doeljaar" in clean):
        f.add("doeljaar", f"doeljaar {doel} ligt vóór startjaar {start}",
              f"target year {doel} is before start year {start}", **extra)  # fmt: skip
    besluit, eind = merged.get("aanwijsbesluit_jaar"), merged.get("aardgasvrij_jaar")
    if (
        besluit is not None
        and eind is not None
        and besluit > eind
        and ("aanwijsbesluit_jaar" in clean or "aardgasvrij_jaar" in clean)
    ):
        f.add("aardgasvrij_jaar", f"aardgasvrij in {eind} ligt vóór het aanwijsbesluit in {besluit}",
              f"natural-gas free in {eind} is before the designation decision in {besluit}", **extra)  # fmt: skip
    return clean


def _bron_codes(session: Session, codes: Iterable[str | None]) -> set[str]:
    wanted = sorted({c.strip() for c in codes if isinstance(c, str) and c.strip()})
    if not wanted:
        return set()
    return set(session.scalars(select(Warmtebron.code).where(Warmtebron.code.in_(wanted))))


# ------------------------------------------------------------------------------------- analysis and costs


class _Kosten:
    """Money of a chosen alternative from a run's criteria matrix: a catalogue variant's own values; for a family
    choice the family's best-ranked available variant in that buurt."""

    def __init__(self, weging: Any) -> None:
        dm = weging.cm.dm
        self.b = {str(c): i for i, c in enumerate(dm.buurten)}
        self.v = {c: j for j, c in enumerate(dm.varianten)}
        self.c = {c: k for k, c in enumerate(dm.criteria)}
        self.varianten = dm.varianten
        self.values = dm.values
        self.available = dm.available
        self.ranks = weging.ranking.ranks
        self.familie = [alternatieven.family(v) for v in dm.varianten]

    def variant(self, buurt: str, alternatief: str | None) -> str | None:
        b = self.b.get(buurt)
        if b is None or not alternatief:
            return None
        if alternatief in self.v:
            return alternatief
        if alternatief not in pm.FAMILIE_KEUZES or alternatief == "nader_te_bepalen":
            return None
        best, best_rank = None, None
        for j, fam in enumerate(self.familie):
            r = int(self.ranks[b, j])
            if fam == alternatief and bool(self.available[b, j]) and r > 0 and (best_rank is None or r < best_rank):
                best, best_rank = self.varianten[j], r
        return best

    def kosten(self, buurt: str, alternatief: str | None) -> dict[str, float | None]:
        out: dict[str, float | None] = dict.fromkeys(KOSTEN_CRITERIA)
        code = self.variant(buurt, alternatief)
        if code is None:
            return out
        b, j = self.b[buurt], self.v[code]
        if not bool(self.available[b, j]):
            return out
        for veld, crit in KOSTEN_CRITERIA.items():
            k = self.c.get(crit)
            if k is None:
                continue
            x = float(self.values[b, j, k])
            out[veld] = x if math.isfinite(x) else None
        return out


def _run_buurten(session: Session, run_id: int) -> set[str]:
    from warmteregio.services import afweging

    try:
        return {str(c) for c in afweging.criteria_matrix(session, run_id).dm.buurten}
    except afweging.AfwegingError as exc:
        raise _afweging_error(exc) from None


def _kosten_lookup(session: Session, run_id: int | None, codes: Iterable[str]) -> _Kosten | None:
    """Cost lookup for the buurten of ``codes`` that are in the run; None without a usable run."""
    from warmteregio.services import afweging

    if run_id is None:
        return None
    try:
        in_run = sorted(set(codes) & _run_buurten(session, run_id))
        if not in_run:
            return None
        return _Kosten(afweging.weigh(session, run_id, buurten=in_run))
    except (afweging.AfwegingError, ProgrammaError):
        return None


def _set_kosten(plan: ProgrammaBuurtplan, lookup: _Kosten | None) -> None:
    values = lookup.kosten(plan.buurt_code, plan.alternatief) if lookup is not None else dict.fromkeys(KOSTEN_CRITERIA)
    for veld, x in values.items():
        setattr(plan, veld, x)


def _resolve_run(session: Session, gemeente_code: str, run_id: int | None) -> int:
    """The given finished run, else the latest finished run of the gemeente's region."""
    from warmteregio.services import afweging, assessment

    if run_id is not None:
        try:
            return afweging.resolve_run(session, int(run_id))
        except afweging.AfwegingError as exc:
            raise _afweging_error(exc) from None
        except (TypeError, ValueError):
            raise ProgrammaError("beoordelingsrun_id is geen getal", "beoordelingsrun_id is not a number", 400,
                                 veld="beoordelingsrun_id") from None  # fmt: skip
    res = gemeente_region(session, gemeente_code)
    latest = assessment.latest_run(session, res) if res else None
    if latest is None:
        raise ProgrammaError(
            f"er is geen afgeronde beoordeling voor de regio van {gemeente_code}; start eerst een beoordeling",
            f"there is no finished assessment for the region of {gemeente_code}; run an assessment first", 404,
            veld="beoordelingsrun_id",
        )  # fmt: skip
    return latest.id


def _draft(session: Session, prog: Warmteprogramma, plans: Sequence[ProgrammaBuurtplan], run_id: int,
           overschrijven: bool, user: User | None) -> int:  # fmt: skip
    """Fill the analysis snapshot of every plan in the run; returns how many plans were drafted."""
    from warmteregio.services import afweging

    try:
        in_run = _run_buurten(session, run_id)
        codes = sorted({p.buurt_code for p in plans} & in_run)
        if not codes:
            raise ProgrammaError(
                f"beoordeling {run_id} bevat geen buurten van {prog.gemeente_code}",
                f"assessment {run_id} contains no neighbourhoods of {prog.gemeente_code}", 409,
                veld="beoordelingsrun_id",
            )  # fmt: skip
        uitleg, _robuust = afweging.explain_with_robustness(session, run_id, buurten=codes)
        lookup = _Kosten(afweging.weigh(session, run_id, buurten=codes))
    except afweging.AfwegingError as exc:
        raise _afweging_error(exc) from None
    by_code = {u.buurt_code: u for u in uitleg}
    now = _now()
    n = 0
    for plan in plans:
        u = by_code.get(plan.buurt_code)
        if u is None:
            continue
        n += 1
        plan.analyse_run_id = run_id
        plan.analyse_voorkeur = u.winnaar
        plan.analyse_robuustheid = None if u.robuustheid is None else float(u.robuustheid)
        plan.analyse_uitleg_nl = u.tekst_nl
        plan.analyse_uitleg_en = u.tekst_en
        if u.winnaar and alternatieven.is_known(u.winnaar) and (overschrijven or not plan.alternatief):
            if overschrijven:
                plan.afwijking_reden = None
            plan.alternatief = u.winnaar
        _set_kosten(plan, lookup)
        plan.gewijzigd = now
        plan.gewijzigd_door_id = user.id if user is not None else None
    prog.beoordelingsrun_id = run_id
    return n


# ---------------------------------------------------------------------------------------------------- writes


def _titel(f: _Fouten, value: object) -> str | None:
    titel = _tekst(f, "titel", value, 200)
    if titel is None and not any(x["veld"] == "titel" for x in f.items):
        f.add("titel", "titel mag niet leeg zijn", "title may not be empty")
    return titel


def _latest_adopted(session: Session, gemeente_code: str) -> Warmteprogramma | None:
    return session.scalar(
        select(Warmteprogramma).where(Warmteprogramma.gemeente_code == gemeente_code,
                                      Warmteprogramma.status == "vastgesteld")
        .order_by(Warmteprogramma.vastgesteld_op.desc(), Warmteprogramma.volgnummer.desc()).limit(1)
    )  # fmt: skip


def _open_version(session: Session, gemeente_code: str) -> Warmteprogramma | None:
    return session.scalar(
        select(Warmteprogramma).where(Warmteprogramma.gemeente_code == gemeente_code,
                                      Warmteprogramma.status.in_(OPEN_STATUSES))
        .order_by(Warmteprogramma.volgnummer.desc()).limit(1)
    )  # fmt: skip


_COPY_FIELDS = (
    "cluster", "alternatief", "analyse_run_id", "analyse_voorkeur", "analyse_robuustheid", "analyse_uitleg_nl",
    "analyse_uitleg_en", "afwijking_reden", "fase", "startjaar", "doeljaar", "koppelkansen", "aanwijzen",
    "aanwijsbesluit_jaar", "aardgasvrij_jaar", "termijn_reden", "betaalbaarheid", "haalbaarheid",
    "nationale_kosten_weq", "maandlasten_eigenaar", "maandlasten_sociale_huur", "maandlasten_particuliere_huur",
    "warmtebron_code", "warmtenet", "toelichting",
)  # fmt: skip


def create_programma(session: Session, user: User | None, gemeente_code: str, *, titel: str | None = None,
                     beoordelingsrun_id: int | None = None, uit_analyse: bool = True) -> Warmteprogramma:  # fmt: skip
    """A new version for a gemeente: a first concept, or (when an adopted version exists) a copy of the latest
    adopted version's texts and plans (``vorige_id`` = it). There is a plan for every buurt of the gemeente's
    newest division; the steps of the process guide start open. With ``uit_analyse`` the plans are drafted from the
    assessment run (the given one, else the region's latest finished run; skipped when the region has none)."""
    if _active(user) is None:
        raise _not_logged_in()
    code = _gemeente_code(gemeente_code)
    g = _gemeente(session, code)
    _require_edit_gemeente(session, user, code)
    f = _Fouten()
    titel_clean = _titel(f, titel) if titel is not None else None
    f.raise_if_any()
    open_version = _open_version(session, code)
    if open_version is not None:
        nl, en = STATUS_NAMEN[open_version.status]
        raise ProgrammaError(
            f"{g.naam} heeft al een open versie (warmteprogramma {open_version.id}, {nl}); werk die bij of stel "
            "die eerst vast",
            f"{g.naam} already has an open version (heat programme {open_version.id}, {en}); edit it or adopt it "
            "first", 409,
        )  # fmt: skip
    buurten = _buurten_van(session, code)
    if not buurten:
        raise ProgrammaError(f"gemeente {code} heeft geen buurten", f"gemeente {code} has no neighbourhoods", 409)
    vorige = _latest_adopted(session, code)
    run_id: int | None = None
    if beoordelingsrun_id is not None or uit_analyse:
        try:
            run_id = _resolve_run(session, code, beoordelingsrun_id)
            if not {b.code for b in buurten} & _run_buurten(session, run_id):
                raise ProgrammaError(
                    f"beoordeling {run_id} bevat geen buurten van {code}",
                    f"assessment {run_id} contains no neighbourhoods of {code}", 409, veld="beoordelingsrun_id",
                )  # fmt: skip
        except ProgrammaError:
            if beoordelingsrun_id is not None:
                raise
            run_id = None  # no usable run in the region yet: the plans are drafted later
    volgnummer = (session.scalar(select(func.max(Warmteprogramma.volgnummer))
                                 .where(Warmteprogramma.gemeente_code == code)) or 0) + 1  # fmt: skip
    now = _now()
    prog = Warmteprogramma(
        gemeente_code=code, volgnummer=volgnummer,
        titel=titel_clean or (vorige.titel if vorige is not None else f"Warmteprogramma {g.naam}"),
        status="concept", vorige_id=vorige.id if vorige is not None else None,
        beoordelingsrun_id=run_id if run_id is not None else (vorige.beoordelingsrun_id if vorige else None),
        allocatierun_id=vorige.allocatierun_id if vorige is not None else None,
        teksten=vorige.teksten if vorige is not None else "{}", versie=1, gemaakt=now, gewijzigd=now,
        gemaakt_door_id=user.id, gewijzigd_door_id=user.id,
    )  # fmt: skip
    session.add(prog)
    session.flush()
    oud = {p.buurt_code: p for p in vorige.plannen} if vorige is not None else {}
    plans = []
    for b in buurten:
        plan = ProgrammaBuurtplan(programma_id=prog.id, buurt_code=b.code, buurt_jaar=b.jaar, fase="verkenning",
                                  koppelkansen="[]", aanwijzen=False, gewijzigd=now,
                                  gewijzigd_door_id=user.id)  # fmt: skip
        old = oud.get(b.code)
        if old is not None:
            for name in _COPY_FIELDS:
                setattr(plan, name, getattr(old, name))
        plans.append(plan)
    session.add_all(plans)
    session.add_all([ProgrammaStap(programma_id=prog.id, stap_code=s.code, status="open", gewijzigd=now,
                                   gewijzigd_door_id=user.id) for s in regels.load_rules().stappen])  # fmt: skip
    session.flush()
    if run_id is not None and uit_analyse:
        _draft(session, prog, plans, run_id, False, user)
    session.flush()
    return prog


def draft_from_analysis(session: Session, user: User | None, programma_id: int, *, versie: int,
                        beoordelingsrun_id: int | None = None,
                        overschrijven: bool = False) -> Warmteprogramma:  # fmt: skip
    """Fill every plan's analysis snapshot from an assessment run (default: the latest finished run of the
    gemeente's region, default weights): preferred variant, robustness (first-rank acceptability), explanation
    (nl/en) and the national and monthly costs of the chosen alternative. Sets the alternative where it is empty
    (everywhere with ``overschrijven``, which also clears deviation reasons) to the preferred variant."""
    prog = _editable(session, user, programma_id, versie)
    run_id = _resolve_run(session, prog.gemeente_code, beoordelingsrun_id)
    plans = list(session.scalars(select(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id == prog.id)))
    _draft(session, prog, plans, run_id, bool(overschrijven), user)
    _touch(prog, user)
    session.flush()
    return prog


def _hoofdstuk_codes() -> set[str]:
    return {h.code for h in regels.load_rules().hoofdstukken}


def update_programma(session: Session, user: User | None, programma_id: int, *, versie: int,
                     titel: str | None = None, teksten: Mapping[str, str] | None = None,
                     consultatie_van: date | str | None = None,
                     consultatie_tot: date | str | None = None) -> Warmteprogramma:  # fmt: skip
    """Change the title, chapter texts (merged by chapter code; an empty text removes the chapter's text) or the
    consultation period. ``None`` leaves a value as it is."""
    prog = _editable(session, user, programma_id, versie)
    f = _Fouten()
    new_titel = _titel(f, titel) if titel is not None else None
    new_teksten = None
    if teksten is not None:
        if not isinstance(teksten, Mapping):
            f.add("teksten", "teksten: verwacht hoofdstuk -> tekst", "texts: chapter -> text expected")
        else:
            known = _hoofdstuk_codes()
            try:
                current = {str(k): str(v) for k, v in json.loads(prog.teksten or "{}").items()}
            except (ValueError, AttributeError):
                current = {}
            for k, v in teksten.items():
                if known and k not in known:
                    f.add("teksten", f"teksten: onbekend hoofdstuk {k!r} (kies uit {', '.join(sorted(known))})",
                          f"texts: unknown chapter {k!r} (choose from {', '.join(sorted(known))})")  # fmt: skip
                    continue
                if v is not None and not isinstance(v, str):
                    f.add("teksten", f"teksten: hoofdstuk {k} is geen tekst", f"texts: chapter {k} is not text")
                    continue
                text = (v or "").strip()
                if len(text) > MAX_TEKST:
                    f.add("teksten", f"teksten: hoofdstuk {k} is langer dan {MAX_TEKST} tekens",
                          f"texts: chapter {k} is longer than {MAX_TEKST} characters")  # fmt: skip
                elif text:
                    current[k] = text
                else:
                    current.pop(k, None)
            new_teksten = current
    van = _datum(f, "consultatie_van", consultatie_van) if consultatie_van is not None else prog.consultatie_van
    tot = _datum(f, "consultatie_tot", consultatie_tot) if consultatie_tot is not None else prog.consultatie_tot
    if van is not None and tot is not None and tot < van and not f:
        f.add("consultatie_tot", f"consultatie tot {tot:%d-%m-%Y} ligt vóór het begin {van:%d-%m-%Y}",
              f"consultation until {tot:%Y-%m-%d} is before its start {van:%Y-%m-%d}")  # fmt: skip
    f.raise_if_any()
    if new_titel is not None:
        prog.titel = new_titel
    if new_teksten is not None:
        prog.teksten = json.dumps(new_teksten, ensure_ascii=False, sort_keys=True)
    prog.consultatie_van, prog.consultatie_tot = van, tot
    _touch(prog, user)
    session.flush()
    return prog


def _plan(session: Session, prog: Warmteprogramma, buurt_code: str) -> ProgrammaBuurtplan:
    try:
        code = normalise_buurtcode(buurt_code)
    except CodeError as exc:
        raise ProgrammaError(exc.nl, exc.en, 400, veld="buurt_code") from None
    plan = session.scalar(select(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id == prog.id,
                                                           ProgrammaBuurtplan.buurt_code == code))  # fmt: skip
    if plan is None:
        raise ProgrammaError(f"buurt {code} hoort niet bij warmteprogramma {prog.id}",
                             f"neighbourhood {code} is not part of heat programme {prog.id}", 404)  # fmt: skip
    return plan


def update_plan(session: Session, user: User | None, programma_id: int, buurt_code: str,
                wijzigingen: Mapping[str, Any], *, versie: int) -> ProgrammaBuurtplan:  # fmt: skip
    """Change editable fields of one buurt's plan (:data:`PLAN_VELDEN`); every bad field is reported at once and
    nothing is written then. A changed alternative gets the costs of the programme's assessment run."""
    prog = _editable(session, user, programma_id, versie)
    plan = _plan(session, prog, buurt_code)
    if not isinstance(wijzigingen, Mapping):
        raise ProgrammaError("wijzigingen: verwacht veld -> waarde", "changes: field -> value expected", 400)
    f = _Fouten()
    clean = _clean_plan(f, wijzigingen, _plan_state(plan), _bron_codes(session, [wijzigingen.get("warmtebron_code")]))
    f.raise_if_any()
    changed_alt = "alternatief" in clean and clean["alternatief"] != plan.alternatief
    for k, v in clean.items():
        setattr(plan, k, v)
    if changed_alt:
        _set_kosten(plan, _kosten_lookup(session, prog.beoordelingsrun_id or plan.analyse_run_id, [plan.buurt_code]))
    plan.gewijzigd = _now()
    plan.gewijzigd_door_id = user.id if user is not None else None
    _touch(prog, user)
    session.flush()
    return plan


def update_stap(session: Session, user: User | None, programma_id: int, stap_code: str, *, versie: int,
                status: str | None = None, eigenaar: str | None = None, bewijs: str | None = None,
                toelichting: str | None = None) -> ProgrammaStap:  # fmt: skip
    """Change a step of the process guide: status (open, bezig, gereed, nvt: with an explanation), owner, evidence,
    explanation. ``None`` leaves a value, an empty text clears it."""
    prog = _editable(session, user, programma_id, versie)
    stap = session.scalar(select(ProgrammaStap).where(ProgrammaStap.programma_id == prog.id,
                                                      ProgrammaStap.stap_code == stap_code))  # fmt: skip
    if stap is None:
        raise ProgrammaError(f"stap {stap_code!r} niet gevonden in warmteprogramma {prog.id}",
                             f"step {stap_code!r} not found in heat programme {prog.id}", 404)  # fmt: skip
    f = _Fouten()
    new_status = stap.status
    if status is not None:
        new_status = (status or "").strip()
        if new_status not in pm.STAP_STATUSES:
            f.add("status", f"status: onbekende status {status!r} (kies uit {', '.join(pm.STAP_STATUSES)})",
                  f"status: unknown status {status!r} (choose from {', '.join(pm.STAP_STATUSES)})")  # fmt: skip
    values = {}
    for veld, value, max_len in (("eigenaar", eigenaar, 200), ("bewijs", bewijs, MAX_TEKST),
                                 ("toelichting", toelichting, MAX_TEKST)):  # fmt: skip
        if value is not None:
            values[veld] = _tekst(f, veld, value, max_len)
    new_toelichting = values.get("toelichting", stap.toelichting) if "toelichting" in values else stap.toelichting
    if new_status == "nvt" and not new_toelichting and not f:
        f.add("toelichting", "een stap die niet van toepassing is heeft een toelichting nodig (waarom niet)",
              "a step that does not apply needs an explanation (why not)")  # fmt: skip
    f.raise_if_any()
    stap.status = new_status
    for k, v in values.items():
        setattr(stap, k, v)
    stap.gewijzigd = _now()
    stap.gewijzigd_door_id = user.id if user is not None else None
    _touch(prog, user)
    session.flush()
    return stap


def _publish(session: Session, prog: Warmteprogramma, publicatie: str, user: User | None, vandaag: date) -> list[
        ProgrammaDocument]:  # fmt: skip
    """Store the HTML, PDF and DOCX of the version as it is now (immutable, with sha256)."""
    from warmteregio.programme import document as doc

    session.flush()
    now = _now()
    out = []
    for f in FORMATEN:
        content, p = _render(session, prog, f, "nl", vandaag, now)
        d = ProgrammaDocument(
            programma_id=prog.id, publicatie=publicatie, formaat=f, bestandsnaam=doc.bestandsnaam(p, f),
            inhoud=content, sha256=hashlib.sha256(content).hexdigest(), grootte=len(content), gemaakt=now,
            gemaakt_door_id=user.id if user is not None else None,
        )  # fmt: skip
        session.add(d)
        out.append(d)
    session.flush()
    return out


def change_status(session: Session, user: User | None, programma_id: int, nieuw: str, *, versie: int,
                  datum: date | str | None = None, besluit_referentie: str | None = None,
                  vastgesteld_door: str | None = None, consultatie_tot: date | str | None = None,
                  vandaag: date | None = None) -> Warmteprogramma:  # fmt: skip
    """Move a version through its lifecycle.

    * ``consultatie``: from concept; ``datum`` (default today) starts the consultation, ``consultatie_tot`` ends it;
      stores the documents (publicatie ``consultatie``).
    * ``concept``: back from consultation (to process the responses).
    * ``vastgesteld``: from concept or consultation; ``datum`` (not in the future, not before the previous
      adoption) and ``besluit_referentie`` are required; refused (409) while a check that blocks adoption fails;
      sets ``actualisatie_uiterlijk``, makes the previous adopted version ``vervallen`` and stores the documents
      (publicatie ``vastgesteld``).
    """
    vandaag = vandaag or date.today()
    if _active(user) is None:
        raise _not_logged_in()
    nieuw = (nieuw or "").strip()
    if nieuw not in pm.STATUSES:
        raise ProgrammaError(f"onbekende status {nieuw!r} (kies uit concept, consultatie, vastgesteld)",
                             f"unknown status {nieuw!r} (choose from concept, consultatie, vastgesteld)", 400,
                             veld="status")  # fmt: skip
    prog = _editable(session, user, programma_id, versie)
    if nieuw not in TRANSITIONS[prog.status]:
        (a_nl, a_en), (b_nl, b_en) = STATUS_NAMEN[prog.status], STATUS_NAMEN[nieuw]
        raise ProgrammaError(f"een versie die {a_nl} is kan niet naar {b_nl}",
                             f"a version that is {a_en} cannot become {b_en}", 409, veld="status")  # fmt: skip
    f = _Fouten()
    d = _datum(f, "datum", datum)
    tot = _datum(f, "consultatie_tot", consultatie_tot) if consultatie_tot is not None else prog.consultatie_tot
    if nieuw == "consultatie":
        van = d or vandaag
        if tot is not None and tot < van and not f:
            f.add("consultatie_tot", f"consultatie tot {tot:%d-%m-%Y} ligt vóór het begin {van:%d-%m-%Y}",
                  f"consultation until {tot:%Y-%m-%d} is before its start {van:%Y-%m-%d}")  # fmt: skip
        f.raise_if_any()
        prog.status = "consultatie"
        prog.consultatie_van, prog.consultatie_tot = van, tot
        _touch(prog, user)
        _publish(session, prog, "consultatie", user, vandaag)
        return prog
    if nieuw == "concept":
        f.raise_if_any()
        prog.status = "concept"
        _touch(prog, user)
        session.flush()
        return prog
    # vastgesteld
    vorige = _latest_adopted(session, prog.gemeente_code)
    if d is None and not f:
        f.add("datum", "de datum van vaststelling ontbreekt", "the date of adoption is missing")
    elif d is not None and d > vandaag:
        f.add("datum", f"de datum van vaststelling {d:%d-%m-%Y} ligt in de toekomst",
              f"the date of adoption {d:%Y-%m-%d} is in the future")  # fmt: skip
    elif d is not None and vorige is not None and vorige.vastgesteld_op is not None and d < vorige.vastgesteld_op:
        f.add("datum", f"de datum van vaststelling ligt vóór die van de vorige versie "
              f"({vorige.vastgesteld_op:%d-%m-%Y})", f"the date of adoption is before that of the previous "
              f"version ({vorige.vastgesteld_op:%Y-%m-%d})")  # fmt: skip
    ref = _tekst(f, "besluit_referentie", besluit_referentie, 200)
    if ref is None and not any(x["veld"] == "besluit_referentie" for x in f.items):
        f.add("besluit_referentie", "de referentie van het besluit (bijv. raadsbesluit 2026/123) ontbreekt",
              "the decision reference (e.g. council decision 2026/123) is missing")  # fmt: skip
    door = _tekst(f, "vastgesteld_door", vastgesteld_door, 40)
    f.raise_if_any()
    blocking = checks.blocking_failures(checks.run_checks(snapshot(session, prog), vandaag))
    if blocking:
        fouten = [{"veld": t.code, "nl": f"{t.titel_nl}: {t.melding_nl}", "en": f"{t.titel_en}: {t.melding_en}"}
                  for t in blocking]  # fmt: skip
        raise ProgrammaError(
            "vaststellen kan nog niet; eerst moet dit in orde zijn: " + "; ".join(x["nl"] for x in fouten),
            "cannot adopt yet; first fix: " + "; ".join(x["en"] for x in fouten), 409, fouten,
        )  # fmt: skip
    for old in session.scalars(select(Warmteprogramma).where(
            Warmteprogramma.gemeente_code == prog.gemeente_code, Warmteprogramma.status == "vastgesteld",
            Warmteprogramma.id != prog.id)):  # fmt: skip
        old.status = "vervallen"
        old.gewijzigd = _now()
        old.gewijzigd_door_id = user.id
    assert d is not None
    prog.status = "vastgesteld"
    prog.vastgesteld_op = d
    prog.besluit_referentie = ref
    prog.vastgesteld_door = door
    prog.actualisatie_uiterlijk = regels.actualisatie_datum(d)
    if prog.vorige_id is None and vorige is not None:
        prog.vorige_id = vorige.id
    _touch(prog, user)
    _publish(session, prog, "vastgesteld", user, vandaag)
    return prog


def delete_programma(session: Session, user: User | None, programma_id: int, *, versie: int) -> None:
    """Delete a concept version that was never published (no stored documents); everything else is kept."""
    prog = _editable(session, user, programma_id, versie)
    if prog.status != "concept":
        raise ProgrammaError("alleen een concept kan worden verwijderd", "only a draft can be deleted", 409,
                             veld="status")  # fmt: skip
    if session.scalar(select(func.count(ProgrammaDocument.id)).where(ProgrammaDocument.programma_id == prog.id)):
        raise ProgrammaError(
            "deze versie is al gepubliceerd (ter consultatie) en blijft bewaard",
            "this version has been published (for consultation) and is kept", 409,
        )  # fmt: skip
    session.execute(update(Participatiemoment).where(Participatiemoment.programma_id == prog.id)
                    .values(programma_id=None))  # fmt: skip
    session.execute(delete(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id == prog.id))
    session.execute(delete(ProgrammaStap).where(ProgrammaStap.programma_id == prog.id))
    session.expire(prog)
    session.delete(prog)
    session.flush()


# ---------------------------------------------------------------------------------------------- import/export


def _export_rows(session: Session, prog: Warmteprogramma) -> list[dict[str, Any]]:
    p = snapshot(session, prog)
    rows = []
    for b in p.plannen:
        row = {k: getattr(b, k, None) for k in EXPORT_KOLOMMEN}
        row["koppelkansen"] = json.dumps(
            [{"soort": k.soort, "omschrijving": k.omschrijving, "jaar": k.jaar} for k in b.koppelkansen],
            ensure_ascii=False,
        ) if b.koppelkansen else ""  # fmt: skip
        row["aanwijzen"] = "ja" if b.aanwijzen else "nee"
        rows.append(row)
    return rows


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def export_plannen(session: Session, user: User | None, programma_id: int, formaat: str = "csv") -> bytes:
    """The plans as CSV (semicolon, UTF-8 with BOM, decimal point; for Dutch spreadsheet programs) or XLSX (sheet
    'Buurtplannen' plus 'Kolommen'). The file can be edited and imported again with :func:`import_plannen`."""
    formaat = (formaat or "").strip().lower()
    if formaat not in ("csv", "xlsx"):
        raise ProgrammaError(f"formaat moet csv of xlsx zijn, niet {formaat!r}",
                             f"format must be csv or xlsx, not {formaat!r}", 400, veld="formaat")  # fmt: skip
    prog = get_programma(session, user, programma_id)
    rows = _export_rows(session, prog)
    if formaat == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(EXPORT_KOLOMMEN)
        for row in rows:
            writer.writerow([_cell(row[k]) for k in EXPORT_KOLOMMEN])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Buurtplannen"
    ws.append(list(EXPORT_KOLOMMEN))
    for row in rows:
        ws.append([row[k] for k in EXPORT_KOLOMMEN])
    ws.freeze_panes = "B2"
    uitleg = wb.create_sheet("Kolommen")
    uitleg.append(["kolom", "veld", "field", "bij import / on import"])
    for k in EXPORT_KOLOMMEN:
        nl, en = _naam(k) if k in VELD_NAMEN else (k, k)
        mode = "sleutel / key" if k == "buurt_code" else "genegeerd / ignored" if k in ALLEEN_LEZEN else (
            "ingelezen / read")  # fmt: skip
        uitleg.append([k, nl, en, mode])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _read_table(data: bytes, bestandsnaam: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(header, [(row number in the file, cells)]) of a CSV (; or ,) or XLSX file."""
    suffix = PurePath(bestandsnaam or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook
            raise ProgrammaError(
                f"het bestand is geen leesbaar XLSX-bestand ({exc})",
                f"the file is not a readable XLSX file ({exc})",
                400,
                veld="bestand",
            ) from None
        ws = wb["Buurtplannen"] if "Buurtplannen" in wb.sheetnames else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif suffix in (".csv", ".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise ProgrammaError(f"onbekend bestandstype {suffix or bestandsnaam!r} (CSV of XLSX)",
                             f"unknown file type {suffix or bestandsnaam!r} (CSV or XLSX)", 400,
                             veld="bestand")  # fmt: skip
    if not rows:
        raise ProgrammaError("het bestand is leeg", "the file is empty", 400, veld="bestand")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    body = [(i, r) for i, r in enumerate(rows[1:], start=2)
            if any(c is not None and str(c).strip() for c in r)]  # fmt: skip
    return header, body


def import_plannen(session: Session, user: User | None, programma_id: int, data: bytes, bestandsnaam: str, *,
                   versie: int) -> dict:  # fmt: skip
    """Read plans from a CSV (``;`` or ``,``) or XLSX with the export's columns (``buurt_code`` and any of the
    editable columns; information columns are ignored, a column that is absent leaves that field as it is).
    Every row is validated first; any error refuses the whole file (``fouten`` with row, column and reason in
    Dutch and English). Returns ``{"rijen", "bijgewerkt", "ongewijzigd", "versie"}``."""
    prog = _editable(session, user, programma_id, versie)
    header, body = _read_table(data, bestandsnaam)
    f = _Fouten()
    if "buurt_code" not in header:
        raise ProgrammaError("kolom buurt_code ontbreekt", "column buurt_code is missing", 400, veld="buurt_code")
    seen_cols: set[str] = set()
    for c in header:
        if not c:
            continue
        if c in seen_cols:
            f.add(c, f"kolom {c} staat dubbel", f"column {c} appears twice", rij=1, kolom=c)
        seen_cols.add(c)
        if c not in EXPORT_KOLOMMEN:
            f.add(c, f"rij 1: onbekende kolom {c!r}", f"row 1: unknown column {c!r}", rij=1, kolom=c)
    f.raise_if_any("het bestand is niet ingelezen", "the file was not imported")
    cols = [(i, c) for i, c in enumerate(header) if c in PLAN_VELDEN]
    key = header.index("buurt_code")
    plans = {p.buurt_code: p for p in session.scalars(
        select(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id == prog.id))}  # fmt: skip
    bron_idx = header.index("warmtebron_code") if "warmtebron_code" in header else None
    bron_codes = _bron_codes(
        session,
        [str(r[bron_idx]) for _, r in body if bron_idx is not None and bron_idx < len(r) and r[bron_idx] is not None],
    )
    updates: list[tuple[ProgrammaBuurtplan, dict[str, Any]]] = []
    done: dict[str, int] = {}
    for rij, cells in body:
        raw = cells[key] if key < len(cells) else None
        code = _strip(raw)
        if code is None:
            f.add(
                "buurt_code",
                f"rij {rij}, kolom buurt_code: buurtcode ontbreekt",
                f"row {rij}, column buurt_code: neighbourhood code missing",
                rij=rij,
                kolom="buurt_code",
            )
            continue
        try:
            code = normalise_buurtcode(code)
        except CodeError as exc:
            f.add("buurt_code", f"rij {rij}, kolom buurt_code: {exc.nl}", f"row {rij}, column buurt_code: {exc.en}",
                  rij=rij, kolom="buurt_code")  # fmt: skip
            continue
        plan = plans.get(code)
        if plan is None:
            f.add("buurt_code", f"rij {rij}, kolom buurt_code: buurt {code} hoort niet bij dit warmteprogramma",
                  f"row {rij}, column buurt_code: neighbourhood {code} is not part of this heat programme", rij=rij,
                  kolom="buurt_code")  # fmt: skip
            continue
        if code in done:
            f.add("buurt_code", f"rij {rij}, kolom buurt_code: buurt {code} staat ook al in rij {done[code]}",
                  f"row {rij}, column buurt_code: neighbourhood {code} is also in row {done[code]}", rij=rij,
                  kolom="buurt_code")  # fmt: skip
            continue
        done[code] = rij
        values = {c: (cells[i] if i < len(cells) else None) for i, c in cols}
        values = {c: (None if isinstance(v, str) and not v.strip() else v) for c, v in values.items()}
        if "fase" in values and values["fase"] is None:
            del values["fase"]  # a phase cannot be empty: an empty cell leaves it as it is
        sub = _Fouten()
        clean = _clean_plan(sub, values, _plan_state(plan), bron_codes)
        for e in sub.items:
            kolom = e["veld"]
            f.add(kolom, f"rij {rij}, kolom {kolom}: {e['nl']}", f"row {rij}, column {kolom}: {e['en']}", rij=rij,
                  kolom=kolom)  # fmt: skip
        if not sub:
            updates.append((plan, clean))
    f.raise_if_any("het bestand is niet ingelezen", "the file was not imported")
    now = _now()
    changed = 0
    alt_changed: list[ProgrammaBuurtplan] = []
    for plan, clean in updates:
        diff = {k: v for k, v in clean.items() if getattr(plan, k) != v}
        if not diff:
            continue
        changed += 1
        if "alternatief" in diff:
            alt_changed.append(plan)
        for k, v in diff.items():
            setattr(plan, k, v)
        plan.gewijzigd = now
        plan.gewijzigd_door_id = user.id if user is not None else None
    if alt_changed:
        lookup = _kosten_lookup(session, prog.beoordelingsrun_id, [p.buurt_code for p in alt_changed])
        for plan in alt_changed:
            _set_kosten(plan, lookup)
    if changed:
        _touch(prog, user)
    session.flush()
    return {"rijen": len(body), "bijgewerkt": changed, "ongewijzigd": len(body) - changed, "versie": prog.versie}


# ------------------------------------------------------------------------------------ partners, participation


PARTNER_VELDEN = ("organisatie", "soort", "rol", "contactpersoon", "functie", "email", "actief")
PARTICIPATIE_VELDEN = ("datum", "soort", "titel", "partner_ids", "buurt_codes", "aantal_deelnemers", "inbreng",
                       "reactie", "programma_id")  # fmt: skip


def list_partners(session: Session, user: User | None, gemeente_code: str) -> list[ProgrammaPartner]:
    """The gemeente's stakeholder organisations with their contact (logged-in members of the gemeente/region)."""
    code = _gemeente_code(gemeente_code)
    _gemeente(session, code)
    _require_private_read(session, user, code)
    return list(session.scalars(select(ProgrammaPartner).where(ProgrammaPartner.gemeente_code == code)
                                .order_by(ProgrammaPartner.organisatie, ProgrammaPartner.id)))  # fmt: skip


def _clean_partner(f: _Fouten, velden: Mapping[str, Any], *, nieuw: bool) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for veld in sorted(set(velden) - set(PARTNER_VELDEN)):
        f.add(veld, f"onbekend veld {veld!r}", f"unknown field {veld!r}")
    if nieuw or "organisatie" in velden:
        org = _tekst(f, "organisatie", velden.get("organisatie"), 200)
        if org is None and not any(x["veld"] == "organisatie" for x in f.items):
            f.add("organisatie", "organisatie ontbreekt", "organisation missing")
        clean["organisatie"] = org
    if nieuw or "soort" in velden:
        soort = _strip(velden.get("soort"))
        if soort not in pm.PARTNER_SOORTEN:
            f.add("soort", f"soort: onbekende soort {soort!r} (kies uit {', '.join(pm.PARTNER_SOORTEN)})",
                  f"kind: unknown kind {soort!r} (choose from {', '.join(pm.PARTNER_SOORTEN)})")  # fmt: skip
        clean["soort"] = soort
    for veld, max_len in (("rol", MAX_TEKST), ("contactpersoon", 200), ("functie", 200)):
        if veld in velden:
            clean[veld] = _tekst(f, veld, velden[veld], max_len)
    if "email" in velden:
        email = _tekst(f, "email", velden["email"], 200)
        if email is not None:
            email = email.lower()
            if not EMAIL_RE.match(email):
                f.add("email", f"e-mailadres: {email!r} is geen geldig e-mailadres",
                      f"e-mail address: {email!r} is not a valid e-mail address")  # fmt: skip
        clean["email"] = email
    if "actief" in velden:
        b = _bool(f, "actief", velden["actief"])
        if b is not None:
            clean["actief"] = b
    return clean


def create_partner(session: Session, user: User | None, gemeente_code: str, velden: Mapping[str, Any]) -> (
        ProgrammaPartner):  # fmt: skip
    """Add a stakeholder organisation (``organisatie``, ``soort`` required; ``rol``, ``contactpersoon``,
    ``functie``, ``email``, ``actief``)."""
    code = _gemeente_code(gemeente_code)
    _gemeente(session, code)
    _require_edit_gemeente(session, user, code)
    f = _Fouten()
    clean = _clean_partner(f, velden or {}, nieuw=True)
    f.raise_if_any()
    now = _now()
    p = ProgrammaPartner(gemeente_code=code, gemaakt=now, gewijzigd=now, gemaakt_door_id=user.id,
                         **{"actief": True, **clean})  # fmt: skip
    session.add(p)
    session.flush()
    return p


def _partner(session: Session, partner_id: object) -> ProgrammaPartner:
    try:
        p = session.get(ProgrammaPartner, int(partner_id))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        p = None
    if p is None:
        raise ProgrammaError(f"partner {partner_id} niet gevonden", f"partner {partner_id} not found", 404)
    return p


def update_partner(session: Session, user: User | None, partner_id: int, velden: Mapping[str, Any]) -> (
        ProgrammaPartner):  # fmt: skip
    """Change fields of a partner (an empty text clears a field; organisation and kind stay required)."""
    if _active(user) is None:
        raise _not_logged_in()
    p = _partner(session, partner_id)
    _require_edit_gemeente(session, user, p.gemeente_code)
    f = _Fouten()
    clean = _clean_partner(f, velden or {}, nieuw=False)
    f.raise_if_any()
    for k, v in clean.items():
        setattr(p, k, v)
    p.gewijzigd = _now()
    session.flush()
    return p


def delete_partner(session: Session, user: User | None, partner_id: int) -> None:
    """Erase a partner on request: the row (with the contact's personal data) is removed and its id dropped from
    every participation entry."""
    if _active(user) is None:
        raise _not_logged_in()
    p = _partner(session, partner_id)
    _require_edit_gemeente(session, user, p.gemeente_code)
    for m in session.scalars(select(Participatiemoment).where(Participatiemoment.gemeente_code == p.gemeente_code)):
        ids = _ids(m.partner_ids)
        if p.id in ids:
            m.partner_ids = json.dumps([i for i in ids if i != p.id])
            m.gewijzigd = _now()
    session.delete(p)
    session.flush()


def list_participatie(session: Session, user: User | None, gemeente_code: str, programma_id: int | None = None) -> list[
        Participatiemoment]:  # fmt: skip
    """The gemeente's participation log (newest first), optionally only the entries linked to one version."""
    code = _gemeente_code(gemeente_code)
    _gemeente(session, code)
    _require_private_read(session, user, code)
    stmt = select(Participatiemoment).where(Participatiemoment.gemeente_code == code)
    if programma_id is not None:
        stmt = stmt.where(Participatiemoment.programma_id == int(programma_id))
    return list(session.scalars(stmt.order_by(Participatiemoment.datum.desc(), Participatiemoment.id.desc())))


def _list_of(value: Any) -> list[Any] | None:
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                return None
            return items if isinstance(items, list) else None
        return [p.strip() for p in re.split(r"[,;\s]+", text) if p.strip()]
    if isinstance(value, list | tuple | set):
        return list(value)
    return None


def _clean_participatie(session: Session, f: _Fouten, gemeente_code: str, velden: Mapping[str, Any],
                        current: Mapping[str, Any], *, vandaag: date) -> dict[str, Any]:  # fmt: skip
    clean: dict[str, Any] = {}
    for veld in sorted(set(velden) - set(PARTICIPATIE_VELDEN)):
        f.add(veld, f"onbekend veld {veld!r}", f"unknown field {veld!r}")
    nieuw = not current
    if nieuw or "datum" in velden:
        d = _datum(f, "datum", velden.get("datum"))
        if d is None and not any(x["veld"] == "datum" for x in f.items):
            f.add("datum", "datum ontbreekt", "date missing")
        elif d is not None and d < PARTICIPATIE_VANAF:
            f.add("datum", f"datum {d:%d-%m-%Y} ligt vóór {PARTICIPATIE_VANAF.year}",
                  f"date {d:%Y-%m-%d} is before {PARTICIPATIE_VANAF.year}")  # fmt: skip
        elif d is not None and d > vandaag + timedelta(days=PARTICIPATIE_VOORUIT_DAGEN):
            f.add("datum", f"datum {d:%d-%m-%Y} ligt meer dan twee jaar in de toekomst",
                  f"date {d:%Y-%m-%d} is more than two years in the future")  # fmt: skip
        clean["datum"] = d
    if nieuw or "soort" in velden:
        soort = _strip(velden.get("soort"))
        if soort not in pm.PARTICIPATIE_SOORTEN:
            f.add("soort", f"soort: onbekende soort {soort!r} (kies uit {', '.join(pm.PARTICIPATIE_SOORTEN)})",
                  f"kind: unknown kind {soort!r} (choose from {', '.join(pm.PARTICIPATIE_SOORTEN)})")  # fmt: skip
        clean["soort"] = soort
    if nieuw or "titel" in velden:
        titel = _tekst(f, "titel", velden.get("titel"), 200, label="titel_participatie")
        if titel is None and not any(x["veld"] == "titel" for x in f.items):
            f.add("titel", "titel ontbreekt", "title missing")
        clean["titel"] = titel
    if "partner_ids" in velden:
        items = _list_of(velden["partner_ids"])
        ids: list[int] = []
        if items is None:
            f.add("partner_ids", "partners: verwacht een lijst van partnernummers", "partners: a list of partner ids "
                  "expected")  # fmt: skip
        else:
            for i in items:
                try:
                    if isinstance(i, bool):
                        raise ValueError
                    ids.append(int(i))
                except (TypeError, ValueError):
                    f.add("partner_ids", f"partners: {i!r} is geen partnernummer", f"partners: {i!r} is not a partner "
                          "id")  # fmt: skip
            known = (
                set(
                    session.scalars(
                        select(ProgrammaPartner.id).where(
                            ProgrammaPartner.gemeente_code == gemeente_code, ProgrammaPartner.id.in_(ids)
                        )
                    )
                )
                if ids
                else set()
            )
            for i in ids:
                if i not in known:
                    f.add("partner_ids", f"partners: partner {i} hoort niet bij {gemeente_code}",
                          f"partners: partner {i} does not belong to {gemeente_code}")  # fmt: skip
        clean["partner_ids"] = json.dumps(sorted(set(ids)))
    if "buurt_codes" in velden:
        items = _list_of(velden["buurt_codes"])
        codes: list[str] = []
        if items is None:
            f.add("buurt_codes", "buurten: verwacht een lijst van buurtcodes", "neighbourhoods: a list of codes "
                  "expected")  # fmt: skip
        else:
            for c in items:
                try:
                    codes.append(normalise_buurtcode(c))
                except CodeError as exc:
                    f.add("buurt_codes", f"buurten: {exc.nl}", f"neighbourhoods: {exc.en}")
            known_b = (
                set(
                    session.scalars(
                        select(Buurt.code).where(Buurt.gemeente_code == gemeente_code, Buurt.code.in_(codes))
                    )
                )
                if codes
                else set()
            )
            for c in codes:
                if c not in known_b:
                    f.add("buurt_codes", f"buurten: {c} is geen buurt van {gemeente_code}",
                          f"neighbourhoods: {c} is not a neighbourhood of {gemeente_code}")  # fmt: skip
        clean["buurt_codes"] = json.dumps(sorted(set(codes)))
    if "aantal_deelnemers" in velden:
        value = velden["aantal_deelnemers"]
        n: int | None = None
        if value is not None and not (isinstance(value, str) and not value.strip()):
            try:
                if isinstance(value, bool) or (isinstance(value, float) and value != int(value)):
                    raise ValueError
                n = int(value)  # type: ignore[arg-type]
                if n < 0:
                    raise ValueError
            except (TypeError, ValueError):
                f.add("aantal_deelnemers", f"aantal deelnemers: {value!r} is geen geheel getal >= 0",
                      f"number of participants: {value!r} is not a whole number >= 0")  # fmt: skip
        clean["aantal_deelnemers"] = n
    if nieuw or "inbreng" in velden:
        clean["inbreng"] = _tekst(f, "inbreng", velden.get("inbreng"), MAX_TEKST) or ""
    if "reactie" in velden:
        clean["reactie"] = _tekst(f, "reactie", velden["reactie"], MAX_TEKST)
    if "programma_id" in velden:
        pid = velden["programma_id"]
        if pid is None or (isinstance(pid, str) and not pid.strip()):
            clean["programma_id"] = None
        else:
            try:
                prog = session.get(Warmteprogramma, int(pid))
            except (TypeError, ValueError):
                prog = None
            if prog is None or prog.gemeente_code != gemeente_code:
                f.add("programma_id", f"programma: {pid} is geen warmteprogramma van {gemeente_code}",
                      f"programme: {pid} is not a heat programme of {gemeente_code}")  # fmt: skip
            else:
                clean["programma_id"] = prog.id
    # input received or a formal response: it already happened
    merged = {**current, **clean}
    d = merged.get("datum")
    happened = (
        bool(merged.get("inbreng"))
        or merged.get("reactie")
        or merged.get("aantal_deelnemers") is not None
        or merged.get("soort") == "zienswijze"
    )
    if isinstance(d, date) and d > vandaag and happened and not any(x["veld"] == "datum" for x in f.items):
        f.add("datum", f"datum {d:%d-%m-%Y} ligt in de toekomst, maar er is al inbreng, een reactie, een aantal "
              "deelnemers of een zienswijze vastgelegd", f"date {d:%Y-%m-%d} is in the future, but input, a response, "
              "a number of participants or a formal response has already been recorded")  # fmt: skip
    return clean


def create_participatie(session: Session, user: User | None, gemeente_code: str, velden: Mapping[str, Any], *,
                        vandaag: date | None = None) -> Participatiemoment:  # fmt: skip
    """Add an entry to the participation log (``datum``, ``soort``, ``titel`` required; ``partner_ids``,
    ``buurt_codes``, ``aantal_deelnemers``, ``inbreng``, ``reactie``, ``programma_id``)."""
    code = _gemeente_code(gemeente_code)
    _gemeente(session, code)
    _require_edit_gemeente(session, user, code)
    f = _Fouten()
    clean = _clean_participatie(session, f, code, velden or {}, {}, vandaag=vandaag or date.today())
    f.raise_if_any()
    now = _now()
    m = Participatiemoment(gemeente_code=code, gemaakt=now, gewijzigd=now, gemaakt_door_id=user.id,
                           **{"partner_ids": "[]", "buurt_codes": "[]", **clean})  # fmt: skip
    session.add(m)
    session.flush()
    return m


def _moment(session: Session, moment_id: object) -> Participatiemoment:
    try:
        m = session.get(Participatiemoment, int(moment_id))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        m = None
    if m is None:
        raise ProgrammaError(f"participatiemoment {moment_id} niet gevonden", f"participation entry {moment_id} not "
                             "found", 404)  # fmt: skip
    return m


def update_participatie(session: Session, user: User | None, moment_id: int, velden: Mapping[str, Any], *,
                        vandaag: date | None = None) -> Participatiemoment:  # fmt: skip
    """Change fields of a participation entry (e.g. record how the input was answered)."""
    if _active(user) is None:
        raise _not_logged_in()
    m = _moment(session, moment_id)
    _require_edit_gemeente(session, user, m.gemeente_code)
    current = {"datum": m.datum, "soort": m.soort, "titel": m.titel, "inbreng": m.inbreng, "reactie": m.reactie,
               "aantal_deelnemers": m.aantal_deelnemers}  # fmt: skip
    f = _Fouten()
    clean = _clean_participatie(session, f, m.gemeente_code, velden or {}, current, vandaag=vandaag or date.today())
    f.raise_if_any()
    for k, v in clean.items():
        setattr(m, k, v)
    m.gewijzigd = _now()
    session.flush()
    return m


def delete_participatie(session: Session, user: User | None, moment_id: int) -> None:
    """Remove a participation entry."""
    if _active(user) is None:
        raise _not_logged_in()
    m = _moment(session, moment_id)
    _require_edit_gemeente(session, user, m.gemeente_code)
    session.delete(m)
    session.flush()


def partner_namen(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Partner id -> organisation name (for showing a participation entry)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(session.execute(select(ProgrammaPartner.id, ProgrammaPartner.organisatie)
                                .where(ProgrammaPartner.id.in_(wanted))).all())  # fmt: skip


# ------------------------------------------------------------------------------------------------- region


def _status_label(prog: Warmteprogramma | None, open_hidden: bool) -> tuple[str, str]:
    if prog is None:
        return ("concept in voorbereiding (niet openbaar)", "draft in preparation (not public)") if open_hidden else (
            "geen warmteprogramma", "no heat programme")  # fmt: skip
    nl, en = STATUS_NAMEN[prog.status]
    if prog.status == "vastgesteld" and prog.vastgesteld_op is not None:
        nl, en = f"vastgesteld op {prog.vastgesteld_op:%d-%m-%Y}", f"adopted on {prog.vastgesteld_op:%Y-%m-%d}"
    elif prog.status == "consultatie" and prog.consultatie_tot is not None:
        tot = prog.consultatie_tot
        nl, en = f"in consultatie tot {tot:%d-%m-%Y}", f"in consultation until {tot:%Y-%m-%d}"
    nl, en = f"versie {prog.volgnummer}: {nl}", f"version {prog.volgnummer}: {en}"
    if open_hidden:
        nl += "; nieuwe versie in voorbereiding"
        en += "; new version in preparation"
    return nl, en


def regional_overview(session: Session, user: User | None, res_code: str, vandaag: date | None = None) -> dict:
    """The coordinator's overview of a region (newest division): per gemeente its latest programme the user may
    read (the open version, else the latest adopted one), a status label, whether it is on time against the first
    deadline and the update date, the number of failing checks; the buurten planned per start year across the
    region; and the cross-border conflicts of the latest versions' plans (source capacity from the registry's
    available heat, adjacency from the buurt geometries)."""
    vandaag = vandaag or date.today()
    try:
        res = normalise_rescode(res_code)
    except CodeError as exc:
        raise ProgrammaError(exc.nl, exc.en, 400, veld="regio") from None
    regio = session.get(ResRegio, res)
    if regio is None:
        raise ProgrammaError(f"regio {res} niet gevonden", f"region {res} not found", 404)
    if _active(user) is None:
        raise _not_logged_in()
    if not can_see_region(session, user, res):
        raise ProgrammaError(f"u mag het overzicht van regio {res} niet inzien",
                             f"you may not see the overview of region {res}", 403)  # fmt: skip
    rules = regels.load_rules()
    jaar = session.scalar(select(func.max(Gemeente.jaar)).where(Gemeente.res_code == res))
    gemeenten = list(session.scalars(select(Gemeente).where(Gemeente.res_code == res, Gemeente.jaar == jaar)
                                     .order_by(Gemeente.naam))) if jaar is not None else []  # fmt: skip
    codes = [g.code for g in gemeenten]
    progs_by_gm: dict[str, list[Warmteprogramma]] = {c: [] for c in codes}
    if codes:
        for p in session.scalars(select(Warmteprogramma).where(Warmteprogramma.gemeente_code.in_(codes))
                                 .order_by(Warmteprogramma.volgnummer.desc())):  # fmt: skip
            progs_by_gm[p.gemeente_code].append(p)
    rows = []
    plannen: list[pm.RegioPlan] = []
    per_jaar: dict[int, dict[str, Any]] = {}
    geoms: dict[str, Any] = {}
    for g in gemeenten:
        versions = progs_by_gm[g.code]
        open_v = next((p for p in versions if p.status in OPEN_STATUSES), None)
        adopted = [p for p in versions if p.status in IMMUTABLE_STATUSES and p.vastgesteld_op is not None]
        latest_adopted = next((p for p in versions if p.status == "vastgesteld"), None)
        chosen = None
        hidden = False
        if open_v is not None and can_read(session, user, open_v, res_code=res):
            chosen = open_v
        else:
            hidden = open_v is not None
            chosen = latest_adopted
        first = min((p.vastgesteld_op for p in adopted), default=None)
        if first is not None:
            op_tijd: bool | None = first <= rules.eerste_vaststelling_uiterlijk
            if (
                latest_adopted is not None
                and latest_adopted.actualisatie_uiterlijk is not None
                and (latest_adopted.actualisatie_uiterlijk < vandaag)
            ):
                op_tijd = False
        else:
            op_tijd = False if vandaag > rules.eerste_vaststelling_uiterlijk else None
        fout = waarschuwing = 0
        info_row = None
        if chosen is not None:
            snap = snapshot(session, chosen)
            results = checks.run_checks(snap, vandaag, rules)
            fout = sum(1 for t in results if t.status == "fout")
            waarschuwing = sum(1 for t in results if t.status == "waarschuwing")
            info_row = info(session, chosen, vandaag)
            for b in snap.plannen:
                plannen.append(pm.RegioPlan(
                    gemeente_code=g.code, gemeente_naam=g.naam, programma_id=chosen.id, programma_status=chosen.status,
                    buurt_code=b.buurt_code, buurt_naam=b.buurt_naam, alternatief=b.alternatief,
                    familie=alternatieven.family(b.alternatief), warmtebron_code=b.warmtebron_code,
                    warmtenet=b.warmtenet, warmtevraag_gj=b.warmtevraag_gj, startjaar=b.startjaar,
                    doeljaar=b.doeljaar,
                ))  # fmt: skip
            for row in planning.per_jaar(snap.plannen):
                tot = per_jaar.setdefault(
                    int(row["jaar"]),
                    {"jaar": int(row["jaar"]), "per_gemeente": {}, "buurten": 0, "woningen": 0, "per_familie": {}},
                )
                tot["per_gemeente"][g.code] = tot["per_gemeente"].get(g.code, 0) + int(row["buurten"])
                tot["buurten"] += int(row["buurten"])
                tot["woningen"] += int(row.get("woningen") or 0)
                for fam, n in (row.get("per_familie") or {}).items():
                    tot["per_familie"][fam] = tot["per_familie"].get(fam, 0) + int(n)
            for code, wkb in geometrie(session, g.code).items():
                geoms[code] = wkb
        label_nl, label_en = _status_label(chosen, hidden)
        rows.append({
            "code": g.code, "naam": g.naam, "programma": info_row, "status_label": label_nl,
            "status_label_en": label_en, "op_tijd": op_tijd, "toetsen_fout": fout,
            "toetsen_waarschuwing": waarschuwing,
            "actualisatie_uiterlijk": latest_adopted.actualisatie_uiterlijk if latest_adopted is not None else None,
            "vastgesteld_op": latest_adopted.vastgesteld_op if latest_adopted is not None else None,
        })  # fmt: skip
    import shapely

    planned = {p.buurt_code for p in plannen}
    shapes = {c: shapely.from_wkb(w) for c, w in geoms.items() if c in planned}
    buren = conflicts.adjacent(shapes) if shapes else {}
    bron_codes = sorted({p.warmtebron_code for p in plannen if p.warmtebron_code})
    bronnen: dict[str, pm.BronCapaciteit] = {}
    if bron_codes:
        for w in session.scalars(select(Warmtebron).where(Warmtebron.code.in_(bron_codes))):
            gj = w.beschikbaar_gj_per_jaar
            bronnen[w.code] = pm.BronCapaciteit(w.code, w.naam, float(gj) if gj is not None and math.isfinite(gj)
                                                else None)  # fmt: skip
    conflicten = conflicts.find_conflicts(plannen, bronnen, buren)
    return {
        "regio": {"code": regio.code, "naam": regio.naam},
        "deadline": rules.eerste_vaststelling_uiterlijk,
        "gemeenten": rows,
        "per_jaar": [per_jaar[j] for j in sorted(per_jaar)],
        "conflicten": conflicten,
        "plannen": plannen,
    }
