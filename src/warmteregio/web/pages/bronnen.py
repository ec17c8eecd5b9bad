"""HTML pages of the heat-source registry (issue 5): the registry of a region (map and sortable table with
filters), one source (every figure with its unit and evidence, a map pin, the version history, the edit form and
retire/restore) and the form for a new source.

Forms work without JavaScript (normal POST with the CSRF token, redirect after success, the page again with the
errors otherwise; a version conflict is shown as a message with the current values). Every action is also an
API call (``/api/v1/warmtebronnen``); the pages call the same service, :mod:`warmteregio.services.bronnen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, normalise_rescode
from warmteregio.domain.enums import SourceCategory, SourceStatus, TemperatureClass
from warmteregio.services import bronnen as service
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language
from warmteregio.web.pages import data, kaart
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

API = "/api/v1/warmtebronnen"
CATEGORIEEN = tuple(c.value for c in SourceCategory)
KLASSEN = tuple(t.value for t in TemperatureClass)
STATUSSEN = tuple(s.value for s in SourceStatus)
#: Fields of the edit form in display order, grouped: (group key, fields).
GROEPEN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("algemeen", ("naam", "categorie", "eigenaar", "status", "toelichting")),
    ("temperatuur", ("temperatuurklasse", "temperatuur_c", "booster_nodig")),
    ("hoeveelheid", ("beschikbaar_gj_per_jaar", "capaciteit_mw", "betrouwbaarheid")),
    ("tijd", ("startjaar", "eindjaar")),
    ("kosten", ("warmteprijs_eur_gj", "aansluitkosten_eur_kw", "co2_kg_per_gj")),
    ("ligging", ("x", "y", "gemeente_code")),
)


# ------------------------------------------------------------------------------------------------ helpers


def _error(request: Request, status: int, user: User | None) -> HTMLResponse:
    context: dict[str, Any] = {"status": status}
    if status == 403:
        context["geen_toegang"] = True
    return render(request, "fout.html", context, user=user, status_code=status)


def _login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


async def _form(request: Request) -> tuple[dict[str, str], bool]:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return values, auth.check_csrf(request, values.get("csrf_token"))


def _regio(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise_rescode(value)
    except CodeError:
        return None


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def form_value(value: Any) -> str:
    """A stored value as the text of a form input (round-trips through the service's parser)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else ""
    if isinstance(value, float):
        return format(value, ".15g")
    return str(value)


def _messages(request: Request, exc: service.BronError) -> dict[str, str]:
    """Field -> message in the page language; ``form`` for the summary."""
    nl = request_language(request) == "nl"
    out: dict[str, str] = {}
    for name, m_nl, m_en in exc.problems:
        key = (name or "form").replace(".", "_")
        out.setdefault(key, m_nl if nl else m_en)
    out["form"] = exc.nl if nl else exc.en
    return out


def _values_from_form(form: dict[str, str], fields: tuple[str, ...]) -> dict[str, str | bool]:
    values: dict[str, str | bool] = {}
    for name in fields:
        if service.VELDEN[name].soort == "janee":
            values[name] = form.get(name) == "ja"
        elif name in form:
            values[name] = form[name]
    return values


def _bewijs_from_form(form: dict[str, str]) -> dict[str, dict[str, str] | None]:
    out: dict[str, dict[str, str] | None] = {}
    for name in service.FIGURE_FIELDS:
        keys = [f"bewijs_{name}_{part}" for part in ("bron", "toelichting", "url")]
        if not any(k in form for k in keys):
            continue
        entry = {part: form.get(k, "").strip() for part, k in zip(("bron", "toelichting", "url"), keys, strict=True)}
        entry = {k: v for k, v in entry.items() if v}
        out[name] = entry or None
    return out


# ------------------------------------------------------------------------------------------------ registry


@dataclass(frozen=True)
class Filters:
    regio: str | None
    categorie: str | None
    temperatuurklasse: str | None
    status: str | None

    def query(self, **extra: str) -> str:
        params = {
            k: v
            for k, v in (
                ("regio", self.regio),
                ("categorie", self.categorie),
                ("temperatuurklasse", self.temperatuurklasse),
                ("status", self.status),
            )
            if v
        }
        return urlencode({**params, **extra})  # fmt: skip


@router.get("/bronnen", response_class=HTMLResponse, name="bronnen")
def bronnen_page(
    request: Request,
    regio: str | None = None,
    categorie: str | None = None,
    temperatuurklasse: str | None = None,
    status: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    regios = data.regios(db)
    codes = {r.code for r in regios}
    code = _regio(regio)
    if code is None and regio is None and user is not None and user.res_code in codes:
        code = user.res_code
    if code is not None and code not in codes:
        if regio:
            return _error(request, 404, user)
        code = None
    f = Filters(code, _choice(categorie, CATEGORIEEN), _choice(temperatuurklasse, KLASSEN), _choice(status, STATUSSEN))
    context: dict[str, Any] = {"regios": regios, "filters": f, "categorieen": CATEGORIEEN, "klassen": KLASSEN,
                               "statussen": STATUSSEN, "bronnen": [], "regio": None}  # fmt: skip
    if code is not None:
        region = data.regio(db, code)
        items = service.list_sources(
            db,
            service.BronFilter(
                regio=code, categorie=f.categorie, temperatuurklasse=f.temperatuurklasse, status=f.status
            ),
        )
        context.update(
            regio=region,
            bronnen=items,
            mag_maken=service.can_edit_sources(user, code),
            kaart_bronnen=f"{API}?{f.query(formaat='geojson')}",
            kaart_gemeenten=kaart.layer_urls(code)["gemeenten"],
            export={fmt: f"{API}?{f.query(formaat=fmt)}" for fmt in ("csv", "xlsx", "geojson")},
            straal_km=data.BRON_STRAAL_KM,
        )  # fmt: skip
    return render(request, "bronnen.html", context, user=user)


# ------------------------------------------------------------------------------------------------ one source


def _detail_context(db: Session, user: User | None, code: str) -> dict[str, Any]:
    w = service.get_source(db, code)
    b = service.source_info(db, code)
    return {
        "bron": b,
        "historie": service.source_history(db, code),
        "mag_wijzigen": service.can_edit_source(db, user, w),
        "groepen": GROEPEN,
        "velden": service.VELDEN,
        "figuren": service.FIGURE_FIELDS,
        "categorieen": CATEGORIEEN,
        "klassen": KLASSEN,
        "statussen": [s for s in STATUSSEN if s != SourceStatus.RETIRED.value or b.status == s],
        "form_value": form_value,
        "waarden": {name: form_value(getattr(b, name)) for name in service.REGISTRY_FIELDS},
        "bewijs_waarden": {name: dict(b.bewijs.get(name, {})) for name in service.FIGURE_FIELDS},
        "fouten": {},
        "conflict": False,
        "api_url": f"{API}/{quote(b.code)}",
    }


@router.get("/bronnen/nieuw", response_class=HTMLResponse, name="bron_nieuw")
def bron_nieuw(
    request: Request, regio: str | None = None, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    if user is None:
        return _login("/bronnen/nieuw" + (f"?regio={quote(regio)}" if regio else ""))
    code = _regio(regio) or user.res_code
    if not service.can_edit_sources(user, code):
        return _error(request, 403, user)
    return render(request, "bron_nieuw.html", _new_context(code, {"status": "potentieel"}, {}), user=user)


def _new_context(regio: str | None, waarden: dict[str, Any], fouten: dict[str, str]) -> dict[str, Any]:
    return {
        "regio_code": regio, "groepen": GROEPEN, "velden": service.VELDEN, "figuren": service.FIGURE_FIELDS,
        "categorieen": CATEGORIEEN, "klassen": KLASSEN,
        "statussen": [s for s in STATUSSEN if s != SourceStatus.RETIRED.value],
        "waarden": waarden, "bewijs_waarden": {}, "fouten": fouten,
    }  # fmt: skip


@router.post("/bronnen", name="bron_maak")
async def bron_maak(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    form, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login("/bronnen/nieuw")
    values = {"code": form.get("code", ""), **_values_from_form(form, service.REGISTRY_FIELDS)}
    if not str(values.get("gemeente_code") or "").strip():
        values.pop("gemeente_code", None)
    try:
        w = service.create_source(db, values, user=user, reden=form.get("reden"), bewijs=_bewijs_from_form(form))
    except service.BronError as exc:
        db.rollback()
        if exc.forbidden:
            return _error(request, 403, user)
        context = _new_context(_regio(form.get("regio")), form, _messages(request, exc))
        context["bewijs_waarden"] = {n: {p: form.get(f"bewijs_{n}_{p}", "") for p in ("bron", "toelichting", "url")}
                                     for n in service.FIGURE_FIELDS}  # fmt: skip
        return render(request, "bron_nieuw.html", context, user=user, status_code=409 if exc.conflict else 422)
    db.commit()
    return RedirectResponse(f"/bronnen/{quote(w.code)}?opgeslagen=1", status_code=303)


@router.get("/bronnen/{code}", response_class=HTMLResponse, name="bron")
def bron_page(
    request: Request, code: str, opgeslagen: str | None = None, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    if not service.BRONCODE_RE.match(code):
        return _error(request, 404, user)
    try:
        context = _detail_context(db, user, code)
    except service.BronError:
        return _error(request, 404, user)
    context["opgeslagen"] = opgeslagen == "1"
    return render(request, "bron.html", context, user=user)


@router.post("/bronnen/{code}", name="bron_wijzig")
async def bron_wijzig(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/bronnen/{quote(code)}")
    if not service.BRONCODE_RE.match(code):
        return _error(request, 404, user)
    actie = form.get("actie", "wijzig")
    try:
        expected = int(form.get("versie", "")) if form.get("versie", "").strip() else None
    except ValueError:
        expected = None
    try:
        if actie == "buiten_gebruik":
            service.retire_source(db, code, user=user, reden=form.get("reden"), expected_version=expected)
        elif actie == "herstel":
            service.restore_source(db, code, user=user, reden=form.get("reden"), expected_version=expected)
        else:
            service.update_source(db, code, _values_from_form(form, service.REGISTRY_FIELDS), user=user,
                                  reden=form.get("reden"), bewijs=_bewijs_from_form(form),
                                  expected_version=expected)  # fmt: skip
    except service.BronError as exc:
        db.rollback()
        if exc.not_found:
            return _error(request, 404, user)
        if exc.forbidden:
            return _error(request, 403, user)
        context = _detail_context(db, user, code)
        context["fouten"] = _messages(request, exc)
        context["conflict"] = exc.conflict
        context["fout_actie"] = actie
        if actie == "wijzig" and not exc.conflict:  # keep what the user typed
            context["waarden"] = {n: form.get(n, "") for n in service.REGISTRY_FIELDS}
            context["waarden"]["booster_nodig"] = "ja" if form.get("booster_nodig") == "ja" else ""
            context["bewijs_waarden"] = {
                n: {p: form.get(f"bewijs_{n}_{p}", "") for p in ("bron", "toelichting", "url")}
                for n in service.FIGURE_FIELDS
            }
            context["reden_waarde"] = form.get("reden", "")
        return render(request, "bron.html", context, user=user, status_code=409 if exc.conflict else 422)
    db.commit()
    return RedirectResponse(f"/bronnen/{quote(code)}?opgeslagen=1", status_code=303)
