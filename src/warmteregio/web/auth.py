"""Session login, CSRF protection and the current principal, shared by pages and API.

Sessions are signed cookies (Starlette ``SessionMiddleware``, itsdangerous) holding only the user id and a
random CSRF token. Every state-changing form carries that token in a hidden ``csrf_token`` field (or the
``X-CSRF-Token`` header for htmx/fetch) and :func:`require_csrf` compares it in constant time.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from warmteregio.accounts.service import Principal
from warmteregio.domain.enums import Role
from warmteregio.store.models import User
from warmteregio.web.deps import get_db

SESSION_USER = "uid"
SESSION_CSRF = "csrf"
ANONYMOUS = Principal(None, Role.VIEWER)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(SESSION_CSRF)
    return bool(expected and submitted and hmac.compare_digest(expected, submitted))


async def require_csrf(request: Request) -> None:
    """Dependency for POST handlers: refuse the request (403) without a valid CSRF token."""
    submitted = request.headers.get("x-csrf-token")
    if not submitted:
        form = await request.form()
        value = form.get("csrf_token")
        submitted = value if isinstance(value, str) else None
    if not check_csrf(request, submitted):
        raise HTTPException(
            status_code=403,
            detail="Ongeldig of ontbrekend CSRF-token / invalid or missing CSRF token",
        )


def login_user(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token too, against session fixation)."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)


def logout_user(request: Request) -> None:
    request.session.clear()


def current_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    uid = request.session.get(SESSION_USER)
    if uid is None:
        return None
    user = db.get(User, uid)
    if user is None or not user.actief:
        request.session.pop(SESSION_USER, None)
        return None
    return user


def current_principal(user: User | None = Depends(current_user)) -> Principal:
    return Principal.of(user) if user else ANONYMOUS


def require_user(user: User | None = Depends(current_user)) -> User:
    if user is None:
        raise HTTPException(status_code=401, detail="Niet ingelogd / not logged in")
    return user
