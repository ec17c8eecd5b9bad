"""The directory: organisations and people with their permissions and checks, search and filters, the member
import (CSV and XLSX, all or nothing with row errors) and export, and a person's data export and erasure (the login
anonymised, a future registration cancelled with the waiting list served, an audit entry without personal data).
Both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import authenticate, create_user
from warmteregio.services import bijeenkomsten, kennis
from warmteregio.services import netwerk_leden as L
from warmteregio.services.netwerk import NetwerkError
from warmteregio.store.models import (
    Aanmelding,
    AuditRegel,
    Gemeente,
    NetwerkOrganisatie,
    NetwerkPersoon,
    ResRegio,
    User,
)

pytestmark = pytest.mark.db

HASH = "-"  # no login needed, except for the one user made with create_user below


def seed(s: Session) -> dict[str, User]:
    s.add_all([ResRegio(code="ES18", naam="Drechtsteden"), ResRegio(code="ES17", naam="Hoeksche Waard")])
    s.flush()
    s.add_all(
        [
            Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18"),
            Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17"),
        ]
    )
    spec = {
        "admin": ("admin", {}),
        "co18": ("regiocoordinator", {"res_code": "ES18"}),
        "co17": ("regiocoordinator", {"res_code": "ES17"}),
        "gm1": ("gemeente", {"gemeente_code": "GM0505"}),
        "gm2": ("gemeente", {"gemeente_code": "GM0505"}),
        "kijker": ("viewer", {}),
    }
    users = {
        k: User(email=f"{k}@example.nl", naam=k.capitalize(), password_hash=HASH, rol=rol, **kw)
        for k, (rol, kw) in spec.items()
    }
    s.add_all(users.values())
    s.flush()
    return users


def persoon(s: Session, u: User, **kw: object) -> NetwerkPersoon:
    return L.create_persoon(s, u, {"naam": "Jan Janssen", "functie": "Beleidsadviseur warmte", **kw})


def rows_csv(
    *rows: list[str],
    header: str = "naam;email;functie;organisatie;organisatie_soort;rol;regio;gemeente;telefoon;expertise",
) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *(";".join(r) for r in rows)]) + "\r\n").encode("utf-8")


def test_organisations_checks_and_permissions(session: Session) -> None:
    u = seed(session)
    with pytest.raises(NetwerkError) as exc:
        L.create_organisatie(session, u["gm1"], {"naam": "Stedin", "soort": "netbeheerder"})
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        L.create_organisatie(
            session, u["co18"], {"naam": " ", "soort": "bank", "website": "javascript:alert(1)", "res_code": "ES99"}
        )
    assert {f["veld"] for f in exc.value.fouten} == {"naam", "soort", "website", "res_code"}
    org = L.create_organisatie(
        session,
        u["co18"],
        {"naam": "Stedin", "soort": "netbeheerder", "res_code": "ES18", "website": "https://www.stedin.net"},
    )
    with pytest.raises(NetwerkError) as exc:
        L.create_organisatie(session, u["admin"], {"naam": "STEDIN", "soort": "netbeheerder"})
    assert exc.value.fouten[0]["veld"] == "naam"
    with pytest.raises(NetwerkError) as exc:
        L.update_organisatie(session, u["co17"], org.id, {"naam": "Stedin Groep"})
    assert exc.value.status == 403
    L.update_organisatie(session, u["co18"], org.id, {"naam": "Stedin Groep"}, versie=1)
    assert (org.naam, org.versie, org.soort) == ("Stedin Groep", 2, "netbeheerder")
    with pytest.raises(NetwerkError) as exc:
        L.update_organisatie(session, u["co18"], org.id, {"naam": "Stedin"}, versie=1)
    assert exc.value.status == 409
    assert [o.naam for o in L.list_organisaties(session, u["kijker"], soort="netbeheerder")] == ["Stedin Groep"]
    with pytest.raises(NetwerkError) as exc:
        L.list_organisaties(session, None)
    assert exc.value.status == 401


def test_people_checks_linking_and_region_scope(session: Session) -> None:
    u = seed(session)
    with pytest.raises(NetwerkError) as exc:
        persoon(session, u["gm1"])
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        persoon(session, u["co18"], res_code="ES17")
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        persoon(
            session,
            u["admin"],
            naam="",
            email="geen-adres",
            telefoon="bel me",
            rol="baas",
            res_code="ES17",
            gemeente_code="GM0505",
            expertise=["x" * 80],
        )
    assert {f["veld"] for f in exc.value.fouten} == {"naam", "email", "telefoon", "rol", "gemeente_code", "expertise"}
    assert session.scalar(select(func.count()).select_from(NetwerkOrganisatie)) == 0
    # a coordinator's person lands in her region; a new organisation is created by name; the login is linked
    p = persoon(
        session,
        u["co18"],
        email="GM1@example.nl",
        organisatie="Gemeente Dordrecht",
        organisatie_soort="gemeente",
        gemeente_code="gm0505",
        telefoon="+31 78 770 4000",
        expertise="warmtenetten, participatie; Warmtenetten",
    )
    assert (p.res_code, p.gemeente_code, p.email, p.user_id) == ("ES18", "GM0505", "gm1@example.nl", u["gm1"].id)
    assert json.loads(p.expertise) == ["warmtenetten", "participatie"]
    org = session.get(NetwerkOrganisatie, p.organisatie_id)
    assert (org.naam, org.soort, org.res_code) == ("Gemeente Dordrecht", "gemeente", "ES18")
    assert L.profiel_van(session, u["gm1"]) is p
    with pytest.raises(NetwerkError) as exc:
        persoon(session, u["admin"], email="gm1@example.nl")
    assert exc.value.fouten[0]["veld"] == "email"
    # the gemeente gives the region when none is given
    q = persoon(session, u["admin"], naam="Els Hoeks", gemeente_code="GM1963", organisatie="Gemeente Dordrecht")
    assert (q.res_code, q.organisatie_id) == ("ES17", org.id)

    # the person herself edits her profile, but not her role; others may not; stale versions are refused
    L.update_persoon(session, u["gm1"], p.id, {"functie": "Programmamanager", "rol": p.rol}, versie=1)
    assert (p.functie, p.versie) == ("Programmamanager", 2)
    for who, change in (
        ("gm1", {"rol": "coordinator"}),
        ("gm2", {"functie": "x"}),
        ("co17", {"functie": "x"}),
        ("co18", {"res_code": "ES17"}),
    ):
        with pytest.raises(NetwerkError) as exc:
            L.update_persoon(session, u[who], p.id, change)
        assert exc.value.status == 403, who
    with pytest.raises(NetwerkError) as exc:
        L.update_persoon(session, u["co18"], p.id, {"functie": "x"}, versie=1)
    assert exc.value.status == 409
    assert L.can_edit_persoon(session, u["co18"], p) and not L.can_edit_persoon(session, u["co18"], q)
    acties = session.scalars(select(AuditRegel.details).where(AuditRegel.objecttype == "persoon")).all()
    assert acties and not any("Janssen" in d or "@" in d for d in acties)


def test_directory_filters_and_search(session: Session) -> None:
    u = seed(session)
    persoon(
        session,
        u["admin"],
        naam="Jan Janssen",
        rol="expert",
        res_code="ES18",
        expertise=["aquathermie"],
        organisatie="Energiecoöperatie Dordrecht",
    )
    persoon(session, u["admin"], naam="Ämber de Wit", rol="coordinator", res_code="ES17", functie="Coördinator")
    persoon(session, u["admin"], naam="Piet Pieters", rol="contact", res_code="ES18", functie="Adviseur")

    def namen(**kw: object) -> list[str]:
        return [p.naam for p in L.list_personen(session, u["kijker"], **kw)]

    assert namen() == ["Ämber de Wit", "Jan Janssen", "Piet Pieters"]
    assert namen(regio="es18") == ["Jan Janssen", "Piet Pieters"]
    assert namen(rol="coordinator") == ["Ämber de Wit"]
    assert namen(expertise="Aquathermie") == ["Jan Janssen"]
    assert namen(q="cooperatie") == ["Jan Janssen"]  # organisation name, diacritics ignored
    assert namen(q="coordinator wit") == ["Ämber de Wit"]
    assert namen(q="amber janssen") == []
    with pytest.raises(NetwerkError) as exc:
        L.list_personen(session, None)
    assert exc.value.status == 401


def test_import_csv_all_or_nothing_with_row_errors_then_create_and_update(session: Session) -> None:
    u = seed(session)
    bestaand = persoon(session, u["admin"], email="jan@example.nl", res_code="ES18", telefoon="010-1234567")
    bad = rows_csv(
        ["Anna Bos", "anna@example.nl", "Adviseur", "Stedin", "netbeheerder", "partner", "ES18", "", "", "net|data"],
        ["", "leeg@example.nl", "", "", "", "", "ES18", "", "", ""],
        ["Bert Kok", "geen-adres", "", "Nieuw BV", "bank", "baas", "ES99", "GM9999", "", ""],
        ["Anna Dubbel", "ANNA@example.nl", "", "", "", "", "ES18", "", "", ""],
    )
    with pytest.raises(NetwerkError) as exc:
        L.import_leden(session, u["co18"], bad, bestandsnaam="leden.csv")
    assert exc.value.status == 400
    fouten = {(f["rij"], f["veld"]) for f in exc.value.fouten}
    assert fouten == {
        (3, "naam"),
        (4, "email"),
        (4, "organisatie_soort"),
        (4, "rol"),
        (4, "regio"),
        (4, "gemeente"),
        (5, "email"),
    }
    assert all(f["nl"].startswith(f"rij {f['rij']}:") and f["en"].startswith("row ") for f in exc.value.fouten)
    assert session.scalar(select(func.count()).select_from(NetwerkPersoon)) == 1  # nothing written
    assert session.scalar(select(func.count()).select_from(NetwerkOrganisatie)) == 0
    with pytest.raises(NetwerkError) as exc:
        L.import_leden(session, u["co18"], rows_csv(["X"], header="naam;leeftijd"))
    assert exc.value.fouten[0]["veld"] == "leeftijd"

    good = rows_csv(
        ["Anna Bos", "anna@example.nl", "Adviseur", "Stedin", "netbeheerder", "partner", "", "", "", "net|data"],
        ["Jan Janssen", "JAN@example.nl", "Programmamanager", "Stedin", "", "expert", "ES18", "GM0505", "", ""],
    )
    droog = L.import_leden(session, u["co18"], good, droog=True)
    assert (droog["aangemaakt"], droog["bijgewerkt"]) == (1, 1)
    assert session.scalar(select(func.count()).select_from(NetwerkPersoon)) == 1
    result = L.import_leden(session, u["co18"], good)
    assert (result["aangemaakt"], result["bijgewerkt"], result["fouten"]) == (1, 1, [])
    anna = session.scalar(select(NetwerkPersoon).where(NetwerkPersoon.email == "anna@example.nl"))
    assert (anna.res_code, anna.rol, json.loads(anna.expertise)) == ("ES18", "partner", ["net", "data"])
    assert (bestaand.functie, bestaand.gemeente_code, bestaand.telefoon, bestaand.versie) == (
        "Programmamanager",
        "GM0505",
        None,
        2,
    )  # empty cell clears
    assert bestaand.organisatie_id == anna.organisatie_id  # "Stedin" created once
    # a coordinator cannot update people of another region through the import
    persoon(session, u["admin"], naam="Els", email="els@example.nl", res_code="ES17")
    with pytest.raises(NetwerkError) as exc:
        L.import_leden(session, u["co18"], rows_csv(["Els", "els@example.nl"], header="naam;email"))
    assert exc.value.fouten[0]["rij"] == 2 and "regio" in exc.value.fouten[0]["nl"]


def test_import_xlsx_and_export_round_trip(session: Session) -> None:
    u = seed(session)
    wb = Workbook()
    ws = wb.active
    ws.append(["Naam", "Email", "Organisatie", "Organisatie_soort", "Regio", "Expertise"])
    ws.append(["Cor Visser", "cor@example.nl", "HVC", "warmtebedrijf", "ES18", "restwarmte|bronnen"])
    ws.append(["Dina Smit", "dina@example.nl", None, None, "ES17", None])
    ws.append([None, None, None, None, None, None])  # empty rows are skipped
    buf = io.BytesIO()
    wb.save(buf)
    result = L.import_leden(session, u["admin"], buf.getvalue(), bestandsnaam="leden.xlsx")
    assert (result["aangemaakt"], result["bijgewerkt"]) == (2, 0)
    ws.append(["", "fout@", None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(NetwerkError) as exc:
        L.import_leden(session, u["admin"], buf.getvalue(), bestandsnaam="leden.xlsx")
    assert {(f["rij"], f["veld"]) for f in exc.value.fouten} == {(5, "naam"), (5, "email")}

    data = L.export_leden(session, u["kijker"], formaat="csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [(r["naam"], r["organisatie"], r["expertise"]) for r in rows] == [
        ("Cor Visser", "HVC", "restwarmte|bronnen"),
        ("Dina Smit", "", ""),
    ]
    again = L.import_leden(session, u["admin"], data, bestandsnaam="export.csv")
    assert (again["aangemaakt"], again["bijgewerkt"], again["ongewijzigd"]) == (0, 0, 2)
    xlsx = L.export_leden(session, u["kijker"], regio="ES17", formaat="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx))["Leden"]
    assert [c.value for c in sheet[2]][:2] == ["Dina Smit", "dina@example.nl"] and sheet.max_row == 2
    with pytest.raises(NetwerkError) as exc:
        L.export_leden(session, None)
    assert exc.value.status == 401
    with pytest.raises(NetwerkError) as exc:
        L.import_leden(session, u["kijker"], data)
    assert exc.value.status == 403


def test_export_and_erase_a_person(session: Session) -> None:
    u = seed(session)
    lid = create_user(
        session,
        email="lid@example.nl",
        naam="Lia Lid",
        password="geheim-wachtwoord",
        rol="gemeente",
        gemeente_code="GM0505",
    )
    p = persoon(session, u["co18"], naam="Lia Lid", email="lid@example.nl", telefoon="06 12345678")
    assert p.user_id == lid.id
    nu = datetime.now(UTC)
    komend = bijeenkomsten.create_bijeenkomst(
        session,
        u["co18"],
        {
            "titel": "Komend",
            "start": nu + timedelta(days=5),
            "eind": nu + timedelta(days=5, hours=3),
            "locatie": "Dordrecht",
            "doelgroep": "leden",
            "capaciteit": 1,
        },
    )
    verleden = bijeenkomsten.create_bijeenkomst(
        session,
        u["co18"],
        {
            "titel": "Verleden",
            "start": nu - timedelta(days=30),
            "eind": nu - timedelta(days=30, hours=-3),
            "locatie": "Dordrecht",
            "doelgroep": "leden",
        },
    )
    bijeenkomsten.aanmelden(session, lid, komend.id)
    wachtend = bijeenkomsten.aanmelden(session, u["gm2"], komend.id)
    assert wachtend.status == "wachtlijst"
    session.add(Aanmelding(bijeenkomst_id=verleden.id, user_id=lid.id, status="aangemeld", aanwezig=True))
    item = kennis.create_item(
        session,
        lid,
        {
            "soort": "praktijkverhaal",
            "titel": "Warmtenet in Crabbehof",
            "inhoud": "Ervaringen.",
            "zichtbaarheid": "leden",
            "status": "gepubliceerd",
        },
    )
    assert item.auteur_naam == "Lia Lid" and "lia" in item.zoektekst

    for who in ("gm2", "co17"):
        with pytest.raises(NetwerkError) as exc:
            L.export_persoon(session, u[who], p.id)
        assert exc.value.status == 403
    data = L.export_persoon(session, lid, p.id)
    json.dumps(data)  # JSON-able
    assert data["profiel"]["telefoon"] == "06 12345678" and data["gebruiker"]["email"] == "lid@example.nl"
    assert [(a["bijeenkomst"], a["status"], a["aanwezig"]) for a in data["aanmeldingen"]] == [
        ("Verleden", "aangemeld", True),
        ("Komend", "aangemeld", None),
    ]
    assert data["kennisitems"] == [{"id": item.id, "titel": "Warmtenet in Crabbehof"}]

    with pytest.raises(NetwerkError) as exc:
        L.wis_persoon(session, u["co17"], p.id)
    assert exc.value.status == 403
    result = L.wis_persoon(session, u["co18"], p.id)
    assert result == {
        "profiel": 1,
        "afgemeld": 1,
        "van_wachtlijst": 1,
        "gebruiker_geanonimiseerd": True,
        "kennisitems_auteur": 1,
    }
    session.expire_all()
    assert session.get(NetwerkPersoon, p.id) is None
    login = session.get(User, lid.id)
    assert (login.naam, login.email, login.actief) == (
        "Verwijderd lid",
        f"verwijderd-{lid.id}@verwijderd.invalid",
        False,
    )
    assert authenticate(session, "lid@example.nl", "geheim-wachtwoord") is None
    regs = {a.bijeenkomst_id: a.status for a in session.scalars(select(Aanmelding).where(Aanmelding.user_id == lid.id))}
    assert regs == {komend.id: "afgemeld", verleden.id: "aangemeld"}  # the past stays, tied to the anonymous login
    assert session.get(Aanmelding, wachtend.id).status == "aangemeld"  # the waiting list was served
    item = session.get(type(item), item.id)
    assert item.auteur_naam is None and "lia" not in item.zoektekst
    wis = session.scalar(select(AuditRegel).where(AuditRegel.actie == "wis"))
    assert (wis.objecttype, wis.object_id, wis.res_code) == ("persoon", str(p.id), "ES18")
    assert "Lia" not in wis.details and "@" not in wis.details and "06" not in wis.details
    with pytest.raises(NetwerkError) as exc:
        L.get_persoon(session, u["admin"], p.id)
    assert exc.value.status == 404


def test_erasure_removes_every_form_of_the_name_and_export_lists_them(session: Session) -> None:
    """The login's name (other than the profile's) as author, the signature under a best answer that became a
    knowledge item, and the name as workshop facilitator: exported first, then gone (index included)."""
    u = seed(session)
    p = persoon(session, u["admin"], naam="Gerda M. de Wit", email="gm1@example.nl")
    assert p.user_id == u["gm1"].id  # the login is called "Gm1"
    eigen = kennis.create_item(session, u["gm1"], {"soort": "studie", "titel": "Eigen", "zichtbaarheid": "leden"})
    genoemd = kennis.create_item(session, u["admin"], {"soort": "studie", "titel": "Genoemd", "zichtbaarheid": "leden",
                                                       "auteur_naam": "Gerda M. de Wit"})  # fmt: skip
    vraag = kennis.stel_vraag(session, u["kijker"], {"titel": "Hoe?", "tekst": "Wie weet het?"})
    antwoord = kennis.beantwoord(session, u["gm1"], vraag.id, "Zo doe je dat.")
    qa = kennis.markeer_beste(session, u["kijker"], vraag.id, antwoord.id)
    assert "Gm1" in qa.inhoud
    nu = datetime.now(UTC)
    start = nu + timedelta(days=3)
    intro = {"titel": "Intro", "start": start, "eind": start + timedelta(hours=1), "begeleider": "Gerda M. de Wit"}
    b = bijeenkomsten.create_bijeenkomst(session, u["admin"], {
        "titel": "Dag", "start": start, "eind": start + timedelta(hours=2), "locatie": "x", "doelgroep": "leden",
        "onderdelen": [intro],
    })  # fmt: skip

    data = L.export_persoon(session, u["gm1"], p.id)
    assert {k["titel"] for k in data["kennisitems"]} == {"Eigen", "Genoemd"}
    assert data["begeleider"] == [{"bijeenkomst_id": b.id, "bijeenkomst": "Dag", "onderdeel": "Intro"}]

    assert L.wis_persoon(session, u["admin"], p.id)["kennisitems_auteur"] == 3
    session.flush()
    for it in (eigen, genoemd):
        assert it.auteur_naam is None and "gm1" not in it.zoektekst and "wit" not in it.zoektekst
    assert "Gm1" not in qa.inhoud and "gm1" not in qa.zoektekst and "Zo doe je dat." in qa.inhoud
    assert qa.versie == 2  # an open edit form with the name is stale
    assert b.onderdelen[0].begeleider is None
    assert kennis.zoek(session, u["kijker"], "gm1").totaal == 0
    wis = session.scalar(select(AuditRegel).where(AuditRegel.actie == "wis"))
    assert "Gerda" not in wis.details and "Gm1" not in wis.details


def test_a_login_made_after_the_profile_is_found_and_erased_with_it(session: Session) -> None:
    u = seed(session)
    p = persoon(session, u["co18"], naam="Later Lid", email="later@example.nl", res_code="ES18")
    assert p.user_id is None
    later = User(email="Later@Example.nl", naam="Later Lid", password_hash=HASH, rol="viewer")
    session.add(later)
    session.flush()
    assert L.profiel_van(session, later).id == p.id  # found by the work e-mail (read only)
    L.wis_persoon(session, u["co18"], p.id)
    session.flush()
    assert not later.actief and later.naam != "Later Lid" and "later" not in later.email.lower()
