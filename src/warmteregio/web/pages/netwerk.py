"""HTML pages of the regional network (issue 7), part 1: the hub, the activity overview per region, the directory
(people and organisations, profile with edit, data export and erasure, member import) and the audit log.

* ``/netwerk``: the hub: links to every part, the activity of the visitor's own region and the national table.
  Visitors without a session get a short introduction and the way to the public knowledge base.
* ``/regios/{code}/netwerk``: the activity overview of a region.
* ``/leden`` (filters, CSV/XLSX download), ``/leden/nieuw``, ``/leden/importeren``, ``/leden/{id}`` (profile and
  edit form), ``/leden/{id}/export`` (JSON download), ``/leden/{id}/wissen`` (erase after confirmation).
* ``/organisaties``: the organisations with a create form for administrators and coordinators.
* ``/netwerk/audit``: the audit log (administrators all, a coordinator her own region).

Members only (a visitor is sent to the login page). Forms work without JavaScript: POST with the CSRF token, a
redirect after success, the page again with the errors next to the fields otherwise. Everything calls the network
services (:mod:`~warmteregio.services.netwerk_leden`, :mod:`~warmteregio.services.netwerk_activiteit`,
:mod:`~warmteregio.services.netwerk`); the meeting pages live in :mod:`warmteregio.web.pages.bijeenkomsten` and
share the helpers of this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.convertors import Convertor, register_url_convertor

from warmteregio.network import model
from warmteregio.services import netwerk as nw
from warmteregio.services import netwerk_activiteit, netwerk_leden
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language
from warmteregio.web.pages import data
from warmteregio.web.templating import render


class IdConvertor(Convertor[int]):
    """``{name:netwerk_id}`` in a path: 1 to 10 digits (Starlette's ``int`` takes any number of digits, and a
    number with thousands of them cannot even be converted). A longer number matches no route: 404."""

    regex = "[0-9]{1,10}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("netwerk_id", IdConvertor())

router = APIRouter(include_in_schema=False)

TZ = ZoneInfo("Europe/Amsterdam")
MAANDEN = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip
DAGEN = {"nl": ("ma", "di", "wo", "do", "vr", "za", "zo"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
#: Object types of the audit log offered as a filter (others found in the log are added).
OBJECTTYPES = ("persoon", "organisatie", "bijeenkomst", "aanwezigheid", "kennisitem", "bijlage", "vraag", "antwoord",
               "vragenlijst", "inzending")  # fmt: skip
#: Largest id a table holds (INTEGER); a larger one in a URL is simply not found (never a database error).
MAX_ID = 2**31 - 1
#: Fields of the person form.
PERSOON_VELDEN = ("naam", "functie", "organisatie_id", "organisatie", "organisatie_soort", "rol", "res_code",
                  "gemeente_code", "email", "telefoon", "expertise")  # fmt: skip


# ------------------------------------------------------------------------------------------------ formatting


@dataclass(frozen=True)
class Opmaak:
    """Dates and times in Dutch local time, written the way the page language writes them."""

    lang: str

    def lokaal(self, value: datetime) -> datetime:
        return nw.aware(value).astimezone(TZ)

    def datum(self, value: datetime | date | None) -> str:
        if value is None:
            return "–"
        d = self.lokaal(value) if isinstance(value, datetime) else value
        lang = "en" if self.lang == "en" else "nl"
        return f"{DAGEN[lang][d.weekday()]} {d.day} {MAANDEN[lang][d.month - 1]} {d.year}"

    def tijd(self, value: datetime | None) -> str:
        return "–" if value is None else f"{self.lokaal(value):%H:%M}"

    def datumtijd(self, value: datetime | None) -> str:
        return "–" if value is None else f"{self.datum(value)}, {self.tijd(value)}"

    def periode(self, start: datetime, eind: datetime | None) -> str:
        if eind is None:
            return self.datumtijd(start)
        if self.lokaal(start).date() == self.lokaal(eind).date():
            return f"{self.datum(start)}, {self.tijd(start)}–{self.tijd(eind)}"
        return f"{self.datumtijd(start)} – {self.datumtijd(eind)}"

    def iso(self, value: datetime | date | None) -> str:
        if value is None:
            return ""
        return self.lokaal(value).isoformat(timespec="minutes") if isinstance(value, datetime) else value.isoformat()

    def invoer(self, value: datetime | None) -> str:
        """For ``<input type="datetime-local">``."""
        return "" if value is None else f"{self.lokaal(value):%Y-%m-%dT%H:%M}"


# ------------------------------------------------------------------------------------------------ helpers


def lang_of(request: Request) -> str:
    return request_language(request)


def tekst(request: Request, nl: str, en: str) -> str:
    return en if lang_of(request) == "en" else nl


def error(request: Request, status: int, user: User | None) -> HTMLResponse:
    context: dict[str, Any] = {"status": status}
    if status == 403:
        context["geen_toegang"] = True
    return render(request, "fout.html", context, user=user, status_code=status)


def geldig_id(value: int) -> bool:
    """Whether ``value`` can be the id of a row (a URL with a larger number gives 404, not a database error)."""
    return 0 < value <= MAX_ID


def nummer(value: object) -> int | None:
    """A row id typed in a form or query string: ASCII digits up to :data:`MAX_ID`; None for anything else (``²``,
    thousands of digits, ``-1``)."""
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    return int(text) if geldig_id(int(text)) else None


def filtertekst(value: str | None, max_len: int = 200) -> str | None:
    """A free-text filter from the query string: without control characters (PostgreSQL text cannot hold NUL),
    stripped and at most ``max_len`` characters; None when empty."""
    text = "".join(ch for ch in (value or "")[: max_len * 2] if ch.isprintable())
    return text.strip()[:max_len] or None


def login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


def login_hier(request: Request) -> RedirectResponse:
    """To the login page, coming back to this page (path and query string) afterwards."""
    return login(request.url.path + (f"?{request.url.query}" if request.url.query else ""))


def foutpagina(request: Request, user: User | None, status: int, exc: nw.NetwerkError | None = None,
               nl: str | None = None, en: str | None = None, *, gebied: str | None = None) -> Response:  # fmt: skip
    """The error page of the knowledge base and the questionnaires with the service's reason in the page
    language; a visitor without a session who needs one goes to the login page. ``gebied`` names the part for the
    way back (default: the knowledge base)."""
    if status == 401 and user is None:
        return login_hier(request)
    reden = tekst(request, exc.nl, exc.en) if exc is not None else (tekst(request, nl, en) if nl else None)
    status = status if status in (400, 401, 403, 404, 409, 413, 415) else 400
    context: dict[str, Any] = {"status": status, "reden": reden}
    if gebied:
        context["gebied"] = gebied
    return render(request, "kennis_fout.html", context, user=user, status_code=status)


async def formulier(request: Request) -> tuple[dict[str, str], Any, bool]:
    """The submitted form: (its text fields, the whole form (also files), whether its CSRF token is valid)."""
    form = await request.form()
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    return values, form, auth.check_csrf(request, values.get("csrf_token"))


def refused(request: Request, user: User | None, exc: nw.NetwerkError) -> Response:
    """The answer to a refused read: login for visitors, else the 403/404 page."""
    if exc.status == 401 or user is None:
        return login(request.url.path)
    return error(request, exc.status if exc.status in (403, 404) else 404, user)


async def form_of(request: Request) -> tuple[dict[str, str], list[tuple[str, Any]], bool]:
    """The submitted form (text fields), all items (also files) and whether its CSRF token is valid."""
    form = await request.form()
    items = list(form.multi_items())
    values = {k: v for k, v in items if isinstance(v, str)}
    return values, items, auth.check_csrf(request, values.get("csrf_token"))


def veldnaam(veld: object) -> str:
    """A service field path as the key of the template's error dict (``onderdelen[0].titel`` ->
    ``onderdelen_0_titel``)."""
    return str(veld or "form").replace("[", ".").replace("]", "").replace(".", "_")


def fouten_van(request: Request, exc: nw.NetwerkError, hernoem: Callable[[str], str] | None = None) -> dict[str, str]:
    """Field -> message in the page language; ``form`` holds the summary (``form_kop`` its lead when several fields
    are wrong, the list then names each)."""
    out: dict[str, str] = {}
    for f in getattr(exc, "fouten", None) or []:
        key = veldnaam(f.get("veld"))
        if hernoem is not None:
            key = hernoem(key)
        text = tekst(request, f.get("nl", ""), f.get("en", ""))
        out[key] = f"{out[key]}; {text}" if key in out and text not in out[key] else text
    out["form"] = tekst(request, exc.nl, exc.en)
    if len(out) > 2:
        out["form_kop"] = out["form"].split(":")[0]
    return out


def status_voor(exc: nw.NetwerkError) -> int:
    return 409 if exc.status == 409 else 422


def vocab_keuzes(lang: str) -> Callable[[Mapping[str, tuple[str, str]]], list[tuple[str, str]]]:
    def keuzes(vocab: Mapping[str, tuple[str, str]]) -> list[tuple[str, str]]:
        return [(code, model.label(vocab, code, lang)) for code in vocab]

    return keuzes


def audit_details(text: str | None, lang: str = "nl") -> str:
    """The JSON details of an audit entry as ``key: value`` pairs (yes/no in the page language)."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return text or ""
    if not isinstance(value, dict):
        return str(value)
    ja_nee = ("yes", "no") if lang == "en" else ("ja", "nee")
    parts = []
    for k, v in value.items():
        if isinstance(v, bool):
            shown = ja_nee[0] if v else ja_nee[1]
        else:
            shown = ", ".join(str(x) for x in v) if isinstance(v, list) else str(v)
        parts.append(f"{k}: {shown}")
    return "; ".join(parts)


def regio_namen(db: Session) -> dict[str, str]:
    return {r.code: r.naam for r in data.regios(db)}


def basis(request: Request, db: Session, user: User | None, **extra: Any) -> dict[str, Any]:
    """What every network page needs: language, formatting, vocabularies, region names and the part navigation."""
    lang = lang_of(request)
    namen = regio_namen(db)
    context: dict[str, Any] = {
        "lang": lang,
        "fmt": Opmaak(lang),
        "m": model,
        "lbl": lambda vocab, code: model.label(vocab, code, lang),
        "keuzes": vocab_keuzes(lang),
        "lijst": nw.json_list,
        "details": lambda text: audit_details(text, lang),
        "regio_namen": namen,
        "regio_keuzes": [(code, f"{naam} ({code})") for code, naam in sorted(namen.items(), key=lambda x: x[1])],
        "mag_audit": nw.is_admin(user) or nw.is_coordinator(user),
        "opgeslagen": request.query_params.get("opgeslagen"),
        "fouten": {},
        "w": {},
        "gebruikers": {},
    }
    context.update(extra)
    return context


def mag_leden_toevoegen(user: User | None) -> bool:
    return nw.is_admin(user) or nw.is_coordinator(user)


# ------------------------------------------------------------------------------------------------ hub, activity


@router.get("/netwerk", response_class=HTMLResponse, name="netwerk")
def netwerk_page(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    if nw.member(user) is None:
        return render(request, "netwerk.html", basis(request, db, None), user=None)
    regio = nw.user_region(db, user)
    activiteit = netwerk_activiteit.overzicht(db, user, regio) if regio else None
    landelijk = netwerk_activiteit.landelijk_overzicht(db, user)
    context = basis(request, db, user, activiteit=activiteit, landelijk=landelijk,
                    mijn_profiel=netwerk_leden.profiel_van(db, user))  # fmt: skip
    if activiteit is not None:
        context["gebruikers"] = gebruikersnamen(db, [r.user_id for r in activiteit.wijzigingen])
    return render(request, "netwerk.html", context, user=user)


@router.get("/regios/{code}/netwerk", response_class=HTMLResponse, name="netwerk_regio")
def netwerk_regio_page(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    try:
        activiteit = netwerk_activiteit.overzicht(db, user, code)
    except nw.NetwerkError as exc:
        return refused(request, user, exc)
    context = basis(request, db, user, activiteit=activiteit,
                    gebruikers=gebruikersnamen(db, [r.user_id for r in activiteit.wijzigingen]))  # fmt: skip
    return render(request, "netwerk_regio.html", context, user=user)


def gebruikersnamen(db: Session, ids: list[int | None]) -> dict[int, str]:
    """Names of the users in an audit list (for administrators and coordinators only, who manage them)."""
    return nw.gebruikersnamen(db, ids)


@router.get("/netwerk/audit", response_class=HTMLResponse, name="netwerk_audit")
def netwerk_audit_page(
    request: Request,
    regio: str | None = None,
    objecttype: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    regio = (filtertekst(regio, 10) or "").upper() or None
    objecttype = filtertekst(objecttype, 40)
    try:
        regels = nw.audit_log(db, user, res_code=regio if nw.is_admin(user) else None, objecttype=objecttype)
    except nw.NetwerkError as exc:
        return refused(request, user, exc)
    soorten = sorted(set(OBJECTTYPES) | {r.objecttype for r in regels})
    context = basis(request, db, user, regels=regels, filters={"regio": regio, "objecttype": objecttype},
                    objecttypes=[(s, s) for s in soorten],
                    gebruikers=gebruikersnamen(db, [r.user_id for r in regels]))  # fmt: skip
    context["regio_keuzes_audit"] = context["regio_keuzes"] if nw.is_admin(user) else []
    return render(request, "netwerk_audit.html", context, user=user)


# ------------------------------------------------------------------------------------------------ directory


def _organisaties(db: Session, user: User | None) -> list[Any]:
    return netwerk_leden.list_organisaties(db, user)


def _directory_context(request: Request, db: Session, user: User | None, **extra: Any) -> dict[str, Any]:
    orgs = _organisaties(db, user)
    return basis(request, db, user, organisatie_keuzes=[(str(o.id), o.naam) for o in orgs],
                 organisatie_namen={o.id: o.naam for o in orgs}, **extra)  # fmt: skip


@router.get("/leden", response_class=HTMLResponse, name="leden")
def leden_page(
    request: Request,
    q: str | None = None,
    regio: str | None = None,
    rol: str | None = None,
    expertise: str | None = None,
    organisatie: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    org_id = nummer(organisatie)
    filters = {"q": filtertekst(q), "regio": (filtertekst(regio, 10) or "").upper() or None,
               "rol": rol if rol in model.PERSOON_ROLLEN else None, "expertise": filtertekst(expertise, 60),
               "organisatie": str(org_id) if org_id else None}  # fmt: skip
    try:
        personen = netwerk_leden.list_personen(
            db,
            user,
            regio=filters["regio"],
            rol=filters["rol"],
            expertise=filters["expertise"],
            q=filters["q"],
            organisatie_id=org_id,
        )
    except nw.NetwerkError as exc:
        if exc.status in (401, 403):
            return refused(request, user, exc)
        personen = []
    context = _directory_context(request, db, user, personen=personen, filters=filters,
                                 mag_toevoegen=mag_leden_toevoegen(user))  # fmt: skip
    return render(request, "leden.html", context, user=user)


@router.get("/leden/export", name="leden_export")
def leden_export(
    request: Request,
    formaat: str = "csv",
    regio: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    formaat = "xlsx" if formaat == "xlsx" else "csv"
    try:
        inhoud = netwerk_leden.export_leden(db, user, regio=(filtertekst(regio, 10) or "").upper() or None,
                                            formaat=formaat)  # fmt: skip
    except nw.NetwerkError as exc:
        return refused(request, user, exc)
    media = ("text/csv; charset=utf-8" if formaat == "csv"
             else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
    return Response(
        inhoud,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="leden.{formaat}"',
            "Cache-Control": "private, no-store",
        },
    )


def _persoon_data(form: Mapping[str, str]) -> dict[str, Any]:
    """The person form as service data (empty fields are None)."""
    out: dict[str, Any] = {}
    for name in PERSOON_VELDEN:
        if name in form:
            out[name] = form[name].strip() or None
    if out.get("organisatie"):
        out.pop("organisatie_id", None)  # a new organisation typed: it wins over the list
    else:
        out.pop("organisatie_soort", None)
    return out


def _persoon_waarden(p: Any) -> dict[str, str]:
    return {
        "naam": p.naam or "", "functie": p.functie or "",
        "organisatie_id": str(p.organisatie_id) if p.organisatie_id else "", "rol": p.rol or "lid",
        "res_code": p.res_code or "", "gemeente_code": p.gemeente_code or "", "email": p.email or "",
        "telefoon": p.telefoon or "", "expertise": ", ".join(nw.json_list(p.expertise)),
    }  # fmt: skip


@router.get("/leden/nieuw", response_class=HTMLResponse, name="leden_nieuw")
def leden_nieuw_page(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    if nw.member(user) is None:
        return login(request.url.path)
    if not mag_leden_toevoegen(user):
        return error(request, 403, user)
    w = {"rol": "lid", "res_code": user.res_code or ""}
    return render(request, "leden_nieuw.html", _directory_context(request, db, user, w=w), user=user)


@router.post("/leden/nieuw", name="leden_maak")
async def leden_maak(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    if nw.member(user) is None:
        return login("/leden/nieuw")
    try:
        p = netwerk_leden.create_persoon(db, user, _persoon_data(form))
        pid = p.id
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return error(request, 403, user)
        context = _directory_context(request, db, user, w=form, fouten=fouten_van(request, exc))
        return render(request, "leden_nieuw.html", context, user=user, status_code=status_voor(exc))
    db.commit()
    return RedirectResponse(f"/leden/{pid}?opgeslagen=aangemaakt", status_code=303)


@router.get("/leden/importeren", response_class=HTMLResponse, name="leden_importeren")
def leden_importeren_page(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    if nw.member(user) is None:
        return login(request.url.path)
    if not mag_leden_toevoegen(user):
        return error(request, 403, user)
    return render(request, "leden_importeren.html", basis(request, db, user, droog=True), user=user)


@router.post("/leden/importeren", name="leden_importeer")
async def leden_importeer(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    if nw.member(user) is None:
        return login("/leden/importeren")
    droog = form.get("droog") == "ja"
    upload = next((v for k, v in items if k == "bestand" and not isinstance(v, str)), None)
    try:
        if upload is None or not getattr(upload, "filename", None):
            raise nw.NetwerkError("kies een CSV- of XLSX-bestand", "choose a CSV or XLSX file", 400, veld="bestand")
        inhoud = await upload.read()
        uitkomst = netwerk_leden.import_leden(db, user, inhoud, bestandsnaam=upload.filename, droog=droog)
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return error(request, 403, user)
        rijen = [{"rij": f.get("rij"), "veld": f.get("veld"), "tekst": tekst(request, f.get("nl", ""), f.get("en", ""))}
                 for f in exc.fouten]  # fmt: skip
        context = basis(request, db, user, droog=droog, fout=tekst(request, exc.nl, exc.en), rijfouten=rijen)
        return render(request, "leden_importeren.html", context, user=user, status_code=status_voor(exc))
    if droog:
        db.rollback()
    else:
        db.commit()
    context = basis(request, db, user, droog=droog, uitkomst={**uitkomst, "droog": droog})
    return render(request, "leden_importeren.html", context, user=user)


def _profiel(request: Request, db: Session, user: User | None, persoon_id: int) -> tuple[Any, Response | None]:
    if nw.member(user) is None:
        return None, login(request.url.path)
    if not geldig_id(persoon_id):
        return None, error(request, 404, user)
    try:
        return netwerk_leden.get_persoon(db, user, persoon_id), None
    except nw.NetwerkError as exc:
        return None, refused(request, user, exc)


def _profiel_context(request: Request, db: Session, user: User | None, p: Any, **extra: Any) -> dict[str, Any]:
    context = _directory_context(request, db, user, p=p, w=_persoon_waarden(p),
                                 mag_bewerken=netwerk_leden.can_edit_persoon(db, user, p))  # fmt: skip
    context["organisatie"] = next((o for o in _organisaties(db, user) if o.id == p.organisatie_id), None)
    # the person herself (not a manager of her region) does not change her role, region or gemeente
    beheert = nw.is_admin(user) or (nw.is_coordinator(user) and p.res_code == user.res_code)
    context["alleen_zelf"] = context["mag_bewerken"] and not beheert
    context.update(extra)
    return context


@router.get("/leden/{persoon_id:netwerk_id}", response_class=HTMLResponse, name="lid")
def lid_page(
    request: Request, persoon_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    p, weg = _profiel(request, db, user, persoon_id)
    if weg is not None:
        return weg
    return render(request, "leden_profiel.html", _profiel_context(request, db, user, p), user=user)


@router.post("/leden/{persoon_id:netwerk_id}", name="lid_wijzig")
async def lid_wijzig(
    request: Request, persoon_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    p, weg = _profiel(request, db, user, persoon_id)
    if weg is not None:
        return weg
    data = _persoon_data(form)
    if not (nw.is_admin(user) or (nw.is_coordinator(user) and p.res_code == user.res_code)):
        for name in ("rol", "res_code", "gemeente_code"):  # not on her own form
            data.pop(name, None)
    try:
        netwerk_leden.update_persoon(db, user, persoon_id, data, versie=form.get("versie") or None)
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return error(request, 403 if exc.status == 401 else exc.status, user)
        p = netwerk_leden.get_persoon(db, user, persoon_id)
        extra: dict[str, Any] = {"fouten": fouten_van(request, exc)}
        if exc.status != 409:
            extra["w"] = form  # keep what was typed; after a conflict show the current profile
        context = _profiel_context(request, db, user, p, **extra)
        return render(request, "leden_profiel.html", context, user=user, status_code=status_voor(exc))
    db.commit()
    return RedirectResponse(f"/leden/{persoon_id}?opgeslagen=1", status_code=303)


@router.get("/leden/{persoon_id:netwerk_id}/export", name="lid_export")
def lid_export(
    request: Request, persoon_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if nw.member(user) is None:
        return login(f"/leden/{persoon_id}")
    if not geldig_id(persoon_id):
        return error(request, 404, user)
    try:
        inhoud = netwerk_leden.export_persoon(db, user, persoon_id)
    except nw.NetwerkError as exc:
        return refused(request, user, exc)
    body = json.dumps(inhoud, ensure_ascii=False, indent=2, default=str)
    return Response(body.encode("utf-8"), media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="persoonsgegevens-{persoon_id}.json"',
        "Cache-Control": "private, no-store"})  # fmt: skip


@router.get("/leden/{persoon_id:netwerk_id}/wissen", response_class=HTMLResponse, name="lid_wissen")
def lid_wissen_page(
    request: Request, persoon_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    p, weg = _profiel(request, db, user, persoon_id)
    if weg is not None:
        return weg
    if not netwerk_leden.can_edit_persoon(db, user, p):
        return error(request, 403, user)
    return render(request, "leden_wissen.html", basis(request, db, user, p=p), user=user)


@router.post("/leden/{persoon_id:netwerk_id}/wissen", name="lid_wis")
async def lid_wis(
    request: Request, persoon_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    p, weg = _profiel(request, db, user, persoon_id)
    if weg is not None:
        return weg
    zelf = p.user_id is not None and p.user_id == user.id
    if form.get("bevestig") != "ja":
        melding = tekst(request, "vink aan dat u het profiel definitief wilt wissen",
                        "tick the box to confirm that you want to erase the profile")  # fmt: skip
        context = basis(request, db, user, p=p, fouten={"bevestig": melding, "form": melding})
        return render(request, "leden_wissen.html", context, user=user, status_code=422)
    try:
        netwerk_leden.wis_persoon(db, user, persoon_id)
    except nw.NetwerkError as exc:
        db.rollback()
        return error(request, exc.status if exc.status in (403, 404) else 403, user)
    db.commit()
    if zelf:  # the own login is anonymised and switched off: end the session
        auth.logout_user(request)
        return RedirectResponse("/?opgeslagen=gewist", status_code=303)
    return RedirectResponse("/leden?opgeslagen=gewist", status_code=303)


# ------------------------------------------------------------------------------------------------ organisations


def _organisaties_context(request: Request, db: Session, user: User | None, soort: str | None,
                          regio: str | None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    orgs = netwerk_leden.list_organisaties(db, user, soort=soort, regio=regio)
    aantallen: dict[int, int] = {}
    for p in netwerk_leden.list_personen(db, user):
        if p.organisatie_id is not None:
            aantallen[p.organisatie_id] = aantallen.get(p.organisatie_id, 0) + 1
    return basis(request, db, user, organisaties=orgs, aantallen=aantallen, filters={"soort": soort, "regio": regio},
                 mag_toevoegen=mag_leden_toevoegen(user), **extra)  # fmt: skip


@router.get("/organisaties", response_class=HTMLResponse, name="organisaties")
def organisaties_page(
    request: Request,
    soort: str | None = None,
    regio: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    if nw.member(user) is None:
        return login(request.url.path)
    soort = soort if soort in model.ORGANISATIE_SOORTEN else None
    regio = (filtertekst(regio, 10) or "").upper() or None
    try:
        context = _organisaties_context(request, db, user, soort, regio,
                                        w={"res_code": user.res_code or ""})  # fmt: skip
    except nw.NetwerkError as exc:
        return refused(request, user, exc)
    return render(request, "netwerk_organisaties.html", context, user=user)


@router.post("/organisaties", name="organisatie_maak")
async def organisatie_maak(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    if nw.member(user) is None:
        return login("/organisaties")
    velden = ("naam", "soort", "res_code", "gemeente_code", "website")
    try:
        netwerk_leden.create_organisatie(db, user, {k: (form.get(k) or "").strip() or None for k in velden})
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return error(request, 403, user)
        context = _organisaties_context(request, db, user, None, None, w=form, fouten=fouten_van(request, exc))
        return render(request, "netwerk_organisaties.html", context, user=user, status_code=status_voor(exc))
    db.commit()
    return RedirectResponse("/organisaties?opgeslagen=1", status_code=303)
