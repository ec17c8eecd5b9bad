"""HTML pages (Jinja2 + htmx): home, region, buurt, login/logout, accessibility statement, language switch.

Route functions only parse input, call :mod:`warmteregio.web.pages.data` and render a template. Unknown
regions and buurten get the HTML 404 page. Forms that change state carry the session's CSRF token; a
missing or wrong token gets a 403 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.accounts.service import Principal, authenticate, can_edit_region
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_gemeentecode, normalise_rescode
from warmteregio.services import assessment
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import LANGUAGE_COOKIE, normalise_language, request_language, safe_local_path
from warmteregio.web.pages import data, kaart, kosten
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

#: One year; the language choice is not personal data and needs no consent.
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def error_page(request: Request, status: int, user: User | None = None) -> HTMLResponse:
    """The HTML error page for ``status`` in the visitor's language (no internal details are shown)."""
    return render(request, "fout.html", {"status": status}, user=user, status_code=status)


def not_found(request: Request, user: User | None = None) -> HTMLResponse:
    """The HTML 404 page."""
    return error_page(request, 404, user)


def forbidden(request: Request, user: User | None = None) -> HTMLResponse:
    """The HTML 403 page (refused form, e.g. without a valid CSRF token)."""
    return error_page(request, 403, user)


def render_html_error(request: Request, status: int, detail: str) -> HTMLResponse:
    """Renderer for errors outside ``/api`` (unknown paths, 405, 422, 500).

    Meant for ``app.state.render_html_error`` (see :mod:`warmteregio.web.api.problems`). ``detail`` is not
    shown: it may contain internals, and the page explains the status in the visitor's language.
    """
    del detail
    return error_page(request, status)


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    return render(request, "home.html", {"regios": data.regios(db)}, user=user)


@router.get("/regio/{code}", response_class=HTMLResponse, name="regio")
def regio_page(
    request: Request,
    code: str,
    gemeente: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    try:
        code = normalise_rescode(code)
    except CodeError:
        return not_found(request, user)
    region = data.regio(db, code)
    if region is None:
        return not_found(request, user)
    gemeente = _gemeente_filter(gemeente, region)
    all_buurten = data.buurten_van_regio(db, region)
    buurten = [b for b in all_buurten if gemeente is None or b.gemeente_code == gemeente]
    context = {
        "regio": region,
        "buurten": buurten,
        "gemeente_filter": gemeente,
        "schematisch": any(b.schematisch for b in all_buurten),
        "bronnen": data.bronnen_van_regio(db, code),
        "bron_straal_km": data.BRON_STRAAL_KM,
        "klassen": data.DICHTHEID_KLASSEN,
        "temperatuurklassen": data.TEMPERATUURKLASSEN,
        "kaart": kaart.layer_urls(code),
        "kosten": kosten.regio_kosten(db, code, user),
        "familie_namen": kosten.FAMILIES,
        "h18_grenzen": kosten.H18_GRENZEN,
    }
    return render(request, "regio.html", context, user=user)


@router.post("/regio/{code}/beoordelingen", name="regio_beoordeling")
async def regio_beoordeling(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    """Start an assessment from the region page form (CSRF; a logged-in user who may edit the region)."""
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return forbidden(request, user)
    try:
        code = normalise_rescode(code)
    except CodeError:
        return not_found(request, user)
    if data.regio(db, code) is None:
        return not_found(request, user)
    if user is None:
        return RedirectResponse(f"/login?next=/regio/{code}%23kosten", status_code=303)
    if not can_edit_region(Principal.of(user), code):
        return render(request, "fout.html", {"status": 403, "geen_toegang": True}, user=user, status_code=403)
    naam, _, versie = str(form.get("parameterset") or "").partition("|")
    lang = request_language(request)
    try:
        zichtjaar = int(str(form.get("zichtjaar") or kosten.STANDAARD_ZICHTJAAR))
        overrides = kosten.form_override(str(form.get("kental") or ""), str(form.get("waarde") or ""))
    except kosten.FormulierFout as exc:
        return _form_error(request, user, exc.nl if lang == "nl" else exc.en)
    except ValueError:
        return error_page(request, 422, user)
    if not naam or zichtjaar not in kosten.ZICHTJAREN:
        return error_page(request, 422, user)
    try:
        assessment.start_run(db, code, naam, versie or None, zichtjaar, overrides, user)
        db.commit()
    except assessment.EngineNietBeschikbaar:
        return error_page(request, 503, user)
    except assessment.AssessmentError as exc:
        return _form_error(request, user, exc.nl if lang == "nl" else exc.en)
    return RedirectResponse(f"/regio/{code}#kosten", status_code=303)


def _form_error(request: Request, user: User | None, reden: str) -> HTMLResponse:
    return render(request, "fout.html", {"status": 422, "reden": reden}, user=user, status_code=422)


@router.get("/regio/{code}/buurtentabel", response_class=HTMLResponse, name="regio_buurtentabel")
def regio_buurtentabel(
    request: Request,
    code: str,
    gemeente: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    """The buurten table alone, for the htmx gemeente filter on the region page."""
    try:
        code = normalise_rescode(code)
    except CodeError:
        return not_found(request, user)
    region = data.regio(db, code)
    if region is None:
        return not_found(request, user)
    gemeente = _gemeente_filter(gemeente, region)
    context = {
        "regio": region,
        "buurten": data.buurten_van_regio(db, region, gemeente),
        "gemeente_filter": gemeente,
    }
    return render(request, "_buurtentabel.html", context, user=user)


def _gemeente_filter(value: str | None, region: data.RegioDetail) -> str | None:
    if not value:
        return None
    try:
        value = normalise_gemeentecode(value)
    except CodeError:
        return None
    return value if any(g.code == value for g in region.gemeenten) else None


@router.get("/buurt/{code}", response_class=HTMLResponse, name="buurt")
def buurt_page(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    try:
        code = normalise_buurtcode(code)
    except CodeError:
        return not_found(request, user)
    buurt = data.buurt_detail(db, code)
    if buurt is None:
        return not_found(request, user)
    context = {"buurt": buurt, "kosten": kosten.buurt_kosten(db, code), "familie_namen": kosten.FAMILY_NAMES}
    from warmteregio.web.pages import weging  # the Afweging section (issue 4)

    context.update(weging.buurt_context(request, db, code, user))
    context["kennis"] = _buurt_kennis(db, user, code)
    return render(request, "buurt.html", context, user=user)


def _buurt_kennis(db: Session, user: User | None, code: str) -> list[dict]:
    """Knowledge items about this buurt or its gemeente that the visitor may read (issue 7), best first."""
    from warmteregio.network.model import KENNIS_SOORTEN
    from warmteregio.services import kennis
    from warmteregio.services.netwerk import NetwerkError

    try:
        found = kennis.gerelateerd_voor_buurt(db, user, code, limit=5)
    except NetwerkError:
        return []
    return [{"item": item, "soort": KENNIS_SOORTEN.get(item.soort, (item.soort, item.soort)), "redenen": redenen}
            for item, _score, redenen in found]  # fmt: skip


@router.get("/toegankelijkheid", response_class=HTMLResponse, name="toegankelijkheid")
def toegankelijkheid(request: Request, user: User | None = Depends(auth.current_user)):
    return render(request, "toegankelijkheid.html", user=user)


@router.get("/taal", name="taal")
def taal(request: Request, lang: str | None = None, terug: str | None = None) -> Response:
    """Switch the interface language (cookie) and go back to the page the visitor came from."""
    response = RedirectResponse(safe_local_path(terug), status_code=303)
    chosen = normalise_language(lang)
    if chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.cookie_secure,
        )
    return response


@router.get("/login", response_class=HTMLResponse, name="login")
def login_form(request: Request, next: str | None = None, user: User | None = Depends(auth.current_user)):
    return render(request, "login.html", {"next": safe_local_path(next), "email": ""}, user=user)


@router.post("/login", response_class=HTMLResponse, name="login_post")
async def login_submit(request: Request, db: Session = Depends(get_db)):
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return forbidden(request)
    email = str(form.get("email") or "").strip()
    password = str(form.get("wachtwoord") or "")
    target = safe_local_path(str(form.get("next") or "/"))
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Vul uw e-mailadres in."
    if not password:
        errors["wachtwoord"] = "Vul uw wachtwoord in."
    user = authenticate(db, email, password) if not errors else None
    if user is None:
        if not errors:
            errors["form"] = "Het e-mailadres of wachtwoord is onjuist."
        context = {"next": target, "email": email, "errors": errors}
        return render(request, "login.html", context, status_code=400)
    auth.login_user(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/uitloggen", name="uitloggen")
async def logout(request: Request) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return forbidden(request)
    auth.logout_user(request)
    return RedirectResponse("/", status_code=303)
