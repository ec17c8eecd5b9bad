"""The information-needs inventory: the national programme builds a questionnaire, gemeenten and regions answer,
the answers aggregate per theme and region (:mod:`warmteregio.network.aggregate`), repeated yearly for comparison.

Rules:

* A questionnaire belongs to a series (``reeks``, default ``informatiebehoefte``) and a year; one per series and
  year. Questions have a ``code`` that stays the same across the years (:func:`kopieer_vragenlijst` copies a
  questionnaire to a new year), a theme, a text, a kind (schaal 1-5, keuze, meerkeuze, open), options (keuze and
  meerkeuze: at least two) and whether an answer is required.
* Status ``concept`` -> ``open`` -> ``gesloten``, and ``gesloten`` -> ``open`` again. Questions can only be changed
  in ``concept``. Answers are accepted while ``open`` and not after ``open_tot`` (a date, Dutch time).
* Permissions: build, change, open, close and copy: administrators (the national programme). Read the list and the
  results: members (concept questionnaires: administrators only). Answer: a gemeente user for her own gemeente
  (respondent ``GMxxxx``), a coordinator for her own region (respondent ``ESxx``), an administrator for anyone.
  Open answers and one respondent's answers: administrators and the coordinator of the respondent's region (and
  whoever may answer for that respondent); everybody else sees counts only.

Functions validate everything before writing, flush and never commit; errors are bilingual
:class:`~warmteregio.services.netwerk.NetwerkError` with every bad field in ``fouten``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from warmteregio.domain.codes import CodeError, normalise_gemeentecode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.network import aggregate
from warmteregio.network.model import SCHAAL_MAX, SCHAAL_MIN, THEMAS, VRAAG_SOORTEN, VRAGENLIJST_STATUSES
from warmteregio.services.netwerk import (
    Fouten,
    NetwerkError,
    as_id,
    audit,
    check_versie,
    date_field,
    dump_list,
    forbidden,
    int_field,
    is_admin,
    json_list,
    member,
    not_found,
    now,
    require_member,
    strip,
    text_field,
)
from warmteregio.store.models import (
    Gemeente,
    ResRegio,
    User,
    Vragenlijst,
    VragenlijstInzending,
    VragenlijstVraag,
    VragenlijstWaarde,
)

REEKS_STANDAARD = "informatiebehoefte"
JAAR_MIN, JAAR_MAX = 2020, 2100
MAX_VRAGEN = 100
MAX_OPTIES = 20
MAX_OPTIE = 200
MAX_VRAAGTEKST = 2_000
MAX_TOELICHTING = 20_000
MAX_OPEN_ANTWOORD = 5_000
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")
REEKS_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
#: allowed status changes
TRANSITIES: dict[str, tuple[str, ...]] = {"concept": ("open",), "open": ("gesloten",), "gesloten": ("open",)}
CSV_KOLOMMEN = ("code", "thema", "tekst", "soort", "opties", "verplicht")
CSV_VERPLICHT = ("code", "thema", "tekst", "soort")
EXPORT_KOLOMMEN = ("vragenlijst", "jaar", "code", "thema", "soort", "vraag", "regio", "n", "gemiddelde", "verdeling")
VELDEN: dict[str, tuple[str, str]] = {
    "reeks": ("reeks", "series"),
    "jaar": ("jaar", "year"),
    "titel": ("titel", "title"),
    "toelichting": ("toelichting", "explanation"),
    "open_tot": ("open tot", "open until"),
    "vragen": ("vragen", "questions"),
    "code": ("code", "code"),
    "thema": ("thema", "theme"),
    "tekst": ("vraagtekst", "question text"),
    "soort": ("soort vraag", "kind of question"),
    "opties": ("opties", "options"),
    "verplicht": ("verplicht", "required"),
}
_JA = {"1", "ja", "j", "yes", "y", "true", "waar", "x"}
_NEE = {"0", "nee", "n", "no", "false", "onwaar", ""}


def vandaag_nl() -> date:
    """Today's date in the Netherlands."""
    return now().astimezone(ZoneInfo("Europe/Amsterdam")).date()


# ------------------------------------------------------------------------------------------------- loading


def _require_admin(user: User | None) -> User:
    u = require_member(user)
    if not is_admin(u):
        raise forbidden("alleen het nationaal programma (beheerders) stelt vragenlijsten op",
                        "only the national programme (administrators) builds questionnaires")  # fmt: skip
    return u


def _load(session: Session, vragenlijst_id: object) -> Vragenlijst | None:
    return session.get(Vragenlijst, as_id(vragenlijst_id, "vragenlijst", "questionnaire"))


def get_vragenlijst(session: Session, user: User | None, vragenlijst_id: int) -> Vragenlijst:
    """A questionnaire the user may see (members; a concept only administrators); 401/404 otherwise."""
    u = require_member(user)
    vl = _load(session, vragenlijst_id)
    if vl is None or (vl.status == "concept" and not is_admin(u)):
        raise not_found("vragenlijst", "questionnaire", vragenlijst_id)
    return vl


def list_vragenlijsten(session: Session, user: User | None) -> list[Vragenlijst]:
    """The questionnaires the user may see, newest year first."""
    u = require_member(user)
    stmt = select(Vragenlijst).order_by(Vragenlijst.jaar.desc(), Vragenlijst.reeks, Vragenlijst.id.desc())
    if not is_admin(u):
        stmt = stmt.where(Vragenlijst.status != "concept")
    return list(session.scalars(stmt))


# ---------------------------------------------------------------------------------------------- validation


def _label(veld: str) -> tuple[str, str]:
    return VELDEN.get(veld, (veld, veld))


def _thema(f: Fouten, value: object) -> str | None:
    """A theme: a code of :data:`THEMAS` (also recognised by its Dutch or English label) or a free text."""
    text = text_field(f, "thema", value, max_len=100, required=True, label=_label("thema"))
    if text is None:
        return None
    key = text.lower()
    for code, (nl, en) in THEMAS.items():
        if key in (code, nl.lower(), en.lower()):
            return code
    return text


def _opties(f: Fouten, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = value.replace("\n", "|").split("|")
    elif isinstance(value, Sequence):
        items = [str(v) for v in value if v is not None]
    else:
        f.add("opties", "opties moeten een lijst zijn (of tekst gescheiden door |)",
              "options must be a list (or text separated by |)")  # fmt: skip
        return []
    out: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if len(item) > MAX_OPTIE:
            f.add("opties", f"optie {item[:20]!r}… is te lang (maximaal {MAX_OPTIE} tekens)",
                  f"option {item[:20]!r}… is too long (at most {MAX_OPTIE} characters)")  # fmt: skip
        elif item in out:
            f.add("opties", f"optie {item!r} staat er dubbel in", f"option {item!r} appears twice")
        else:
            out.append(item)
    if len(out) > MAX_OPTIES:
        f.add("opties", f"te veel opties ({len(out)}, maximaal {MAX_OPTIES})",
              f"too many options ({len(out)}, at most {MAX_OPTIES})")  # fmt: skip
    return out


def _bool(f: Fouten, veld: str, value: object) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _JA:
        return True
    if text not in _NEE:
        nl, en = _label(veld)
        f.add(veld, f"{nl} moet ja of nee zijn (gegeven: {value!r})", f"{en} must be yes or no (given: {value!r})")
    return False


def _vraag(item: object) -> tuple[dict[str, Any] | None, Fouten, str | None]:
    """One question checked on its own: (clean dict or None, its errors with plain field names, its code when
    valid)."""
    f = Fouten()
    if not isinstance(item, Mapping):
        f.add(None, "een vraag moet een object met velden zijn", "a question must be an object with fields")
        return None, f, None
    code = text_field(f, "code", item.get("code"), max_len=50, required=True, label=_label("code"))
    if code is not None and not CODE_RE.match(code):
        code = None
        f.add("code", f"code {code!r} mag alleen letters, cijfers, _ . - bevatten (zonder spaties)",
              f"code {code!r} may only contain letters, digits, _ . - (no spaces)")  # fmt: skip
    thema = _thema(f, item.get("thema"))
    tekst = text_field(f, "tekst", item.get("tekst"), max_len=MAX_VRAAGTEKST, required=True, label=_label("tekst"))
    soort_text = strip(item.get("soort"))
    soort = soort_text.lower() if soort_text else None
    if soort is None:
        f.add("soort", f"soort vraag is verplicht (kies uit {', '.join(VRAAG_SOORTEN)})",
              f"kind of question is required (choose from {', '.join(VRAAG_SOORTEN)})")  # fmt: skip
    elif soort not in VRAAG_SOORTEN:
        f.add("soort", f"onbekende soort vraag {soort_text!r} (kies uit {', '.join(VRAAG_SOORTEN)})",
              f"unknown kind of question {soort_text!r} (choose from {', '.join(VRAAG_SOORTEN)})")  # fmt: skip
        soort = None
    opties = _opties(f, item.get("opties"))
    if soort in ("keuze", "meerkeuze") and len(opties) < 2:
        f.add("opties", f"een {soort}vraag heeft minstens twee opties nodig (gegeven: {len(opties)})",
              f"a {'single' if soort == 'keuze' else 'multiple'} choice question needs at least two options "
              f"(given: {len(opties)})")  # fmt: skip
    elif soort in ("schaal", "open") and opties:
        f.add("opties", f"alleen keuze- en meerkeuzevragen hebben opties (deze vraag is {soort})",
              f"only choice questions have options (this question is {soort})")  # fmt: skip
    verplicht = _bool(f, "verplicht", item.get("verplicht"))
    if f:
        return None, f, code
    return {"code": code, "thema": thema, "tekst": tekst, "soort": soort, "opties": opties,
            "verplicht": verplicht}, f, code  # fmt: skip


def _vragen(f: Fouten, value: object) -> list[dict[str, Any]] | None:
    """The question list of a questionnaire; errors name ``vragen.<n>.<veld>`` (n from 1)."""
    if value is None or (isinstance(value, str | bytes) or not isinstance(value, Sequence)):
        f.add("vragen", "geef minstens één vraag (een lijst)", "give at least one question (a list)")
        return None
    if not value:
        f.add("vragen", "geef minstens één vraag", "give at least one question")
        return None
    if len(value) > MAX_VRAGEN:
        f.add("vragen", f"te veel vragen ({len(value)}, maximaal {MAX_VRAGEN})",
              f"too many questions ({len(value)}, at most {MAX_VRAGEN})")  # fmt: skip
        return None
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    ok = True
    for n, item in enumerate(value, start=1):
        clean, fouten, code = _vraag(item)
        for e in fouten.items:
            veld = f"vragen.{n}" + (f".{e['veld']}" if e["veld"] else "")
            f.add(veld, f"vraag {n}: {e['nl']}", f"question {n}: {e['en']}")
        if code is not None:
            if code.lower() in seen:
                f.add(f"vragen.{n}.code", f"vraag {n}: code {code!r} komt al eerder voor",
                      f"question {n}: code {code!r} is used before")  # fmt: skip
                ok = False
            seen.add(code.lower())
        if clean is None:
            ok = False
        else:
            out.append(clean)
    return out if ok else None


def _reeks(f: Fouten, value: object) -> str | None:
    text = strip(value)
    if text is None:
        return REEKS_STANDAARD
    text = text.lower()
    if not REEKS_RE.match(text):
        f.add("reeks", f"reeks {text!r}: alleen kleine letters, cijfers, _ en - (maximaal 50 tekens)",
              f"series {text!r}: only lower-case letters, digits, _ and - (at most 50 characters)")  # fmt: skip
        return None
    return text


def _dubbel(session: Session, f: Fouten, reeks: str | None, jaar: int | None, behalve: int | None = None) -> None:
    if reeks is None or jaar is None:
        return
    stmt = select(Vragenlijst.id).where(Vragenlijst.reeks == reeks, Vragenlijst.jaar == jaar)
    if behalve is not None:
        stmt = stmt.where(Vragenlijst.id != behalve)
    if session.scalar(stmt) is not None:
        f.add("jaar", f"er is al een vragenlijst in reeks {reeks!r} voor {jaar}",
              f"there already is a questionnaire in series {reeks!r} for {jaar}")  # fmt: skip


def _maak_vragen(vragen: Sequence[Mapping[str, Any]]) -> list[VragenlijstVraag]:
    return [
        VragenlijstVraag(
            code=v["code"],
            volgorde=i,
            thema=v["thema"],
            tekst=v["tekst"],
            soort=v["soort"],
            opties=dump_list(v["opties"]),
            verplicht=bool(v["verplicht"]),
        )
        for i, v in enumerate(vragen, start=1)
    ]


def vragen_uit_csv(inhoud: bytes) -> list[dict[str, Any]]:
    """Questions from a CSV (``;`` or ``,``, UTF-8 with or without BOM) with the columns code, thema, tekst,
    soort, opties (separated by ``|``) and verplicht (ja/nee). Every row is checked; any error refuses the whole
    file with ``fouten`` carrying ``rij`` (the line number in the file, the header is line 1)."""
    from warmteregio.services.netwerk import check_import_size

    check_import_size(inhoud)
    try:
        text = inhoud.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = inhoud.decode("cp1252", errors="replace")
    if not text.strip():
        raise NetwerkError("het bestand is leeg", "the file is empty", 400, veld="bestand")
    first = text.split("\n", 1)[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") >= first.count(",") else ","))
    header = [c.strip().lower() for c in rows[0]]
    f = Fouten()
    ontbreekt = [k for k in CSV_VERPLICHT if k not in header]
    onbekend = [k for k in header if k and k not in CSV_KOLOMMEN]
    if ontbreekt:
        f.add("bestand", f"kolommen ontbreken: {', '.join(ontbreekt)} (verwacht: {';'.join(CSV_KOLOMMEN)})",
              f"missing columns: {', '.join(ontbreekt)} (expected: {';'.join(CSV_KOLOMMEN)})", rij=1)  # fmt: skip
    if onbekend:
        f.add("bestand", f"onbekende kolommen: {', '.join(onbekend)} (verwacht: {';'.join(CSV_KOLOMMEN)})",
              f"unknown columns: {', '.join(onbekend)} (expected: {';'.join(CSV_KOLOMMEN)})", rij=1)  # fmt: skip
    f.raise_if_any("de kolommen van het bestand kloppen niet", "the columns of the file are not right")
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for rij, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        item = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(header) if k}
        clean, fouten, code = _vraag(item)
        for e in fouten.items:
            f.add(e["veld"], f"rij {rij}: {e['nl']}", f"row {rij}: {e['en']}", rij=rij)
        if code is not None:
            if code.lower() in seen:
                f.add("code", f"rij {rij}: code {code!r} staat al in rij {seen[code.lower()]}",
                      f"row {rij}: code {code!r} is already in row {seen[code.lower()]}", rij=rij)  # fmt: skip
                continue
            seen[code.lower()] = rij
        if clean is not None:
            out.append(clean)
    if not out and not f:
        f.add("bestand", "het bestand bevat geen vragen", "the file holds no questions")
    if len(out) > MAX_VRAGEN:
        f.add("bestand", f"te veel vragen ({len(out)}, maximaal {MAX_VRAGEN})",
              f"too many questions ({len(out)}, at most {MAX_VRAGEN})")  # fmt: skip
    f.raise_if_any("het bestand met vragen is niet in orde", "the file of questions is not valid")
    return out


# --------------------------------------------------------------------------------------------------- building


def create_vragenlijst(session: Session, user: User | None, data: Mapping[str, Any]) -> Vragenlijst:
    """A new questionnaire (status concept): reeks (default informatiebehoefte), jaar*, titel*, toelichting,
    open_tot (date), vragen* ([{code*, thema*, tekst*, soort*, opties, verplicht}])."""
    u = _require_admin(user)
    f = Fouten()
    reeks = _reeks(f, data.get("reeks"))
    jaar = int_field(f, "jaar", data.get("jaar"), lo=JAAR_MIN, hi=JAAR_MAX, required=True, label=_label("jaar"))
    titel = text_field(f, "titel", data.get("titel"), max_len=200, required=True, label=_label("titel"))
    toelichting = text_field(f, "toelichting", data.get("toelichting"), max_len=MAX_TOELICHTING,
                             label=_label("toelichting"))  # fmt: skip
    open_tot = date_field(f, "open_tot", data.get("open_tot"), label=_label("open_tot"))
    vragen = _vragen(f, data.get("vragen"))
    _dubbel(session, f, reeks, jaar)
    f.raise_if_any("de vragenlijst is niet in orde", "the questionnaire is not valid")
    assert reeks is not None and jaar is not None and titel is not None and vragen is not None
    vl = Vragenlijst(reeks=reeks, jaar=jaar, titel=titel, toelichting=toelichting or "", status="concept",
                     open_tot=open_tot, versie=1, gemaakt=now(), gemaakt_door_id=u.id)  # fmt: skip
    vl.vragen = _maak_vragen(vragen)
    session.add(vl)
    session.flush()
    audit(session, u, "maak", "vragenlijst", vl.id, reeks=reeks, jaar=jaar, vragen=len(vragen))
    return vl


def update_vragenlijst(session: Session, user: User | None, vragenlijst_id: int, data: Mapping[str, Any],
                       versie: object = None) -> Vragenlijst:  # fmt: skip
    """Change the fields present in ``data``: titel, toelichting and open_tot always; reeks, jaar and vragen
    (replacing all questions) only in concept. ``versie`` (or ``data['versie']``) guards against lost updates."""
    u = _require_admin(user)
    vl = get_vragenlijst(session, u, vragenlijst_id)
    check_versie(vl.versie, versie if versie is not None else data.get("versie"), "de vragenlijst",
                 "the questionnaire")  # fmt: skip
    structuur = [k for k in ("reeks", "jaar", "vragen") if k in data]
    if structuur and vl.status != "concept":
        raise NetwerkError(
            f"{', '.join(structuur)} kan alleen worden gewijzigd zolang de vragenlijst concept is "
            f"(status: {vl.status})",
            f"{', '.join(structuur)} can only be changed while the questionnaire is a draft (status: {vl.status})",
            409,
        )  # fmt: skip
    f = Fouten()
    wijzig: dict[str, Any] = {}
    if "titel" in data:
        wijzig["titel"] = text_field(f, "titel", data["titel"], max_len=200, required=True, label=_label("titel"))
    if "toelichting" in data:
        wijzig["toelichting"] = text_field(f, "toelichting", data["toelichting"], max_len=MAX_TOELICHTING,
                                           label=_label("toelichting")) or ""  # fmt: skip
    if "open_tot" in data:
        wijzig["open_tot"] = date_field(f, "open_tot", data["open_tot"], label=_label("open_tot"))
    if "reeks" in data:
        wijzig["reeks"] = _reeks(f, data["reeks"])
    if "jaar" in data:
        wijzig["jaar"] = int_field(f, "jaar", data["jaar"], lo=JAAR_MIN, hi=JAAR_MAX, required=True,
                                   label=_label("jaar"))  # fmt: skip
    vragen = _vragen(f, data["vragen"]) if "vragen" in data else None
    if "reeks" in wijzig or "jaar" in wijzig:
        _dubbel(session, f, wijzig.get("reeks", vl.reeks), wijzig.get("jaar", vl.jaar), behalve=vl.id)
    f.raise_if_any("de vragenlijst is niet in orde", "the questionnaire is not valid")
    for key, value in wijzig.items():
        setattr(vl, key, value)
    if vragen is not None:
        vl.vragen.clear()
        session.flush()  # delete the old questions before inserting new ones with the same codes
        vl.vragen.extend(_maak_vragen(vragen))
    vl.versie = (vl.versie or 1) + 1
    session.flush()
    audit(session, u, "wijzig", "vragenlijst", vl.id, velden=sorted([*wijzig, *(["vragen"] if vragen else [])]))
    return vl


def kopieer_vragenlijst(session: Session, user: User | None, bron_id: int, jaar: int) -> Vragenlijst:
    """A concept copy of questionnaire ``bron_id`` for ``jaar``: same series, title (its year replaced),
    explanation and questions (same codes), so that the years compare."""
    u = _require_admin(user)
    bron = get_vragenlijst(session, u, bron_id)
    f = Fouten()
    nieuw_jaar = int_field(f, "jaar", jaar, lo=JAAR_MIN, hi=JAAR_MAX, required=True, label=_label("jaar"))
    f.raise_if_any()
    assert nieuw_jaar is not None
    if session.scalar(select(Vragenlijst.id).where(Vragenlijst.reeks == bron.reeks,
                                                   Vragenlijst.jaar == nieuw_jaar)) is not None:  # fmt: skip
        raise NetwerkError(f"er is al een vragenlijst in reeks {bron.reeks!r} voor {nieuw_jaar}",
                           f"there already is a questionnaire in series {bron.reeks!r} for {nieuw_jaar}", 409,
                           veld="jaar")  # fmt: skip
    titel = bron.titel.replace(str(bron.jaar), str(nieuw_jaar))[:200]
    vl = Vragenlijst(reeks=bron.reeks, jaar=nieuw_jaar, titel=titel, toelichting=bron.toelichting, status="concept",
                     open_tot=None, versie=1, gemaakt=now(), gemaakt_door_id=u.id)  # fmt: skip
    vl.vragen = [
        VragenlijstVraag(
            code=v.code,
            volgorde=v.volgorde,
            thema=v.thema,
            tekst=v.tekst,
            soort=v.soort,
            opties=v.opties,
            verplicht=v.verplicht,
        )
        for v in bron.vragen
    ]
    session.add(vl)
    session.flush()
    audit(session, u, "maak", "vragenlijst", vl.id, reeks=vl.reeks, jaar=nieuw_jaar, kopie_van=bron.id)
    return vl


def zet_status(session: Session, user: User | None, vragenlijst_id: int, status: str, *, versie: object = None,
               vandaag: date | None = None) -> Vragenlijst:  # fmt: skip
    """concept -> open -> gesloten, and gesloten -> open. Opening needs questions and an ``open_tot`` that has
    not passed."""
    u = _require_admin(user)
    vl = get_vragenlijst(session, u, vragenlijst_id)
    check_versie(vl.versie, versie, "de vragenlijst", "the questionnaire")
    if status not in VRAGENLIJST_STATUSES:
        raise NetwerkError(f"onbekende status {status!r} (kies uit {', '.join(VRAGENLIJST_STATUSES)})",
                           f"unknown status {status!r} (choose from {', '.join(VRAGENLIJST_STATUSES)})", 400,
                           veld="status")  # fmt: skip
    if status not in TRANSITIES.get(vl.status, ()):
        raise NetwerkError(f"van {vl.status} naar {status} kan niet", f"cannot go from {vl.status} to {status}", 409,
                           veld="status")  # fmt: skip
    if status == "open":
        vandaag = vandaag or vandaag_nl()
        if not vl.vragen:
            raise NetwerkError("een vragenlijst zonder vragen kan niet open", "a questionnaire without questions "
                               "cannot open", 409, veld="vragen")  # fmt: skip
        if vl.open_tot is not None and vl.open_tot < vandaag:
            raise NetwerkError(f"open tot {vl.open_tot:%d-%m-%Y} ligt in het verleden; pas die datum eerst aan",
                               f"open until {vl.open_tot:%Y-%m-%d} is in the past; change that date first", 409,
                               veld="open_tot")  # fmt: skip
    oud = vl.status
    vl.status = status
    vl.versie = (vl.versie or 1) + 1
    session.flush()
    audit(session, u, "publiceer" if status == "open" else "wijzig", "vragenlijst", vl.id, status=status, was=oud)
    return vl


# ------------------------------------------------------------------------------------------------- answering


def _respondent(session: Session, value: object) -> tuple[str, str | None, str]:
    """(code, region it counts for, name) of a respondent: a gemeente (GM) or a region (ES)."""
    text = (strip(value) or "").upper()
    try:
        if text.startswith("ES"):
            code = normalise_rescode(text)
            regio = session.get(ResRegio, code)
            if regio is None:
                raise not_found("regio", "region", code)
            return code, code, regio.naam
        code = normalise_gemeentecode(text)
    except CodeError:
        raise NetwerkError(f"respondent {value!r} is geen gemeentecode (GM0505) of regiocode (ES18)",
                           f"respondent {value!r} is not a municipality code (GM0505) or region code (ES18)", 400,
                           veld="respondent") from None  # fmt: skip
    g = session.scalar(select(Gemeente).where(Gemeente.code == code).order_by(Gemeente.jaar.desc()).limit(1))
    if g is None:
        raise not_found("gemeente", "municipality", code)
    return code, g.res_code, g.naam


def _mag_antwoorden(user: User | None, code: str) -> bool:
    u = member(user)
    if u is None:
        return False
    if u.rol == Role.ADMIN.value:
        return True
    if u.rol == Role.GEMEENTE.value:
        return bool(u.gemeente_code) and u.gemeente_code == code
    return u.rol == Role.COORDINATOR.value and bool(u.res_code) and u.res_code == code


def _mag_details(user: User | None, res_code: str | None) -> bool:
    """Open answers and per-respondent answers of a respondent counting for ``res_code``."""
    u = member(user)
    if u is None:
        return False
    if u.rol == Role.ADMIN.value:
        return True
    return u.rol == Role.COORDINATOR.value and res_code is not None and u.res_code == res_code


def _nieuwste_gemeenten(session: Session, codes: Sequence[str] | None = None) -> dict[str, tuple[str, str | None]]:
    """code -> (naam, res_code) of the newest division of each gemeente."""
    stmt = select(Gemeente.code, Gemeente.naam, Gemeente.res_code, Gemeente.jaar)
    if codes is not None:
        stmt = stmt.where(Gemeente.code.in_(list(codes)))
    out: dict[str, tuple[str, str | None, int]] = {}
    for code, naam, res, jaar in session.execute(stmt):
        if code not in out or jaar > out[code][2]:
            out[code] = (naam, res, jaar)
    return {c: (v[0], v[1]) for c, v in out.items()}


def respondenten(session: Session, user: User | None) -> list[tuple[str, str]]:
    """(code, naam) of the respondents the user may answer for: her gemeente, her region (coordinator), or all
    regions and gemeenten (administrator; regions by code, then gemeenten by name)."""
    u = member(user)
    if u is None:
        return []
    if u.rol == Role.ADMIN.value:
        regios = [(r.code, r.naam) for r in session.scalars(select(ResRegio).order_by(ResRegio.code))]
        gemeenten = sorted(((c, v[0]) for c, v in _nieuwste_gemeenten(session).items()),
                           key=lambda t: (t[1].lower(), t[0]))  # fmt: skip
        return regios + gemeenten
    if u.rol == Role.COORDINATOR.value and u.res_code:
        regio = session.get(ResRegio, u.res_code)
        return [(regio.code, regio.naam)] if regio is not None else []
    if u.rol == Role.GEMEENTE.value and u.gemeente_code:
        namen = _nieuwste_gemeenten(session, [u.gemeente_code])
        return [(u.gemeente_code, namen[u.gemeente_code][0])] if u.gemeente_code in namen else []
    return []


def inzending(session: Session, user: User | None, vragenlijst_id: int, respondent: str) -> (
        VragenlijstInzending | None):  # fmt: skip
    """The submission of ``respondent`` (None when not answered yet): for whoever may answer for it, the
    coordinator of its region and administrators."""
    u = require_member(user)
    vl = get_vragenlijst(session, u, vragenlijst_id)
    code, res, _ = _respondent(session, respondent)
    if not (_mag_antwoorden(u, code) or _mag_details(u, res)):
        raise forbidden(f"u mag de antwoorden van {code} niet inzien", f"you may not see the answers of {code}")
    return session.scalar(select(VragenlijstInzending).where(VragenlijstInzending.vragenlijst_id == vl.id,
                                                             VragenlijstInzending.respondent == code))  # fmt: skip


def antwoorden_van(inz: VragenlijstInzending, vragen: Sequence[VragenlijstVraag]) -> dict[str, Any]:
    """The answers of a submission by question code (int, str or list of str), e.g. to fill in a form again."""
    by_id = {v.id: v for v in vragen}
    out: dict[str, Any] = {}
    for w in inz.waarden:
        v = by_id.get(w.vraag_id)
        if v is not None:
            out[v.code] = _lees(v.soort, w.waarde)
    return out


def _lees(soort: str, waarde: str) -> Any:
    if soort == "schaal":
        return aggregate.schaalwaarde(waarde)
    if soort == "meerkeuze":
        return [str(x) for x in json_list(waarde)]
    return waarde


def _antwoord(f: Fouten, v: VragenlijstVraag, raw: object) -> str | None:
    """The answer to ``v`` as stored text; None when not answered."""
    opties = [str(o) for o in json_list(v.opties)]
    if raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple) and not raw):
        if v.verplicht:
            f.add(v.code, f"vraag {v.code}: een antwoord is verplicht", f"question {v.code}: an answer is required")
        return None
    if v.soort == "schaal":
        value = aggregate.schaalwaarde(raw)
        if value is None:
            f.add(v.code, f"vraag {v.code}: kies een geheel getal van {SCHAAL_MIN} tot {SCHAAL_MAX} "
                  f"(gegeven: {raw!r})", f"question {v.code}: choose a whole number from {SCHAAL_MIN} to "
                  f"{SCHAAL_MAX} (given: {raw!r})")  # fmt: skip
            return None
        return str(value)
    if v.soort == "keuze":
        text = str(raw).strip()
        if text not in opties:
            f.add(v.code, f"vraag {v.code}: {text!r} is geen optie (kies uit {', '.join(opties)})",
                  f"question {v.code}: {text!r} is not an option (choose from {', '.join(opties)})")  # fmt: skip
            return None
        return text
    if v.soort == "meerkeuze":
        items = raw.split("|") if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else [raw]
        gekozen = list(dict.fromkeys(str(i).strip() for i in items if i is not None and str(i).strip()))
        fout = [k for k in gekozen if k not in opties]
        if fout:
            namen = ", ".join(map(repr, fout))
            f.add(v.code, f"vraag {v.code}: {namen} is geen optie (kies uit {', '.join(opties)})",
                  f"question {v.code}: {namen} is not an option (choose from {', '.join(opties)})")  # fmt: skip
            return None
        if not gekozen:
            if v.verplicht:
                f.add(v.code, f"vraag {v.code}: een antwoord is verplicht",
                      f"question {v.code}: an answer is required")  # fmt: skip
            return None
        return dump_list([o for o in opties if o in gekozen])
    text = str(raw).replace("\x00", "").strip()
    if len(text) > MAX_OPEN_ANTWOORD:
        f.add(v.code, f"vraag {v.code}: het antwoord is te lang ({len(text)} tekens, maximaal "
              f"{MAX_OPEN_ANTWOORD})", f"question {v.code}: the answer is too long ({len(text)} characters, at most "
              f"{MAX_OPEN_ANTWOORD})")  # fmt: skip
        return None
    return text


def beantwoord(session: Session, user: User | None, vragenlijst_id: int, respondent: str,
               antwoorden: Mapping[str, Any], *, vandaag: date | None = None) -> VragenlijstInzending:  # fmt: skip
    """Store (or replace) the answers of ``respondent`` by question code. Scale answers are whole numbers 1-5,
    keuze one of the options, meerkeuze a list of options (or text separated by ``|``), open a text; required
    questions need an answer. Only while the questionnaire is open; an earlier submission is replaced entirely."""
    u = require_member(user)
    vl = get_vragenlijst(session, u, vragenlijst_id)
    code, res, _ = _respondent(session, respondent)
    if not _mag_antwoorden(u, code):
        raise forbidden(f"u mag niet antwoorden namens {code}", f"you may not answer on behalf of {code}")
    vandaag = vandaag or vandaag_nl()
    if vl.status != "open":
        raise NetwerkError(f"de vragenlijst is niet open voor antwoorden (status: {vl.status})",
                           f"the questionnaire is not open for answers (status: {vl.status})", 409)  # fmt: skip
    if vl.open_tot is not None and vandaag > vl.open_tot:
        raise NetwerkError(f"de vragenlijst was open tot {vl.open_tot:%d-%m-%Y}",
                           f"the questionnaire was open until {vl.open_tot:%Y-%m-%d}", 409)  # fmt: skip
    if not isinstance(antwoorden, Mapping):
        raise NetwerkError("antwoorden moeten per vraagcode worden gegeven", "answers must be given by question code",
                           400, veld="antwoorden")  # fmt: skip
    f = Fouten()
    codes = {v.code for v in vl.vragen}
    for key in antwoorden:
        if key not in codes:
            f.add(str(key), f"onbekende vraag {key!r}", f"unknown question {key!r}")
    nieuw: dict[int, str] = {}
    for v in vl.vragen:
        value = _antwoord(f, v, antwoorden.get(v.code))
        if value is not None:
            nieuw[v.id] = value
    f.raise_if_any("de antwoorden zijn niet in orde", "the answers are not valid")
    inz = session.scalar(select(VragenlijstInzending).options(selectinload(VragenlijstInzending.waarden))
                         .where(VragenlijstInzending.vragenlijst_id == vl.id,
                                VragenlijstInzending.respondent == code))  # fmt: skip
    tijd = now()
    actie = "wijzig"
    if inz is None:
        actie = "maak"
        inz = VragenlijstInzending(vragenlijst_id=vl.id, respondent=code, res_code=res, ingediend_op=tijd)
        session.add(inz)
    inz.res_code = res
    inz.ingevuld_door_id = u.id
    inz.gewijzigd = tijd
    bestaand = {w.vraag_id: w for w in inz.waarden}
    for vraag_id, w in bestaand.items():
        if vraag_id in nieuw:
            w.waarde = nieuw[vraag_id]
        else:
            inz.waarden.remove(w)
    for vraag_id, value in nieuw.items():
        if vraag_id not in bestaand:
            inz.waarden.append(VragenlijstWaarde(vraag_id=vraag_id, waarde=value))
    session.flush()
    audit(session, u, actie, "vragenlijst_inzending", inz.id, res_code=res, vragenlijst_id=vl.id, respondent=code,
          antwoorden=len(nieuw))  # fmt: skip
    return inz


# ----------------------------------------------------------------------------------------------------- results


def _regio_filter(session: Session, regio: object) -> str | None:
    if regio is None or (isinstance(regio, str) and not regio.strip()):
        return None
    try:
        res = normalise_rescode(regio)
    except CodeError as exc:
        raise NetwerkError(exc.nl, exc.en, 400, veld="regio") from None
    if session.get(ResRegio, res) is None:
        raise not_found("regio", "region", res)
    return res


def _regio_basis(session: Session, regio: str | None) -> list[aggregate.RegioBasis]:
    """Regions with the number of gemeenten in their newest division."""
    nieuwste = (select(Gemeente.res_code, func.max(Gemeente.jaar).label("jaar"))
                .where(Gemeente.res_code.is_not(None)).group_by(Gemeente.res_code).subquery())  # fmt: skip
    tellingen = dict(session.execute(
        select(Gemeente.res_code, func.count(func.distinct(Gemeente.code)))
        .join(nieuwste, and_(Gemeente.res_code == nieuwste.c.res_code, Gemeente.jaar == nieuwste.c.jaar))
        .group_by(Gemeente.res_code)
    ).all())  # fmt: skip
    stmt = select(ResRegio).order_by(ResRegio.code)
    if regio is not None:
        stmt = stmt.where(ResRegio.code == regio)
    return [aggregate.RegioBasis(r.code, r.naam, int(tellingen.get(r.code, 0))) for r in session.scalars(stmt)]


def _defs(vl: Vragenlijst) -> list[aggregate.VraagDef]:
    return [aggregate.VraagDef(v.code, v.thema, v.tekst, v.soort, tuple(str(o) for o in json_list(v.opties)),
                               bool(v.verplicht)) for v in vl.vragen]  # fmt: skip


def _inzendingen(session: Session, vl: Vragenlijst, regio: str | None) -> list[aggregate.Inzending]:
    stmt = (select(VragenlijstInzending).options(selectinload(VragenlijstInzending.waarden))
            .where(VragenlijstInzending.vragenlijst_id == vl.id).order_by(VragenlijstInzending.respondent))  # fmt: skip
    if regio is not None:
        stmt = stmt.where(VragenlijstInzending.res_code == regio)
    return [aggregate.Inzending(i.respondent, i.res_code, antwoorden_van(i, vl.vragen)) for i in session.scalars(stmt)]


def _info(vl: Vragenlijst) -> aggregate.VragenlijstInfo:
    return aggregate.VragenlijstInfo(vl.id, vl.reeks, vl.jaar, vl.titel, vl.status)


def resultaten(session: Session, user: User | None, vragenlijst_id: int, *, regio: str | None = None) -> (
        aggregate.Resultaten):  # fmt: skip
    """The aggregated answers (all regions, or one region ``regio``) for members; open answers only for the
    regions the user may see them of (administrators all, a coordinator her own)."""
    u = require_member(user)
    vl = get_vragenlijst(session, u, vragenlijst_id)
    res = _regio_filter(session, regio)
    return aggregate.aggregeer(_info(vl), _defs(vl), _inzendingen(session, vl, res), _regio_basis(session, res),
                               regio=res, open_zichtbaar=lambda r: _mag_details(u, r))  # fmt: skip


def vergelijking(session: Session, user: User | None, reeks: str, *, regio: str | None = None) -> (
        aggregate.Vergelijking):  # fmt: skip
    """The scale questions and themes of every opened year of ``reeks`` side by side (mean per year)."""
    require_member(user)
    f = Fouten()
    naam = _reeks(f, reeks)
    f.raise_if_any()
    res = _regio_filter(session, regio)
    lijsten = list(session.scalars(select(Vragenlijst).where(Vragenlijst.reeks == naam,
                                                             Vragenlijst.status != "concept")
                                   .order_by(Vragenlijst.jaar)))  # fmt: skip
    if not lijsten:
        raise not_found("reeks", "series", naam)
    jaren = [(vl.jaar, _defs(vl), _inzendingen(session, vl, res)) for vl in lijsten]
    return aggregate.vergelijk(str(naam), jaren, regio=res)


def _getal(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _verdeling_tekst(verdeling: Mapping[str, int]) -> str:
    return " | ".join(f"{k}: {n}" for k, n in verdeling.items())


def _export_rijen(r: aggregate.Resultaten) -> list[list[Any]]:
    vl = r.vragenlijst
    rows: list[list[Any]] = []
    for v in r.vragen:
        base = [vl.titel, vl.jaar, v.code, v.thema, v.soort, v.tekst]
        rows.append([*base, r.regio or "totaal", v.n, _getal(v.gemiddelde),
                     _verdeling_tekst(v.verdeling)])  # fmt: skip
        if r.regio is None:
            for res, waarde in v.per_regio.items():
                gem = _getal(waarde) if v.soort == "schaal" else ""
                verd = _verdeling_tekst(waarde) if isinstance(waarde, Mapping) and v.soort != "open" else ""
                rows.append([*base, res, v.per_regio_n.get(res, 0), gem, verd])
    return rows


def export_resultaten(session: Session, user: User | None, vragenlijst_id: int, formaat: str = "csv", *,
                      regio: str | None = None) -> bytes:  # fmt: skip
    """The results as CSV (semicolon, UTF-8 with BOM; one row per question and region, ``totaal`` = all) or
    XLSX (sheets Resultaten, Respons, Thema x regio and, for those who may read them, Open antwoorden)."""
    formaat = (formaat or "").strip().lower()
    if formaat not in ("csv", "xlsx"):
        raise NetwerkError(f"formaat moet csv of xlsx zijn, niet {formaat!r}",
                           f"format must be csv or xlsx, not {formaat!r}", 400, veld="formaat")  # fmt: skip
    u = require_member(user)
    r = resultaten(session, u, vragenlijst_id, regio=regio)
    audit(session, u, "export", "vragenlijst", r.vragenlijst.id, res_code=r.regio, formaat=formaat)
    rows = _export_rijen(r)
    if formaat == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(EXPORT_KOLOMMEN)
        writer.writerows(rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Resultaten"
    ws.append(list(EXPORT_KOLOMMEN))
    for row in rows:
        ws.append([float(c) if i == 8 and c != "" else c for i, c in enumerate(row)])
    ws.freeze_panes = "D2"
    respons = wb.create_sheet("Respons")
    respons.append(["regio", "naam", "gemeenten", "ingevuld", "aandeel", "regio_ingevuld"])
    for p in r.respons:
        aandeel = None if p.aandeel is None else round(p.aandeel, 4)
        respons.append([p.res_code, p.naam, p.gemeenten, p.ingevuld, aandeel, "ja" if p.regio_ingevuld else "nee"])
    matrix = wb.create_sheet("Thema x regio")
    matrix.append(["thema", "totaal", *r.regios])
    for t in r.thema_volgorde:
        gem = r.thema_gemiddelde.get(t)
        matrix.append([t, None if gem is None else round(gem, 4),
                       *[(round(x, 4) if (x := r.per_thema_regio.get((t, res))) is not None else None)
                         for res in r.regios]])  # fmt: skip
    open_rijen = [(v.code, v.tekst, a.respondent, a.res_code, a.tekst) for v in r.vragen for a in v.open_antwoorden]
    if open_rijen:
        sheet = wb.create_sheet("Open antwoorden")
        sheet.append(["code", "vraag", "respondent", "regio", "antwoord"])
        for row in open_rijen:
            sheet.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
