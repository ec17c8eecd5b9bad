"""HTML pages of the knowledge base, the retrospectives of meetings and the questions and answers (issue 7).

* ``/kennis``: the search page, one search box with filters (soort, thema, regio) as a plain GET form, the results
  with the matched words marked in a fragment, the count, pagination and help when nothing is found.
* ``/kennis/nieuw``, ``/kennis/{id}``, ``/kennis/{id}/bewerken``: create, read (Markdown rendered safely,
  attachments, photos, linked items and cases, related items with the reasons) and edit or delete an item.
* ``/kennis/{id}/bijlagen``: upload (multipart with the CSRF token; size refused early by ``Content-Length``) and
  delete attachments; ``/kennis/{id}/bijlagen/{bid}`` serves one as a download (photos inline as images).
* ``/bijeenkomsten/{id}/terugblik``: the retrospective of a meeting: the organiser writes it, adds photos with
  their alternative text, links knowledge items and cases and publishes; members read it.
* ``/vragen``, ``/vragen/nieuw``, ``/vragen/{id}``: questions, answers and marking the best answer (which becomes
  a knowledge item).

Forms work without JavaScript (POST with the CSRF token, redirect after success, the form again with the errors
next to the fields otherwise). Everything calls :mod:`warmteregio.services.kennis` (and, for meetings and cases,
:mod:`~warmteregio.services.bijeenkomsten` and :mod:`~warmteregio.services.casus`); the API under ``/api/v1``
calls the same functions.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_rescode
from warmteregio.network import search
from warmteregio.network.markdown import render_markdown
from warmteregio.network.model import (
    KENNIS_SOORTEN,
    KENNIS_STATUSES,
    MAX_DOCUMENT_BYTES,
    MAX_FOTO_BYTES,
    THEMAS,
    VRAAG_STATUSES,
    VRAAG_ZICHTBAARHEDEN,
    ZICHTBAARHEDEN,
    label,
)
from warmteregio.services import kennis as service
from warmteregio.services import netwerk
from warmteregio.services.netwerk import NetwerkError
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.kennis import (
    attachment_response,
    max_upload_bytes,
    namen,
    split_links,
    upload_too_large,
)
from warmteregio.web.deps import get_db
from warmteregio.web.pages import data
from warmteregio.web.pages.netwerk import filtertekst, geldig_id
from warmteregio.web.pages.netwerk import formulier as _form
from warmteregio.web.pages.netwerk import foutpagina as _error
from warmteregio.web.pages.netwerk import lang_of as _lang
from warmteregio.web.pages.netwerk import login_hier as _login
from warmteregio.web.pages.netwerk import nummer as rij_id
from warmteregio.web.pages.netwerk import tekst as _message
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

#: Results per page of the search page.
PER_PAGINA = 20
#: Knowledge items offered to link to a retrospective.
KANDIDATEN = 40
#: Soorten a member creates by hand (retrospectives and Q&A items come from their own flows).
EIGEN_SOORTEN = ("studie", "praktijkverhaal", "handreiking", "sjabloon", "workshopcasus")
VOCABS = {"soort": KENNIS_SOORTEN, "zichtbaarheid": ZICHTBAARHEDEN, "status": KENNIS_STATUSES, "thema": THEMAS,
          "vraagstatus": VRAAG_STATUSES}  # fmt: skip
_WOORD = re.compile(r"\w+", re.UNICODE)


# ------------------------------------------------------------------------------------------------ helpers


def _fouten(request: Request, exc: NetwerkError) -> dict[str, str]:
    """Field -> message in the page language; ``form``: the summary."""
    out: dict[str, str] = {}
    for f in exc.fouten or []:
        key = str(f.get("veld") or "form").replace(".", "_").split("[")[0]
        text = _message(request, f.get("nl", ""), f.get("en", ""))
        out[key] = f"{out[key]}; {text}" if key in out and text not in out[key] else text
    out["form"] = _message(request, exc.nl, exc.en)
    return out


def _labeler(lang: str):
    def lbl(vocab: str, code: str | None) -> str:
        return label(VOCABS[vocab], code, lang)

    return lbl


def _opties(lang: str):
    def opties(vocab: str, codes: Any) -> list[tuple[str, str]]:
        return [(c, label(VOCABS[vocab], c, lang)) for c in codes]

    return opties


def _item_opties(lang: str):
    def item_opties(items: Any) -> list[tuple[int, str]]:
        return [(i.id, f"{i.titel} ({label(KENNIS_SOORTEN, i.soort, lang)})") for i in items]

    return item_opties


def _base(request: Request, **extra: Any) -> dict[str, Any]:
    lang = _lang(request)
    context: dict[str, Any] = {
        "lang": lang,
        "lbl": _labeler(lang),
        "opties": _opties(lang),
        "item_opties": _item_opties(lang),
        "md": render_markdown,
        "opgeslagen": request.query_params.get("opgeslagen"),
        "fouten": {},
        "w": {},
    }
    context.update(extra)
    return context


def _regios(db: Session) -> list[tuple[str, str]]:
    return [(r.code, r.naam) for r in data.regios(db)]


def _regio_opties(db: Session) -> list[tuple[str, str]]:
    return [(code, f"{naam} ({code})") for code, naam in _regios(db)]


def _lijst(value: Any) -> list:
    return value if isinstance(value, list) else netwerk.json_list(value)


def _rescode(value: str | None) -> str | None:
    try:
        return normalise_rescode(value) if value else None
    except CodeError:
        return None


def highlight(fragment: str | None, q: str | None) -> Markup:
    """``fragment`` escaped, with the words that match the query (same Dutch stem, diacritics ignored) in
    ``<mark>``. Escaping comes first: the fragment is user text."""
    text = fragment or ""
    parsed = search.parse(q)
    wanted = {s for group in parsed.groups for phrase in group for s in phrase}
    if not wanted or not text:
        return Markup(escape(text))
    out: list[str] = []
    last = 0
    for m in _WOORD.finditer(text):
        word = m.group(0)
        stems = search.stems(word)
        if stems and all(s in wanted for s in stems):
            out.append(str(escape(text[last : m.start()])))
            out.append(f"<mark>{escape(word)}</mark>")
            last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def _tags(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip()]


def _weblinks(text: str | None) -> list[dict[str, Any]]:
    """Links from a textarea: one per line, ``title | address`` or only the address."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            titel, url = (p.strip() for p in line.rsplit("|", 1))
            out.append({"titel": titel or None, "url": url})
        else:
            out.append({"titel": None, "url": line})
    return out


def _weblinks_tekst(links: list[dict[str, Any]]) -> str:
    return "\n".join(f"{ln['titel']} | {ln['url']}" if ln.get("titel") else ln["url"] for ln in links)


def _geldig(*ids: int) -> bool:
    return all(geldig_id(i) for i in ids)


def _ids(form: Any, name: str) -> list[int]:
    return [n for n in map(rij_id, form.getlist(name)) if n is not None]


def _themas_uit(form: Any) -> list[str]:
    chosen = [v for v in form.getlist("themas") if isinstance(v, str) and v]
    extra = form.get("themas_extra")
    return list(dict.fromkeys([*chosen, *_tags(extra if isinstance(extra, str) else "")]))


def _casussen(db: Session, user: User | None) -> list[tuple[int, str]]:
    from warmteregio.services import casus

    if user is None:
        return []
    try:
        return [(c.id, c.titel) for c in casus.list_casussen(db, user)]
    except Exception:  # noqa: BLE001 - the cases are an optional extra on the form
        return []


def _casus_titels(db: Session, user: User | None, ids: list[int]) -> list[tuple[int, str | None]]:
    from warmteregio.services import casus

    out: list[tuple[int, str | None]] = []
    for cid in ids:
        try:
            out.append((cid, casus.get_casus(db, user, cid).titel if user is not None else None))
        except Exception:  # noqa: BLE001 - a case the reader may not see is shown by number only
            out.append((cid, None))
    return out


# ------------------------------------------------------------------------------------------------ search


def _zoek_url(params: dict[str, Any], **changes: Any) -> str:
    """``/kennis`` with the non-empty ``params`` (page 1 is left out)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "") and (k, v) != ("pagina", 1)}
    return "/kennis" + (f"?{urlencode(merged)}" if merged else "")


@router.get("/kennis", response_class=HTMLResponse, name="kennis")
def kennis_zoeken(
    request: Request,
    q: str | None = None,
    soort: str | None = None,
    thema: str | None = None,
    regio: str | None = None,
    buurt: str | None = None,
    pagina: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    q = (q or "").strip()[:500] or None
    try:
        buurtcode = normalise_buurtcode(buurt) if buurt and buurt.strip() else None
    except CodeError:
        buurtcode = None
    soort = soort if soort in KENNIS_SOORTEN else None
    thema = filtertekst(thema, 60)
    regiocode = _rescode(regio)
    nummer = p if (p := rij_id(pagina)) is not None and p < 10_000 else 1
    fout = None
    try:
        uitkomst = service.zoek(db, user, q, soort=soort, thema=thema, regio=regiocode, buurt=buurtcode,
                                limit=PER_PAGINA, offset=(nummer - 1) * PER_PAGINA)  # fmt: skip
        treffers, totaal = uitkomst.treffers, uitkomst.totaal
        telling = service.soorten_telling(db, user, q, thema=thema, regio=regiocode, buurt=buurtcode)
    except NetwerkError as exc:
        treffers, totaal, fout, telling = [], 0, _message(request, exc.nl, exc.en), {}
    params = {"q": q, "soort": soort, "thema": thema, "regio": regiocode, "buurt": buurtcode}
    paginas = max(1, -(-totaal // PER_PAGINA))
    rows = [{"item": t.item, "fragment": highlight(t.fragment, q), "themas": _lijst(t.item.themas)} for t in treffers]
    context = _base(
        request, q=q or "", filters=params, treffers=rows, totaal=totaal, pagina=nummer, paginas=paginas,
        eerste=(nummer - 1) * PER_PAGINA + 1 if rows else 0, laatste=(nummer - 1) * PER_PAGINA + len(rows),
        vorige=_zoek_url(params, pagina=nummer - 1) if nummer > 1 else None,
        volgende=_zoek_url(params, pagina=nummer + 1) if nummer < paginas else None,
        wis_filters=_zoek_url({"q": q}), zoekfout=fout, regios=_regios(db),
        soorten=list(KENNIS_SOORTEN), themas=list(THEMAS), gefilterd=bool(soort or thema or regiocode or buurtcode),
        telling=telling,
    )  # fmt: skip
    return render(request, "kennis.html", context, user=user)


# ------------------------------------------------------------------------------------------------ create and edit


def _item_data(form: Any, values: dict[str, str]) -> dict[str, Any]:
    return {
        "soort": values.get("soort", ""),
        "titel": values.get("titel", ""),
        "samenvatting": values.get("samenvatting", ""),
        "inhoud": values.get("inhoud", ""),
        "auteur_naam": values.get("auteur_naam", ""),
        "res_code": values.get("res_code") or None,
        "gemeente_code": values.get("gemeente_code") or None,
        "themas": _themas_uit(form),
        "buurten": _tags(values.get("buurten")),
        "strategieen": _tags(values.get("strategieen")),
        "bronnen": _tags(values.get("bronnen")),
        "casussen": _ids(form, "casussen"),
        "links": _weblinks(values.get("links")),
        "zichtbaarheid": values.get("zichtbaarheid", ""),
        "status": values.get("status") or "gepubliceerd",
    }


def _form_waarden(item: Any) -> dict[str, Any]:
    """The form values of an existing item."""
    web, _items = split_links(item)
    themas = _lijst(item.themas)
    return {
        "soort": item.soort, "titel": item.titel, "samenvatting": item.samenvatting or "",
        "inhoud": item.inhoud or "", "auteur_naam": item.auteur_naam or "", "res_code": item.res_code or "",
        "gemeente_code": item.gemeente_code or "", "themas": [t for t in themas if t in THEMAS],
        "themas_extra": ", ".join(t for t in themas if t not in THEMAS), "buurten": ", ".join(_lijst(item.buurten)),
        "strategieen": ", ".join(_lijst(item.strategieen)), "bronnen": ", ".join(_lijst(item.bronnen)),
        "casussen": [int(c) for c in _lijst(item.casussen) if str(c).isdigit()], "links": _weblinks_tekst(web),
        "zichtbaarheid": item.zichtbaarheid, "status": item.status, "versie": item.versie,
    }  # fmt: skip


def _echo(form: Any, values: dict[str, str]) -> dict[str, Any]:
    """The submitted values, to show the form again after an error."""
    w: dict[str, Any] = dict(values)
    w["themas"] = [v for v in form.getlist("themas") if isinstance(v, str)]
    w["casussen"] = _ids(form, "casussen")
    return w


def _form_context(request: Request, db: Session, user: User | None, item: Any | None, w: dict[str, Any],
                  fouten: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    soorten = list(EIGEN_SOORTEN)
    if item is not None and item.soort not in soorten:
        soorten.append(item.soort)
    return _base(
        request, item=item, w=w, fouten=fouten or {}, soorten=soorten, zichtbaarheden=list(ZICHTBAARHEDEN),
        statussen=list(KENNIS_STATUSES), themas=list(THEMAS), regio_opties=_regio_opties(db),
        casussen=_casussen(db, user),
        max_mb=MAX_DOCUMENT_BYTES // (1024 * 1024),
    )  # fmt: skip


@router.get("/kennis/nieuw", response_class=HTMLResponse, name="kennis_nieuw")
def kennis_nieuw(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if netwerk.member(user) is None:
        return _login(request)
    w = {"soort": "praktijkverhaal", "zichtbaarheid": "leden", "status": "gepubliceerd",
         "res_code": netwerk.user_region(db, user) or "", "auteur_naam": user.naam if user else ""}  # fmt: skip
    return render(request, "kennis_form.html", _form_context(request, db, user, None, w), user=user)


@router.post("/kennis/nieuw", name="kennis_maak")
async def kennis_maak(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, form, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    try:
        item = service.create_item(db, user, _item_data(form, values))
        item_id = item.id
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return _error(request, user, exc.status, exc)
        context = _form_context(request, db, user, None, _echo(form, values), _fouten(request, exc))
        return render(request, "kennis_form.html", context, user=user, status_code=422)
    db.commit()
    return RedirectResponse(f"/kennis/{item_id}?opgeslagen=aangemaakt", status_code=303)


def _load(request: Request, db: Session, user: User | None, item_id: int) -> tuple[Any, Response | None]:
    if not _geldig(item_id):
        return None, _error(request, user, 404)
    try:
        return service.get_item(db, user, item_id), None
    except NetwerkError as exc:
        return None, _error(request, user, exc.status, exc)


def _kan_bewerken(db: Session, user: User | None, item: Any) -> bool:
    return user is not None and bool(service.can_edit_item(db, user, item))


@router.get("/kennis/{item_id}", response_class=HTMLResponse, name="kennis_item")
def kennis_item(
    request: Request, item_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    item, refused = _load(request, db, user, item_id)
    if refused is not None:
        return refused
    web, _ids_gekoppeld = split_links(item)
    try:
        verwant = service.gerelateerd(db, user, item.id, limit=5)
    except NetwerkError:
        verwant = []
    context = _base(
        request, item=item, inhoud=render_markdown(item.inhoud), themas=_lijst(item.themas),
        buurten=_lijst(item.buurten), strategieen=_lijst(item.strategieen), bronnen=_lijst(item.bronnen),
        weblinks=web, gekoppeld=service.gekoppelde_items(db, user, item),
        casussen=_casus_titels(db, user, [int(c) for c in _lijst(item.casussen) if str(c).isdigit()]),
        documenten=[b for b in item.bijlagen if b.soort != "foto"],
        fotos=[b for b in item.bijlagen if b.soort == "foto"], verwant=verwant,
        mag_bewerken=_kan_bewerken(db, user, item),
    )  # fmt: skip
    return render(request, "kennis_item.html", context, user=user)


@router.get("/kennis/{item_id}/bewerken", response_class=HTMLResponse, name="kennis_bewerken")
def kennis_bewerken(
    request: Request, item_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if user is None:
        return _login(request)
    item, refused = _load(request, db, user, item_id)
    if refused is not None:
        return refused
    if not _kan_bewerken(db, user, item):
        return _error(request, user, 403, nl="U mag dit item niet wijzigen.", en="You may not edit this item.")
    context = _form_context(request, db, user, item, _form_waarden(item))
    return render(request, "kennis_form.html", context, user=user)


@router.post("/kennis/{item_id}/bewerken", name="kennis_wijzig")
async def kennis_wijzig(
    request: Request, item_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, form, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    item, refused = _load(request, db, user, item_id)
    if refused is not None:
        return refused
    try:
        service.update_item(db, user, item_id, _item_data(form, values), versie=values.get("versie") or None)
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return _error(request, user, exc.status, exc)
        item = service.get_item(db, user, item_id)
        w = _echo(form, values)
        if exc.status == 409:  # someone else changed it: show the current version, keep the text typed
            w = _form_waarden(item) | {"inhoud": values.get("inhoud", "")}
        context = _form_context(request, db, user, item, w, _fouten(request, exc))
        context["conflict"] = exc.status == 409
        return render(request, "kennis_form.html", context, user=user, status_code=409 if exc.status == 409 else 422)
    db.commit()
    return RedirectResponse(f"/kennis/{item_id}?opgeslagen=gewijzigd", status_code=303)


@router.post("/kennis/{item_id}/verwijderen", name="kennis_verwijder")
async def kennis_verwijder(
    request: Request, item_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, _form_data, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    if not _geldig(item_id):
        return _error(request, user, 404)
    if values.get("bevestig") != "ja":
        return RedirectResponse(f"/kennis/{item_id}/bewerken?opgeslagen=niet-bevestigd", status_code=303)
    try:
        service.delete_item(db, user, item_id)
    except NetwerkError as exc:
        db.rollback()
        return _error(request, user, exc.status, exc)
    db.commit()
    return RedirectResponse("/kennis?opgeslagen=verwijderd", status_code=303)


# ------------------------------------------------------------------------------------------------ attachments


def _bijlagen_context(request: Request, item: Any, **extra: Any) -> dict[str, Any]:
    return _base(request, item=item, documenten=[b for b in item.bijlagen if b.soort != "foto"],
                 fotos=[b for b in item.bijlagen if b.soort == "foto"], max_mb=MAX_DOCUMENT_BYTES // (1024 * 1024),
                 max_foto_mb=MAX_FOTO_BYTES // (1024 * 1024), **extra)  # fmt: skip


@router.get("/kennis/{item_id}/bijlagen", response_class=HTMLResponse, name="kennis_bijlagen")
def kennis_bijlagen(
    request: Request, item_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if user is None:
        return _login(request)
    item, refused = _load(request, db, user, item_id)
    if refused is not None:
        return refused
    if not _kan_bewerken(db, user, item):
        return _error(request, user, 403, nl="U mag de bijlagen van dit item niet wijzigen.",
                      en="You may not change the attachments of this item.")  # fmt: skip
    return render(request, "kennis_bijlagen.html", _bijlagen_context(request, item), user=user)


async def _upload(request: Request, db: Session, user: User | None, item_id: int,
                  soort_vast: str | None = None) -> tuple[Any, dict[str, str], int]:  # fmt: skip
    """Read and store an uploaded attachment. Returns (attachment or None, field errors, status)."""
    weigering = upload_too_large(request, max_upload_bytes())
    if weigering is not None:
        status, nl, en = weigering
        return None, {"bestand": _message(request, nl, en), "form": _message(request, nl, en)}, status
    values, form, ok = await _form(request)
    if not ok:
        return None, {"csrf": "1"}, 403
    soort = soort_vast or (values.get("soort") if values.get("soort") in ("document", "foto") else "document")
    bestand = form.get("bestand")
    beschrijving = (values.get("beschrijving") or "").strip()
    fouten: dict[str, str] = {}
    if bestand is None or isinstance(bestand, str) or not bestand.filename:
        fouten["bestand"] = _message(request, "Kies een bestand.", "Choose a file.")
    if soort == "foto" and not beschrijving:
        fouten["beschrijving"] = _message(request, "Beschrijf wat er op de foto staat (alternatieve tekst).",
                                          "Describe what the photo shows (alternative text).")  # fmt: skip
    if fouten:
        fouten["form"] = _message(request, "De bijlage is niet toegevoegd.", "The attachment was not added.")
        return None, fouten, 422
    limit = max_upload_bytes(soort)
    if bestand.size is not None and bestand.size > limit:
        nl, en = (f"Het bestand is te groot (maximaal {limit // (1024 * 1024)} MB).",
                  f"The file is too large (at most {limit // (1024 * 1024)} MB).")  # fmt: skip
        return None, {"bestand": _message(request, nl, en), "form": _message(request, nl, en)}, 413
    inhoud = await bestand.read()
    try:
        b = service.add_bijlage(db, user, item_id, bestand.filename, inhoud, beschrijving=beschrijving or None,
                                soort=soort)  # fmt: skip
    except NetwerkError as exc:
        db.rollback()
        fouten = _fouten(request, exc)
        fouten.setdefault("bestand", fouten["form"])
        return None, fouten, exc.status
    db.commit()
    return b, {}, 201


@router.post("/kennis/{item_id}/bijlagen", name="kennis_bijlage_maak")
async def kennis_bijlage_maak(
    request: Request, item_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if user is None:
        return _login(request)
    b, fouten, status = await _upload(request, db, user, item_id)
    if status == 403 and "csrf" in fouten:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if b is not None:
        return RedirectResponse(f"/kennis/{item_id}/bijlagen?opgeslagen=bijlage", status_code=303)
    item, refused = _load(request, db, user, item_id)
    if refused is not None:
        return refused
    if status in (401, 403, 404):
        return _error(request, user, status, nl=fouten.get("form"), en=fouten.get("form"))
    context = _bijlagen_context(request, item, fouten=fouten)
    return render(request, "kennis_bijlagen.html", context, user=user, status_code=status if status >= 400 else 422)


@router.post("/kennis/{item_id}/bijlagen/{bijlage_id}/verwijderen", name="kennis_bijlage_verwijder")
async def kennis_bijlage_verwijder(
    request: Request,
    item_id: int,
    bijlage_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    _values, _form_data, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    if not _geldig(item_id, bijlage_id):
        return _error(request, user, 404)
    try:
        service.delete_bijlage(db, user, item_id, bijlage_id)
    except NetwerkError as exc:
        db.rollback()
        return _error(request, user, exc.status, exc)
    db.commit()
    terug = f"/kennis/{item_id}/bijlagen?opgeslagen=bijlage-verwijderd"
    if _values.get("terug") == "terugblik":
        item = service.get_item(db, user, item_id)
        if item.bijeenkomst_id:
            terug = f"/bijeenkomsten/{item.bijeenkomst_id}/terugblik?opgeslagen=foto-verwijderd"
    return RedirectResponse(terug, status_code=303)


@router.get("/kennis/{item_id}/bijlagen/{bijlage_id}", name="kennis_bijlage")
def kennis_bijlage(
    request: Request,
    item_id: int,
    bijlage_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    if not _geldig(item_id, bijlage_id):
        return _error(request, user, 404)
    try:
        b = service.get_bijlage(db, user, item_id, bijlage_id)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    return attachment_response(b)


# ------------------------------------------------------------------------------------------------ retrospective


def _terugblik_context(request: Request, db: Session, user: User | None, b: Any, item: Any | None,
                       kan_beheren: bool, w: dict[str, Any] | None = None,
                       fouten: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    web, gekoppeld = split_links(item) if item is not None else ([], [])
    casus_ids = [int(c) for c in _lijst(item.casussen) if str(c).isdigit()] if item is not None else []
    context = _base(request, bijeenkomst=b, item=item, kan_beheren=kan_beheren, fouten=fouten or {},
                    inhoud=render_markdown(item.inhoud) if item is not None else Markup(""),
                    weblinks=web, gekoppeld=service.gekoppelde_items(db, user, item) if item is not None else [],
                    casussen=_casus_titels(db, user, casus_ids),
                    fotos=[f for f in item.bijlagen if f.soort == "foto"] if item is not None else [],
                    max_foto_mb=MAX_FOTO_BYTES // (1024 * 1024))  # fmt: skip
    if kan_beheren:
        try:
            kandidaten = [t.item for t in service.zoek(db, user, None, limit=KANDIDATEN).treffers
                          if t.item.soort != "terugblik"]  # fmt: skip
        except NetwerkError:
            kandidaten = []
        bekend = {k.id for k in kandidaten}
        kandidaten += [k for k in context["gekoppeld"] if k.id not in bekend]
        if w is None:
            w = {
                "titel": item.titel if item else "",
                "samenvatting": item.samenvatting if item else "",
                "inhoud": item.inhoud if item else "",
                "kennisitems": gekoppeld,
                "casussen": casus_ids,
                "links": _weblinks_tekst(web),
                "themas": [t for t in _lijst(item.themas) if t in THEMAS] if item else [],
                "zichtbaarheid": item.zichtbaarheid if item else "",
                "versie": item.versie if item else "",
            }
        context.update(w=w, kandidaten=kandidaten, casus_keuzes=_casussen(db, user), themas=list(THEMAS),
                       zichtbaarheden=list(ZICHTBAARHEDEN))  # fmt: skip
    return context


def _bijeenkomst(request: Request, db: Session, user: User | None, bijeenkomst_id: int) -> tuple[Any, Response | None]:
    from warmteregio.services import bijeenkomsten

    if not _geldig(bijeenkomst_id):
        return None, _error(request, user, 404)
    try:
        return bijeenkomsten.get_bijeenkomst(db, user, bijeenkomst_id), None
    except NetwerkError as exc:
        return None, _error(request, user, exc.status, exc)


def _kan_beheren(db: Session, user: User | None, b: Any) -> bool:
    from warmteregio.services import bijeenkomsten

    return user is not None and bool(bijeenkomsten.can_manage(db, user, b))


@router.get("/bijeenkomsten/{bijeenkomst_id}/terugblik", response_class=HTMLResponse, name="terugblik")
def terugblik_pagina(
    request: Request,
    bijeenkomst_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    if user is None and _geldig(bijeenkomst_id):  # meetings are for members; a public retrospective is not
        try:
            openbaar = service.terugblik(db, user, bijeenkomst_id)
        except NetwerkError:
            openbaar = None
        if openbaar is not None:
            return RedirectResponse(f"/kennis/{openbaar.id}", status_code=303)
    b, refused = _bijeenkomst(request, db, user, bijeenkomst_id)
    if refused is not None:
        return refused
    try:
        item = service.terugblik(db, user, bijeenkomst_id)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    context = _terugblik_context(request, db, user, b, item, _kan_beheren(db, user, b))
    return render(request, "kennis_terugblik.html", context, user=user)


@router.post("/bijeenkomsten/{bijeenkomst_id}/terugblik", name="terugblik_bewaar")
async def terugblik_bewaar(
    request: Request,
    bijeenkomst_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    values, form, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    b, refused = _bijeenkomst(request, db, user, bijeenkomst_id)
    if refused is not None:
        return refused
    status = values.get("status") if values.get("status") in KENNIS_STATUSES else "concept"
    gegevens: dict[str, Any] = {
        "samenvatting": values.get("samenvatting") or "",
        "inhoud": values.get("inhoud", ""), "kennisitems": _ids(form, "kennisitems"),
        "casussen": _ids(form, "casussen"), "links": _weblinks(values.get("links")), "themas": _themas_uit(form),
        "status": status,
    }  # fmt: skip
    if (values.get("titel") or "").strip():  # empty: the service's default "Terugblik: <meeting>"
        gegevens["titel"] = values["titel"]
    if values.get("zichtbaarheid") in ZICHTBAARHEDEN:
        gegevens["zichtbaarheid"] = values["zichtbaarheid"]
    if values.get("versie"):
        gegevens["versie"] = values["versie"]
    try:
        service.terugblik_opslaan(db, user, bijeenkomst_id, gegevens)
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return _error(request, user, exc.status, exc)
        item = service.terugblik(db, user, bijeenkomst_id)
        w = dict(values) | {"kennisitems": _ids(form, "kennisitems"), "casussen": _ids(form, "casussen"),
                            "themas": [v for v in form.getlist("themas") if isinstance(v, str)]}  # fmt: skip
        context = _terugblik_context(request, db, user, b, item, _kan_beheren(db, user, b), w, _fouten(request, exc))
        return render(request, "kennis_terugblik.html", context, user=user,
                      status_code=409 if exc.status == 409 else 422)  # fmt: skip
    db.commit()
    done = "gepubliceerd" if status == "gepubliceerd" else "concept"
    return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}/terugblik?opgeslagen={done}", status_code=303)


@router.post("/bijeenkomsten/{bijeenkomst_id}/terugblik/fotos", name="terugblik_foto")
async def terugblik_foto(
    request: Request,
    bijeenkomst_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    if user is None:
        return _login(request)
    b, refused = _bijeenkomst(request, db, user, bijeenkomst_id)
    if refused is not None:
        return refused
    try:
        item = service.terugblik(db, user, bijeenkomst_id)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    if item is None:
        return _error(request, user, 409, nl="Bewaar eerst de tekst van de terugblik; voeg daarna foto's toe.",
                      en="Save the text of the retrospective first; then add photos.")  # fmt: skip
    foto, fouten, status = await _upload(request, db, user, item.id, soort_vast="foto")
    if status == 403 and "csrf" in fouten:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if foto is not None:
        return RedirectResponse(f"/bijeenkomsten/{bijeenkomst_id}/terugblik?opgeslagen=foto#wr-terugblik-fotos",
                                status_code=303)  # fmt: skip
    if status in (401, 403, 404):
        return _error(request, user, status, nl=fouten.get("form"), en=fouten.get("form"))
    item = service.terugblik(db, user, bijeenkomst_id)
    fouten = {f"foto_{k}" if k != "form" else "foto": v for k, v in fouten.items()}
    context = _terugblik_context(request, db, user, b, item, _kan_beheren(db, user, b), None, fouten)
    return render(request, "kennis_terugblik.html", context, user=user, status_code=status)


# ------------------------------------------------------------------------------------------------ questions


@router.get("/vragen", response_class=HTMLResponse, name="vragen")
def vragen_pagina(
    request: Request,
    status: str | None = None,
    thema: str | None = None,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    if netwerk.member(user) is None:
        return _login(request)
    status = status if status in VRAAG_STATUSES else None
    thema = filtertekst(thema, 60)
    try:
        items = service.list_vragen(db, user, status=status, thema=thema)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    context = _base(request, vragen=items, namen=namen(db, [v.auteur_id for v in items]),
                    filters={"status": status, "thema": thema}, statussen=list(VRAAG_STATUSES),
                    themas=list(THEMAS))  # fmt: skip
    return render(request, "vraag_lijst.html", context, user=user)


def _vraag_form_context(request: Request, w: dict[str, Any], fouten: dict[str, str] | None = None) -> dict[str, Any]:
    return _base(request, w=w, fouten=fouten or {}, themas=list(THEMAS),
                 zichtbaarheden=list(VRAAG_ZICHTBAARHEDEN))  # fmt: skip


@router.get("/vragen/nieuw", response_class=HTMLResponse, name="vraag_nieuw")
def vraag_nieuw(request: Request, user: User | None = Depends(auth.current_user)) -> Response:
    if netwerk.member(user) is None:
        return _login(request)
    return render(request, "vraag_nieuw.html", _vraag_form_context(request, {"zichtbaarheid": "leden"}), user=user)


@router.post("/vragen/nieuw", name="vraag_stel")
async def vraag_stel(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, form, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    gegevens = {"titel": values.get("titel", ""), "tekst": values.get("tekst", ""), "themas": _themas_uit(form),
                "zichtbaarheid": values.get("zichtbaarheid") or "leden"}  # fmt: skip
    try:
        v = service.stel_vraag(db, user, gegevens)
        vid = v.id
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403):
            return _error(request, user, exc.status, exc)
        w = dict(values) | {"themas": [t for t in form.getlist("themas") if isinstance(t, str)]}
        context = _vraag_form_context(request, w, _fouten(request, exc))
        return render(request, "vraag_nieuw.html", context, user=user, status_code=422)
    db.commit()
    return RedirectResponse(f"/vragen/{vid}?opgeslagen=gesteld", status_code=303)


def _vraag_context(request: Request, db: Session, user: User | None, v: Any, **extra: Any) -> dict[str, Any]:
    ids = [v.auteur_id, *(a.auteur_id for a in v.antwoorden)]
    return _base(request, vraag=v, namen=namen(db, ids), themas=_lijst(v.themas),
                 mag_markeren=service.can_mark_best(db, user, v), **extra)  # fmt: skip


@router.get("/vragen/{vraag_id}", response_class=HTMLResponse, name="vraag")
def vraag_pagina(
    request: Request, vraag_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    if netwerk.member(user) is None:
        return _login(request)
    if not _geldig(vraag_id):
        return _error(request, user, 404)
    try:
        v = service.get_vraag(db, user, vraag_id)
    except NetwerkError as exc:
        return _error(request, user, exc.status, exc)
    return render(request, "vraag.html", _vraag_context(request, db, user, v), user=user)


@router.post("/vragen/{vraag_id}/antwoorden", name="vraag_antwoord")
async def vraag_antwoord(
    request: Request, vraag_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, _form_data, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    if not _geldig(vraag_id):
        return _error(request, user, 404)
    try:
        a = service.beantwoord(db, user, vraag_id, values.get("tekst", ""))
        aid = a.id
    except NetwerkError as exc:
        db.rollback()
        if exc.status in (401, 403, 404):
            return _error(request, user, exc.status, exc)
        v = service.get_vraag(db, user, vraag_id)
        context = _vraag_context(request, db, user, v, fouten=_fouten(request, exc) | {"tekst": _message(
            request, exc.nl, exc.en)}, w={"tekst": values.get("tekst", "")})  # fmt: skip
        return render(request, "vraag.html", context, user=user, status_code=422)
    db.commit()
    return RedirectResponse(f"/vragen/{vraag_id}?opgeslagen=antwoord#antwoord-{aid}", status_code=303)


@router.post("/vragen/{vraag_id}/beste-antwoord", name="vraag_beste")
async def vraag_beste(
    request: Request, vraag_id: int, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    values, _form_data, ok = await _form(request)
    if not ok:
        return _error(request, user, 403, nl="Het formulier was verlopen; laad de pagina opnieuw.",
                      en="The form had expired; reload the page.")  # fmt: skip
    if user is None:
        return _login(request)
    antwoord = values.get("antwoord_id", "")
    if not _geldig(vraag_id):
        return _error(request, user, 404)
    try:
        service.markeer_beste(db, user, vraag_id, rij_id(antwoord) or 0)
    except NetwerkError as exc:
        db.rollback()
        return _error(request, user, exc.status, exc)
    db.commit()
    return RedirectResponse(f"/vragen/{vraag_id}?opgeslagen=beste", status_code=303)
