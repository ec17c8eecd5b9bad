"""Workshop cases (casus): permissions, append-only submissions (also 20 at once), the results (hand-checked on a
tiny case), the frozen results after closing and the decision log. Both databases, on the small ES18 region of
``conftest`` with an assessment run."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from warmteregio.accounts import service as accounts
from warmteregio.engine.mcda import DecisionMatrix
from warmteregio.services import afweging, assessment
from warmteregio.services import casus as service
from warmteregio.store.db import make_sessionmaker
from warmteregio.store.models import Casus, CasusInbreng, User

pytestmark = pytest.mark.db

CRITERIA = ["nationale_meerkosten", "co2_reductie", "betaalbaarheid"]


@pytest.fixture
def fast_users(monkeypatch: pytest.MonkeyPatch) -> None:
    """create_user without the (deliberately slow) argon2 hash; these users never log in."""
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")


def make_user(session: Session, email: str, rol: str = "viewer", **kwargs) -> User:
    naam = email.split("@")[0].title()
    return accounts.create_user(session, email=email, naam=naam, password="correct horse battery", rol=rol, **kwargs)


@pytest.fixture
def world(regio: Engine, fast_users: None) -> dict:
    """ES18 with a finished run, its coordinator (id 1), an admin (id 2) and three more users."""
    factory = make_sessionmaker(regio)
    if regio.dialect.name == "postgresql":  # the seed inserts users 1 and 2 with explicit ids
        with regio.begin() as conn:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"))
    with factory() as s:
        coordinator = s.get(User, 1)
        run = assessment.start_run(s, "ES18", "vesta2020", None, 2030, None, coordinator)
        assert run.status == "klaar", run.foutmelding
        for email in ("anna@example.nl", "bob@example.nl", "carla@example.nl"):
            make_user(s, email)
        make_user(s, "andere-co@example.nl", "regiocoordinator", res_code="ES17")
        s.commit()
        return {"factory": factory, "run_id": run.id}


def user(s: Session, email: str) -> User:
    return s.scalar(select(User).where(User.email == email))


def new_case(s: Session, **kwargs) -> service.CasusInfo:
    args = {"titel": "Warmte voor Dordrecht", "regio": "ES18", "criteria": CRITERIA} | kwargs
    return service.create_casus(s, s.get(User, 1), **args)


def weights(a: float, b: float, c: float) -> dict[str, float]:
    return dict(zip(CRITERIA, (a, b, c), strict=True))


# ------------------------------------------------------------------------------------------------ definition


def test_create_uses_latest_run_all_buurten_viewer_variants(world: dict) -> None:
    with world["factory"]() as s:
        info = service.create_casus(s, s.get(User, 1), titel="  Alles standaard ", regio="es18")
        s.commit()
        run = assessment.latest_run(s, "ES18")
        assert info.titel == "Alles standaard" and info.regio_code == "ES18" and info.run_id == run.id
        assert info.buurten == sorted(assessment.run_buurt_codes(s, run)) and len(info.buurten) == 4
        catalogue = assessment.catalogue_for_run(run)
        assert info.varianten == [v.code for v in catalogue if v.in_viewer and not v.is_reference]
        assert info.criteria == [c.code for c in service.criteria_catalogue()]
        assert info.status == "open" and info.methode == "gewogen_som"
        assert [(d.user_id, d.rol) for d in info.deelnemers] == [(1, "begeleider")]


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"titel": "  "}, 400, "titel is verplicht"),
        ({"titel": "x" * 201}, 400, "te lang"),
        ({"regio": "ES99"}, 404, "regio ES99"),
        ({"regio": "ES17"}, 403, "geen casussen maken"),
        ({"buurten": ["BU99990101"]}, 400, "zonder resultaten"),
        ({"varianten": ["S1a", "S9z"]}, 400, "S9z"),
        ({"varianten": ["S1a"]}, 400, "minstens 2 varianten"),
        ({"criteria": ["bestaat_niet"]}, 400, "bestaat_niet"),
        ({"methode": "dobbelsteen"}, 400, "onbekende methode"),
        ({"run_id": 9999}, 404, "9999"),
    ],
)
def test_create_refuses_bad_input_bilingually(world: dict, kwargs: dict, status: int, fragment: str) -> None:
    with world["factory"]() as s:
        with pytest.raises(service.CasusError) as err:
            new_case(s, **kwargs)
        assert err.value.status == status and fragment in err.value.nl and err.value.en


def test_only_coordinator_of_region_or_admin_creates(world: dict) -> None:
    with world["factory"]() as s:
        for email in ("anna@example.nl", "andere-co@example.nl"):
            with pytest.raises(service.CasusError) as err:
                service.create_casus(s, user(s, email), titel="t", regio="ES18")
            assert err.value.status == 403
        assert service.create_casus(s, s.get(User, 2), titel="door beheer", regio="ES18").id
        assert service.kan_maken(user(s, "anna@example.nl")) == []
        assert service.kan_maken(s.get(User, 1)) == ["ES18"] and service.kan_maken(s.get(User, 2)) == ["*"]


def test_create_without_finished_run_is_409(regio: Engine, fast_users: None) -> None:
    with make_sessionmaker(regio)() as s:
        with pytest.raises(service.CasusError) as err:
            service.create_casus(s, s.get(User, 1), titel="t", regio="ES18")
        assert err.value.status == 409


def test_visibility_and_participants(world: dict) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        anna, bob, other = user(s, "anna@example.nl"), user(s, "bob@example.nl"), user(s, "andere-co@example.nl")
        for outsider in (anna, other, None):
            with pytest.raises(service.CasusError) as err:
                service.get_casus(s, outsider, cid)
            assert err.value.status == 404  # existence is not revealed
        assert service.list_casussen(s, anna) == []
        d = service.add_deelnemer(s, s.get(User, 1), cid, " ANNA@example.nl ")
        assert (d.user_id, d.rol, d.email) == (anna.id, "deelnemer", "anna@example.nl")
        assert [c.id for c in service.list_casussen(s, anna)] == [cid]
        assert [c.id for c in service.list_casussen(s, s.get(User, 2))] == [cid]  # admin sees all
        assert service.get_casus(s, anna, cid).id == cid
        with pytest.raises(service.CasusError) as err:  # a participant does not manage
            service.add_deelnemer(s, anna, cid, "bob@example.nl")
        assert err.value.status == 403
        with pytest.raises(service.CasusError) as err:
            service.add_deelnemer(s, s.get(User, 1), cid, "niemand@example.nl")
        assert err.value.status == 404
        with pytest.raises(service.CasusError) as err:
            service.add_deelnemer(s, s.get(User, 1), cid, "bob@example.nl", rol="baas")
        assert err.value.status == 400
        service.add_deelnemer(s, s.get(User, 1), cid, "bob@example.nl", rol="begeleider")
        assert service.rechten(bob, service.get_casus(s, bob, cid)).beheren  # a facilitator manages
        service.remove_deelnemer(s, bob, cid, anna.id)
        with pytest.raises(service.CasusError) as err:
            service.get_casus(s, anna, cid)
        assert err.value.status == 404
        with pytest.raises(service.CasusError) as err:
            service.remove_deelnemer(s, bob, cid, anna.id)
        assert err.value.status == 404


# ------------------------------------------------------------------------------------------------ submissions


def test_submit_is_append_only_with_versions(world: dict) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        service.add_deelnemer(s, s.get(User, 1), cid, "anna@example.nl")
        anna = user(s, "anna@example.nl")
        args = {"algemeen": "  Betaalbaar eerst. ", "co2_reductie": ""}
        first = service.submit(s, anna, cid, weights(50, 20, 0), args)
        second = service.submit(s, anna, cid, weights(10, 80, 10), {"co2_reductie": "Klimaat telt."})
        s.commit()
        assert (first.versie, second.versie) == (1, 2)
        assert first.argumenten == {"algemeen": "Betaalbaar eerst."}  # stripped, empty ones dropped
        history = service.inbreng(s, anna, cid)
        assert [(h.versie, h.gewichten["co2_reductie"]) for h in history] == [(1, 20.0), (2, 80.0)]
        assert [h.versie for h in service.inbreng(s, anna, cid, alleen_laatste=True)] == [2]


@pytest.mark.parametrize(
    ("gewichten", "argumenten", "fragment"),
    [
        ({"nationale_meerkosten": 1, "co2_reductie": 1}, {}, "ontbreekt"),
        (weights(1, 1, 1) | {"eigendom": 1}, {}, "horen niet bij"),
        (weights(0, 0, 0), {}, "minstens één gewicht"),
        (weights(-1, 5, 5), {}, "van 0 tot en met 100"),
        (weights(101, 5, 5), {}, "van 0 tot en met 100"),
        (weights(float("nan"), 5, 5), {}, "van 0 tot en met 100"),
        ({**weights(1, 1, 1), "co2_reductie": "veel"}, {}, "van 0 tot en met 100"),
        (weights(1, 1, 1), {"algemeen": "x" * 4001}, "te lang"),
        (weights(1, 1, 1), {"eigendom": "niet in de casus"}, "onbekende criteria"),
        (weights(1, 1, 1), {"algemeen": "bel\x07"}, "ongeldige tekens"),
    ],
)
def test_submit_refuses_bad_weights_and_arguments(world: dict, gewichten, argumenten, fragment: str) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        service.add_deelnemer(s, s.get(User, 1), cid, "anna@example.nl")
        with pytest.raises(service.CasusError) as err:
            service.submit(s, user(s, "anna@example.nl"), cid, gewichten, argumenten)
        assert err.value.status == 400 and fragment in err.value.nl and err.value.en
        assert s.scalar(select(func.count()).select_from(CasusInbreng)) == 0


def test_only_participants_submit(world: dict) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        admin = s.get(User, 2)
        with pytest.raises(service.CasusError) as err:  # sees the case, is no participant
            service.submit(s, admin, cid, weights(1, 1, 1), {})
        assert err.value.status == 403
        with pytest.raises(service.CasusError) as err:
            service.submit(s, user(s, "bob@example.nl"), cid, weights(1, 1, 1), {})
        assert err.value.status == 404
        assert service.submit(s, s.get(User, 1), cid, weights(1, 1, 1), {}).versie == 1  # the facilitator may


def test_twenty_participants_in_a_loop(world: dict) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        people = [make_user(s, f"deelnemer{i:02d}@example.nl") for i in range(20)]
        for p in people:
            service.add_deelnemer(s, s.get(User, 1), cid, p.email)
        for round_ in range(2):
            for i, p in enumerate(people):
                service.submit(s, p, cid, weights(i + 1, 20 - i + round_, 5), {"algemeen": f"ronde {round_}"})
        s.commit()
        res = service.resultaat(s, s.get(User, 1), cid)
        assert len(res["deelnemers"]) == 20
        assert set(res["inbreng_versies"].values()) == {2}
        assert len(service.inbreng(s, s.get(User, 1), cid)) == 40
        assert all(len(b["winnaars"]) == 20 for b in res["buurten"])


def test_twenty_concurrent_submissions_lose_nothing(world: dict) -> None:
    factory = world["factory"]
    with factory() as s:
        cid = new_case(s).id
        ids = []
        for i in range(20):
            p = make_user(s, f"tegelijk{i:02d}@example.nl")
            service.add_deelnemer(s, s.get(User, 1), cid, p.email)
            ids.append(p.id)
        s.commit()
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def work(uid: int, i: int) -> None:
        try:
            barrier.wait(timeout=30)
            for round_ in range(2):
                with factory() as s:
                    args = {"algemeen": f"{uid}-{round_}"}
                    service.submit(s, s.get(User, uid), cid, weights(i + 1, 1 + round_, 1), args)
                    s.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(uid, i)) for i, uid in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with factory() as s:
        rows = s.scalars(select(CasusInbreng).where(CasusInbreng.casus_id == cid)).all()
        assert len(rows) == 40
        per_user: dict[int, list[int]] = {}
        for r in rows:
            per_user.setdefault(r.user_id, []).append(r.versie)
        assert sorted(per_user) == sorted(ids)
        assert all(sorted(v) == [1, 2] for v in per_user.values())
        latest = service.inbreng(s, s.get(User, 1), cid, alleen_laatste=True)
        assert len(latest) == 20 and {json.dumps(i.argumenten) for i in latest} == {
            json.dumps({"algemeen": f"{uid}-1"}) for uid in ids
        }


def test_concurrent_saves_of_one_participant_get_distinct_versions(world: dict) -> None:
    factory = world["factory"]
    with factory() as s:
        cid = new_case(s).id
        service.add_deelnemer(s, s.get(User, 1), cid, "anna@example.nl")
        uid = user(s, "anna@example.nl").id
        s.commit()
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        barrier.wait(timeout=30)
        with factory() as s:
            service.submit(s, s.get(User, uid), cid, weights(i + 1, 1, 1), {})
            s.commit()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    with factory() as s:
        versions = sorted(s.scalars(select(CasusInbreng.versie).where(CasusInbreng.casus_id == cid)).all())
    assert versions == list(range(1, 9))


# ------------------------------------------------------------------------------------------------ results


def tiny_matrix() -> DecisionMatrix:
    """Two buurten, variants A, B, C, two benefit criteria. Buurt 1: A = (1, 0), B = (0, 1), C = (0.4, 0.4);
    buurt 2: A = (1, 1) dominates B = (0, 0) and C = (0.5, 0.5)."""
    values = np.array([[[1.0, 0.0], [0.0, 1.0], [0.4, 0.4]], [[1.0, 1.0], [0.0, 0.0], [0.5, 0.5]]])
    return DecisionMatrix(np.array(["BU1", "BU2"]), ("A", "B", "C"), ("c1", "c2"), values, np.array([1, 1]))


def test_results_hand_checked_on_a_tiny_case() -> None:
    people = [(1, "Piet", {"c1": 1, "c2": 0}), (2, "Kees", {"c1": 0, "c2": 3}), (3, "Els", {"c1": 5, "c2": 0})]
    res = service.compute_results(tiny_matrix(), people)
    assert [d["winnaars"] for d in res["deelnemers"]] == [
        {"BU1": "A", "BU2": "A"},
        {"BU1": "B", "BU2": "A"},
        {"BU1": "A", "BU2": "A"},
    ]
    assert res["deelnemers"][0]["rangorde"]["BU1"] == ["A", "C", "B"]
    b1, b2 = res["buurten"]
    assert b1["meest_gekozen"] == "A" and b1["overeenstemming"] == pytest.approx(2 / 3)
    assert b1["afwijkend"] == [{"variant": "B", "deelnemers": [{"user_id": 2, "naam": "Kees"}]}]
    assert b2["overeenstemming"] == 1.0 and b2["afwijkend"] == []
    assert res["overeenstemming"] == pytest.approx(5 / 6) and res["eensgezind_aandeel"] == 0.5
    # mixtures w_c1 = l1 + l3 with (l1, l2, l3) ~ Dirichlet(1, 1, 1): w_c1 ~ Beta(2, 1), P(w_c1 > 1/2) = 3/4;
    # C (0.4) never beats max(w_c1, w_c2) >= 1/2
    assert b1["groepskeuze"] == "A" and b1["acceptatie"] == pytest.approx(0.75, abs=0.02)
    assert b1["acceptaties"]["B"] == pytest.approx(0.25, abs=0.02) and "C" not in b1["acceptaties"]
    assert b2["groepskeuze"] == "A" and b2["acceptatie"] == 1.0 and b2["robuust"] and not b2["omstreden"]
    pairs = {(g["a"], g["b"]): g for g in res["gelijkenis"]}
    assert pairs[(1, 2)]["zelfde_winnaar"] == 0.5 and pairs[(1, 2)]["cosinus"] == pytest.approx(0.0)
    assert pairs[(1, 2)]["kendall_tau"] == pytest.approx(-1.0)
    assert pairs[(1, 3)]["zelfde_winnaar"] == 1.0 and pairs[(1, 3)]["cosinus"] == pytest.approx(1.0)
    assert pairs[(1, 3)]["kendall_tau"] == pytest.approx(1.0)
    spread = {s["criterium"]: s for s in res["spreiding"]}
    assert spread["c1"]["gemiddelde"] == pytest.approx(2 / 3)
    assert spread["c1"]["standaardafwijking"] == pytest.approx(np.sqrt(2 / 9))


def test_two_opposite_participants_make_a_contested_buurt() -> None:
    people = [(1, "Piet", {"c1": 1, "c2": 0}), (2, "Kees", {"c1": 0, "c2": 1})]
    res = service.compute_results(tiny_matrix(), people)
    b1 = res["buurten"][0]
    assert b1["overeenstemming"] == 0.5 and b1["meest_gekozen"] == "A"  # tie: the variant listed first
    assert b1["acceptatie"] == pytest.approx(0.5, abs=0.03) and b1["omstreden"] and not b1["robuust"]
    # tied: beats the group's choice in >= 35% of the samples; C (0.4) beats A (= w_c1) when w_c1 < 0.4 and
    # B (= 1 - w_c1) when w_c1 > 0.6: 40% of the uniform mixtures either way
    assert b1["groepskeuze"] in ("A", "B")
    assert sorted([b1["groepskeuze"], *b1["gelijkspel"]]) == ["A", "B", "C"]
    assert service.contested_first(res["buurten"])[0]["buurt_code"] == "BU1"


def test_identical_weights_give_acceptability_one() -> None:
    people = [(i, f"p{i}", {"c1": 2, "c2": 1}) for i in range(1, 6)]
    res = service.compute_results(tiny_matrix(), people)
    for b in res["buurten"]:
        assert b["acceptatie"] == 1.0 and b["robuust"] and b["overeenstemming"] == 1.0 and b["gelijkspel"] == []
    assert all(g["cosinus"] == pytest.approx(1.0) for g in res["gelijkenis"])


def test_results_on_the_real_run_and_cache(world: dict) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        for email in ("anna@example.nl", "bob@example.nl"):
            service.add_deelnemer(s, s.get(User, 1), cid, email)
        co = s.get(User, 1)
        empty = service.resultaat(s, co, cid)
        assert empty["deelnemers"] == [] and all(b["groepskeuze"] is None for b in empty["buurten"])
        service.submit(s, user(s, "anna@example.nl"), cid, weights(100, 0, 0), {})
        service.submit(s, user(s, "bob@example.nl"), cid, weights(0, 100, 0), {})
        s.commit()
        before = service._STATS["berekeningen"]
        res = service.resultaat(s, co, cid)
        again = service.resultaat(s, user(s, "anna@example.nl"), cid)
        assert again is res and service._STATS["berekeningen"] == before + 1  # one computation per change
        assert [d["naam"] for d in res["deelnemers"]] == ["Anna", "Bob"]
        assert len(res["buurten"]) == 4 and res["varianten"]
        for b in res["buurten"]:
            acc = sum(b["acceptaties"].values())
            assert acc == pytest.approx(1.0) or b["groepskeuze"] is None
        service.submit(s, user(s, "bob@example.nl"), cid, weights(100, 0, 0), {})
        s.commit()
        changed = service.resultaat(s, co, cid)
        assert changed is not res and service._STATS["berekeningen"] == before + 2
        assert all(b["overeenstemming"] in (1.0, None) for b in changed["buurten"])


# ------------------------------------------------------------------------------------------------ closing, log


def test_close_freezes_results_and_refuses_submissions(world: dict) -> None:
    with world["factory"]() as s:
        cid = new_case(s).id
        service.add_deelnemer(s, s.get(User, 1), cid, "anna@example.nl")
        anna = user(s, "anna@example.nl")
        service.submit(s, anna, cid, weights(100, 0, 0), {"algemeen": "<script>alert(1)</script>"})
        with pytest.raises(service.CasusError) as err:
            service.close_casus(s, anna, cid, "besluit")
        assert err.value.status == 403
        with pytest.raises(service.CasusError) as err:
            service.close_casus(s, s.get(User, 1), cid, "  ")
        assert err.value.status == 400
        info = service.close_casus(s, s.get(User, 1), cid, "We kiezen de warmtepomp.")
        s.commit()
        assert info.status == "gesloten" and info.gesloten is not None and info.besluit == "We kiezen de warmtepomp."
        for call in (
            lambda: service.submit(s, anna, cid, weights(1, 1, 1), {}),
            lambda: service.add_deelnemer(s, s.get(User, 1), cid, "bob@example.nl"),
            lambda: service.close_casus(s, s.get(User, 1), cid, "nog eens"),
        ):
            with pytest.raises(service.CasusError) as err:
                call()
            assert err.value.status == 409 and "gesloten" in err.value.nl and "closed" in err.value.en
        frozen = service.resultaat(s, anna, cid)
        log1 = service.besluitenlog(s, anna, cid)
        # a later criterion entry makes Anna's winner in the first buurt very expensive: a live computation
        # changes, the closed case does not
        b0 = frozen["buurten"][0]
        winner = b0["winnaars"][0]["variant"]
        assert winner is not None
        afweging.enter_value(s, s.get(User, 1), b0["buurt_code"], winner, "nationale_meerkosten", 1e7, "test")
        s.commit()
        live = service._compute(s, s.get(Casus, cid))
        assert live["buurten"][0]["winnaars"][0]["variant"] != winner
        log2 = service.besluitenlog(s, anna, cid)
        assert service.resultaat(s, anna, cid) == frozen
        del log1["gegenereerd"], log2["gegenereerd"]
        assert log1 == log2
        assert log1["casus"]["besluit"] == "We kiezen de warmtepomp." and log1["versie"]
        assert log1["geschiedenis"][0]["argumenten"] == {"algemeen": "<script>alert(1)</script>"}
        assert log1["run"]["parameterset"] == "vesta2020" and log1["run"]["zichtjaar"] == 2030
        assert [c["code"] for c in log1["criteria"]] == CRITERIA and log1["criteria"][0]["uitleg_nl"]
