"""A small gettext-style catalogue for the HTML pages: Dutch source strings, English translations in data.

Templates and page code write Dutch text and pass it through ``_()``; :func:`gettext` looks the string
up in ``locales/<lang>.json`` plus the topic files ``locales/<lang>.<topic>.json`` (``{"Dutch source":
"translation"}``; a source string may appear in one file only) and falls back to the Dutch source.
Placeholders use ``%(name)s`` and are filled after translation, so translators may move them.

The language is chosen by the visitor through ``/taal?lang=en`` (a cookie), never guessed from the
browser, so a shared link shows the same language for everyone until they switch. Dutch is the default.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "nl"
LANGUAGES: tuple[str, ...] = ("nl", "en")
LANGUAGE_COOKIE = "warmteregio_taal"
#: Names of the languages in their own language, for the switch.
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """The translations for ``lang`` (empty for Dutch, the source language)."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        data = json.loads(path.read_text(encoding="utf-8"))
        merged.update({key: value for key, value in data.items() if not key.startswith("_")})
    return merged


def catalogue_files(lang: str) -> list[Path]:
    """``<lang>.json`` then the topic files ``<lang>.<topic>.json`` in name order."""
    return [LOCALES_DIR / f"{lang}.json", *sorted(LOCALES_DIR.glob(f"{lang}.*.json"))]


def gettext(lang: str, message: str, /, **params: object) -> str:
    """``message`` (Dutch) in ``lang``; ``%(name)s`` placeholders are filled from ``params``."""
    text = catalogue(lang).get(message, message) if lang in LANGUAGES else message
    return text % params if params else text


def normalise_language(value: str | None) -> str | None:
    """``"en"``, ``"EN"``, ``" en "`` -> ``"en"``; unsupported values -> ``None``."""
    if not value:
        return None
    value = value.strip().lower()
    return value if value in LANGUAGES else None


def request_language(request: Request) -> str:
    """The visitor's language from the cookie, Dutch when absent or unknown."""
    return normalise_language(request.cookies.get(LANGUAGE_COOKIE)) or DEFAULT_LANGUAGE


def safe_local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site (``/regio/ES18?x=1``), else ``default``.

    Refuses absolute URLs, scheme-relative ``//host`` and ``/\\host`` forms, and control characters,
    so a crafted ``next`` or ``terug`` parameter cannot send the visitor to another site.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
