"""The regional network: what every part shares (errors, permissions, audit, field checks).

The parts live in their own modules: :mod:`~warmteregio.services.netwerk_leden` (directory, export and
erasure), :mod:`~warmteregio.services.bijeenkomsten` (meetings, agenda, registration, waiting lists, attendance,
calendar, e-mail, retrospectives), :mod:`~warmteregio.services.kennis` (knowledge base, attachments, search,
related items, questions and answers), :mod:`~warmteregio.services.informatiebehoefte` (questionnaires and their
aggregation) and :mod:`~warmteregio.services.netwerk_activiteit` (the activity overview per region).

**Permissions** (one place, used by web, API and CLI):

* *Members* are active logged-in users. The directory, meetings, questions and the activity overview are for
  members only; knowledge items marked ``publiek`` are readable by everybody.
* A user's *region* (:func:`user_region`): a coordinator's own region; a gemeente user's gemeente's region;
  otherwise the region of the user's directory profile. Administrators (the national programme, NPLW) are
  national: they see and manage everything.
* *Managing a region* (:func:`can_manage_region`): administrators, and the coordinator of that region.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import gemeente_region
from warmteregio.domain.codes import CodeError, normalise_gemeentecode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.store.models import AuditRegel, NetwerkPersoon, ResRegio, User

# ------------------------------------------------------------------------------------------------------- errors


class NetwerkError(ValueError):
    """A request that cannot be honoured, in Dutch and English. ``status``: 400 bad input, 401 not logged in,
    403 not allowed, 404 not found, 409 conflict (stale ``versie``, full, wrong status), 413 too large, 415 wrong
    file type. ``fouten`` lists every bad field: ``{"veld", "nl", "en"}`` (imports add ``"rij"``)."""

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


class Fouten:
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
            raise NetwerkError(f["nl"], f["en"], 400, self.items)
        raise NetwerkError(f"{nl}: " + "; ".join(f["nl"] for f in self.items),
                           f"{en}: " + "; ".join(f["en"] for f in self.items), 400, self.items)  # fmt: skip


def not_logged_in() -> NetwerkError:
    return NetwerkError("niet ingelogd: dit deel is alleen voor leden van het netwerk",
                        "not logged in: this part is for members of the network only", 401)  # fmt: skip


def not_found(wat_nl: str, wat_en: str, ident: object) -> NetwerkError:
    return NetwerkError(f"{wat_nl} {ident} niet gevonden", f"{wat_en} {ident} not found", 404)


def forbidden(nl: str, en: str) -> NetwerkError:
    return NetwerkError(nl, en, 403)


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """``value`` with a time zone (SQLite returns naive UTC datetimes)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------------ permissions


def member(user: User | None) -> User | None:
    """The user when active and logged in, else None."""
    return user if user is not None and getattr(user, "actief", True) else None


def require_member(user: User | None) -> User:
    u = member(user)
    if u is None:
        raise not_logged_in()
    return u


def is_admin(user: User | None) -> bool:
    u = member(user)
    return u is not None and u.rol == Role.ADMIN.value


def is_coordinator(user: User | None) -> bool:
    u = member(user)
    return u is not None and u.rol == Role.COORDINATOR.value


def user_region(session: Session, user: User | None) -> str | None:
    """The region the user belongs to (see the module docstring); None for administrators and users without
    one."""
    u = member(user)
    if u is None:
        return None
    if u.rol == Role.COORDINATOR.value and u.res_code:
        return u.res_code
    if u.rol == Role.GEMEENTE.value and u.gemeente_code:
        res = gemeente_region(session, u.gemeente_code)
        if res:
            return res
    return session.scalar(select(NetwerkPersoon.res_code).where(NetwerkPersoon.user_id == u.id))


def can_manage_region(user: User | None, res_code: str | None) -> bool:
    """Administrators everywhere; a coordinator in her own region."""
    u = member(user)
    if u is None:
        return False
    if u.rol == Role.ADMIN.value:
        return True
    return u.rol == Role.COORDINATOR.value and res_code is not None and u.res_code == res_code


def in_region(session: Session, user: User | None, res_code: str | None) -> bool:
    """Whether the user is a member of region ``res_code`` (administrators count as members everywhere)."""
    u = member(user)
    if u is None or res_code is None:
        return False
    return u.rol == Role.ADMIN.value or user_region(session, u) == res_code


# -------------------------------------------------------------------------------------------------------- audit


def audit(session: Session, user: User | None, actie: str, objecttype: str, object_id: object = None, *,
          res_code: str | None = None, **details: Any) -> AuditRegel:  # fmt: skip
    """Record a change (in the caller's transaction). ``details``: field names and non-personal values only."""
    regel = AuditRegel(
        tijd=now(), user_id=getattr(member(user), "id", None), actie=actie, objecttype=objecttype,
        object_id=None if object_id is None else str(object_id), res_code=res_code,
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True),
    )  # fmt: skip
    session.add(regel)
    return regel


def audit_log(session: Session, user: User | None, *, res_code: str | None = None, objecttype: str | None = None,
              limit: int = 200) -> list[AuditRegel]:  # fmt: skip
    """The newest audit entries: administrators see all (or one region), a coordinator her own region."""
    u = require_member(user)
    res_code, objecttype = strip(res_code), strip(objecttype)  # NUL characters dropped: PostgreSQL refuses them
    if u.rol == Role.COORDINATOR.value:
        if res_code is not None and res_code != u.res_code:
            raise forbidden("u mag alleen de wijzigingen in uw eigen regio zien",
                            "you may only see the changes in your own region")  # fmt: skip
        res_code = u.res_code
    elif u.rol != Role.ADMIN.value:
        raise forbidden("alleen beheerders en regiocoördinatoren zien het auditlogboek",
                        "only administrators and regional coordinators see the audit log")  # fmt: skip
    stmt = select(AuditRegel).order_by(AuditRegel.tijd.desc(), AuditRegel.id.desc()).limit(max(1, min(limit, 1000)))
    if res_code is not None:
        stmt = stmt.where(AuditRegel.res_code == res_code)
    if objecttype is not None:
        stmt = stmt.where(AuditRegel.objecttype == objecttype)
    return list(session.scalars(stmt))


def gebruikersnamen(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """user id -> name, for the audit views of administrators and coordinators."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.naam).where(User.id.in_(wanted))).all())


# ------------------------------------------------------------------------------------------------- field checks


def json_list(text: str | None) -> list[Any]:
    """A JSON list column as a list ([] for empty or damaged text)."""
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def dump_list(values: Iterable[Any]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def strip(value: object) -> str | None:
    """``value`` as stripped text, None when empty. NUL characters are dropped (PostgreSQL text cannot hold
    them)."""
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def text_field(f: Fouten, veld: str, value: object, *, max_len: int, required: bool = False,
               label: tuple[str, str] | None = None) -> str | None:  # fmt: skip
    """A text field: stripped; an error when required and empty or when longer than ``max_len``."""
    nl, en = label or (veld, veld)
    text = strip(value)
    if text is None:
        if required:
            f.add(veld, f"{nl} is verplicht", f"{en} is required")
        return None
    if len(text) > max_len:
        f.add(veld, f"{nl} is te lang ({len(text)} tekens, maximaal {max_len})",
              f"{en} is too long ({len(text)} characters, at most {max_len})")  # fmt: skip
        return None
    return text


def choice(f: Fouten, veld: str, value: object, allowed: Mapping[str, Any] | Iterable[str], *,
           required: bool = True, label: tuple[str, str] | None = None) -> str | None:  # fmt: skip
    nl, en = label or (veld, veld)
    text = strip(value)
    options = list(allowed)
    if text is None:
        if required:
            f.add(veld, f"{nl} is verplicht (kies uit {', '.join(options)})",
                  f"{en} is required (choose from {', '.join(options)})")  # fmt: skip
        return None
    if text not in options:
        f.add(veld, f"onbekende waarde {text!r} voor {nl} (kies uit {', '.join(options)})",
              f"unknown value {text!r} for {en} (choose from {', '.join(options)})")  # fmt: skip
        return None
    return text


def int_field(f: Fouten, veld: str, value: object, *, lo: int | None = None, hi: int | None = None,
              required: bool = False, label: tuple[str, str] | None = None) -> int | None:  # fmt: skip
    nl, en = label or (veld, veld)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            f.add(veld, f"{nl} is verplicht", f"{en} is required")
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None:
        f.add(veld, f"{nl} moet een geheel getal zijn (gegeven: {value!r})",
              f"{en} must be a whole number (given: {value!r})")  # fmt: skip
        return None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        rng = f"{lo if lo is not None else '…'}–{hi if hi is not None else '…'}"
        f.add(veld, f"{nl} moet tussen {rng} liggen (gegeven: {number})",
              f"{en} must lie in {rng} (given: {number})")  # fmt: skip
        return None
    return number


#: Years a date or time in the network may lie in.
JAAR_MIN = 2000
JAAR_MAX = 2100


def datetime_field(f: Fouten, veld: str, value: object, *, required: bool = False,
                   label: tuple[str, str] | None = None) -> datetime | None:  # fmt: skip
    """An ISO 8601 date-time (``2027-03-12T09:30``, optionally with an offset). Without an offset the time is
    Dutch local time (Europe/Amsterdam). The result is in UTC."""
    from zoneinfo import ZoneInfo

    nl, en = label or (veld, veld)
    if isinstance(value, datetime):
        parsed = value
    else:
        text = strip(value)
        if text is None:
            if required:
                f.add(veld, f"{nl} is verplicht", f"{en} is required")
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            f.add(veld, f"{nl} is geen geldige datum en tijd (gegeven: {text!r}; gebruik JJJJ-MM-DDTuu:mm)",
                  f"{en} is not a valid date and time (given: {text!r}; use YYYY-MM-DDThh:mm)")  # fmt: skip
            return None
    if not JAAR_MIN <= parsed.year <= JAAR_MAX:
        f.add(veld, f"{nl}: het jaar moet tussen {JAAR_MIN} en {JAAR_MAX} liggen (gegeven: {parsed.year})",
              f"{en}: the year must lie between {JAAR_MIN} and {JAAR_MAX} (given: {parsed.year})")  # fmt: skip
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    return parsed.astimezone(UTC)


def date_field(f: Fouten, veld: str, value: object, *, required: bool = False,
               label: tuple[str, str] | None = None) -> date | None:  # fmt: skip
    nl, en = label or (veld, veld)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = strip(value)
    if text is None:
        if required:
            f.add(veld, f"{nl} is verplicht", f"{en} is required")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        f.add(veld, f"{nl} is geen geldige datum (gegeven: {text!r}; gebruik JJJJ-MM-DD)",
              f"{en} is not a valid date (given: {text!r}; use YYYY-MM-DD)")  # fmt: skip
        return None


def tags_field(f: Fouten, veld: str, value: object, *, max_items: int = 30, max_len: int = 60,
               label: tuple[str, str] | None = None) -> list[str]:  # fmt: skip
    """A list of short tags from a list or a comma/semicolon/newline separated text; stripped, de-duplicated
    (case-insensitive), order kept."""
    nl, en = label or (veld, veld)
    if value is None:
        return []
    if isinstance(value, str):
        items = [p for p in (strip(s) for s in value.replace(";", ",").replace("\n", ",").split(",")) if p]
    elif isinstance(value, Iterable):
        items = [t for t in (strip(p) for p in value) if t]
    else:
        f.add(veld, f"{nl} moet een lijst zijn", f"{en} must be a list")
        return []
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if len(item) > max_len:
            f.add(veld, f"{nl}: {item[:20]!r}… is te lang (maximaal {max_len} tekens)",
                  f"{en}: {item[:20]!r}… is too long (at most {max_len} characters)")  # fmt: skip
            continue
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    if len(out) > max_items:
        f.add(veld, f"{nl}: te veel ({len(out)}, maximaal {max_items})",
              f"{en}: too many ({len(out)}, at most {max_items})")  # fmt: skip
    return out[:max_items]


def res_code_field(session: Session, f: Fouten, veld: str, value: object, *, required: bool = False) -> str | None:
    text = strip(value)
    if text is None:
        if required:
            f.add(veld, "regio is verplicht", "region is required")
        return None
    try:
        code = normalise_rescode(text)
    except CodeError as exc:
        f.add(veld, exc.nl, exc.en)
        return None
    if session.get(ResRegio, code) is None:
        f.add(veld, f"onbekende regio {code}", f"unknown region {code}")
        return None
    return code


def gemeente_code_field(f: Fouten, veld: str, value: object) -> str | None:
    text = strip(value)
    if text is None:
        return None
    try:
        return normalise_gemeentecode(text)
    except CodeError as exc:
        f.add(veld, exc.nl, exc.en)
        return None


def check_versie(current: int, versie: object, wat_nl: str, wat_en: str) -> None:
    """Optimistic locking: ``versie`` (when given) must equal ``current``; 409 otherwise."""
    if versie is None or versie == "":
        return
    try:
        given = int(versie)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NetwerkError("versie moet een geheel getal zijn", "versie must be a whole number", 400,
                           veld="versie") from None  # fmt: skip
    if given != current:
        raise NetwerkError(
            f"{wat_nl} is intussen gewijzigd door iemand anders (uw versie {given}, huidige versie {current}); "
            "laad opnieuw en probeer het nog eens",
            f"{wat_en} was changed by someone else in the meantime (your version {given}, current version "
            f"{current}); reload and try again", 409,
        )  # fmt: skip


#: Largest id the database columns hold (32-bit INTEGER on PostgreSQL).
MAX_ID = 2**31 - 1


def as_id(value: object, wat_nl: str, wat_en: str) -> int:
    """``value`` as a row id; 404 for anything that is not an id in 1..MAX_ID."""
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else 0
    except (TypeError, ValueError):
        raise not_found(wat_nl, wat_en, value) from None
    if not 0 < number <= MAX_ID:
        raise not_found(wat_nl, wat_en, value)
    return number


# ------------------------------------------------------------------------------------------------ file imports

#: Largest import file (member lists, retrospectives, questionnaire questions) [bytes].
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def check_import_size(data: bytes) -> None:
    """413 when an import file is larger than :data:`MAX_IMPORT_BYTES`."""
    if len(data) > MAX_IMPORT_BYTES:
        mb, limiet = len(data) / 1024 / 1024, MAX_IMPORT_BYTES // 1024 // 1024
        raise NetwerkError(f"het bestand is te groot ({mb:.1f} MB; maximaal {limiet} MB)",
                           f"the file is too large ({mb:.1f} MB; at most {limiet} MB)", 413,
                           veld="bestand")  # fmt: skip


def read_table(data: bytes, bestandsnaam: str, *, sheet: str | None = None) -> tuple[
    list[str], list[tuple[int, list[Any]]]
]:  # fmt: skip
    """(lower-case header, [(row number in the file, cells)]) of an import file: CSV (``;`` or ``,``, UTF-8 with
    or without BOM) or XLSX (sheet ``sheet`` when present, else the first). Refused: larger than
    :data:`MAX_IMPORT_BYTES` (413), an XLSX that fails the upload checks (macros, zip bombs, not a workbook; 415),
    other types, empty files."""
    import csv
    import io
    from pathlib import PurePath

    from warmteregio.network import uploads

    check_import_size(data)
    suffix = PurePath(bestandsnaam or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:2] == b"PK":
        try:
            uploads.check_upload(PurePath(bestandsnaam or "import").stem + ".xlsx", data)
        except uploads.UploadFout as exc:
            raise NetwerkError(exc.nl, exc.en, exc.status, veld="bestand") from None
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            wb.close()
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook
            raise NetwerkError(f"het bestand is geen leesbaar XLSX-bestand ({exc})",
                               f"the file is not a readable XLSX file ({exc})", 400,
                               veld="bestand") from None  # fmt: skip
    elif suffix in (".csv", ".txt", ""):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NetwerkError("het CSV-bestand is geen UTF-8", "the CSV file is not UTF-8", 400,
                               veld="bestand") from None  # fmt: skip
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        rows = [list(r) for r in csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=delimiter)]
    else:
        raise NetwerkError(f"onbekend bestandstype {suffix!r} (CSV of XLSX)",
                           f"unknown file type {suffix!r} (CSV or XLSX)", 400, veld="bestand")  # fmt: skip
    if not rows:
        raise NetwerkError("het bestand is leeg", "the file is empty", 400, veld="bestand")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c is not None and str(c).strip() for c in r)]
    return header, body
