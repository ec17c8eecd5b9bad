"""Errors as RFC 9457 problem details for the API, API-Version and CORS headers, and HTML errors elsewhere.

For paths under :data:`API_ROOT` every error (404, 405 with ``Allow``, 422, 500 and any ``HTTPException``)
becomes ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and ``instance``;
``status`` always equals the HTTP status and ``detail`` is Dutch first, English after `` / ``.
Other paths keep HTML errors: a renderer registered as ``app.state.render_html_error`` (signature
``(request, status_code, detail) -> Response``) is used when present, else a minimal HTML page.
"""

from __future__ import annotations

import html
import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

API_ROOT = "/api"
PROBLEM_JSON = "application/problem+json"
API_VERSION_HEADER = "API-Version"
EXPOSED_HEADERS = "API-Version, Content-Crs, Link"

_TYPES = {
    400: "https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request",
    401: "https://www.rfc-editor.org/rfc/rfc9110#name-401-unauthorized",
    403: "https://www.rfc-editor.org/rfc/rfc9110#name-403-forbidden",
    404: "https://www.rfc-editor.org/rfc/rfc9110#name-404-not-found",
    405: "https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed",
    406: "https://www.rfc-editor.org/rfc/rfc9110#name-406-not-acceptable",
    422: "https://www.rfc-editor.org/rfc/rfc9110#name-422-unprocessable-content",
    500: "https://www.rfc-editor.org/rfc/rfc9110#name-500-internal-server-error",
    503: "https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable",
}

_TITLES = {
    400: "Ongeldig verzoek / Bad request",
    401: "Niet ingelogd / Unauthorized",
    403: "Geen toegang / Forbidden",
    404: "Niet gevonden / Not found",
    405: "Methode niet toegestaan / Method not allowed",
    406: "Niet aanvaardbaar / Not acceptable",
    422: "Ongeldige parameters / Unprocessable content",
    500: "Interne serverfout / Internal server error",
    503: "Dienst niet beschikbaar / Service unavailable",
}

_DEFAULT_DETAILS = {
    400: "Het verzoek is ongeldig / The request is invalid",
    401: "Niet ingelogd / Not logged in",
    403: "U heeft geen toegang tot deze bron / You do not have access to this resource",
    404: "De gevraagde bron bestaat niet / The requested resource does not exist",
    405: "Deze HTTP-methode is hier niet toegestaan / This HTTP method is not allowed here",
    406: "Het gevraagde formaat wordt niet ondersteund / The requested format is not supported",
    422: "Een of meer parameters zijn ongeldig / One or more parameters are invalid",
    500: "Er ging iets mis op de server / Something went wrong on the server",
    503: "De dienst is tijdelijk niet beschikbaar / The service is temporarily unavailable",
}


class ApiProblem(Exception):
    """Raise in an API handler to answer with a problem+json document.

    ``nl`` and ``en`` are the two halves of ``detail``.
    """

    def __init__(
        self,
        status: int,
        nl: str,
        en: str,
        *,
        invalid_params: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{nl} / {en}")
        self.status = status
        self.detail = f"{nl} / {en}"
        self.invalid_params = invalid_params
        self.headers = headers or {}


def is_api_path(path: str) -> bool:
    return path == API_ROOT or path.startswith(API_ROOT + "/")


def problem_body(
    status: int, detail: str | None, instance: str, invalid_params: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": _TYPES.get(status, "about:blank"),
        "title": _TITLES.get(status, f"HTTP {status}"),
        "status": status,
        "detail": detail or _DEFAULT_DETAILS.get(status, f"HTTP-fout {status} / HTTP error {status}"),
        "instance": instance,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    return body


def problem_response(
    request: Request,
    status: int,
    detail: str | None = None,
    *,
    invalid_params: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = problem_body(status, detail, request.url.path, invalid_params)
    all_headers = {API_VERSION_HEADER: request.app.state.api_version, "Access-Control-Allow-Origin": "*"}
    all_headers.update(headers or {})
    return Response(
        json.dumps(body, ensure_ascii=False), status_code=status, media_type=PROBLEM_JSON, headers=all_headers
    )


def _html_error(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    renderer = getattr(request.app.state, "render_html_error", None)
    if renderer is not None:
        return renderer(request, status, detail)
    title = _TITLES.get(status, f"HTTP {status}")
    page = (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{status} {html.escape(title)}</h1><p>{html.escape(detail)}</p></body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=headers)


def _http_detail(exc: StarletteHTTPException) -> str:
    """Bilingual detail: keep a detail that already has both languages, translate Starlette's defaults."""
    detail = exc.detail if isinstance(exc.detail, str) else None
    if detail and " / " in detail:
        return detail
    default = _DEFAULT_DETAILS.get(exc.status_code)
    if default:
        return default if not detail or detail == _starlette_phrase(exc.status_code) else f"{detail} / {detail}"
    return f"{detail} / {detail}" if detail else f"HTTP-fout {exc.status_code} / HTTP error {exc.status_code}"


def _starlette_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


async def http_exception_handler(request: Request, exc: StarletteHTTPException) -> Response:
    headers = dict(exc.headers or {})
    if is_api_path(request.url.path):
        return problem_response(request, exc.status_code, _http_detail(exc), headers=headers)
    return _html_error(request, exc.status_code, _http_detail(exc), headers)


async def api_problem_handler(request: Request, exc: ApiProblem) -> Response:
    if is_api_path(request.url.path):
        return problem_response(request, exc.status, exc.detail, invalid_params=exc.invalid_params, headers=exc.headers)
    return _html_error(request, exc.status, exc.detail, exc.headers)


def _invalid_params(exc: RequestValidationError) -> list[dict[str, str]]:
    params = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        name = ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc)
        params.append({"name": name or "?", "code": str(error.get("type", "invalid")), "reason": str(error.get("msg"))})
    return params


async def validation_exception_handler(request: Request, exc: RequestValidationError) -> Response:
    params = _invalid_params(exc)
    if is_api_path(request.url.path):
        names = ", ".join(p["name"] for p in params)
        detail = f"Ongeldige parameter(s): {names} / Invalid parameter(s): {names}"
        return problem_response(request, 422, detail, invalid_params=params)
    reasons = "; ".join(f"{p['name']}: {p['reason']}" for p in params)
    return _html_error(request, 422, f"Ongeldige invoer / Invalid input ({reasons})")


async def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api_path(request.url.path):
        return problem_response(request, 500)
    return _html_error(request, 500, _DEFAULT_DETAILS[500])


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
    app.add_exception_handler(ApiProblem, api_problem_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
    app.add_exception_handler(Exception, server_error_handler)


class ApiHeadersMiddleware:
    """For ``/api`` paths: ``API-Version`` and ``Access-Control-Allow-Origin: *`` on every response, and CORS
    preflight answers. Pure ASGI so that streaming and exception handling are untouched.
    """

    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app = app
        self.version = version.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        request_headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in request_headers:
            await self._preflight(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if b"api-version" not in present:
                    headers.append((b"api-version", self.version))
                if b"access-control-allow-origin" not in present:
                    headers.append((b"access-control-allow-origin", b"*"))
                headers.append((b"access-control-expose-headers", EXPOSED_HEADERS.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(self, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    (b"api-version", self.version),
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-allow-methods", b"GET"),
                    (b"access-control-allow-headers", b"Accept, Accept-Crs, Content-Type"),
                    (b"access-control-max-age", b"600"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
