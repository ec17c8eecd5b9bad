"""HTML pages of the workshop mode: my cases (with a create form for coordinators), one case (definition,
participants, the weights form, live results) and its decision log (HTML and tagged PDF).

Forms work without JavaScript (normal POST, CSRF token, redirect after success, the page again with the error
otherwise); htmx enhances the weights form (saved in place) and refreshes the results every 5 seconds.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.services import casus as service
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import DEFAULT_LANGUAGE, request_language
from warmteregio.web.pages import data
from warmteregio.web.templating import env, render

router = APIRouter(include_in_schema=False)

METHODEN = (("gewogen_som", "Gewogen som"), ("topsis", "TOPSIS"), ("promethee_ii", "PROMETHEE II"))


# ------------------------------------------------------------------------------------------------ helpers


def _error(request: Request, status: int, user: User | None, reden: str | None = None) -> HTMLResponse:
    context: dict[str, Any] = {"status": status}
    if status == 403:
        context["geen_toegang"] = True
    if reden:
        context["reden"] = reden
    return render(request, "fout.html", context, user=user, status_code=status)


def _login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


def _msg(request: Request, exc: service.CasusError) -> str:
    return exc.nl if request_language(request) == "nl" else exc.en


async def _form(request: Request) -> tuple[dict[str, str], bool]:
    """The submitted form as str -> str and whether its CSRF token is valid."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return values, auth.check_csrf(request, values.get("csrf_token"))


def _criteria(lang: str) -> dict[str, dict[str, str]]:
    """Criterion code -> name and explanation in ``lang``."""
    out = {}
    for c in service.criteria_catalogue():
        nl = lang == DEFAULT_LANGUAGE
        out[c.code] = {"naam": c.naam_nl if nl else c.naam_en, "uitleg": c.uitleg_nl if nl else c.uitleg_en,
                       "groep": c.groep}  # fmt: skip
    return out


def _show(value: float) -> str:
    """A weight for an input's value: ``50``, ``12.5``; empty when not a number."""
    return format(round(value, 3), "g") if math.isfinite(value) else ""


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# ------------------------------------------------------------------------------------------------ list / create


def _list_context(db: Session, user: User) -> dict[str, Any]:
    regios = service.kan_maken(user)
    if regios == ["*"]:
        regios = [r.code for r in data.regios(db)]
    return {
        "casussen": service.list_casussen(db, user),
        "regios_maken": [(r.code, r.naam) for r in data.regios(db) if r.code in regios],
        "methoden": METHODEN,
        "criteria_lijst": list(_criteria(DEFAULT_LANGUAGE)),
    }


@router.get("/casussen", response_class=HTMLResponse, name="casussen")
def casussen_page(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    if user is None:
        return _login("/casussen")
    context = _list_context(db, user) | {"criteria": _criteria(request_language(request)), "fouten": {}, "waarden": {}}
    return render(request, "casussen.html", context, user=user)


def _codes(text: str) -> list[str] | None:
    items = [t.strip() for t in text.replace(";", ",").replace("\n", ",").split(",") if t.strip()]
    return items or None


@router.post("/casussen", name="casus_maak")
async def casus_maak(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    form, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login("/casussen")
    fouten: dict[str, str] = {}
    if not form.get("titel", "").strip():
        fouten["titel"] = "leeg"
    if not fouten:
        gekozen = [k[len("criterium_") :] for k in form if k.startswith("criterium_")]
        try:
            info = service.create_casus(
                db, user, titel=form.get("titel", ""), beschrijving=form.get("beschrijving", ""),
                regio=form.get("regio", ""), buurten=_codes(form.get("buurten", "")),
                varianten=_codes(form.get("varianten", "")), criteria=gekozen or None,
                methode=form.get("methode", "gewogen_som"),
            )  # fmt: skip
        except service.CasusError as exc:
            if exc.status == 403:
                return _error(request, 403, user)
            fouten["form"] = _msg(request, exc)
        else:
            db.commit()
            return RedirectResponse(f"/casussen/{info.id}", status_code=303)
    context = _list_context(db, user) | {"criteria": _criteria(request_language(request)), "fouten": fouten,
                                         "waarden": form}  # fmt: skip
    return render(request, "casussen.html", context, user=user, status_code=422)


# ------------------------------------------------------------------------------------------------ one case


def _case_context(
    request: Request, db: Session, user: User, casus_id: int, *, fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None, melding: str | None = None,
) -> dict[str, Any] | None:  # fmt: skip
    try:
        info = service.get_casus(db, user, casus_id)
    except service.CasusError:
        return None
    recht = service.rechten(user, info)
    lang = request_language(request)
    criteria = _criteria(lang)
    mijn = service.mijn_laatste(db, user, casus_id) if recht.inbrengen or any(
        d.user_id == user.id for d in info.deelnemers) else None  # fmt: skip
    gewichten: dict[str, float] = {}
    argumenten: dict[str, str] = {}
    for code in info.criteria:
        gewichten[code] = mijn.gewichten.get(code, 0.0) if mijn else 50.0
        argumenten[code] = mijn.argumenten.get(code, "") if mijn else ""
    argumenten[service.ALGEMEEN] = mijn.argumenten.get(service.ALGEMEEN, "") if mijn else ""
    if waarden:  # redisplay what was submitted
        for code in info.criteria:
            raw = waarden.get(f"gewicht_{code}")
            try:
                gewichten[code] = float(raw) if raw is not None else gewichten[code]
            except ValueError:
                pass
            argumenten[code] = waarden.get(f"argument_{code}", argumenten[code])
        argumenten[service.ALGEMEEN] = waarden.get("argument_algemeen", argumenten[service.ALGEMEEN])
    return {
        "casus": info,
        "recht": recht,
        "criteria": criteria,
        "gewichten": gewichten,
        "getoond_gewichten": {k: _show(v) for k, v in gewichten.items()},
        "argumenten": argumenten,
        "mijn": mijn,
        "fouten": fouten or {},
        "melding": melding,
        "max_gewicht": service.MAX_GEWICHT,
        "max_argument": service.MAX_ARGUMENT,
        "rollen": service.ROLLEN,
    }


def _results_context(request: Request, db: Session, user: User, casus_id: int, status: str) -> dict[str, Any]:
    """The results section's context; ``stempel`` changes with the results and the case's status."""
    try:
        res = service.resultaat(db, user, casus_id)
        fout = None
    except service.CasusError as exc:
        res, fout = None, _msg(request, exc)
    buurten = service.contested_first(res["buurten"]) if res else []
    return {
        "stempel": f"{res.get('berekend', '')}|{len(res['deelnemers'])}|{status}" if res else status,
        "resultaat": res,
        "resultaat_fout": fout,
        "buurten_volgorde": buurten,
        "omstreden": [b for b in buurten if b["omstreden"]],
        "criteria": _criteria(request_language(request)),
        "casus_id": casus_id,
    }


@router.get("/casussen/{casus_id}", response_class=HTMLResponse, name="casus")
def casus_page(
    request: Request, casus_id: int, opgeslagen: int = 0, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    if user is None:
        return _login(f"/casussen/{casus_id}")
    melding = "opgeslagen" if opgeslagen else None
    context = _case_context(request, db, user, casus_id, melding=melding)
    if context is None:
        return _error(request, 404, user)
    context |= _results_context(request, db, user, casus_id, context["casus"].status)
    return render(request, "casus.html", context, user=user)


@router.get("/casussen/{casus_id}/resultaat", response_class=HTMLResponse, name="casus_resultaat")
def casus_resultaat(
    request: Request, casus_id: int, sinds: str | None = None, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    """The results section alone, for the htmx polling on the case page: 204 (nothing to swap) when the results
    did not change since ``sinds``, else the section plus the short live status (out of band)."""
    if user is None:
        return _error(request, 401, user)
    try:
        info = service.get_casus(db, user, casus_id)
    except service.CasusError:
        return _error(request, 404, user)
    context = _results_context(request, db, user, casus_id, info.status) | {"casus": info, "oob": True}
    if sinds is not None and sinds == context["stempel"]:
        return Response(status_code=204)
    return render(request, "casus_resultaat.html", context, user=user)


def parse_weights(form: dict[str, str], criteria: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    """Weights from the form: ``gewicht_<code>`` (number) or ``schuif_<code>`` (slider), whichever differs
    from ``vorig_<code>`` (the value shown), so the form works without JavaScript; field errors as codes."""
    out: dict[str, float] = {}
    fouten: dict[str, str] = {}
    for code in criteria:
        number, slider, before = (form.get(f"{p}_{code}", "").strip().replace(",", ".")
                                  for p in ("gewicht", "schuif", "vorig"))  # fmt: skip
        raw = slider if (number == before and slider and slider != before) else number
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not math.isfinite(value) or value < 0 or value > service.MAX_GEWICHT:
            fouten[code] = "getal"
            continue
        out[code] = value
    return out, fouten


@router.post("/casussen/{casus_id}/inbreng", name="casus_inbreng")
async def casus_inbreng(
    request: Request, casus_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/casussen/{casus_id}")
    try:
        info = service.get_casus(db, user, casus_id)
    except service.CasusError:
        return _error(request, 404, user)
    gewichten, fouten = parse_weights(form, info.criteria)
    argumenten = {code: form.get(f"argument_{code}", "") for code in [*info.criteria, service.ALGEMEEN]}
    if not fouten:
        try:
            service.submit(db, user, casus_id, gewichten, argumenten)
        except service.CasusError as exc:
            if exc.status in (403, 404):
                return _error(request, exc.status, user)
            fouten["form"] = _msg(request, exc)
        else:
            db.commit()
            if _is_htmx(request):
                context = _case_context(request, db, user, casus_id,
                                        melding="opgeslagen")  # fmt: skip
                return render(request, "casus_inbreng.html", context, user=user)  # type: ignore[arg-type]
            return RedirectResponse(f"/casussen/{casus_id}?opgeslagen=1#inbreng", status_code=303)
    context = _case_context(request, db, user, casus_id, fouten=fouten, waarden=form)
    assert context is not None
    if _is_htmx(request):
        return render(request, "casus_inbreng.html", context, user=user, status_code=422)
    context |= _results_context(request, db, user, casus_id, context["casus"].status)
    return render(request, "casus.html", context, user=user, status_code=422)


async def _manage(request: Request, casus_id: int, db: Session, user: User | None, action: Any) -> Response:
    """Run a management form action; errors are shown on the case page."""
    form, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/casussen/{casus_id}")
    try:
        anchor = action(form)
    except service.CasusError as exc:
        db.rollback()
        context = _case_context(request, db, user, casus_id, fouten={"beheer": _msg(request, exc)}, waarden=None)
        if context is None:  # the case itself is not visible
            return _error(request, 404, user)
        if exc.status == 403:
            return _error(request, 403, user)
        context |= _results_context(request, db, user, casus_id, context["casus"].status) | {"beheer_waarden": form}
        return render(request, "casus.html", context, user=user, status_code=422)
    db.commit()
    return RedirectResponse(f"/casussen/{casus_id}#{anchor}", status_code=303)


@router.post("/casussen/{casus_id}/deelnemers", name="casus_deelnemer")
async def casus_deelnemer(
    request: Request, casus_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    def add(form: dict[str, str]) -> str:
        service.add_deelnemer(db, user, casus_id, form.get("email", ""), form.get("rol", "deelnemer"))  # type: ignore[arg-type]
        return "deelnemers"

    return await _manage(request, casus_id, db, user, add)


@router.post("/casussen/{casus_id}/deelnemers/{user_id}/verwijder", name="casus_deelnemer_weg")
async def casus_deelnemer_weg(
    request: Request, casus_id: int, user_id: int, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    def remove(form: dict[str, str]) -> str:
        service.remove_deelnemer(db, user, casus_id, user_id)  # type: ignore[arg-type]
        return "deelnemers"

    return await _manage(request, casus_id, db, user, remove)


@router.post("/casussen/{casus_id}/sluiten", name="casus_sluiten")
async def casus_sluiten(
    request: Request, casus_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    def close(form: dict[str, str]) -> str:
        service.close_casus(db, user, casus_id, form.get("besluit", ""))  # type: ignore[arg-type]
        return "besluit"

    return await _manage(request, casus_id, db, user, close)


# ------------------------------------------------------------------------------------------------ decision log


def besluitenlog_document(log: dict[str, Any], lang: str = DEFAULT_LANGUAGE, *, pdf: bool = False) -> str:
    """The decision log as a standalone HTML document (also the source of the PDF)."""
    res = log["resultaat"]
    context = {
        "lang": lang if lang in ("nl", "en") else DEFAULT_LANGUAGE,
        "log": log,
        "buurten_volgorde": service.contested_first(res["buurten"]) if res else [],
        "pdf": pdf,
    }
    return env.get_template("besluitenlog.html").render(context)


def besluitenlog_pdf(log: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The decision log as a tagged PDF (PDF/UA-1) with language and title metadata."""
    from weasyprint import HTML

    document = besluitenlog_document(log, lang, pdf=True)
    return HTML(string=document).write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]


@router.get("/casussen/{casus_id}/besluitenlog", response_class=HTMLResponse, name="casus_besluitenlog")
def casus_besluitenlog(
    request: Request, casus_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    if user is None:
        return _login(f"/casussen/{casus_id}/besluitenlog")
    try:
        log = service.besluitenlog(db, user, casus_id)
    except service.CasusError as exc:
        return _error(request, exc.status if exc.status in (403, 404) else 409, user, _msg(request, exc))
    return HTMLResponse(besluitenlog_document(log, request_language(request)))


@router.get("/casussen/{casus_id}/besluitenlog.pdf", name="casus_besluitenlog_pdf")
def casus_besluitenlog_pdf(
    request: Request, casus_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    if user is None:
        return _login(f"/casussen/{casus_id}/besluitenlog.pdf")
    try:
        log = service.besluitenlog(db, user, casus_id)
    except service.CasusError as exc:
        return _error(request, exc.status if exc.status in (403, 404) else 409, user, _msg(request, exc))
    disposition = f'attachment; filename="besluitenlog-casus-{casus_id}.pdf"'
    pdf = besluitenlog_pdf(log, request_language(request))
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})
