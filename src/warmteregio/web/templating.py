"""Jinja2 environment for the HTML pages: the ``_()`` global, number filters and :func:`render`.

Every page is rendered through :func:`render`, which adds what the base layout needs: the language
(``lang``, also on ``<html lang>``), the link that switches language and returns to the same page, the
logged-in user, the base-map settings and a lazy ``csrf_token()`` for forms.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from warmteregio.web import auth
from warmteregio.web.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, gettext, request_language

TEMPLATES_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
env = templates.env
env.trim_blocks = True
env.lstrip_blocks = True

#: Shown for a missing value in tables and data lists.
MISSING = "–"


@pass_context
def _translate(context: Context, message: str, **params: object) -> str:
    return gettext(context.get("lang", DEFAULT_LANGUAGE), message, **params)


def format_number(value: float | int | None, decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """``1234.5`` -> ``1.234,5`` in Dutch and ``1,234.5`` in English; ``None``/NaN -> an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


@pass_context
def _number_filter(context: Context, value: float | int | None, decimals: int = 0) -> str:
    return format_number(value, decimals, context.get("lang", DEFAULT_LANGUAGE))


@pass_context
def _percent_filter(context: Context, value: float | None, decimals: int = 0) -> str:
    if value is None:
        return MISSING
    return format_number(value * 100, decimals, context.get("lang", DEFAULT_LANGUAGE)) + "%"


#: Building types and size classes as the ETM/PBL source writes them -> Dutch display names. The Dutch names
#: are translated back through the catalogue like every other UI string.
BUILDING_TYPE_NL = {
    "Apartment": "Appartement",
    "Detached house": "Vrijstaande woning",
    "Semi-detached house": "Twee-onder-een-kapwoning",
    "Terraced house": "Rijwoning",
    "Small": "Klein",
    "Medium": "Middelgroot",
    "Large": "Groot",
}


@pass_context
def _building_type_filter(context: Context, value: str) -> str:
    dutch = BUILDING_TYPE_NL.get(value)
    return gettext(context.get("lang", DEFAULT_LANGUAGE), dutch) if dutch else value


env.globals["_"] = _translate
env.filters["gebouwtype"] = _building_type_filter
env.filters["getal"] = _number_filter
env.filters["procent"] = _percent_filter


def language_switch_url(request: Request, lang: str) -> str:
    """``/taal?lang=en&terug=/regio/ES18``: switch and come back to the current page."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/taal?" + urlencode({"lang": lang, "terug": here})


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the base-layout context added."""
    lang = request_language(request)
    settings = request.app.state.settings
    base: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "languages": [
            {"code": code, "naam": LANGUAGE_NAMES[code], "url": language_switch_url(request, code)}
            for code in LANGUAGES
            if code != lang
        ],
        "user": user,
        "csrf_token": lambda: auth.csrf_token(request),
        "basemap_url": settings.basemap_url,
        "basemap_enabled": settings.basemap_enabled,
        "current_path": request.url.path,
    }
    base.update(context or {})
    return templates.TemplateResponse(request, template, base, status_code=status_code)
