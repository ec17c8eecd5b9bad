"""National sweeps on the web: API (start 202 + Location, progress, results JSON/CSV, per gemeente, cancel),
permissions and CSRF, bad input, and the pages (list, start form, progress with htmx polling, results).

Both databases, on the small seeded region of ``conftest`` (ES16: GM0505 with six buurten in 2024 and GM0590
with one). Sweeps run with the ``inproces`` backend (fast); one test drives a real Dask cluster (LocalCluster at the
configured scheduler address) through the API.
Every test that starts a sweep waits until it has ended, so no background thread outlives its test.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import time

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine, func, select

from warmteregio.accounts.service import create_user
from warmteregio.services import sweep
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Sweep
from warmteregio.web.api import API_VERSION

API = "/api/v1"
PASSWORD = "correct horse battery"
CSRF = "test-csrf-token"
N_BUURTEN = 7  # buurten of ES16 in their newest division year (2024)
START = {"regios": ["ES16"], "parameterset": "vesta2020", "nSamples": 200, "seed": 5, "uitvoering": "inproces"}

pytestmark = pytest.mark.db


def cookie(secret: str, user_id: int, csrf: str | None = CSRF) -> str:
    data = {"uid": user_id} | ({"csrf": csrf} if csrf else {})
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


def add_user(engine: Engine, email: str, rol: str, **kwargs) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        return create_user(s, email=email, naam=email.split("@")[0], password=PASSWORD, rol=rol, **kwargs).id


@pytest.fixture
def client_as(client_for):
    def make(engine: Engine, user_id: int | None, csrf: str | None = CSRF) -> TestClient:
        client = client_for(engine)
        if user_id is not None:
            client.cookies.set("warmteregio_sessie", cookie(client.app.state.settings.secret_key, user_id, csrf))
        return client

    return make


@pytest.fixture
def users(seeded: Engine) -> dict[str, int]:
    return {
        "coordinator": add_user(seeded, "co16@example.nl", "regiocoordinator", res_code="ES16"),
        "andere": add_user(seeded, "co17@example.nl", "regiocoordinator", res_code="ES17"),
        "beheerder": add_user(seeded, "beheer@example.nl", "admin"),
        "kijker": add_user(seeded, "kijk@example.nl", "viewer"),
    }


@pytest.fixture
def beheerder(seeded: Engine) -> int:
    return add_user(seeded, "beheer@example.nl", "admin")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status and " / " in body["detail"]
    return body


def wait_until_ended(client: TestClient, location: str, limit_s: float = 120.0) -> dict:
    """Poll the sweep until it is no longer running (the limit only guards against a hang)."""
    deadline = time.monotonic() + limit_s
    while True:
        body = client.get(location).json()
        if body["status"] not in ("wachtend", "bezig"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def _count(engine: Engine) -> int:
    with make_sessionmaker(engine)() as s:
        return int(s.scalar(select(func.count(Sweep.id))) or 0)


# ------------------------------------------------------------------------------------------------------ API


def test_start_follow_and_read_a_sweep(seeded: Engine, users, client_as):
    with client_as(seeded, users["coordinator"]) as client:
        response = client.post(f"{API}/sweeps", json=START, headers={"X-CSRF-Token": CSRF})
        assert response.status_code == 202, response.text
        location = response.headers["location"]
        first = response.json()
        assert location == f"{API}/sweeps/{first['id']}"
        assert first["status"] in ("wachtend", "bezig", "klaar")
        assert first["scheduler"] == "inproces" and first["regios"] == ["ES16"]
        assert first["_links"]["csv"]["href"].endswith("/resultaten?formaat=csv")
        body = wait_until_ended(client, location)
        assert body["status"] == "klaar", body["foutmelding"]
        assert body["partitiesTotaal"] == body["partitiesKlaar"] == 2 and body["voortgang"] == 1.0
        assert body["aantalBuurten"] == N_BUURTEN and body["gestartDoor"] == "co16"
        assert body["instellingen"]["n_samples"] == 200 and body["instellingen"]["seed"] == 5
        assert body["gemeenten"] == ["GM0505", "GM0590"]

        rows = client.get(f"{location}/resultaten", params={"paginaGrootte": 100}).json()
        assert rows["totaal"] == N_BUURTEN
        first_row = rows["resultaten"][0]
        assert set(first_row) == {"buurtCode", "gemeenteCode", "winnaar", "acceptatie", "gelijkspel", "acceptaties"}
        assert [r["buurtCode"] for r in rows["resultaten"]] == sorted(r["buurtCode"] for r in rows["resultaten"])
        winners = [r for r in rows["resultaten"] if r["winnaar"]]
        assert winners and all(r["acceptatie"] == r["acceptaties"][r["winnaar"]] for r in winners)
        only = client.get(f"{location}/resultaten", params={"gemeente": "GM0590"}).json()
        assert [r["buurtCode"] for r in only["resultaten"]] == ["BU05900101"]

        text = client.get(f"{location}/resultaten", params={"formaat": "csv"})
        assert text.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(text.text)))
        assert table[0][:5] == ["buurt_code", "gemeente_code", "winnaar", "acceptatie", "gelijkspel"]
        assert len(table) == N_BUURTEN + 1
        via_accept = client.get(f"{location}/resultaten", headers={"Accept": "text/csv"})
        assert via_accept.text == text.text

        overview = client.get(f"{location}/gemeenten").json()
        assert [g["gemeenteCode"] for g in overview["resultaten"]] == ["GM0505", "GM0590"]
        assert overview["resultaten"][0]["gemeenteNaam"] == "Dordrecht"
        assert sum(t["aantalBuurten"] for g in overview["resultaten"] for t in g["winnaars"]) == N_BUURTEN

        listing = client.get(f"{API}/sweeps").json()
        assert listing["totaal"] == 1 and listing["resultaten"][0]["id"] == first["id"]

        done = client.post(f"{location}/annuleren", headers={"X-CSRF-Token": CSRF})
        assert_problem(done, 409)

    # the stored numbers are those of the service run over the same buurten
    with make_sessionmaker(seeded)() as s:
        stored = sweep.sweep_results(s, first["id"]).items
        shared = sweep.prepare_shared(sweep.SweepInstellingen(parameterset="vesta2020", n_samples=200, seed=5))
        db = sweep.database_inputs(s, ["GM0505", "GM0590"], shared.params(), shared.varianten)
    assert stored == sweep.run_all_at_once(db.inputs, shared, db.buurt_data, db.gemeente_van, invoer=db.invoer)


def test_write_access_rules(seeded: Engine, users, client_as):
    with client_as(seeded, None) as anonymous:
        assert_problem(anonymous.post(f"{API}/sweeps", json=START), 401)
    with client_as(seeded, users["coordinator"]) as client:
        assert_problem(client.post(f"{API}/sweeps", json=START), 403)  # no CSRF header
        assert_problem(client.post(f"{API}/sweeps", json=START, headers={"X-CSRF-Token": "fout"}), 403)
        national = {**START, "regios": None, "alle": True}
        assert "landelijke" in assert_problem(client.post(f"{API}/sweeps", json=national,
                                                          headers={"X-CSRF-Token": CSRF}), 403)["detail"]  # fmt: skip
        other = {**START, "regios": ["ES17"]}
        assert_problem(client.post(f"{API}/sweeps", json=other, headers={"X-CSRF-Token": CSRF}), 403)
        utrecht = {**START, "regios": None, "gemeenten": ["GM0344"]}
        assert_problem(client.post(f"{API}/sweeps", json=utrecht, headers={"X-CSRF-Token": CSRF}), 403)
    with client_as(seeded, users["kijker"]) as client:
        assert_problem(client.post(f"{API}/sweeps", json=START, headers={"X-CSRF-Token": CSRF}), 403)
    assert _count(seeded) == 0
    with client_as(seeded, users["beheerder"]) as client:
        response = client.post(f"{API}/sweeps", json={**START, "regios": None, "alle": True},
                               headers={"X-CSRF-Token": CSRF})  # fmt: skip
        assert response.status_code == 202, response.text
        body = wait_until_ended(client, response.headers["location"])
        assert body["status"] == "klaar" and body["gemeenten"] is None
        assert body["aantalBuurten"] == 8  # every gemeente in its newest year: ES16 (7) and Utrecht (1)


@pytest.mark.parametrize(
    "change, status, text",
    [
        ({"nSamples": 0}, 422, None),
        ({"methode": "elektre"}, 422, None),
        ({"regios": ["ES99"]}, 404, "ES99"),
        ({"regios": ["XX"]}, 400, None),
        ({"regios": None}, 400, "kies regio's, gemeenten of alle buurten"),
        ({"parameterset": "bestaat-niet"}, 404, "parameterset"),
        ({"gewichten": {"geen_criterium": 1.0}}, 400, "onbekend criterium"),
    ],
)
def test_bad_start_requests_leave_nothing(seeded: Engine, beheerder, client_as, change, status, text):
    with client_as(seeded, beheerder) as client:
        response = client.post(f"{API}/sweeps", json={**START, **change}, headers={"X-CSRF-Token": CSRF})
        body = assert_problem(response, status)
        if text:
            assert text in body["detail"]
    assert _count(seeded) == 0


def test_cancel_a_waiting_sweep_and_unknown_ids(seeded: Engine, users, client_as):
    factory = make_sessionmaker(seeded)
    with factory() as s:
        row = sweep.create_sweep(s, sweep.SweepInstellingen(), regios=["ES16"], scheduler="inproces")
        s.commit()
        sweep_id = row.id
    with client_as(seeded, users["andere"]) as client:  # coordinator of another region
        assert_problem(client.post(f"{API}/sweeps/{sweep_id}/annuleren", headers={"X-CSRF-Token": CSRF}), 403)
    with client_as(seeded, users["coordinator"]) as client:
        assert_problem(client.post(f"{API}/sweeps/{sweep_id}/annuleren"), 403)
        response = client.post(f"{API}/sweeps/{sweep_id}/annuleren", headers={"X-CSRF-Token": CSRF})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "geannuleerd" and response.json()["beeindigd"]
        assert_problem(client.post(f"{API}/sweeps/{sweep_id}/annuleren", headers={"X-CSRF-Token": CSRF}), 409)
        assert_problem(client.get(f"{API}/sweeps/999999"), 404)
        assert_problem(client.get(f"{API}/sweeps/999999/resultaten"), 404)
        assert_problem(client.post(f"{API}/sweeps/999999/annuleren", headers={"X-CSRF-Token": CSRF}), 404)
    # a cancelled sweep is never run: the runner sees the status and stops before any partition
    assert sweep.execute_sweep(factory, sweep_id) == "geannuleerd"
    with factory() as s:
        info = sweep.get_sweep(s, sweep_id)
        assert info is not None and info.aantal_buurten == 0 and info.partities_klaar == 0


@pytest.fixture(scope="module")
def dask_cluster():
    """One LocalCluster (two worker processes) for the module, reached through the scheduler-address setting."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster


def test_sweep_on_the_configured_dask_cluster(seeded: Engine, users, dask_cluster):
    """The web path with a real Dask cluster: WARMTEREGIO_DASK_SCHEDULER set, the background thread connects."""
    from warmteregio.settings import Settings
    from warmteregio.web.app import create_app

    settings = Settings(database_url=seeded.url.render_as_string(hide_password=False), secret_key="sweep-web-test",
                        dask_scheduler=dask_cluster.scheduler_address)  # fmt: skip
    with TestClient(create_app(settings, seeded)) as client:
        client.cookies.set("warmteregio_sessie", cookie("sweep-web-test", users["coordinator"]))
        response = client.post(f"{API}/sweeps", json={**START, "uitvoering": "standaard"},
                               headers={"X-CSRF-Token": CSRF})  # fmt: skip
        assert response.status_code == 202, response.text
        body = wait_until_ended(client, response.headers["location"], limit_s=300)
        assert body["status"] == "klaar", body["foutmelding"]
        assert body["scheduler"] == dask_cluster.scheduler_address and body["aantalBuurten"] == N_BUURTEN
        dask_rows = client.get(f"{response.headers['location']}/resultaten", params={"formaat": "csv"}).text
        again = client.post(f"{API}/sweeps", json=START, headers={"X-CSRF-Token": CSRF})
        wait_until_ended(client, again.headers["location"])
        inproces_rows = client.get(f"{again.headers['location']}/resultaten", params={"formaat": "csv"}).text
    strip = lambda text: [line.rsplit(",", 1)[0] for line in text.splitlines()]  # noqa: E731 - drop sweep_id
    assert strip(dask_rows) == strip(inproces_rows)
    assert dask_cluster.scheduler.status.name == "running"


# ---------------------------------------------------------------------------------------------------- pages


def test_pages_list_form_progress_and_results(seeded: Engine, users, client_as):
    with client_as(seeded, None) as anonymous:
        page = anonymous.get("/sweeps")
        assert page.status_code == 200
        assert "Er zijn nog geen landelijke analyses." in page.text and 'action="/sweeps"' not in page.text
    with client_as(seeded, users["coordinator"]) as client:
        page = client.get("/sweeps")
        assert 'action="/sweeps"' in page.text and 'name="csrf_token"' in page.text
        assert 'value="ES16"' in page.text and 'value="ES17"' not in page.text and 'value="alle"' not in page.text
        refused = client.post("/sweeps", data={"regio": "ES16", "csrf_token": "fout"})
        assert refused.status_code == 403
        response = client.post(
            "/sweeps",
            data={"regio": "ES16", "parameterset": "vesta2020", "samples": "1000", "seed": "2", "zichtjaar": "2030",
                  "uitvoering": "inproces", "csrf_token": CSRF},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303
        target = response.headers["location"]
        sweep_id = int(target.rsplit("/", 1)[1])
        wait_until_ended(client, f"{API}/sweeps/{sweep_id}")
        detail = client.get(target)
        assert detail.status_code == 200
        assert 'role="status"' in detail.text and "<progress" in detail.text
        assert 'hx-trigger="every 2s"' not in detail.text  # ended: no more polling
        assert "2 van 2 gemeentepartities klaar." in detail.text
        assert 'id="wr-sweep-gemeenten"' in detail.text and "Dordrecht" in detail.text
        assert f'href="{API}/sweeps/{sweep_id}/resultaten?formaat=csv"' in detail.text
        assert "Annuleer analyse" not in detail.text
        listing = client.get("/sweeps")
        assert f'href="/sweeps/{sweep_id}"' in listing.text
        client.cookies.set("warmteregio_taal", "en")
        english = client.get(target)
        assert "2 of 2 municipality partitions done." in english.text and 'lang="en"' in english.text
        client.cookies.delete("warmteregio_taal")

    with make_sessionmaker(seeded)() as s:
        row = sweep.create_sweep(s, sweep.SweepInstellingen(), regios=["ES16"], scheduler="inproces")
        s.commit()
        waiting = row.id
    with client_as(seeded, users["coordinator"]) as client:
        fragment = client.get(f"/sweeps/{waiting}/voortgang")
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert f'hx-get="/sweeps/{waiting}/voortgang"' in fragment.text and 'hx-trigger="every 2s"' in fragment.text
        # the live region stays on the page; the fragment updates its text out of band (never recreates it)
        assert 'id="wr-sweep-status" hx-swap-oob="innerHTML"' in fragment.text and "role=" not in fragment.text
        assert "Status: wachtend." in fragment.text
        page = client.get(f"/sweeps/{waiting}")
        assert "Annuleer analyse" in page.text
        cancelled = client.post(f"/sweeps/{waiting}/annuleren", data={"csrf_token": CSRF}, follow_redirects=False)
        assert cancelled.status_code == 303
        after = client.get(f"/sweeps/{waiting}")
        assert "De analyse is geannuleerd; er zijn geen resultaten bewaard." in after.text
        assert 'hx-trigger="every 2s"' not in after.text
        assert client.get("/sweeps/999999").status_code == 404
    with client_as(seeded, users["kijker"]) as client:
        assert 'action="/sweeps"' not in client.get("/sweeps").text
        assert client.post("/sweeps", data={"regio": "ES16", "csrf_token": CSRF}).status_code == 403


def test_page_form_reports_bad_input(seeded: Engine, beheerder, client_as):
    with client_as(seeded, beheerder) as client:
        page = client.get("/sweeps")
        assert 'value="alle"' in page.text
        bad = client.post("/sweeps", data={"regio": "ES16", "parameterset": "bestaat-niet", "uitvoering": "inproces",
                                           "csrf_token": CSRF})  # fmt: skip
        assert bad.status_code == 422 and "parameterset" in bad.text
        assert client.post("/sweeps", data={"regio": "ES16", "samples": "veel", "csrf_token": CSRF}).status_code == 422
    assert _count(seeded) == 0
