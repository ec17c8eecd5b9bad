"""HTML pages of the warmteprogramma workbench (issue 6).

* ``/programmas``: the programme versions the visitor may read and, for gemeente users and administrators, the
  form for a new programme (drafted from the analysis).
* ``/programmas/{id}``: status, lifecycle actions (to consultation, back to draft, adopt with date and decision
  reference, new version, fill from the analysis, delete a draft) for editors only, the check summary and the
  links to the parts: ``/buurten`` (planning table and an edit form per buurt), ``/tijdlijn`` (Gantt chart and an
  SVG map per year), ``/stappen`` (process guide), ``/toetsen`` (legal checks), ``/teksten`` (chapter texts),
  ``/terugblik`` (look-back) and ``/documenten`` (live HTML/PDF/DOCX and the immutable publications).
* ``/gemeenten/{code}/partners``: partners and the participation log (personal data: gemeente, coordinator).
* ``/regios/{code}/programmas``: the regional overview (status against the deadline, buurten per year,
  cross-border conflicts).

Forms work without JavaScript (POST with the CSRF token, redirect after success, the page again with the errors
next to the fields otherwise; a stale ``versie`` shows a conflict message). Reading follows the service's rules:
public versions for everybody, drafts for the gemeente and its region. Everything calls
:mod:`warmteregio.services.programma`; the API (``/api/v1/warmteprogrammas``) calls the same functions.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import shapely
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.accounts.service import gemeente_region
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_gemeentecode, normalise_rescode
from warmteregio.programme import alternatieven, kaart, planning, regels, tekst
from warmteregio.programme.model import (
    FAMILIE_KEUZES,
    FASES,
    KOPPELKANS_SOORTEN,
    PARTICIPATIE_SOORTEN,
    PARTNER_SOORTEN,
    STAP_STATUSES,
    STATUSES,
)
from warmteregio.services import programma as service
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.programmas import moment_body, partner_body, programma_info, stappen_rows
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

API = "/api/v1/warmteprogrammas"
#: Statuses in which a programme may still be edited (adopted and superseded versions are immutable).
BEWERKBAAR = ("concept", "consultatie")
#: Fields of the buurt plan form that are plain text (empty = cleared).
TEKSTVELDEN = ("cluster", "alternatief", "afwijking_reden", "fase", "termijn_reden", "betaalbaarheid",
               "haalbaarheid", "warmtebron_code", "warmtenet", "toelichting")  # fmt: skip
JAARVELDEN = ("startjaar", "doeljaar", "aanwijsbesluit_jaar", "aardgasvrij_jaar")
#: Empty koppelkans rows offered below the existing ones.
EXTRA_KOPPELKANSEN = 2
#: Colours of the states on the map per year (sequential blue, light = far away, dark = done; grey = no plan).
TOESTAND_KLEUREN = {
    "geen_planning": "#e0e0e0",
    "nog_niet_gestart": "#c6dbef",
    "in_voorbereiding": "#6baed6",
    "in_uitvoering": "#2171b5",
    "aardgasvrij": "#08306b",
}
#: Width of the timeline bars [px, SVG user units].
TIJDLIJN_BREEDTE = 360
TIJDLIJN_HOOGTE = 18


# ------------------------------------------------------------------------------------------------ helpers


def _error(request: Request, status: int, user: User | None, reden: str | None = None) -> HTMLResponse:
    context: dict[str, Any] = {"status": status}
    if reden:
        context["reden"] = reden
    if status == 403:
        context["geen_toegang"] = True
    return render(request, "fout.html", context, user=user, status_code=status)


def _login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


async def _form(request: Request) -> tuple[dict[str, str], list[tuple[str, str]], bool]:
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    values = dict(items)
    return values, items, auth.check_csrf(request, values.get("csrf_token"))


def _lang(request: Request) -> str:
    return request_language(request)


def _message(request: Request, nl: str, en: str) -> str:
    return nl if _lang(request) == "nl" else en


def _fouten(request: Request, exc: service.ProgrammaError, extra: list[dict[str, str]] | None = None) -> dict[str, str]:
    """Field -> message in the page language (``koppelkansen.0.jaar`` -> ``koppelkansen_0_jaar``); ``form``: the
    summary."""
    out: dict[str, str] = {}
    for f in [*(extra or []), *(getattr(exc, "fouten", None) or [])]:
        key = str(f.get("veld") or "form").replace(".", "_")
        text = _message(request, f.get("nl", ""), f.get("en", ""))
        out[key] = f"{out[key]}; {text}" if key in out and text not in out[key] else text
    out["form"] = _message(request, exc.nl, exc.en)
    if len(out) > 2:  # several fields: the list shows them, the summary only its lead
        out["form_kop"] = out["form"].split(":")[0]
    return out


def _conflict(exc: service.ProgrammaError) -> bool:
    """A stale ``versie``: someone else changed the programme in the meantime."""
    return exc.status == 409 and any(f.get("veld") == "versie" for f in exc.fouten or [])


def _versie(form: dict[str, str]) -> int:
    try:
        return int(form.get("versie", "").strip())
    except ValueError:
        return 0  # the service refuses it as stale


def _load(request: Request, db: Session, user: User | None, programma_id: int) -> tuple[Any, Response | None]:
    """The programme, or the response for a missing programme / missing permission (login for visitors)."""
    if not 0 < programma_id < 2**31:
        return None, _error(request, 404, user)
    try:
        return service.get_programma(db, user, programma_id), None
    except service.ProgrammaError as exc:
        if exc.status in (401, 403) and user is None:
            return None, _login(request.url.path)
        return None, _error(request, exc.status if exc.status in (403, 404) else 404, user)


def _base(request: Request, db: Session, user: User | None, prog: Any, actief: str) -> dict[str, Any]:
    """What every programme page needs: the programme, its summary, edit rights and the part navigation."""
    kan = user is not None and service.can_edit(db, user, prog.gemeente_code)
    return {
        "prog": prog,
        "info": programma_info(db, user, prog),
        "mag_bewerken": kan and prog.status in BEWERKBAAR,
        "is_redacteur": kan,
        "actief": actief,
        "api": f"{API}/{prog.id}",
        "lang": _lang(request),
        "familie_namen": alternatieven.FAMILY_NAMES,
        "familie_kleuren": alternatieven.FAMILY_COLOURS,
        "familie_of": alternatieven.family,
        "toestand_namen": planning.TOESTAND_NAMEN,
        "opgeslagen": request.query_params.get("opgeslagen"),
    }


def _alternatief_keuzes(lang: str) -> dict[str, list[tuple[str, str]]]:
    alts = alternatieven.all_alternatives()
    return {
        "families": [(c, alts[c].naam(lang)) for c in FAMILIE_KEUZES if c in alts],
        "varianten": [(c, a.naam(lang)) for c, a in alts.items() if c not in FAMILIE_KEUZES],
    }


# ------------------------------------------------------------------------------------------------ list


def _list_context(db: Session, user: User | None, status: str | None, gemeente: str | None) -> dict[str, Any]:
    items = service.list_programmas(db, user, gemeente=gemeente, status=status)
    regio = None
    if user is not None:
        regio = user.res_code or (gemeente_region(db, user.gemeente_code) if user.gemeente_code else None)
    if user is not None and user.rol == "admin" and regio is None:
        regio = next((i.res_code for i in items if i.res_code), None)
    return {
        "items": items,
        "statussen": STATUSES,
        "filter_status": status,
        "filter_gemeente": gemeente,
        "gemeenten_keuze": service.editable_gemeenten(db, user) if user is not None else [],
        "regio": regio,
        "w": {"uit_analyse": "ja"},
        "fouten": {},
    }


@router.get("/programmas", response_class=HTMLResponse, name="programmas")
def programmas_page(
    request: Request,
    status: str | None = None,
    gemeente: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    status = status if status in STATUSES else None
    try:
        code = normalise_gemeentecode(gemeente) if gemeente else None
    except CodeError:
        code = None
    return render(request, "programmas.html", _list_context(db, user, status, code), user=user)


@router.post("/programmas", name="programma_maak")
async def programma_maak(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form, _items, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login("/programmas")
    try:
        code = normalise_gemeentecode(form.get("gemeente_code", ""))
    except CodeError as exc:
        err = service.ProgrammaError(exc.nl, exc.en, status=400, fouten=[{"veld": "gemeente_code", "nl": exc.nl,
                                                                           "en": exc.en}])  # fmt: skip
        context = _list_context(db, user, None, None) | {"fouten": _fouten(request, err), "w": form}
        return render(request, "programmas.html", context, user=user, status_code=422)
    try:
        prog = service.create_programma(db, user, code, titel=(form.get("titel") or "").strip() or None,
                                        uit_analyse=form.get("uit_analyse") == "ja")  # fmt: skip
    except service.ProgrammaError as exc:
        db.rollback()
        if exc.status == 403:
            return _error(request, 403, user)
        context = _list_context(db, user, None, None) | {"fouten": _fouten(request, exc), "w": form}
        return render(request, "programmas.html", context, user=user, status_code=409 if exc.status == 409 else 422)
    pid = prog.id
    db.commit()
    return RedirectResponse(f"/programmas/{pid}?opgeslagen=aangemaakt", status_code=303)


# ------------------------------------------------------------------------------------------------ programme


def _overview_context(request: Request, db: Session, user: User | None, prog: Any) -> dict[str, Any]:
    context = _base(request, db, user, prog, "overzicht")
    results = service.toetsen(db, user, prog.id)
    versies = service.list_programmas(db, user, gemeente=prog.gemeente_code)
    nieuwste = max((v.volgnummer for v in versies), default=prog.volgnummer)
    open_versie = any(v.status in BEWERKBAAR for v in versies)
    context.update(
        toetsen=results,
        fouten_toetsen=[r for r in results if r.status == "fout"],
        waarschuwingen=[r for r in results if r.status == "waarschuwing"],
        blokkerend=[r for r in results if r.status == "fout" and r.blokkeert_vaststelling],
        versies=versies,
        mag_nieuwe_versie=context["is_redacteur"]
        and prog.status == "vastgesteld"
        and prog.volgnummer == nieuwste
        and not open_versie,
        mag_verwijderen=context["mag_bewerken"] and prog.status == "concept",
        vandaag=date.today().isoformat(),
        fouten={},
        fout_actie=None,
        w={},
        analyse=service.snapshot(db, prog).analyse,
    )
    return context


@router.get("/programmas/{programma_id}", response_class=HTMLResponse, name="programma")
def programma_page(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    return render(request, "programma.html", _overview_context(request, db, user, prog), user=user)


async def _action(request: Request, db: Session, user: User | None, programma_id: int, actie: str) -> Response:
    """A lifecycle action from the programme page: the service call, redirect or the page with the errors."""
    form, _items, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/programmas/{programma_id}")
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    versie = _versie(form)
    try:
        if actie == "status":
            nieuw = form.get("status", "")
            service.change_status(db, user, programma_id, nieuw, versie=versie,
                                  datum=(form.get("datum") or "").strip() or None,
                                  besluit_referentie=(form.get("besluit_referentie") or "").strip() or None,
                                  vastgesteld_door=form.get("vastgesteld_door") or None,
                                  consultatie_tot=(form.get("consultatie_tot") or "").strip() or None)  # fmt: skip
            done = f"status-{nieuw}"
        elif actie == "uit-analyse":
            service.draft_from_analysis(db, user, programma_id, versie=versie,
                                        overschrijven=form.get("overschrijven") == "ja")  # fmt: skip
            done = "analyse"
        elif actie == "verwijderen":
            service.delete_programma(db, user, programma_id, versie=versie)
            db.commit()
            return RedirectResponse("/programmas?opgeslagen=verwijderd", status_code=303)
        else:  # nieuwe versie
            new = service.create_programma(db, user, prog.gemeente_code, uit_analyse=False)
            pid = new.id
            db.commit()
            return RedirectResponse(f"/programmas/{pid}?opgeslagen=nieuwe-versie", status_code=303)
    except service.ProgrammaError as exc:
        db.rollback()
        if exc.status == 403:
            return _error(request, 403, user)
        if exc.status == 404:
            return _error(request, 404, user)
        prog = service.get_programma(db, user, programma_id)
        context = _overview_context(request, db, user, prog)
        context.update(fouten=_fouten(request, exc), fout_actie=actie if actie != "status" else form.get("status"),
                       conflict=_conflict(exc), w=form)  # fmt: skip
        return render(request, "programma.html", context, user=user, status_code=409 if exc.status == 409 else 422)
    db.commit()
    return RedirectResponse(f"/programmas/{programma_id}?opgeslagen={done}", status_code=303)


@router.post("/programmas/{programma_id}/status", name="programma_status")
async def programma_status(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    return await _action(request, db, user, programma_id, "status")


@router.post("/programmas/{programma_id}/uit-analyse", name="programma_uit_analyse")
async def programma_uit_analyse(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    return await _action(request, db, user, programma_id, "uit-analyse")


@router.post("/programmas/{programma_id}/verwijderen", name="programma_verwijderen")
async def programma_verwijderen(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    return await _action(request, db, user, programma_id, "verwijderen")


@router.post("/programmas/{programma_id}/nieuwe-versie", name="programma_nieuwe_versie")
async def programma_nieuwe_versie(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    return await _action(request, db, user, programma_id, "nieuwe-versie")


# ------------------------------------------------------------------------------------------------ buurt plans


@router.get("/programmas/{programma_id}/buurten", response_class=HTMLResponse, name="programma_buurten")
def programma_buurten(
    request: Request,
    programma_id: int,
    fase: str | None = None,
    familie: str | None = None,
    aanwijzen: str | None = None,
    afwijking: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    context = _base(request, db, user, prog, "buurten")
    snap = service.snapshot(db, prog)
    peil = planning.peiljaar(snap, date.today())
    rows = []
    for p in snap.plannen:
        fam = alternatieven.family(p.alternatief)
        row = {"plan": p, "familie": fam, "afwijking": alternatieven.deviates(p.alternatief, p.analyse_voorkeur),
               "in_horizon": planning.in_horizon(p, peil),
               "alternatief_naam": alternatieven.name(p.alternatief, context["lang"]) if p.alternatief else None,
               "voorkeur_naam": alternatieven.name(p.analyse_voorkeur, context["lang"])
               if p.analyse_voorkeur else None}  # fmt: skip
        if fase in FASES and p.fase != fase:
            continue
        if familie in alternatieven.FAMILY_NAMES and fam != familie:
            continue
        if aanwijzen == "ja" and not p.aanwijzen:
            continue
        if afwijking == "ja" and not row["afwijking"]:
            continue
        rows.append(row)
    context.update(rijen=rows, totaal=len(snap.plannen), fases=FASES,
                   filters={"fase": fase if fase in FASES else None,
                            "familie": familie if familie in alternatieven.FAMILY_NAMES else None,
                            "aanwijzen": aanwijzen == "ja", "afwijking": afwijking == "ja"},
                   horizon=planning.horizon(peil), fouten={})  # fmt: skip
    return render(request, "programma_buurten.html", context, user=user)


@router.post("/programmas/{programma_id}/buurten/import", name="programma_buurten_import")
async def programma_buurten_import(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return _error(request, 403, user)
    if user is None:
        return _login(f"/programmas/{programma_id}/buurten")
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    upload = form.get("bestand")
    versie = _versie({"versie": str(form.get("versie") or "")})
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise service.ProgrammaError("kies een CSV- of XLSX-bestand", "choose a CSV or XLSX file", status=400,
                                         fouten=[{"veld": "bestand", "nl": "kies een bestand",
                                                  "en": "choose a file"}])  # fmt: skip
        data = await upload.read()
        service.import_plannen(db, user, programma_id, data, upload.filename, versie=versie)
    except service.ProgrammaError as exc:
        db.rollback()
        if exc.status in (403, 404):
            return _error(request, exc.status, user)
        prog = service.get_programma(db, user, programma_id)
        context = _base(request, db, user, prog, "buurten")
        snap = service.snapshot(db, prog)
        peil = planning.peiljaar(snap, date.today())
        rows = [{"plan": p, "familie": alternatieven.family(p.alternatief),
                 "afwijking": alternatieven.deviates(p.alternatief, p.analyse_voorkeur),
                 "in_horizon": planning.in_horizon(p, peil),
                 "alternatief_naam": alternatieven.name(p.alternatief, context["lang"]) if p.alternatief else None,
                 "voorkeur_naam": alternatieven.name(p.analyse_voorkeur, context["lang"])
                 if p.analyse_voorkeur else None} for p in snap.plannen]  # fmt: skip
        context.update(rijen=rows, totaal=len(rows), fases=FASES, horizon=planning.horizon(peil),
                       filters={"fase": None, "familie": None, "aanwijzen": False, "afwijking": False},
                       fouten=_fouten(request, exc), conflict=_conflict(exc))  # fmt: skip
        return render(request, "programma_buurten.html", context, user=user,
                      status_code=409 if exc.status == 409 else 422)  # fmt: skip
    db.commit()
    return RedirectResponse(f"/programmas/{programma_id}/buurten?opgeslagen=import", status_code=303)


def _plan_waarden(plan: Any) -> dict[str, Any]:
    """A plan as the text values of the edit form."""
    values: dict[str, Any] = {}
    for name in (*TEKSTVELDEN, *JAARVELDEN):
        v = getattr(plan, name, None)
        values[name] = "" if v is None else str(v)
    values["aanwijzen"] = "ja" if plan.aanwijzen else ""
    values["koppelkansen"] = [
        {"soort": k.soort, "omschrijving": k.omschrijving, "jaar": "" if k.jaar is None else str(k.jaar)}
        for k in plan.koppelkansen
    ]
    return values


def _koppelkansen_form(form: dict[str, str]) -> list[dict[str, str]]:
    try:
        n = min(int(form.get("kk_aantal", "0")), 60)
    except ValueError:
        n = 0
    rows = []
    for i in range(n):
        soort = (form.get(f"kk_{i}_soort") or "").strip()
        omschrijving = (form.get(f"kk_{i}_omschrijving") or "").strip()
        jaar = (form.get(f"kk_{i}_jaar") or "").strip()
        if soort or omschrijving or jaar:
            rows.append({"soort": soort, "omschrijving": omschrijving, "jaar": jaar})
    return rows


def _plan_context(request: Request, db: Session, user: User | None, prog: Any, plan: Any) -> dict[str, Any]:
    context = _base(request, db, user, prog, "buurten")
    waarden = _plan_waarden(plan)
    context.update(
        plan=plan,
        waarden=waarden,
        fouten={},
        conflict=False,
        keuzes=_alternatief_keuzes(context["lang"]),
        fases=FASES,
        koppelkans_soorten=KOPPELKANS_SOORTEN,
        extra_koppelkansen=EXTRA_KOPPELKANSEN,
        familie=alternatieven.family(plan.alternatief),
        afwijking=alternatieven.deviates(plan.alternatief, plan.analyse_voorkeur),
        voorkeur_naam=alternatieven.name(plan.analyse_voorkeur, context["lang"]) if plan.analyse_voorkeur else None,
        alternatief_naam=alternatieven.name(plan.alternatief, context["lang"]) if plan.alternatief else None,
        richtlijn_jaren=regels.load_rules().aanwijstermijn_min_jaren,
    )
    return context


def _buurtcode(code: str) -> str | None:
    try:
        return normalise_buurtcode(code)
    except CodeError:
        return None


@router.get("/programmas/{programma_id}/buurten/{code}", response_class=HTMLResponse, name="programma_buurt")
def programma_buurt(
    request: Request, programma_id: int, code: str, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    buurt = _buurtcode(code)
    plan = service.snapshot(db, prog).plan(buurt) if buurt else None
    if plan is None:
        return _error(request, 404, user)
    return render(request, "programma_buurt.html", _plan_context(request, db, user, prog, plan), user=user)


@router.post("/programmas/{programma_id}/buurten/{code}", name="programma_buurt_wijzig")
async def programma_buurt_wijzig(
    request: Request, programma_id: int, code: str, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:  # fmt: skip
    form, _items, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/programmas/{programma_id}/buurten/{quote(code)}")
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    buurt = _buurtcode(code)
    if buurt is None or service.snapshot(db, prog).plan(buurt) is None:
        return _error(request, 404, user)
    # years and koppelkansen go to the service as typed: it validates every field at once, in both languages
    changes: dict[str, Any] = {name: form[name].strip() or None for name in (*TEKSTVELDEN, *JAARVELDEN)
                               if name in form}  # fmt: skip
    if changes.get("fase") is None:
        changes.pop("fase", None)
    changes["aanwijzen"] = form.get("aanwijzen") == "ja"
    changes["koppelkansen"] = [{"soort": r["soort"] or None, "omschrijving": r["omschrijving"] or None,
                                "jaar": r["jaar"] or None} for r in _koppelkansen_form(form)]  # fmt: skip
    try:
        service.update_plan(db, user, programma_id, buurt, changes, versie=_versie(form))
    except service.ProgrammaError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return _error(request, 403 if exc.status == 401 else exc.status, user)
        prog = service.get_programma(db, user, programma_id)
        plan = service.snapshot(db, prog).plan(buurt)
        context = _plan_context(request, db, user, prog, plan)
        context["fouten"] = _fouten(request, exc)
        context["conflict"] = _conflict(exc)
        if not context["conflict"]:  # keep what the user typed
            waarden = {n: form.get(n, "") for n in (*TEKSTVELDEN, *JAARVELDEN)}
            waarden["aanwijzen"] = "ja" if form.get("aanwijzen") == "ja" else ""
            waarden["koppelkansen"] = _koppelkansen_form(form)
            context["waarden"] = waarden
        return render(request, "programma_buurt.html", context, user=user,
                      status_code=409 if exc.status == 409 else 422)  # fmt: skip
    db.commit()
    return RedirectResponse(f"/programmas/{programma_id}/buurten/{buurt}?opgeslagen=1", status_code=303)


# ------------------------------------------------------------------------------------------------ timeline, map


def _tijdlijn_context(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of the Gantt chart in SVG units: x and width per row, the year axis and the designation markers."""
    years = [y for r in rows for y in (r.get("startjaar"), r.get("doeljaar"), r.get("aanwijsbesluit_jaar"),
                                       r.get("aardgasvrij_jaar")) if y]  # fmt: skip
    if not years:
        return {"balken": [], "as": [], "van": None, "tot": None, "breedte": TIJDLIJN_BREEDTE}
    van, tot = min(years), max(years)
    span = tot + 1 - van
    scale = TIJDLIJN_BREEDTE / span

    def x(year: int) -> float:
        return round((year - van) * scale, 1)

    bars = []
    for r in rows:
        start = r["startjaar"]
        end = max(r.get("doeljaar") or start, start)
        marker = r.get("aanwijsbesluit_jaar") if r.get("aanwijzen") else None
        gasvrij = r.get("aardgasvrij_jaar")
        bars.append({**r, "x": x(start), "w": max(round((end + 1 - start) * scale, 1), 2.0),
                     "marker_x": x(marker) + scale / 2 if marker else None,
                     "gasvrij_x": x(gasvrij) + scale / 2 if gasvrij else None})  # fmt: skip
    step = 1 if span <= 8 else 2 if span <= 16 else 5 if span <= 60 else 10
    years = [van] + [y for y in range(van + 1, tot + 1) if y % step == 0 and y - van >= step / 2]
    ticks = [{"jaar": y, "x": x(y)} for y in years if x(y) <= TIJDLIJN_BREEDTE - 26]
    return {"balken": bars, "as": ticks, "van": van, "tot": tot, "breedte": TIJDLIJN_BREEDTE,
            "stap": scale}  # fmt: skip


def _kaart_context(
    request: Request, db: Session, user: User | None, prog: Any, jaar: int, gemeente_naam: str | None
) -> dict[str, Any]:
    """The SVG map of the states in ``jaar`` (kaart.svg_kaart) with the same data as a table."""
    lang = _lang(request)
    toestand = service.toestand_in_jaar(db, user, prog.id, jaar)
    snap = service.snapshot(db, prog)
    shapes = service.geometrie(db, prog.gemeente_code)
    geoms = {code: shapely.from_wkb(wkb) for code, wkb in shapes.items() if wkb is not None}
    idx = 1 if lang == "en" else 0
    namen = {p.buurt_code: p.buurt_naam or p.buurt_code for p in snap.plannen}
    kleuren = {code: TOESTAND_KLEUREN.get(toestand.get(code, "geen_planning"), TOESTAND_KLEUREN["geen_planning"])
               for code in geoms}  # fmt: skip
    tips = {code: f"{namen.get(code, code)}: {planning.TOESTAND_NAMEN[toestand.get(code, 'geen_planning')][idx]}"
            for code in geoms}  # fmt: skip
    legenda = [(TOESTAND_KLEUREN[t], planning.TOESTAND_NAMEN[t][idx]) for t in planning.TOESTANDEN]
    counts = {t: sum(1 for c in namen if toestand.get(c, "geen_planning") == t) for t in planning.TOESTANDEN}
    titel = ("Stand van de buurten van %s in %s" if lang == "nl" else "State of the buurten of %s in %s") % (
        gemeente_naam or prog.gemeente_code,
        jaar,
    )
    beschrijving = ", ".join(f"{planning.TOESTAND_NAMEN[t][idx]}: {counts[t]}" for t in planning.TOESTANDEN)
    svg = kaart.svg_kaart(geoms, kleuren, titel=titel, beschrijving=beschrijving, legenda=legenda,
                          links={c: f"/programmas/{prog.id}/buurten/{c}" for c in geoms if c in namen},
                          tooltips=tips, id=f"wr-programma-kaart-{jaar}") if geoms else None  # fmt: skip
    rows = [{"plan": p, "toestand": toestand.get(p.buurt_code, "geen_planning")} for p in snap.plannen]
    return {"jaar": jaar, "kaart_svg": svg, "kaart_rijen": rows, "kaart_titel": titel, "aantallen": counts}


def _jaar_param(value: str | None) -> int:
    try:
        year = int(value) if value else date.today().year
    except ValueError:
        year = date.today().year
    return min(max(year, 2000), 2100)


@router.get("/programmas/{programma_id}/tijdlijn", response_class=HTMLResponse, name="programma_tijdlijn")
def programma_tijdlijn(
    request: Request, programma_id: int, jaar: str | None = None, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    context = _base(request, db, user, prog, "tijdlijn")
    rows = service.tijdlijn(db, user, prog.id)
    gantt = _tijdlijn_context(rows)
    year = _jaar_param(jaar)
    snap = service.snapshot(db, prog)
    van, tot = planning.jaren_bereik(snap)
    jaren = list(range(min(van, year, date.today().year), max(tot, year, 2050) + 1))
    context.update(
        gantt=gantt, jaren=jaren, **_kaart_context(request, db, user, prog, year, context["info"].gemeente_naam)
    )
    return render(request, "programma_tijdlijn.html", context, user=user)


@router.get("/programmas/{programma_id}/kaart", response_class=HTMLResponse, name="programma_kaart")
def programma_kaart(
    request: Request, programma_id: int, jaar: str | None = None, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    """The map fragment of one year (htmx swaps it into the timeline page)."""
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    context = _base(request, db, user, prog, "tijdlijn")
    context.update(_kaart_context(request, db, user, prog, _jaar_param(jaar), context["info"].gemeente_naam))
    return render(request, "_programma_kaart.html", context, user=user)


# ------------------------------------------------------------------------------------------------ steps


def _stappen_context(request: Request, db: Session, user: User | None, prog: Any) -> dict[str, Any]:
    context = _base(request, db, user, prog, "stappen")
    context.update(stappen=stappen_rows(service.snapshot(db, prog)), stap_statussen=STAP_STATUSES, fouten={},
                   fout_stap=None, w={})  # fmt: skip
    return context


@router.get("/programmas/{programma_id}/stappen", response_class=HTMLResponse, name="programma_stappen")
def programma_stappen(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    return render(request, "programma_stappen.html", _stappen_context(request, db, user, prog), user=user)


@router.post("/programmas/{programma_id}/stappen/{stap}", name="programma_stap_wijzig")
async def programma_stap_wijzig(
    request: Request, programma_id: int, stap: str, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:  # fmt: skip
    form, _items, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/programmas/{programma_id}/stappen")
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    try:
        service.update_stap(db, user, programma_id, stap, versie=_versie(form), status=form.get("status") or None,
                            eigenaar=form.get("eigenaar", "").strip(), bewijs=form.get("bewijs", "").strip(),
                            toelichting=form.get("toelichting", "").strip())  # fmt: skip
    except service.ProgrammaError as exc:
        db.rollback()
        if exc.status in (403, 404):
            return _error(request, exc.status, user)
        prog = service.get_programma(db, user, programma_id)
        context = _stappen_context(request, db, user, prog)
        context.update(fouten=_fouten(request, exc), fout_stap=stap, conflict=_conflict(exc), w=form)
        return render(request, "programma_stappen.html", context, user=user,
                      status_code=409 if exc.status == 409 else 422)  # fmt: skip
    db.commit()
    return RedirectResponse(f"/programmas/{programma_id}/stappen?opgeslagen={quote(stap)}#stap-{quote(stap)}",
                            status_code=303)  # fmt: skip


# ------------------------------------------------------------------------------------------------ checks, texts


@router.get("/programmas/{programma_id}/toetsen", response_class=HTMLResponse, name="programma_toetsen")
def programma_toetsen(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    context = _base(request, db, user, prog, "toetsen")
    results = service.toetsen(db, user, prog.id)
    context.update(toetsen=results, peildatum=regels.load_rules().peildatum,
                   aantal_fout=sum(1 for r in results if r.status == "fout"),
                   aantal_waarschuwing=sum(1 for r in results if r.status == "waarschuwing"))  # fmt: skip
    return render(request, "programma_toetsen.html", context, user=user)


def _teksten_context(request: Request, db: Session, user: User | None, prog: Any) -> dict[str, Any]:
    context = _base(request, db, user, prog, "teksten")
    snap = service.snapshot(db, prog)
    hoofdstukken = [h for h in regels.load_rules().hoofdstukken
                    if not getattr(h, "alleen_bij_actualisatie", False) or snap.vorige_id]  # fmt: skip
    context.update(hoofdstukken=hoofdstukken, teksten=dict(snap.teksten),
                   weergave={h.code: tekst.render_tekst(snap.teksten.get(h.code, "")) for h in hoofdstukken},
                   fouten={})  # fmt: skip
    return context


@router.get("/programmas/{programma_id}/teksten", response_class=HTMLResponse, name="programma_teksten")
def programma_teksten(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    return render(request, "programma_teksten.html", _teksten_context(request, db, user, prog), user=user)


@router.post("/programmas/{programma_id}/teksten", name="programma_teksten_wijzig")
async def programma_teksten_wijzig(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form, _items, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    if user is None:
        return _login(f"/programmas/{programma_id}/teksten")
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    teksten = {k[len("tekst_") :]: v.replace("\r\n", "\n") for k, v in form.items() if k.startswith("tekst_")}
    titel = (form.get("titel") or "").strip() or None
    try:
        service.update_programma(db, user, programma_id, versie=_versie(form), titel=titel, teksten=teksten)
    except service.ProgrammaError as exc:
        db.rollback()
        if exc.status in (403, 404):
            return _error(request, exc.status, user)
        prog = service.get_programma(db, user, programma_id)
        context = _teksten_context(request, db, user, prog)
        conflict = _conflict(exc)
        context.update(fouten=_fouten(request, exc), conflict=conflict)
        if not conflict:
            context["teksten"] = teksten
        return render(request, "programma_teksten.html", context, user=user,
                      status_code=409 if exc.status == 409 else 422)  # fmt: skip
    db.commit()
    return RedirectResponse(f"/programmas/{programma_id}/teksten?opgeslagen=1", status_code=303)


@router.get("/programmas/{programma_id}/terugblik", response_class=HTMLResponse, name="programma_terugblik")
def programma_terugblik(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    context = _base(request, db, user, prog, "terugblik")
    context.update(terugblik=service.terugblik(db, user, prog.id), oordeel_namen=planning.OORDEEL_NAMEN,
                   alternatief_naam=lambda c: alternatieven.name(c, context["lang"]) if c else "–")  # fmt: skip
    return render(request, "programma_terugblik.html", context, user=user)


@router.get("/programmas/{programma_id}/documenten", response_class=HTMLResponse, name="programma_documenten")
def programma_documenten(
    request: Request, programma_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    prog, refused = _load(request, db, user, programma_id)
    if refused is not None:
        return refused
    context = _base(request, db, user, prog, "documenten")
    context.update(publicaties=service.list_documents(db, user, prog.id))
    return render(request, "programma_documenten.html", context, user=user)


# ------------------------------------------------------------------------------------------------ partners


def _gemeente(code: str) -> str | None:
    try:
        return normalise_gemeentecode(code)
    except CodeError:
        return None


def _partners_context(request: Request, db: Session, user: User, code: str) -> dict[str, Any]:
    partners = service.list_partners(db, user, code)
    momenten = service.list_participatie(db, user, code)
    programmas = service.list_programmas(db, user, gemeente=code)
    naam = next((p.gemeente_naam for p in programmas if p.gemeente_naam), None)
    if naam is None:
        naam = next((n for c, n in service.editable_gemeenten(db, user) if c == code), code)
    namen = {p.id: p.organisatie for p in partners}
    rows = []
    for m in momenten:
        row = moment_body(m)
        row["partners"] = [namen[i] for i in row["partner_ids"] if i in namen]
        rows.append(row)
    return {
        "gemeente_code": code,
        "gemeente_naam": naam,
        "partners": [partner_body(p) for p in partners],
        "momenten": rows,
        "programmas": programmas,
        "programma_keuzes": [(str(p.id), f"{p.titel} ({p.volgnummer})") for p in programmas],
        "mag_bewerken": service.can_edit(db, user, code),
        "partner_soorten": PARTNER_SOORTEN,
        "participatie_soorten": PARTICIPATIE_SOORTEN,
        "fouten": {},
        "fout_form": None,
        "w": {},
        "opgeslagen": request.query_params.get("opgeslagen"),
        "vandaag": date.today().isoformat(),
        "lang": _lang(request),
    }


@router.get("/gemeenten/{code}/partners", response_class=HTMLResponse, name="programma_partners")
def partners_page(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    gm = _gemeente(code)
    if gm is None:
        return _error(request, 404, user)
    if user is None:
        return _login(f"/gemeenten/{gm}/partners")
    try:
        context = _partners_context(request, db, user, gm)
    except service.ProgrammaError as exc:
        return _error(request, exc.status if exc.status in (403, 404) else 404, user)
    return render(request, "programma_partners.html", context, user=user)


def _partner_values(form: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        n: (form.get(n) or "").strip() or None
        for n in ("organisatie", "soort", "rol", "contactpersoon", "functie", "email")
    }
    values["actief"] = form.get("actief", "ja") == "ja"
    return values


def _moment_values(form: dict[str, str], items: list[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {"datum": (form.get("datum") or "").strip() or None, "soort": form.get("soort") or None,
                              "titel": (form.get("titel") or "").strip() or None,
                              "inbreng": (form.get("inbreng") or "").strip(),
                              "reactie": (form.get("reactie") or "").strip() or None}  # fmt: skip
    values["aantal_deelnemers"] = (form.get("aantal_deelnemers") or "").strip() or None
    ids = []
    for k, v in items:
        if k == "partner_ids" and v.strip().isdigit():
            ids.append(int(v))
    values["partner_ids"] = ids
    values["buurt_codes"] = [c.strip().upper() for c in (form.get("buurt_codes") or "").replace(";", ",").split(",")
                             if c.strip()]  # fmt: skip
    values["programma_id"] = (form.get("programma_id") or "").strip() or None
    return values


@router.post("/gemeenten/{code}/partners", name="programma_partners_wijzig")
async def partners_post(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    """Every form of the partners page: ``actie`` partner (new), partner_verwijder, moment (new), reactie (update
    a moment's answer) or moment_verwijder."""
    form, items, ok = await _form(request)
    if not ok:
        return _error(request, 403, user)
    gm = _gemeente(code)
    if gm is None:
        return _error(request, 404, user)
    if user is None:
        return _login(f"/gemeenten/{gm}/partners")
    actie = form.get("actie", "")
    try:
        if actie == "partner":
            service.create_partner(db, user, gm, _partner_values(form))
        elif actie == "partner_verwijder":
            service.delete_partner(db, user, int(form.get("id", "0") or 0))
        elif actie == "reactie":
            service.update_participatie(db, user, int(form.get("id", "0") or 0),
                                        {"reactie": (form.get("reactie") or "").strip() or None})  # fmt: skip
        elif actie == "moment_verwijder":
            service.delete_participatie(db, user, int(form.get("id", "0") or 0))
        else:
            service.create_participatie(db, user, gm, _moment_values(form, items))
            actie = "moment"
    except (service.ProgrammaError, ValueError) as exc:
        db.rollback()
        if not isinstance(exc, service.ProgrammaError):
            return _error(request, 404, user)
        if exc.status in (403, 404):
            return _error(request, exc.status, user)
        context = _partners_context(request, db, user, gm)
        context.update(fouten=_fouten(request, exc), fout_form=actie, w=form,
                       w_partners=[int(v) for k, v in items if k == "partner_ids" and v.isdigit()])  # fmt: skip
        return render(request, "programma_partners.html", context, user=user, status_code=422)
    db.commit()
    anchor = "partners" if actie.startswith("partner") else "participatie"
    return RedirectResponse(f"/gemeenten/{gm}/partners?opgeslagen={actie}#{anchor}", status_code=303)


# ------------------------------------------------------------------------------------------------ region


@router.get("/regios/{code}/programmas", response_class=HTMLResponse, name="programma_regio")
def regio_page(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    try:
        res = normalise_rescode(code)
    except CodeError:
        return _error(request, 404, user)
    if user is None:
        return _login(f"/regios/{res}/programmas")
    try:
        o = service.regional_overview(db, user, res)
    except service.ProgrammaError as exc:
        return _error(request, exc.status if exc.status in (403, 404) else 404, user)
    rows = o.get("per_jaar", [])
    most = max((r["buurten"] for r in rows), default=0)
    bars = [{**r, "w": round(300 * r["buurten"] / most, 1) if most else 0} for r in rows]
    context = {
        "o": o,
        "lang": _lang(request),
        "balken": bars,
        "regio_code": res,
        "gemeente_codes": [g["code"] for g in o.get("gemeenten", [])],
        "gemeente_namen": {g["code"]: g.get("naam") or g["code"] for g in o.get("gemeenten", [])},
        "vandaag": date.today(),
    }
    return render(request, "programma_regio.html", context, user=user)
