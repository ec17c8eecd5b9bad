"""HTML pages: national SMAA sweeps (issue 4).

* ``/sweeps``: the sweeps (newest first) and, for administrators and regional coordinators, a form to start one
  (CSRF); the form posts to ``POST /sweeps`` which calls the same service as ``POST /api/v1/sweeps`` and
  redirects to the sweep's page.
* ``/sweeps/{id}``: status and a ``<progress>`` bar that htmx refreshes every 2 seconds while the sweep runs
  (``/sweeps/{id}/voortgang`` returns the fragment; it stops polling once the sweep has ended), then the results:
  per gemeente how many buurten each variant wins and its mean first-rank acceptability, with a link to the CSV.
  Running sweeps can be cancelled (``POST /sweeps/{id}/annuleren``, CSRF).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.services import sweep
from warmteregio.services.queries import Paging
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.sweeps import start_sweep_for
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language
from warmteregio.web.pages import data
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

API_PREFIX = "/api/v1"
SAMPLE_CHOICES = (1_000, 2_000, 5_000, 10_000)
DEFAULT_SAMPLES = 10_000
ZICHTJAREN = (2025, 2030, 2035, 2040, 2045, 2050)
HELE_LAND = "alle"


@dataclass(frozen=True)
class Keuze:
    waarde: str
    naam: str


def _may_start(user: User | None) -> bool:
    return user is not None and Role(user.rol) in (Role.ADMIN, Role.COORDINATOR)


def _may_cancel(user: User | None, info: sweep.SweepInfo) -> bool:
    if not _may_start(user) or not info.lopend:
        return False
    assert user is not None
    if Role(user.rol) is Role.ADMIN or info.gestart_door_id == user.id:
        return True
    return bool(info.regios) and all(r == user.res_code for r in info.regios or [])


def _regio_keuzes(db: Session, user: User) -> list[Keuze]:
    regios = data.regios(db)
    if Role(user.rol) is Role.ADMIN:
        return [Keuze(r.code, f"{r.naam} ({r.code})") for r in regios]
    return [Keuze(r.code, f"{r.naam} ({r.code})") for r in regios if r.code == user.res_code]


def _parametersets() -> list[str]:
    try:
        from warmteregio.catalogue import available_parameter_sets
    except ImportError:  # pragma: no cover - catalogue not installed
        return []
    return available_parameter_sets()


def _top_variants(overview: list[sweep.GemeenteOverzicht]) -> list[sweep.WinnaarTelling]:
    """Over all gemeenten: buurten won per variant and the mean first-rank acceptability there."""
    totals: dict[str | None, tuple[int, float]] = {}
    for g in overview:
        for t in g.winnaars:
            n, som = totals.get(t.variant, (0, 0.0))
            totals[t.variant] = (n + t.aantal_buurten, som + (t.gemiddelde_acceptatie or 0.0) * t.aantal_buurten)
    out = [sweep.WinnaarTelling(v, n, som / n if n else None) for v, (n, som) in totals.items()]
    return sorted(out, key=lambda t: (-t.aantal_buurten, t.variant or "~"))


def _detail_context(db: Session, info: sweep.SweepInfo, user: User | None) -> dict:
    overview = sweep.gemeente_overview(db, info.id) if info.status == sweep.STATUS_KLAAR else []
    return {
        "sweep": info,
        "overzicht": overview,
        "totaal": _top_variants(overview),
        "mag_annuleren": _may_cancel(user, info),
        "api": f"{API_PREFIX}/sweeps/{info.id}",
    }


@router.get("/sweeps", response_class=HTMLResponse, name="sweeps")
def sweeps_page(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    page = sweep.list_sweeps(db, Paging(1, 50))
    context = {
        "sweeps": page.items,
        "totaal": page.totaal,
        "mag_starten": _may_start(user),
        "is_beheerder": user is not None and Role(user.rol) is Role.ADMIN,
        "regio_keuzes": _regio_keuzes(db, user) if user is not None and _may_start(user) else [],
        "parametersets": _parametersets(),
        "zichtjaren": ZICHTJAREN,
        "samples": SAMPLE_CHOICES,
        "standaard_samples": DEFAULT_SAMPLES,
        "hele_land": HELE_LAND,
    }
    return render(request, "sweeps.html", context, user=user)


def _error(request: Request, user: User | None, status: int, reden: str | None = None) -> HTMLResponse:
    context = {"status": status, "reden": reden} if reden else {"status": status}
    if status == 403:
        context["geen_toegang"] = True
    return render(request, "fout.html", context, user=user, status_code=status)


@router.post("/sweeps", name="sweep_start")
async def sweep_start(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return _error(request, user, 403)
    if user is None:
        return RedirectResponse("/login?next=/sweeps", status_code=303)
    if not _may_start(user):
        return _error(request, user, 403)
    lang = request_language(request)
    keuze = str(form.get("regio") or "")
    alle = keuze == HELE_LAND
    try:
        regios = [] if alle else [normalise_rescode(keuze)]
        n_samples = int(str(form.get("samples") or DEFAULT_SAMPLES))
        seed = int(str(form.get("seed") or 0))
        zichtjaar = int(str(form.get("zichtjaar") or 2030))
    except (CodeError, ValueError):
        return _error(request, user, 422)
    instellingen = sweep.SweepInstellingen(
        parameterset=str(form.get("parameterset") or "vesta2025"), zichtjaar=zichtjaar, n_samples=n_samples, seed=seed
    )
    try:
        instellingen.validate()
        uitvoering = str(form.get("uitvoering") or "standaard")
        if uitvoering not in ("standaard", "local", "inproces"):
            return _error(request, user, 422)
        info = start_sweep_for(request, db, user, regios, [], alle, instellingen, uitvoering)
    except sweep.SweepError as exc:
        return _error(request, user, 422, exc.nl if lang == "nl" else exc.en)
    except ApiProblem as exc:
        if exc.status == 403:
            return _error(request, user, 403)
        nl, _, en = exc.detail.partition(" / ")
        return _error(request, user, 422, nl if lang == "nl" else en)
    return RedirectResponse(f"/sweeps/{info.id}", status_code=303)


@router.get("/sweeps/{sweep_id}", response_class=HTMLResponse, name="sweep")
def sweep_page(
    request: Request, sweep_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    info = sweep.get_sweep(db, sweep_id) if 0 < sweep_id < 2**31 else None
    if info is None:
        return _error(request, user, 404)
    return render(request, "sweep.html", _detail_context(db, info, user), user=user)


@router.get("/sweeps/{sweep_id}/voortgang", response_class=HTMLResponse, name="sweep_voortgang")
def sweep_voortgang(
    request: Request, sweep_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    """The progress and results fragment (htmx polling)."""
    info = sweep.get_sweep(db, sweep_id) if 0 < sweep_id < 2**31 else None
    if info is None:
        return _error(request, user, 404)
    return render(request, "sweep_voortgang.html", {**_detail_context(db, info, user), "oob": True}, user=user)


@router.post("/sweeps/{sweep_id}/annuleren", name="sweep_annuleren")
async def sweep_annuleren(
    request: Request, sweep_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return _error(request, user, 403)
    info = sweep.get_sweep(db, sweep_id) if 0 < sweep_id < 2**31 else None
    if info is None:
        return _error(request, user, 404)
    if user is None:
        return RedirectResponse(f"/login?next=/sweeps/{sweep_id}", status_code=303)
    if not _may_cancel(user, info):
        if info.lopend:
            return _error(request, user, 403)
        return RedirectResponse(f"/sweeps/{sweep_id}", status_code=303)
    try:
        sweep.request_cancel(db, sweep_id)
        db.commit()
    except sweep.SweepError:
        pass  # ended in the meantime: the page shows the final status
    return RedirectResponse(f"/sweeps/{sweep_id}", status_code=303)
