"""Users, authentication and permissions.

Roles (see ``docs``): ``admin`` (NPLW accounthouder / beheerder) sees and edits everything;
``regiocoordinator`` edits only her own RES region and its gemeenten; ``gemeente`` edits only its own
gemeente; ``viewer`` reads. Permission checks are plain functions so that web, API and CLI share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, normalise_gemeentecode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.store.models import Gemeente, ResRegio, User

_hasher = PasswordHasher()
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    *,
    email: str,
    naam: str,
    password: str,
    rol: Role | str,
    res_code: str | None = None,
    gemeente_code: str | None = None,
) -> User:
    """Create a user after checking e-mail, password strength, role and the role's scope."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"ongeldig e-mailadres: {email!r}", f"invalid e-mail address: {email!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben",
            f"password must have at least {MIN_PASSWORD_LENGTH} characters",
        )
    try:
        role = Role(rol)
    except ValueError:
        raise AccountError(
            f"onbekende rol {rol!r} (kies uit {', '.join(r.value for r in Role)})",
            f"unknown role {rol!r} (choose from {', '.join(r.value for r in Role)})",
        ) from None
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"er bestaat al een gebruiker {email}", f"a user {email} already exists")
    try:
        if res_code:
            res_code = normalise_rescode(res_code)
        if gemeente_code:
            gemeente_code = normalise_gemeentecode(gemeente_code)
    except CodeError as exc:
        raise AccountError(exc.nl, exc.en) from None
    if role is Role.COORDINATOR:
        if not res_code or session.get(ResRegio, res_code) is None:
            raise AccountError(
                f"een regiocoördinator hoort bij een bestaande regio (gegeven: {res_code!r})",
                f"a regional coordinator needs an existing region (given: {res_code!r})",
            )
    if role is Role.GEMEENTE:
        if not gemeente_code or session.scalar(select(Gemeente.id).where(Gemeente.code == gemeente_code)) is None:
            raise AccountError(
                f"een gemeenteambtenaar hoort bij een bestaande gemeente (gegeven: {gemeente_code!r})",
                f"a municipal official needs an existing gemeente (given: {gemeente_code!r})",
            )
    user = User(
        email=email,
        naam=naam.strip() or email,
        password_hash=hash_password(password),
        rol=role.value,
        res_code=res_code if role is Role.COORDINATOR else None,
        gemeente_code=gemeente_code if role is Role.GEMEENTE else None,
    )
    session.add(user)
    session.flush()
    return user


def active_user(session: Session, email: str) -> User | None:
    """The active user with this e-mail address (case-insensitive), or None."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    return user if user is not None and user.actief else None


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Always spends one hash verification."""
    user = active_user(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)  # equal timing for unknown users
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.laatste_login = datetime.now(UTC)
    return user


_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Principal:
    """Who is acting: enough to decide permissions without a database round trip."""

    user_id: int | None
    rol: Role
    res_code: str | None = None
    gemeente_code: str | None = None

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(user.id, Role(user.rol), user.res_code, user.gemeente_code)


def gemeente_region(session: Session, gemeente_code: str) -> str | None:
    return session.scalar(
        select(Gemeente.res_code).where(Gemeente.code == gemeente_code, Gemeente.res_code.is_not(None))
        .order_by(Gemeente.jaar.desc()).limit(1)
    )


def can_edit_region(principal: Principal, res_code: str) -> bool:
    if principal.rol is Role.ADMIN:
        return True
    return principal.rol is Role.COORDINATOR and principal.res_code == res_code


def can_edit_gemeente(session: Session, principal: Principal, gemeente_code: str) -> bool:
    if principal.rol is Role.ADMIN:
        return True
    if principal.rol is Role.GEMEENTE:
        return principal.gemeente_code == gemeente_code
    if principal.rol is Role.COORDINATOR:
        return principal.res_code is not None and gemeente_region(session, gemeente_code) == principal.res_code
    return False


def can_manage_users(principal: Principal) -> bool:
    return principal.rol is Role.ADMIN
