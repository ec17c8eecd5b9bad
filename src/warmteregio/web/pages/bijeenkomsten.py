"""HTML pages of the regional network (issue 7), part 1b: meetings and workshops.

* ``/bijeenkomsten``: upcoming (or past) meetings the member may see, with free places and her own status.
* ``/bijeenkomsten/nieuw`` and ``/bijeenkomsten/{id}/bewerken``: the meeting with its agenda. The agenda has a fixed
  number of rows (no JavaScript needed; "more rows" re-renders the form with more); times of agenda items are
  clock times on the day of the meeting; workshops with the same round number run in parallel.
* ``/bijeenkomsten/{id}``: details, the programme as a timetable (parallel workshops side by side per round, with
  free places or "full — waiting list"), the registration form (one radio group per round), the member's status
  and waiting-list position, cancelling and the calendar download.
* ``/bijeenkomsten/{id}/deelnemers`` (managers): counts, participants, waiting lists in order, attendance
  checkboxes, invitations (off, with the reason, when no SMTP server is configured) and cancelling the meeting.
* ``/bijeenkomsten/{id}.ics`` and ``/agenda.ics`` (every meeting the member is registered for).

Everything calls :mod:`warmteregio.services.bijeenkomsten`; helpers are shared with :mod:`.netwerk`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.network import mail as netmail
from warmteregio.network.model import DOELGROEPEN, label
from warmteregio.services import bijeenkomsten as service
from warmteregio.services import netwerk as nw
from warmteregio.store.models import Aanmelding, User
from warmteregio.web import auth
from warmteregio.web.deps import get_db
from warmteregio.web.pages.netwerk import (
    Opmaak,
    basis,
    error,
    filtertekst,
    form_of,
    fouten_van,
    geldig_id,
    lang_of,
    login,
    nummer,
    refused,
    status_voor,
    tekst,
)
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

#: Agenda rows of a new meeting; editing shows the existing items plus :data:`EXTRA_RIJEN` empty rows.
NIEUWE_RIJEN = 8
EXTRA_RIJEN = 4
MAX_RIJEN = 100
RIJ_VELDEN = ("id", "soort", "titel", "start", "eind", "ronde", "zaal", "begeleider", "capaciteit", "omschrijving")
BIJEENKOMST_VELDEN = ("titel", "omschrijving", "start", "eind", "locatie", "online_url", "doelgroep", "res_code",
                      "capaciteit", "aanmelden_tot")  # fmt: skip


def mailer(request: Request) -> netmail.Mailer | None:
    """The mailer of this app's settings (None: e-mail off)."""
    return netmail.mailer_uit_instellingen(request.app.state.settings)


def mail_aan(request: Request) -> bool:
    return bool(request.app.state.settings.smtp_host)


def _load(request: Request, db: Session, user: User | None, bijeenkomst_id: int) -> tuple[Any, Response | None]:
    if nw.member(user) is None:
        return None, login(request.url.path)
    if not geldig_id(bijeenkomst_id):
        return None, error(request, 404, user)
    try:
        return service.get_bijeenkomst(db, user, bijeenkomst_id), None
    except nw.NetwerkError as exc:
        return None, refused(request, user, exc)


def mag_maken(user: User | None) -> bool:
    return nw.is_admin(user) or nw.is_coordinator(user)


# ------------------------------------------------------------------------------------------------ list


@router.get("/bijeenkomsten", response_class=HTMLResponse, name="bijeenkomsten")
def bijeenkomsten_page(
    request: Request,
    periode: str | None = None,
    regio: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
):
    if nw.member(user) is None:
        return login(request.url.path)
    afgelopen = periode == "afgelopen"
    items = service.list_bijeenkomsten(db, user, regio=(filtertekst(regio, 10) or "").upper() or None,
                                       komend=not afgelopen)  # fmt: skip
    if afgelopen:
        items = list(reversed(items))
    rijen = [{"b": b, "bezetting": service.bezetting(db, b), "mijn": _actief(service.mijn_aanmelding(db, user, b.id))}
             for b in items]  # fmt: skip
    context = basis(request, db, user, rijen=rijen, afgelopen=afgelopen, mag_maken=mag_maken(user))
    return render(request, "bijeenkomsten.html", context, user=user)


def _actief(a: Aanmelding | None) -> Aanmelding | None:
    return a if a is not None and a.status != "afgemeld" else None


# ------------------------------------------------------------------------------------------------ one meeting


def blokken(b: Any, bez: service.Bezetting, mijn_keuzes: dict[int, str],
            gekozen: set[int] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The agenda as timetable blocks in time order: a plenary part or break on its own, or a round of parallel
    workshops (``soort`` ``ronde``) with each workshop's occupancy and the member's choice."""
    out: list[dict[str, Any]] = []
    rondes: dict[int, dict[str, Any]] = {}
    for o in sorted(b.onderdelen, key=lambda o: (nw.aware(o.start), o.volgorde or 0, o.id)):
        start, eind = nw.aware(o.start), nw.aware(o.eind)
        if o.soort == "workshop" and o.ronde is not None:
            blok = rondes.get(o.ronde)
            if blok is None:
                blok = {"soort": "ronde", "ronde": o.ronde, "start": start, "eind": eind, "workshops": [],
                        "gekozen": None}  # fmt: skip
                rondes[o.ronde] = blok
                out.append(blok)
            blok["start"], blok["eind"] = min(blok["start"], start), max(blok["eind"], eind)
            wb = bez.workshops.get(o.id)
            mijn = mijn_keuzes.get(o.id)
            kies = (o.id in gekozen) if gekozen is not None else mijn is not None
            blok["workshops"].append({"o": o, "bez": wb, "mijn": mijn, "gekozen": kies,
                                      "vol": wb is not None and wb.vrij is not None and wb.vrij <= 0})  # fmt: skip
            if kies:
                blok["gekozen"] = o.id
        else:
            out.append({"soort": o.soort, "start": start, "eind": eind, "item": o})
    out.sort(key=lambda blok: blok["start"])
    return out


def _reden_niet(request: Request, b: Any, nu: datetime) -> str:
    if b.status != "gepland":
        return tekst(request, "De bijeenkomst is geannuleerd.", "The meeting has been cancelled.")
    if nu >= nw.aware(b.start):
        return tekst(request, "De bijeenkomst is al begonnen of voorbij; aanmelden kan niet meer.",
                     "The meeting has started or is over; registration is closed.")  # fmt: skip
    if b.aanmelden_tot is not None and nu > nw.aware(b.aanmelden_tot):
        return tekst(request, "De aanmeldtermijn is verstreken.", "The registration deadline has passed.")
    return tekst(request, "Deze bijeenkomst is niet voor uw doelgroep; aanmelden kan niet.",
                 "This meeting is not for your audience; you cannot register.")  # fmt: skip


def _meeting_context(request: Request, db: Session, user: User, b: Any, *, gekozen: set[int] | None = None,
                     **extra: Any) -> dict[str, Any]:  # fmt: skip
    nu = nw.now()
    bez = service.bezetting(db, b)
    mijn = _actief(service.mijn_aanmelding(db, user, b.id))
    keuzes = {k.onderdeel_id: k.status for k in mijn.keuzes} if mijn is not None else {}
    posities = service.workshop_posities(db, mijn) if mijn is not None else {}
    agenda = blokken(b, bez, keuzes, gekozen)
    titels = {o.id: o.titel for o in b.onderdelen}
    terugblik = None
    if nu >= nw.aware(b.start):
        try:
            from warmteregio.services import kennis

            terugblik = kennis.terugblik(db, user, b.id)
        except nw.NetwerkError:
            terugblik = None
    context = basis(
        request, db, user, b=b, bez=bez, mijn=mijn, blokken=agenda, rondes=[x for x in agenda if x["soort"] == "ronde"],
        mijn_positie=service.wachtlijst_positie(db, mijn) if mijn is not None else None,
        mijn_workshops=[{"titel": titels.get(oid, "?"), "status": st, "positie": posities.get(oid)}
                        for oid, st in keuzes.items()],
        kan_aanmelden=service.can_register(db, user, b), reden_niet=_reden_niet(request, b, nu),
        kan_afmelden=b.status == "gepland" and nu < nw.aware(b.start),
        mag_beheren=service.can_manage(db, user, b), begonnen=nu >= nw.aware(b.start),
        voorbij=nu >= nw.aware(b.eind), terugblik=terugblik,
    )  # fmt: skip
    context.update(extra)
    return context


@router.get("/bijeenkomsten/{bijeenkomst_id:netwerk_id}.ics", name="bijeenkomst_ics")
def bijeenkomst_ics(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if nw.member(user) is None:
        return login(f"/bijeenkomsten/{bijeenkomst_id}")
    if not geldig_id(bijeenkomst_id):
        return error(request, 404, user)
    try:
        inhoud = service.ical_bijeenkomst(db, user, bijeenkomst_id)
    except nw.NetwerkError as exc:
        return refused(request, user, exc)
    return calendar_response(inhoud, f"bijeenkomst-{bijeenkomst_id}.ics")


def calendar_response(inhoud: str, bestandsnaam: str) -> Response:
    return Response(
        inhoud.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{bestandsnaam}"', "Cache-Control": "private, no-store"},
    )


@router.get("/agenda.ics", name="mijn_agenda_ics")
def mijn_agenda_ics(request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)):
    if nw.member(user) is None:
        return login("/bijeenkomsten")
    return calendar_response(service.ical_mijn_agenda(db, user), "mijn-bijeenkomsten.ics")


@router.get("/bijeenkomsten/{bijeenkomst_id:netwerk_id}", response_class=HTMLResponse, name="bijeenkomst")
def bijeenkomst_page(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    b, weg = _load(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    return render(request, "bijeenkomst.html", _meeting_context(request, db, user, b), user=user)


@router.post("/bijeenkomsten/{bijeenkomst_id:netwerk_id}/aanmelden", name="bijeenkomst_aanmelden")
async def bijeenkomst_aanmelden(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    b, weg = _load(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    gekozen = [v for k, v in sorted(form.items()) if k.startswith("ronde_") and v.strip()]
    was = _actief(service.mijn_aanmelding(db, user, bijeenkomst_id))
    try:
        service.aanmelden(db, user, bijeenkomst_id, gekozen, mailer=mailer(request))
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return error(request, 403 if exc.status == 401 else exc.status, user)
        b = service.get_bijeenkomst(db, user, bijeenkomst_id)
        ids = {n for n in map(nummer, gekozen) if n is not None}
        context = _meeting_context(request, db, user, b, gekozen=ids, fouten=fouten_van(request, exc))
        return render(request, "bijeenkomst.html", context, user=user, status_code=status_voor(exc))
    db.commit()
    return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}?opgeslagen={'gewijzigd' if was else 'aangemeld'}",
                            status_code=303)  # fmt: skip


@router.post("/bijeenkomsten/{bijeenkomst_id:netwerk_id}/afmelden", name="bijeenkomst_afmelden")
async def bijeenkomst_afmelden(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    _form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    b, weg = _load(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    try:
        service.afmelden(db, user, bijeenkomst_id, mailer=mailer(request))
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return error(request, 403, user)
        b = service.get_bijeenkomst(db, user, bijeenkomst_id)
        context = _meeting_context(request, db, user, b, fouten=fouten_van(request, exc))
        return render(request, "bijeenkomst.html", context, user=user, status_code=status_voor(exc))
    db.commit()
    return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}?opgeslagen=afgemeld", status_code=303)


# ------------------------------------------------------------------------------------------------ create / edit


def _regio_keuzes_maken(context: dict[str, Any], user: User) -> list[tuple[str, str]]:
    if nw.is_admin(user):
        return context["regio_keuzes"]
    return [(c, n) for c, n in context["regio_keuzes"] if c == user.res_code]


def _form_context(request: Request, db: Session, user: User, w: dict[str, Any], rijen: list[dict[str, Any]],
                  b: Any = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    context = basis(request, db, user, b=b, w=w, rijen=rijen, **extra)
    lang = context["lang"]
    context["doelgroep_keuzes"] = [(c, label(DOELGROEPEN, c, lang)) for c in DOELGROEPEN]
    context["regio_keuzes_maken"] = _regio_keuzes_maken(context, user)
    return context


def _lege_rijen(n: int) -> list[dict[str, Any]]:
    return [{"soort": "plenair"} for _ in range(n)]


def _rijen_uit_form(form: dict[str, str]) -> list[dict[str, str]]:
    try:
        n = min(int(form.get("aantal_rijen", "0")), MAX_RIJEN)
    except ValueError:
        n = 0
    return [{k: form.get(f"onderdelen.{i}.{k}", "") for k in RIJ_VELDEN} for i in range(n)]


def _leeg(rij: dict[str, str]) -> bool:
    return not any((rij.get(k) or "").strip() for k in RIJ_VELDEN if k not in ("soort", "id"))


def _tijdstip(waarde: str, dag: str) -> str | None:
    """An agenda time: ``HH:MM`` on the meeting's day (``YYYY-MM-DD``), or a full date-time as typed."""
    waarde = waarde.strip()
    if not waarde:
        return None
    if "T" in waarde or not dag:
        return waarde
    return f"{dag}T{waarde}"


def _service_data(form: dict[str, str], rijen: list[dict[str, str]]) -> tuple[dict[str, Any], list[int]]:
    """The form as service data, and for every submitted agenda item the form row it came from."""
    data: dict[str, Any] = {k: (form.get(k) or "").strip() or None for k in BIJEENKOMST_VELDEN}
    dag = (data.get("start") or "")[:10]
    onderdelen, herkomst = [], []
    for i, rij in enumerate(rijen):
        if _leeg(rij):
            continue
        item = {k: (rij.get(k) or "").strip() or None for k in RIJ_VELDEN}
        item["start"] = _tijdstip(rij.get("start", ""), dag)
        item["eind"] = _tijdstip(rij.get("eind", ""), dag)
        onderdelen.append(item)
        herkomst.append(i)
    data["onderdelen"] = onderdelen
    return data, herkomst


def _hernoem(herkomst: list[int]):  # noqa: ANN202
    """Service error keys ``onderdelen_<k>_x`` (k-th submitted item) -> the form row's key."""

    def hernoem(key: str) -> str:
        parts = key.split("_", 2)
        if len(parts) == 3 and parts[0] == "onderdelen" and parts[1].isdigit() and int(parts[1]) < len(herkomst):
            return f"onderdelen_{herkomst[int(parts[1])]}_{parts[2]}"
        return key

    return hernoem


@router.get("/bijeenkomsten/nieuw", response_class=HTMLResponse, name="bijeenkomst_nieuw")
def bijeenkomst_nieuw_page(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    if nw.member(user) is None:
        return login(request.url.path)
    if not mag_maken(user):
        return error(request, 403, user)
    w = {"doelgroep": "regio" if nw.is_coordinator(user) else "coordinatoren", "res_code": user.res_code or ""}
    return render(request, "bijeenkomst_form.html", _form_context(request, db, user, w, _lege_rijen(NIEUWE_RIJEN)),
                  user=user)  # fmt: skip


async def _opslaan(request: Request, db: Session, user: User | None, bijeenkomst_id: int | None) -> Response:
    form, _items, ok = await form_of(request)
    if not ok:
        return error(request, 403, user)
    b = None
    if bijeenkomst_id is not None:
        b, weg = _load(request, db, user, bijeenkomst_id)
        if weg is not None:
            return weg
        if not service.can_manage(db, user, b):
            return error(request, 403, user)
    elif nw.member(user) is None:
        return login("/bijeenkomsten/nieuw")
    rijen = _rijen_uit_form(form)
    if form.get("meer_rijen") == "ja":  # no JavaScript needed to add agenda rows
        rijen += _lege_rijen(EXTRA_RIJEN)
        return render(request, "bijeenkomst_form.html", _form_context(request, db, user, form, rijen, b), user=user)
    data, herkomst = _service_data(form, rijen)
    try:
        if b is None:
            nieuw = service.create_bijeenkomst(db, user, data)
            bid, done = nieuw.id, "aangemaakt"
        else:
            service.update_bijeenkomst(db, user, b.id, data, versie=form.get("versie") or None, mailer=mailer(request))
            bid, done = b.id, "bewerkt"
    except nw.NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return error(request, 403 if exc.status == 401 else exc.status, user)
        conflict = exc.status == 409 and b is not None
        if conflict:  # show the current meeting
            b = service.get_bijeenkomst(db, user, b.id)
            w, rijen = _waarden(request, b)
        else:
            w = form
        context = _form_context(request, db, user, w, rijen, b, fouten=fouten_van(request, exc, _hernoem(herkomst)),
                                conflict=conflict)  # fmt: skip
        return render(request, "bijeenkomst_form.html", context, user=user, status_code=status_voor(exc))
    db.commit()
    return RedirectResponse(f"/bijeenkomsten/{bid}?opgeslagen={done}", status_code=303)


@router.post("/bijeenkomsten/nieuw", name="bijeenkomst_maak")
async def bijeenkomst_maak(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    return await _opslaan(request, db, user, None)


def _waarden(request: Request, b: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fmt = Opmaak(lang_of(request))
    w = {
        "titel": b.titel, "omschrijving": b.omschrijving or "", "start": fmt.invoer(b.start),
        "eind": fmt.invoer(b.eind), "locatie": b.locatie or "", "online_url": b.online_url or "",
        "doelgroep": b.doelgroep, "res_code": b.res_code or "",
        "capaciteit": "" if b.capaciteit is None else str(b.capaciteit),
        "aanmelden_tot": fmt.invoer(b.aanmelden_tot), "versie": b.versie,
    }  # fmt: skip
    rijen = [{"id": o.id, "soort": o.soort, "titel": o.titel, "start": fmt.tijd(o.start), "eind": fmt.tijd(o.eind),
              "ronde": "" if o.ronde is None else str(o.ronde), "zaal": o.zaal or "", "begeleider": o.begeleider or "",
              "capaciteit": "" if o.capaciteit is None else str(o.capaciteit), "omschrijving": o.omschrijving or ""}
             for o in sorted(b.onderdelen, key=lambda o: (nw.aware(o.start), o.volgorde or 0, o.id))]  # fmt: skip
    return w, rijen + _lege_rijen(EXTRA_RIJEN)


@router.get(
    "/bijeenkomsten/{bijeenkomst_id:netwerk_id}/bewerken", response_class=HTMLResponse, name="bijeenkomst_bewerken"
)
def bijeenkomst_bewerken_page(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    b, weg = _load(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    if not service.can_manage(db, user, b):
        return error(request, 403, user)
    w, rijen = _waarden(request, b)
    return render(request, "bijeenkomst_form.html", _form_context(request, db, user, w, rijen, b), user=user)


@router.post("/bijeenkomsten/{bijeenkomst_id:netwerk_id}/bewerken", name="bijeenkomst_wijzig")
async def bijeenkomst_wijzig(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    return await _opslaan(request, db, user, bijeenkomst_id)


# ------------------------------------------------------------------------------------------------ organiser


def _deelnemers_context(request: Request, db: Session, user: User, b: Any, **extra: Any) -> dict[str, Any]:
    nu = nw.now()
    rijen = service.deelnemers(db, user, b.id)
    bez = service.bezetting(db, b)
    aangemeld = [r for r in rijen if r.status == "aangemeld"]
    workshops = []
    for o in sorted(b.onderdelen, key=lambda o: (o.ronde or 0, nw.aware(o.start), o.id)):
        if o.soort != "workshop":
            continue
        wachtend = []
        for r in aangemeld:
            if any(oid == o.id and st == "wachtlijst" for oid, _t, st in r.workshops):
                wachtend.append((r.keuze_volgorde.get(o.id, (nu, 0)), r.naam))
        wb = bez.workshops.get(o.id)
        workshops.append({"o": o, "bez": wb, "vol": wb is not None and wb.vrij is not None and wb.vrij <= 0,
                          "wachtenden": [naam for _k, naam in sorted(wachtend, key=lambda x: x[0])]})  # fmt: skip
    context = basis(
        request, db, user, b=b, bez=bez, aangemeld=aangemeld, workshops=workshops,
        wachtlijst=sorted((r for r in rijen if r.status == "wachtlijst"), key=lambda r: r.positie or 0),
        begonnen=nu >= nw.aware(b.start), voorbij=nu >= nw.aware(b.eind), mail_aan=mail_aan(request),
        aantal=request.query_params.get("aantal"),
    )  # fmt: skip
    context.update(extra)
    return context


async def _beheer(request: Request, db: Session, user: User | None, bijeenkomst_id: int) -> tuple[Any, Any, Any]:
    """Form, meeting and a refusal (CSRF, login, permission) for the organiser's POST actions."""
    form, _items, ok = await form_of(request)
    if not ok:
        return form, None, error(request, 403, user)
    b, weg = _load(request, db, user, bijeenkomst_id)
    if weg is not None:
        return form, None, weg
    if not service.can_manage(db, user, b):
        return form, None, error(request, 403, user)
    return form, b, None


def _beheer_fout(request: Request, db: Session, user: User, bijeenkomst_id: int, exc: nw.NetwerkError) -> Response:
    db.rollback()
    if exc.status in (401, 403, 404):
        return error(request, 403 if exc.status == 401 else exc.status, user)
    b = service.get_bijeenkomst(db, user, bijeenkomst_id)
    context = _deelnemers_context(request, db, user, b, fouten=fouten_van(request, exc))
    return render(request, "bijeenkomst_deelnemers.html", context, user=user,
                  status_code=exc.status if exc.status in (409, 502) else 422)  # fmt: skip


@router.get(
    "/bijeenkomsten/{bijeenkomst_id:netwerk_id}/deelnemers", response_class=HTMLResponse, name="bijeenkomst_deelnemers"
)
def bijeenkomst_deelnemers_page(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    b, weg = _load(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    if not service.can_manage(db, user, b):
        return error(request, 403, user)
    return render(request, "bijeenkomst_deelnemers.html", _deelnemers_context(request, db, user, b), user=user)


@router.post("/bijeenkomsten/{bijeenkomst_id:netwerk_id}/aanwezigheid", name="bijeenkomst_aanwezigheid")
async def bijeenkomst_aanwezigheid(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, b, weg = await _beheer(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    values = await request.form()
    alle = [n for n in map(nummer, values.getlist("deelnemer")) if n is not None]
    aanwezig = {n for n in map(nummer, values.getlist("aanwezig")) if n is not None}
    try:
        service.registreer_aanwezigheid(db, user, bijeenkomst_id, {uid: uid in aanwezig for uid in alle})
    except nw.NetwerkError as exc:
        return _beheer_fout(request, db, user, bijeenkomst_id, exc)
    db.commit()
    return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}/deelnemers?opgeslagen=aanwezigheid", status_code=303)


@router.post("/bijeenkomsten/{bijeenkomst_id:netwerk_id}/uitnodigingen", name="bijeenkomst_uitnodigingen")
async def bijeenkomst_uitnodigingen(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    _form, b, weg = await _beheer(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    try:
        m = mailer(request)
        if m is None:
            raise nw.NetwerkError(
                "e-mail staat uit: er is geen SMTP-server ingesteld (WARMTEREGIO_SMTP_HOST)",
                "e-mail is off: no SMTP server is configured (WARMTEREGIO_SMTP_HOST)",
                409,
            )
        n = service.verstuur_uitnodigingen(db, user, bijeenkomst_id, mailer=m)
    except nw.NetwerkError as exc:
        return _beheer_fout(request, db, user, bijeenkomst_id, exc)
    db.commit()
    return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}/deelnemers?opgeslagen=uitnodigingen&aantal={n}",
                            status_code=303)  # fmt: skip


@router.post("/bijeenkomsten/{bijeenkomst_id:netwerk_id}/annuleren", name="bijeenkomst_annuleren")
async def bijeenkomst_annuleren(
    request: Request, bijeenkomst_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    form, b, weg = await _beheer(request, db, user, bijeenkomst_id)
    if weg is not None:
        return weg
    if form.get("bevestig") != "ja":
        melding = tekst(request, "vink aan dat u de bijeenkomst wilt annuleren",
                        "tick the box to confirm that you want to cancel the meeting")  # fmt: skip
        context = _deelnemers_context(request, db, user, b, fouten={"bevestig": melding, "form": melding})
        return render(request, "bijeenkomst_deelnemers.html", context, user=user, status_code=422)
    try:
        service.annuleer_bijeenkomst(db, user, bijeenkomst_id, mailer=mailer(request))
    except nw.NetwerkError as exc:
        return _beheer_fout(request, db, user, bijeenkomst_id, exc)
    db.commit()
    return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}?opgeslagen=geannuleerd", status_code=303)
