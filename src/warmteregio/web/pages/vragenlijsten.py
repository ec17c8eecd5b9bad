"""HTML pages of the information-needs inventory (issue 7).

* ``/informatiebehoefte``: the questionnaires a member may see, with links to answer and to the results.
* ``/informatiebehoefte/nieuw`` (administrators): a new questionnaire from a CSV file of questions, or a copy of
  an earlier year (same question codes, so the years compare).
* ``/informatiebehoefte/{id}``: the answer form for the respondent(s) the user may answer for (a gemeente user for
  her gemeente, a coordinator for her region, an administrator for anyone), one fieldset per question; for
  administrators also opening and closing.
* ``/informatiebehoefte/{id}/resultaten``: response per region, the heat map of the need per theme and region,
  bar charts of the need per theme and of the answers per question (every chart followed by a table with the
  same numbers), open answers for who may read them, the comparison with earlier years and the CSV/XLSX download.

Forms work without JavaScript (POST with the CSRF token, redirect after success, the form again with the errors
next to the questions otherwise). Everything calls :mod:`warmteregio.services.informatiebehoefte`; the charts
come from :mod:`warmteregio.network.charts`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, normalise_rescode
from warmteregio.network import charts
from warmteregio.network.model import (
    SCHAAL_LABELS,
    SCHAAL_MAX,
    SCHAAL_MIN,
    THEMAS,
    VRAAG_SOORTEN,
    VRAGENLIJST_STATUSES,
    label,
)
from warmteregio.services import informatiebehoefte as service
from warmteregio.services import netwerk
from warmteregio.services.netwerk import NetwerkError
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.kennis import upload_too_large
from warmteregio.web.deps import get_db
from warmteregio.web.pages import data
from warmteregio.web.pages.netwerk import MAX_ID, foutpagina, nummer
from warmteregio.web.pages.netwerk import formulier as _form
from warmteregio.web.pages.netwerk import lang_of as _lang
from warmteregio.web.pages.netwerk import login_hier as _login
from warmteregio.web.pages.netwerk import tekst as _message
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

#: Largest CSV of questions accepted [bytes].
MAX_CSV_BYTES = 1024 * 1024
VELD_PREFIX = "a_"
FORM_VERLOPEN = ("Het formulier was verlopen; laad de pagina opnieuw.", "The form had expired; reload the page.")


# ------------------------------------------------------------------------------------------------ helpers


def _error(request: Request, user: User | None, status: int, exc: NetwerkError | None = None,
           nl: str | None = None, en: str | None = None) -> Response:  # fmt: skip
    return foutpagina(request, user, status, exc, nl, en, gebied="informatiebehoefte")


def _fouten(request: Request, exc: NetwerkError) -> dict[str, Any]:
    """Field -> message in the page language; ``form``: the summary; ``rijen``: messages of file rows."""
    out: dict[str, Any] = {}
    rijen: list[str] = []
    for f in exc.fouten or []:
        text = _message(request, f.get("nl", ""), f.get("en", ""))
        if f.get("rij") is not None:
            rijen.append(text)
            continue
        key = str(f.get("veld") or "form")
        out[key] = f"{out[key]}; {text}" if key in out and text not in out[key] else text
    out["form"] = _message(request, exc.nl, exc.en)
    out["rijen"] = rijen
    return out


def _base(request: Request, **extra: Any) -> dict[str, Any]:
    lang = _lang(request)

    def thema(code: str) -> str:
        return label(THEMAS, code, lang)

    def soort(code: str) -> str:
        return label(VRAAG_SOORTEN, code, lang)

    def vl_status(code: str) -> str:
        return label(VRAGENLIJST_STATUSES, code, lang)

    context: dict[str, Any] = {"lang": lang, "thema": thema, "vraagsoort": soort, "vl_status": vl_status,
                               "fouten": {}, "w": {}, "opgeslagen": request.query_params.get("opgeslagen"),
                               "is_admin": False}  # fmt: skip
    context.update(extra)
    return context


def _opties(v: Any) -> list[str]:
    return [str(o) for o in netwerk.json_list(v.opties)]


def _schaal(lang: str) -> list[tuple[int, str]]:
    return [(i, f"{i} – {SCHAAL_LABELS[i][1 if lang == 'en' else 0]}") for i in range(SCHAAL_MIN, SCHAAL_MAX + 1)]


def _load(request: Request, db: Session, user: User | None, vragenlijst_id: int) -> tuple[Any, Response | None]:
    if netwerk.member(user) is None:
        return None, _login(request)
    if not 0 < vragenlijst_id <= MAX_ID:
        return None, _error(request, user, 404)
    try:
        return service.get_vragenlijst(db, user, vragenlijst_id), None
    except NetwerkError as exc:
        return None, _error(request, user, exc.status, exc)


# ------------------------------------------------------------------------------------------------ list


@router.get("/informatiebehoefte", response_class=HTMLResponse, name="vragenlijsten")
def vragenlijsten_pagina(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if netwerk.member(user) is None:
        return _login(request)
    try:
        lijsten = service.list_vragenlijsten(db, user)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    context = _base(request, lijsten=lijsten, respondenten=service.respondenten(db, user),
                    is_admin=netwerk.is_admin(user))  # fmt: skip
    return render(request, "vragenlijsten.html", context, user=user)


# ------------------------------------------------------------------------------------------------ new


def _nieuw_context(request: Request, db: Session, user: User | None, **extra: Any) -> dict[str, Any]:
    try:
        lijsten = service.list_vragenlijsten(db, user)
    except NetwerkError:
        lijsten = []
    bron_opties = [(str(vl.id), f"{vl.titel} ({vl.jaar})") for vl in lijsten]
    return _base(request, lijsten=lijsten, bron_opties=bron_opties, kolommen=service.CSV_KOLOMMEN, is_admin=True,
                 max_kb=MAX_CSV_BYTES // 1024, **extra)  # fmt: skip


@router.get("/informatiebehoefte/nieuw", response_class=HTMLResponse, name="vragenlijst_nieuw")
def vragenlijst_nieuw(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if netwerk.member(user) is None:
        return _login(request)
    if not netwerk.is_admin(user):
        return _error(request, user, 403, nl="Alleen het nationaal programma (beheerders) stelt vragenlijsten op.",
                      en="Only the national programme (administrators) builds questionnaires.")  # fmt: skip
    return render(request, "vragenlijst_nieuw.html", _nieuw_context(request, db, user), user=user)


@router.post("/informatiebehoefte/nieuw", name="vragenlijst_maak")
async def vragenlijst_maak(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if user is None:
        return _login(request)
    weigering = upload_too_large(request, MAX_CSV_BYTES)
    if weigering is not None:
        return _error(request, user, weigering[0], nl=weigering[1], en=weigering[2])
    values, form, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl=FORM_VERLOPEN[0], en=FORM_VERLOPEN[1])
    bestand = form.get("bestand")
    try:
        if bestand is None or isinstance(bestand, str) or not bestand.filename:
            raise NetwerkError("kies een CSV-bestand met de vragen", "choose a CSV file with the questions", 400,
                               veld="bestand")  # fmt: skip
        vragen = service.vragen_uit_csv(await bestand.read())
        gegevens = {k: values.get(k) for k in ("reeks", "jaar", "titel", "toelichting", "open_tot")}
        vl = service.create_vragenlijst(db, user, gegevens | {"vragen": vragen})
        vid = vl.id
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return _error(request, user, exc.status, exc)
        context = _nieuw_context(request, db, user, fouten=_fouten(request, exc), w=values)
        return render(request, "vragenlijst_nieuw.html", context, user=user, status_code=422)
    db.commit()
    return RedirectResponse(f"/informatiebehoefte/{vid}?opgeslagen=aangemaakt", status_code=303)


@router.post("/informatiebehoefte/kopie", name="vragenlijst_kopie")
async def vragenlijst_kopie(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, _form_data, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl=FORM_VERLOPEN[0], en=FORM_VERLOPEN[1])
    if user is None:
        return _login(request)
    bron = values.get("bron", "")
    try:
        vl = service.kopieer_vragenlijst(db, user, nummer(bron) or 0, values.get("kopie_jaar"))
        vid = vl.id
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return _error(request, user, exc.status, exc)
        fouten = _fouten(request, exc)
        fouten["kopie"] = fouten.pop("form")
        if "jaar" in fouten:
            fouten["kopie_jaar"] = fouten.pop("jaar")
        context = _nieuw_context(request, db, user, fouten=fouten, w=values)
        return render(request, "vragenlijst_nieuw.html", context, user=user, status_code=422)
    db.commit()
    return RedirectResponse(f"/informatiebehoefte/{vid}?opgeslagen=kopie", status_code=303)


# ------------------------------------------------------------------------------------------------ answering


def _antwoord_velden(vl: Any, form: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in vl.vragen:
        name = VELD_PREFIX + v.code
        if v.soort == "meerkeuze":
            out[v.code] = [x for x in form.getlist(name) if isinstance(x, str)]
        else:
            value = form.get(name)
            out[v.code] = value if isinstance(value, str) else None
    return out


def _vragenlijst_context(request: Request, db: Session, user: User | None, vl: Any, respondent: str | None,
                         antwoorden: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    keuzes = service.respondenten(db, user)
    codes = [c for c, _ in keuzes]
    if respondent not in codes:
        respondent = codes[0] if codes else None
    inz = None
    if respondent is not None:
        try:
            inz = service.inzending(db, user, vl.id, respondent)
        except NetwerkError:
            inz = None
    if antwoorden is None:
        antwoorden = service.antwoorden_van(inz, vl.vragen) if inz is not None else {}
    lang = _lang(request)
    vragen = [{"v": v, "veld": VELD_PREFIX + v.code, "opties": _opties(v), "waarde": antwoorden.get(v.code)}
              for v in vl.vragen]  # fmt: skip
    context = _base(
        request, vl=vl, vragen=vragen, respondenten=keuzes, respondent=respondent,
        respondent_naam=dict(keuzes).get(respondent or "", respondent), inzending=inz, schaal=_schaal(lang),
        is_admin=netwerk.is_admin(user), kan_antwoorden=vl.status == "open" and respondent is not None,
    )  # fmt: skip
    context.update(extra)
    return context


@router.get("/informatiebehoefte/{vragenlijst_id}", response_class=HTMLResponse, name="vragenlijst")
def vragenlijst_pagina(
    request: Request,
    vragenlijst_id: int,
    respondent: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    vl, refused = _load(request, db, user, vragenlijst_id)
    if refused is not None:
        return refused
    code = (respondent or "").strip().upper() or None
    return render(request, "vragenlijst.html", _vragenlijst_context(request, db, user, vl, code), user=user)


@router.post("/informatiebehoefte/{vragenlijst_id}", name="vragenlijst_antwoord")
async def vragenlijst_antwoord(
    request: Request,
    vragenlijst_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    values, form, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl=FORM_VERLOPEN[0], en=FORM_VERLOPEN[1])
    vl, refused = _load(request, db, user, vragenlijst_id)
    if refused is not None:
        return refused
    respondent = (values.get("respondent") or "").strip().upper()
    antwoorden = _antwoord_velden(vl, form)
    try:
        service.beantwoord(db, user, vragenlijst_id, respondent, antwoorden)
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return _error(request, user, exc.status, exc)
        vl = service.get_vragenlijst(db, user, vragenlijst_id)
        context = _vragenlijst_context(request, db, user, vl, respondent, antwoorden, fouten=_fouten(request, exc))
        return render(request, "vragenlijst.html", context, user=user, status_code=409 if exc.status == 409 else 422)
    db.commit()
    query = urlencode({"respondent": respondent, "opgeslagen": "antwoorden"})
    return RedirectResponse(f"/informatiebehoefte/{vragenlijst_id}?{query}", status_code=303)


@router.post("/informatiebehoefte/{vragenlijst_id}/status", name="vragenlijst_status")
async def vragenlijst_status(
    request: Request,
    vragenlijst_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    values, _form_data, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl=FORM_VERLOPEN[0], en=FORM_VERLOPEN[1])
    if user is None:
        return _login(request)
    if not 0 < vragenlijst_id <= MAX_ID:
        return _error(request, user, 404)
    status = values.get("status", "")
    try:
        service.zet_status(db, user, vragenlijst_id, status, versie=values.get("versie") or None)
    except NetwerkError as exc:
        db.rollback()
        return _error(request, user, exc.status, exc)
    db.commit()
    return RedirectResponse(f"/informatiebehoefte/{vragenlijst_id}?opgeslagen=status-{status}", status_code=303)


# ------------------------------------------------------------------------------------------------ results


def _procent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _resultaat_context(request: Request, db: Session, user: User | None, vl: Any, r: Any) -> dict[str, Any]:
    lang = _lang(request)

    def thema(code: str) -> str:
        return label(THEMAS, code, lang)

    regio_namen = {p.res_code: p.naam for p in r.respons}
    regios = [(res, res) for res in r.regios]
    heat_waarden = {(t, res): m for (t, res), m in r.per_thema_regio.items()}
    thema_rijen = [(thema(t), r.thema_gemiddelde.get(t)) for t in r.thema_volgorde]
    respons_rijen = [(f"{p.naam} ({p.res_code})", _procent(p.aandeel)) for p in r.respons if p.gemeenten]
    vragen = []
    for v in r.vragen:
        if v.soort == "schaal":
            rijen = [(dict(_schaal(lang)).get(int(k), k), n) for k, n in v.verdeling.items()]
        elif v.soort in ("keuze", "meerkeuze"):
            rijen = list(v.verdeling.items())
        else:
            rijen = []
        vragen.append({"v": v, "rijen": rijen})
    try:
        vergelijking = service.vergelijking(db, user, vl.reeks, regio=r.regio)
        if len(vergelijking.jaren) < 2:
            vergelijking = None
    except NetwerkError:
        vergelijking = None
    return _base(
        request, vl=vl, r=r, thema_naam=thema, regio_namen=regio_namen, regios=regios,
        themas_heat=[(t, thema(t)) for t in r.thema_volgorde], heat_waarden=heat_waarden, thema_rijen=thema_rijen,
        respons_rijen=respons_rijen, vragen=vragen, vergelijking=vergelijking, charts=charts,
        alle_regios=[(x.code, x.naam) for x in data.regios(db)], getal=lambda x, d=1: charts.getal(x, lang, d),
        api=f"/api/v1/vragenlijsten/{vl.id}/resultaten", regio_query=f"&regio={r.regio}" if r.regio else "",
    )  # fmt: skip


@router.get("/informatiebehoefte/{vragenlijst_id}/resultaten", response_class=HTMLResponse,
            name="vragenlijst_resultaten")  # fmt: skip
def vragenlijst_resultaten(
    request: Request,
    vragenlijst_id: int,
    regio: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    vl, refused = _load(request, db, user, vragenlijst_id)
    if refused is not None:
        return refused
    try:
        code = normalise_rescode(regio) if regio else None
    except CodeError:
        code = None
    try:
        r = service.resultaten(db, user, vragenlijst_id, regio=code)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    return render(request, "vragenlijst_resultaten.html", _resultaat_context(request, db, user, vl, r), user=user)
