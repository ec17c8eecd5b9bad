"""End-to-end: registering for a workshop in the browser. A member logs in and opens a meeting with two parallel
workshops, one of which (a single place) is already taken. The timetable shows both side by side with the full one
marked "vol — u komt op de wachtlijst"; she registers choosing the other workshop and sees "aangemeld" and
"ingedeeld"; switching to the full workshop puts her on its waiting list. The coordinator's organiser page shows the
counts and the waiting list, with invitations switched off (no SMTP). The meeting page and the organiser page have no
axe-core violations (WCAG 2.1 AA), in Dutch and in English.

A second story walks the knowledge base (search with stemming and diacritics, an item, the new-item form), questions,
the region's activity overview and the information-needs questionnaire (answering, results with charts and tables),
with axe on every page."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from e2e_site import USER_EMAIL, USER_PASSWORD, LiveServer, describe, login_as, run_axe
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import create_user
from warmteregio.services import bijeenkomsten
from warmteregio.store.models import Bijeenkomst, User

pytestmark = pytest.mark.e2e

LID_EMAIL = "netwerk-e2e-lid@example.nl"
LID_PASSWORD = "netwerk-e2e-wachtwoord"
LID_NAME = "Lotte Lid"
BEZET_EMAIL = "netwerk-e2e-bezet@example.nl"
TITEL = "Regiodag warmte Drechtsteden"
VOL = "Aquathermie in de praktijk"
OPEN = "Warmtenet Dordrecht-West"
SCREENSHOTS = os.environ.get("WARMTEREGIO_E2E_SCREENSHOTS")


def seed_meeting(live_server: LiveServer) -> int:
    """Two members and a members' meeting in two weeks, organised by the ES18 coordinator: opening, round 1 with
    two parallel workshops (one with a single place, already taken) and a closing plenary."""
    day = (date.today() + timedelta(days=14)).isoformat()
    with Session(live_server.engine) as s:
        existing = s.scalar(select(Bijeenkomst.id).where(Bijeenkomst.titel == TITEL))
        if existing is not None:
            return existing
        create_user(s, email=LID_EMAIL, naam=LID_NAME, password=LID_PASSWORD, rol="viewer")
        bezet = create_user(s, email=BEZET_EMAIL, naam="Bram Bezet", password=LID_PASSWORD + "-2", rol="viewer")
        coordinator = s.scalar(select(User).where(User.email == USER_EMAIL))
        s.flush()
        b = bijeenkomsten.create_bijeenkomst(s, coordinator, {
            "titel": TITEL, "omschrijving": "Kennis delen over bronnen en netten.", "start": f"{day}T09:30",
            "eind": f"{day}T16:00", "locatie": "Stadskantoor Dordrecht", "doelgroep": "leden", "capaciteit": 40,
            "onderdelen": [
                {"soort": "plenair", "titel": "Opening en stand van zaken", "start": f"{day}T09:30",
                 "eind": f"{day}T10:00"},
                {"soort": "workshop", "titel": VOL, "start": f"{day}T10:15", "eind": f"{day}T11:30", "ronde": 1,
                 "capaciteit": 1, "zaal": "Merwedezaal", "begeleider": "Sanne de Regio"},
                {"soort": "workshop", "titel": OPEN, "start": f"{day}T10:15", "eind": f"{day}T11:30", "ronde": 1,
                 "capaciteit": 12, "zaal": "Raadzaal"},
                {"soort": "pauze", "titel": "Lunch", "start": f"{day}T12:00", "eind": f"{day}T13:00"},
                {"soort": "plenair", "titel": "Afsluiting", "start": f"{day}T15:30", "eind": f"{day}T16:00"},
            ],
        })  # fmt: skip
        s.flush()
        vol = next(o.id for o in b.onderdelen if o.titel == VOL)
        bijeenkomsten.aanmelden(s, bezet, b.id, [vol])  # takes the single place
        s.commit()
        return b.id


@pytest.fixture(scope="module")
def meeting(live_server: LiveServer) -> int:
    return seed_meeting(live_server)


def accessible(page, name: str) -> None:  # noqa: ANN001
    """No axe-core violations; ``WARMTEREGIO_E2E_SCREENSHOTS=<dir>`` also keeps a screenshot ``<name>.png``."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
    violations = run_axe(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def test_member_registers_for_a_workshop_and_the_full_one_means_waiting_list(page, browser, live_server, meeting):  # noqa: ANN001
    url = f"{live_server.url}/bijeenkomsten/{meeting}"
    login_as(page, live_server, LID_EMAIL, LID_PASSWORD, f"/bijeenkomsten/{meeting}")
    assert page.url.startswith(url)
    # the timetable: both workshops of round 1 side by side, the taken one marked full
    ronde = page.locator("#wr-rooster tr[data-ronde='1']")
    assert ronde.locator("li.wr-netwerk-workshop").count() == 2
    full = page.locator(".wr-netwerk-workshop[data-vol]")
    assert full.count() == 1 and VOL in full.text_content()
    assert "vol — u komt op de wachtlijst" in full.text_content()
    cards = ronde.locator("li.wr-netwerk-workshop").all()
    assert cards[0].bounding_box()["y"] == pytest.approx(cards[1].bounding_box()["y"], abs=2)  # side by side
    assert "U bent niet aangemeld." in page.text_content("#wr-mijn-status")
    accessible(page, "bijeenkomst")

    # register choosing the workshop with room
    group = page.get_by_role("group", name="Ronde 1 (10:15–11:30): kies een workshop")
    assert "vol — u komt op de wachtlijst" in group.text_content()
    group.get_by_label(OPEN).check()
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_selector("#wr-netwerk-opgeslagen")
    status = page.text_content("#wr-mijn-status")
    assert "Aangemeld" in status and "U bent aangemeld." in status and "Ingedeeld" in status
    assert "u bent ingedeeld" in page.text_content(f".wr-netwerk-workshop:has-text('{OPEN}')")
    accessible(page, "aangemeld")

    # choosing the full workshop instead puts her on its waiting list
    page.get_by_role("group", name="Ronde 1 (10:15–11:30): kies een workshop").get_by_label(VOL).check()
    page.get_by_role("button", name="Keuze opslaan").click()
    page.wait_for_selector("#wr-netwerk-opgeslagen")
    assert "Uw workshopkeuze is gewijzigd." in page.text_content("#wr-netwerk-opgeslagen")
    assert "Wachtlijst" in page.text_content("#wr-mijn-workshops")
    assert "plaats 1" in page.text_content("#wr-mijn-workshops")  # first on the workshop's waiting list
    assert "Wachtlijst" in page.text_content(f".wr-netwerk-workshop:has-text('{VOL}')")
    accessible(page, "wachtlijst")
    # the same page in English
    page.goto(f"{live_server.url}/taal?lang=en&terug=/bijeenkomsten/{meeting}")
    assert "Round 1 (10:15–11:30): choose a workshop" in page.text_content("#wr-aanmelden-form")
    accessible(page, "bijeenkomst-en")
    assert not page.js_errors, page.js_errors

    # the organiser sees the counts and the waiting list of the full workshop; invitations are off without SMTP
    organiser = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="nl-NL").new_page()
    organiser.js_errors = []
    organiser.on("pageerror", lambda exc: organiser.js_errors.append(str(exc)))
    login_as(organiser, live_server, USER_EMAIL, USER_PASSWORD, f"/bijeenkomsten/{meeting}/deelnemers")
    organiser.wait_for_selector("#wr-tellingen")
    assert organiser.text_content("[data-telling='aangemeld']") == "2"
    row = organiser.locator("#wr-workshopbezetting tr", has_text=VOL)
    assert LID_NAME in row.text_content()
    assert organiser.locator("#wr-uitnodigen-knop").is_disabled()
    assert "SMTP" in organiser.text_content("#wr-mail-uit")
    accessible(organiser, "deelnemers")
    # small screens: the workshops of a round stack
    organiser.set_viewport_size({"width": 390, "height": 900})
    organiser.goto(url)
    stacked = organiser.locator("#wr-rooster tr[data-ronde='1'] li.wr-netwerk-workshop").all()
    assert stacked[1].bounding_box()["y"] > stacked[0].bounding_box()["y"] + 20
    accessible(organiser, "bijeenkomst-smal")
    # the other network pages of a coordinator
    organiser.set_viewport_size({"width": 1280, "height": 1000})
    for path, selector in (("/netwerk", "#wr-landelijk"), ("/bijeenkomsten", "#wr-bijeenkomstentabel"),
                           ("/bijeenkomsten/nieuw", "#wr-bijeenkomst-form"), ("/leden", "#wr-leden-filters"),
                           ("/organisaties", "#wr-org-form"), ("/netwerk/audit", "#wr-audittabel")):  # fmt: skip
        organiser.goto(live_server.url + path)
        organiser.wait_for_selector(selector)
        accessible(organiser, path.strip("/").replace("/", "-"))
    assert not organiser.js_errors, organiser.js_errors
    organiser.context.close()


ADMIN_EMAIL = "netwerk-e2e-nplw@example.nl"
KENNIS_TITEL = "Warmtenet en coöperatie in Dordrecht-West"


def seed_knowledge(live_server: LiveServer) -> dict[str, int]:
    """A knowledge item, a question with an answer and an open questionnaire (built by a national administrator)."""
    from warmteregio.services import informatiebehoefte, kennis
    from warmteregio.store.models import Kennisitem, Vraag, Vragenlijst

    with Session(live_server.engine) as s:
        if s.scalar(select(Kennisitem.id).where(Kennisitem.titel == KENNIS_TITEL)) is None:
            coordinator = s.scalar(select(User).where(User.email == USER_EMAIL))
            admin = create_user(s, email=ADMIN_EMAIL, naam="Nina NPLW", password=LID_PASSWORD, rol="admin")
            kennis.create_item(s, coordinator, {
                "soort": "praktijkverhaal", "titel": KENNIS_TITEL, "zichtbaarheid": "leden",
                "themas": ["warmtenetten"],
                "inhoud": "## Aanpak\n\nDe **corporatie** begon.\n\n- bewonersavonden\n- vaste tarieven",
            })  # fmt: skip
            vraag = kennis.stel_vraag(s, coordinator, {
                "titel": "Wie deed een gezamenlijke aanbesteding?", "tekst": "Graag ervaringen.",
                "zichtbaarheid": "leden",
            })  # fmt: skip
            kennis.beantwoord(s, admin, vraag.id, "Zie de handreiking van het nationaal programma.")
            lijst = informatiebehoefte.create_vragenlijst(s, admin, {
                "jaar": date.today().year, "titel": "Behoefte", "vragen": [
                    {"code": "bronnen", "thema": "bronnen", "tekst": "Behoefte aan brondata?", "soort": "schaal",
                     "verplicht": True},
                    {"code": "vorm", "thema": "organisatie", "tekst": "Welke vorm?", "soort": "keuze",
                     "opties": ["handreiking", "werksessie"]},
                ],
            })  # fmt: skip
            informatiebehoefte.zet_status(s, admin, lijst.id, "open")
            s.commit()
        return {"item": s.scalar(select(Kennisitem.id).where(Kennisitem.titel == KENNIS_TITEL)),
                "vraag": s.scalar(select(Vraag.id)), "lijst": s.scalar(select(Vragenlijst.id))}  # fmt: skip


def test_knowledge_questions_and_needs_pages_work_and_are_accessible(page, live_server):  # noqa: ANN001
    ids = seed_knowledge(live_server)
    login_as(page, live_server, USER_EMAIL, USER_PASSWORD, "/kennis?q=warmtenetten+cooperatie")
    # stemming and diacritics: 'warmtenetten cooperatie' finds 'Warmtenet en coöperatie'
    page.wait_for_load_state()
    assert KENNIS_TITEL in page.text_content("main")
    accessible(page, "kennis-zoeken")
    for path in (f"/kennis/{ids['item']}", "/kennis/nieuw", "/vragen", f"/vragen/{ids['vraag']}",
                 "/regios/ES18/netwerk"):  # fmt: skip
        page.goto(live_server.url + path)
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1, path
        accessible(page, path.strip("/").replace("/", "-"))

    # the coordinator answers the questionnaire for her region; the results page has charts with tables
    page.goto(f"{live_server.url}/informatiebehoefte/{ids['lijst']}")
    accessible(page, "vragenlijst")
    page.get_by_label("4 – grote behoefte").check()
    page.get_by_label("werksessie").check()
    page.get_by_role("button", name="Antwoorden opslaan").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/informatiebehoefte/{ids['lijst']}/resultaten")
    assert page.locator("svg[role='img']").count() >= 2 and page.locator("table").count() >= 2
    accessible(page, "vragenlijst-resultaten")
    assert not page.js_errors, page.js_errors
