"""HTML pages: regional allocation of heat sources (issue 5).

* ``/allocaties``: the allocations (newest first) and, for administrators and regional coordinators, a form to
  start one with a scenario (CSRF); it posts to ``POST /allocaties``, which calls the same service as ``POST
  /api/v1/allocaties``, and redirects to the run's page.
* ``/allocaties/{id}``: status and a ``<progress>`` bar that htmx refreshes every 2 seconds while the run is
  solved (``/allocaties/{id}/voortgang`` returns the fragment and stops polling when the run has ended), a
  cancel button, then the result: a map (Leaflet in RD New; ``static/js/allocatie.js``) with the sources, the
  buurten coloured by their source and the transport lines, the same data in tables, per gemeente and per source
  (with the value of one more MW), the explanation of an infeasible run, downloads and a form for a scenario.
* ``/allocaties/{a}/vergelijk/{b}``: two runs side by side (maps and tables; changed buurten highlighted).

Every page needs a login (the API's reading rule); every action is also an API call.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.services import allocatie
from warmteregio.services.queries import Paging
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.allocatie import scenario_for, start_for
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

API_PREFIX = "/api/v1"
ZICHTJAREN = (2025, 2030, 2035, 2040, 2045, 2050)
BRONJAREN = (2025, 2030, 2035, 2040, 2045, 2050)
#: Number of distinct source colours (tokens --wr-allocatie-bron-0..9 in allocatie.css); beyond it colours repeat
#: with a dashed outline, so two sources never look the same.
N_KLEUREN = 10
CODES = re.compile(r"[A-Za-z0-9]+")


def _error(request: Request, user: User | None, status: int, reden: str | None = None) -> HTMLResponse:
    context: dict[str, Any] = {"status": status, "reden": reden} if reden else {"status": status}
    if status == 403:
        context["geen_toegang"] = True
    return render(request, "fout.html", context, user=user, status_code=status)


def _login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={path}", status_code=303)


def _message(request: Request, exc: allocatie.AllocatieError | ApiProblem) -> str:
    if isinstance(exc, allocatie.AllocatieError):
        nl, en = exc.nl, exc.en
    else:
        nl, _, en = exc.detail.partition(" / ")
    return nl if request_language(request) == "nl" else (en or nl)


def kleuren(*infos: allocatie.RunInfo) -> dict[str, dict[str, Any]]:
    """A colour (index into the palette) and a dashed-outline flag per source that serves a buurt in any of the
    runs, in order of the number of buurten (most first), so the legend, the map and a comparison agree. Sources
    serving nobody get no colour (drawn neutral) so the palette is not spent on them."""
    used: dict[str, int] = {}
    for info in infos:
        for b in info.bronnen:
            used[b["code"]] = max(used.get(b["code"], 0), int(b.get("aantal_buurten") or 0))
    order = sorted((c for c in used if used[c] > 0), key=lambda c: (-used[c], c))  # unused sources: no colour
    return {code: {"kleur": i % N_KLEUREN, "gestreept": i >= N_KLEUREN} for i, code in enumerate(order)}


def _legend(infos: list[allocatie.RunInfo], colours: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    names: dict[str, str | None] = {}
    counts: dict[str, list[int]] = {}
    for n, info in enumerate(infos):
        for b in info.bronnen:
            names[b["code"]] = b.get("naam")
            counts.setdefault(b["code"], [0] * len(infos))[n] = int(b.get("aantal_buurten") or 0)
    return [{"code": code, "naam": names.get(code), "aantallen": counts.get(code, []), **c}
            for code, c in colours.items()]  # fmt: skip


def _detail_context(db: Session, info: allocatie.RunInfo, user: User | None) -> dict[str, Any]:
    done = info.status == allocatie.STATUS_KLAAR
    rows = allocatie.run_buurten(db, info.id).items if done else []
    colours = kleuren(info)
    others = []
    if done:
        others = [r for r in allocatie.list_runs(db, regio=info.regio_code, paging=Paging(1, 100)).items
                  if r.id != info.id and r.status == allocatie.STATUS_KLAAR]  # fmt: skip
    bron_namen = {b["code"]: b.get("naam") for b in info.bronnen}
    return {
        "run": info,
        "rijen": rows,
        "kleuren": colours,
        "legenda": _legend([info], colours),
        "bron_namen": bron_namen,
        "mag_annuleren": allocatie.kan_annuleren(user, info),
        "mag_scenario": done and allocatie.kan_starten(user, info.regio_code),
        "andere": others,
        "api": f"{API_PREFIX}/allocaties/{info.id}",
        "bronjaren": BRONJAREN,
        "zichtjaren": ZICHTJAREN,
        "kleuren_json": json.dumps({c: v["kleur"] for c, v in colours.items()}),
        "gestreept_json": json.dumps(sorted(c for c, v in colours.items() if v["gestreept"])),
    }


ALLE = "alle"


@router.get("/allocaties", response_class=HTMLResponse, name="allocaties")
def allocaties_page(
    request: Request, regio: str | None = None, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    """The runs of the user's own region by default (a coordinator), of every region otherwise; ``regio`` picks
    one region or ``alle``."""
    if user is None:
        return _login("/allocaties")
    return _list(request, db, user, regio=regio)


def _list(request: Request, db: Session, user: User, *, fout: str | None = None, regio: str | None = None,
          waarden: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    keuze = (regio or user.res_code or ALLE).strip().upper()
    keuze = ALLE if keuze == ALLE.upper() else keuze
    page = allocatie.list_runs(db, regio=None if keuze == ALLE else keuze, paging=Paging(1, 100))
    regios = allocatie.regios_voor_start(db, user)
    filter_keuzes = dict(allocatie.regions_with_runs(db))
    if keuze != ALLE:
        filter_keuzes.setdefault(keuze, None)
    context = {
        "runs": page.items,
        "totaal": page.totaal,
        "eigen_regio": user.res_code,
        "filter": keuze,
        "filter_keuzes": sorted(filter_keuzes.items()),
        "alle": ALLE,
        "regio_keuzes": regios,
        "zichtjaren": ZICHTJAREN,
        "bronjaren": BRONJAREN,
        "fout": fout,
        "w": waarden or {},
    }
    return render(request, "allocaties.html", context, user=user, status_code=status_code)


def _float(value: Any, name_nl: str, name_en: str) -> float | None:
    text = str(value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        nl, en = f"{name_nl}: geen getal ({value})", f"{name_en}: not a number ({value})"
        raise allocatie.AllocatieError(nl, en) from None


def _int(value: Any, name_nl: str, name_en: str) -> int | None:
    number = _float(value, name_nl, name_en)
    if number is None:
        return None
    if number != int(number):
        nl, en = f"{name_nl}: geen heel getal ({value})", f"{name_en}: not a whole number ({value})"
        raise allocatie.AllocatieError(nl, en)
    return int(number)


def _codes(value: Any) -> tuple[str, ...]:
    return tuple(c.upper() for c in CODES.findall(str(value or "")))


def scenario_from_form(form: Any) -> tuple[dict[str, Any], int | None]:
    """The scenario changes of a start or scenario form, and the source year the closure needs (or None)."""
    changes: dict[str, Any] = {}
    bronjaar = None
    zonder = str(form.get("zonder_bron") or "").strip()
    if zonder:
        changes["verwijderd"] = [zonder]
    sluit = str(form.get("sluit_bron") or "").strip()
    if sluit:
        jaar = _int(form.get("sluit_jaar"), "sluitingsjaar", "closing year")
        if jaar is None:
            raise allocatie.AllocatieError("geef het jaar waarin de bron sluit", "give the year the source closes")
        gevraagd = _int(form.get("bronjaar"), "bronjaar", "source year")
        part, bronjaar = allocatie.scenario_bron_sluit(sluit, jaar, gevraagd)
        changes.update(part)
    schaal = str(form.get("schaal_bron") or "").strip()
    if schaal:
        factor = _float(form.get("schaal_factor"), "schaalfactor", "scale factor")
        if factor is None:
            raise allocatie.AllocatieError("geef de schaalfactor van de bron", "give the scale factor of the source")
        changes["schaal"] = {schaal: factor}
    prijsfactor = _float(form.get("warmteprijsfactor"), "warmteprijsfactor", "heat price factor")
    if prijsfactor is not None and prijsfactor != 1.0:
        changes["warmteprijsfactor"] = prijsfactor
    code = str(form.get("nieuw_code") or "").strip()
    if code:
        changes["nieuwe_bronnen"] = [{
            "code": code, "naam": str(form.get("nieuw_naam") or code).strip(),
            "temperatuurklasse": str(form.get("nieuw_klasse") or "").strip(),
            "x": _float(form.get("nieuw_x"), "x van de nieuwe bron", "x of the new source"),
            "y": _float(form.get("nieuw_y"), "y van de nieuwe bron", "y of the new source"),
            "beschikbaar_gj_per_jaar": _float(form.get("nieuw_gj"), "beschikbare warmte", "available heat"),
            "capaciteit_mw": _float(form.get("nieuw_mw"), "vermogen", "capacity"),
            "temperatuur_c": _float(form.get("nieuw_temperatuur"), "temperatuur", "temperature"),
        }]  # fmt: skip
    return allocatie.normalise_scenario(changes), bronjaar


async def _checked_form(request: Request, user: User | None) -> tuple[Any, Response | None]:
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return form, _error(request, user, 403)
    return form, None


@router.post("/allocaties", name="allocatie_start")
async def allocatie_start(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form, refused = await _checked_form(request, user)
    if refused is not None:
        return refused
    if user is None:
        return _login("/allocaties")
    waarden = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    regio = str(form.get("regio") or "").strip().upper()
    if not allocatie.kan_starten(user, regio):
        return _error(request, user, 403)
    try:
        changes, closing_year = scenario_from_form(form)
        bronjaar = _int(form.get("bronjaar"), "bronjaar", "source year")
        inst = allocatie.AllocatieInstellingen(
            regio=regio, titel=str(form.get("titel") or ""),
            zichtjaar=_int(form.get("zichtjaar"), "zichtjaar", "cost year") or 2030,
            bronjaar=closing_year if closing_year is not None else bronjaar,
            ambitie=str(form.get("ambitie") or "*"),
            vast_in=_codes(form.get("vast_in")), vast_uit=_codes(form.get("vast_uit")),
            max_afstand_m=1000.0 * (_float(form.get("max_afstand_km"), "maximale afstand", "maximum distance") or 25.0),
            pareto_punten=_int(form.get("pareto_punten"), "paretopunten", "Pareto points") or 0,
            scenario=changes,
        )  # fmt: skip
        info = start_for(request, db, user, inst)
    except allocatie.AllocatieError as exc:
        return _list(request, db, user, fout=_message(request, exc), waarden=waarden, status_code=422)
    except ApiProblem as exc:
        if exc.status == 403:
            return _error(request, user, 403)
        return _list(request, db, user, fout=_message(request, exc), waarden=waarden, status_code=422)
    return RedirectResponse(f"/allocaties/{info.id}", status_code=303)


def _run_or_none(db: Session, run_id: int) -> allocatie.RunInfo | None:
    return allocatie.get_run(db, run_id) if 0 < run_id < 2**31 else None


@router.get("/allocaties/{run_id}", response_class=HTMLResponse, name="allocatie")
def allocatie_page(
    request: Request, run_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    if user is None:
        return _login(f"/allocaties/{run_id}")
    info = _run_or_none(db, run_id)
    if info is None:
        return _error(request, user, 404)
    return render(request, "allocatie.html", _detail_context(db, info, user), user=user)


@router.get("/allocaties/{run_id}/voortgang", response_class=HTMLResponse, name="allocatie_voortgang")
def allocatie_voortgang(
    request: Request, run_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    """The progress and result fragment (htmx polling)."""
    if user is None:
        return _error(request, user, 403)
    info = _run_or_none(db, run_id)
    if info is None:
        return _error(request, user, 404)
    return render(request, "allocatie_voortgang.html", {**_detail_context(db, info, user), "oob": True}, user=user)


@router.post("/allocaties/{run_id}/annuleren", name="allocatie_annuleren")
async def allocatie_annuleren(
    request: Request, run_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    _form, refused = await _checked_form(request, user)
    if refused is not None:
        return refused
    if user is None:
        return _login(f"/allocaties/{run_id}")
    info = _run_or_none(db, run_id)
    if info is None:
        return _error(request, user, 404)
    if not allocatie.kan_annuleren(user, info):
        if info.lopend:
            return _error(request, user, 403)
        return RedirectResponse(f"/allocaties/{run_id}", status_code=303)
    try:
        allocatie.request_cancel(db, run_id)
        db.commit()
    except allocatie.AllocatieError:
        pass  # ended in the meantime: the page shows the final status
    return RedirectResponse(f"/allocaties/{run_id}", status_code=303)


@router.post("/allocaties/{run_id}/scenario", name="allocatie_scenario")
async def allocatie_scenario(
    request: Request, run_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form, refused = await _checked_form(request, user)
    if refused is not None:
        return refused
    if user is None:
        return _login(f"/allocaties/{run_id}")
    info = _run_or_none(db, run_id)
    if info is None:
        return _error(request, user, 404)
    if not allocatie.kan_starten(user, info.regio_code):
        return _error(request, user, 403)
    try:
        changes, closing_year = scenario_from_form(form)
        bronjaar = _int(form.get("bronjaar"), "bronjaar", "source year")
        if not changes and bronjaar is None:
            raise allocatie.AllocatieError("kies minstens één wijziging voor het scenario",
                                           "choose at least one change for the scenario")  # fmt: skip
        new = scenario_for(request, db, user, run_id, changes, titel=str(form.get("titel") or "") or None,
                           bronjaar=closing_year if closing_year is not None else bronjaar)  # fmt: skip
    except (allocatie.AllocatieError, ApiProblem) as exc:
        if isinstance(exc, ApiProblem) and exc.status == 403:
            return _error(request, user, 403)
        return _error(request, user, 422, _message(request, exc))
    return RedirectResponse(f"/allocaties/{new.id}", status_code=303)


@router.get("/allocaties/{run_id}/vergelijk", name="allocatie_vergelijk_keuze")
def allocatie_vergelijk_keuze(request: Request, run_id: int, met: int = 0) -> Response:
    """The compare form (GET, works without JavaScript) redirects to the comparison page."""
    return RedirectResponse(f"/allocaties/{run_id}/vergelijk/{met}", status_code=303)


@router.get("/allocaties/{a_id}/vergelijk/{b_id}", response_class=HTMLResponse, name="allocatie_vergelijk")
def allocatie_vergelijk(
    request: Request, a_id: int, b_id: int, db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):  # fmt: skip
    if user is None:
        return _login(f"/allocaties/{a_id}/vergelijk/{b_id}")
    a, b = _run_or_none(db, a_id), _run_or_none(db, b_id)
    if a is None or b is None:
        return _error(request, user, 404)
    try:
        v = allocatie.compare_runs(db, a_id, b_id)
    except allocatie.AllocatieError as exc:
        return _error(request, user, 422, _message(request, exc))
    colours = kleuren(a, b)
    rows = sorted(v.buurten, key=lambda r: (not r.gewijzigd, r.buurt_code))
    context = {
        "v": v,
        "a": a,
        "b": b,
        "rijen": rows,
        "kleuren": colours,
        "legenda": _legend([a, b], colours),
        "kleuren_json": json.dumps({c: k["kleur"] for c, k in colours.items()}),
        "gestreept_json": json.dumps(sorted(c for c, k in colours.items() if k["gestreept"])),
        "gewijzigd_json": json.dumps([r.buurt_code for r in v.gewijzigd]),
    }
    return render(request, "allocatie_vergelijk.html", context, user=user)
