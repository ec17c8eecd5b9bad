"""Accounts: hashing, user creation rules and object-level permissions, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warmteregio.accounts.service import (
    AccountError,
    Principal,
    authenticate,
    can_edit_gemeente,
    can_edit_region,
    can_manage_users,
    create_user,
    hash_password,
    verify_password,
)
from warmteregio.domain.enums import Role
from warmteregio.store.models import Gemeente, ResRegio, User

PASSWORD = "correct horse battery"


@pytest.fixture
def regions(session):
    session.add_all([ResRegio(code="ES18", naam="Drechtsteden"), ResRegio(code="ES23", naam="Rotterdam Den Haag")])
    session.flush()
    session.add_all(
        [
            Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18"),
            Gemeente(code="GM0590", jaar=2023, naam="Papendrecht", res_code="ES18"),
            Gemeente(code="GM0599", jaar=2023, naam="Rotterdam", res_code="ES23"),
        ]
    )
    session.flush()
    return session


def test_password_hash_is_argon2_and_verifies():
    h = hash_password(PASSWORD)
    assert h.startswith("$argon2id$")
    assert verify_password(h, PASSWORD)
    assert not verify_password(h, PASSWORD + "x")
    assert not verify_password("not-a-hash", PASSWORD)


def test_create_and_authenticate(regions):
    session = regions
    user = create_user(session, email=" Anna@Example.NL ", naam="Anna", password=PASSWORD, rol="admin")
    session.commit()
    assert user.email == "anna@example.nl"
    assert user.password_hash != PASSWORD
    assert authenticate(session, "ANNA@example.nl", PASSWORD).id == user.id
    assert authenticate(session, "anna@example.nl", "wrong password!") is None
    assert authenticate(session, "nobody@example.nl", PASSWORD) is None
    assert user.laatste_login is not None


def test_inactive_user_cannot_log_in(regions):
    user = create_user(regions, email="b@example.nl", naam="B", password=PASSWORD, rol="viewer")
    user.actief = False
    regions.flush()
    assert authenticate(regions, "b@example.nl", PASSWORD) is None


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"email": "geen-email", "rol": "admin"}, "e-mail"),
        ({"email": "a@b.nl", "rol": "admin", "password": "kort"}, "wachtwoord"),
        ({"email": "a@b.nl", "rol": "koning"}, "rol"),
        ({"email": "a@b.nl", "rol": "regiocoordinator"}, "regio"),
        ({"email": "a@b.nl", "rol": "regiocoordinator", "res_code": "ES99"}, "regio"),
        ({"email": "a@b.nl", "rol": "regiocoordinator", "res_code": "XX"}, "RES-regiocode"),
        ({"email": "a@b.nl", "rol": "gemeente", "gemeente_code": "GM9999"}, "gemeente"),
    ],
)
def test_create_user_refuses_bad_input_bilingually(regions, kwargs, fragment):
    args = {"naam": "X", "password": PASSWORD} | kwargs
    with pytest.raises(AccountError) as exc:
        create_user(regions, **args)
    assert fragment in exc.value.nl
    assert exc.value.en  # an English message too
    assert regions.scalar(select(User.id)) is None  # nothing written


def test_duplicate_email_refused(regions):
    create_user(regions, email="c@example.nl", naam="C", password=PASSWORD, rol="viewer")
    with pytest.raises(AccountError, match="bestaat al"):
        create_user(regions, email="C@example.nl", naam="C2", password=PASSWORD, rol="viewer")


def test_coordinator_edits_only_her_region(regions):
    user = create_user(
        regions, email="coord@example.nl", naam="Coördinator", password=PASSWORD, rol="regiocoordinator",
        res_code="es18",
    )
    p = Principal.of(user)
    assert p.res_code == "ES18"
    assert can_edit_region(p, "ES18")
    assert not can_edit_region(p, "ES23")
    assert can_edit_gemeente(regions, p, "GM0505")
    assert can_edit_gemeente(regions, p, "GM0590")
    assert not can_edit_gemeente(regions, p, "GM0599")
    assert not can_manage_users(p)


def test_gemeente_official_edits_only_own_gemeente(regions):
    user = create_user(
        regions, email="amb@example.nl", naam="Ambtenaar", password=PASSWORD, rol="gemeente", gemeente_code="GM0505"
    )
    p = Principal.of(user)
    assert can_edit_gemeente(regions, p, "GM0505")
    assert not can_edit_gemeente(regions, p, "GM0590")
    assert not can_edit_region(p, "ES18")


def test_admin_and_viewer():
    admin = Principal(1, Role.ADMIN)
    viewer = Principal(2, Role.VIEWER)
    assert can_edit_region(admin, "ES01") and can_manage_users(admin)
    assert not can_edit_region(viewer, "ES18") and not can_manage_users(viewer)
