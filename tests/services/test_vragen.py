"""Questions and answers: a member asks, others answer, the best answer becomes a knowledge item that search
finds; visibility of regional questions and who may mark the best answer. Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_kennis import ADMIN, ANDER, COORD, COORD17, KIJKER, LID, seed_netwerk

from warmteregio.services import kennis as K
from warmteregio.services import netwerk as nw
from warmteregio.services.netwerk import NetwerkError
from warmteregio.store.models import Kennisitem, User, Vraag

pytestmark = pytest.mark.db


@pytest.fixture
def users(session: Session) -> dict[int, User]:
    return seed_netwerk(session)


def test_question_answers_and_best_answer_become_knowledge(session: Session, users: dict[int, User]) -> None:
    lid, kijker, ander = users[LID], users[KIJKER], users[ANDER]
    vraag = K.stel_vraag(session, lid, {"titel": "Wie heeft ervaring met een warmtecoöperatie?",
                                        "tekst": "Wij zoeken een voorbeeld van bewoners die zelf een net beheren.",
                                        "themas": "participatie, warmtenetten"})  # fmt: skip
    assert (vraag.status, vraag.zichtbaarheid, vraag.res_code, nw.json_list(vraag.themas)) == (
        "open", "leden", "ES18", ["participatie", "warmtenetten"])  # fmt: skip
    a1 = K.beantwoord(session, kijker, vraag.id, "Kijk eens bij de coöperatie in Zeist.")
    a2 = K.beantwoord(session, ander, vraag.id, "In de Hoeksche Waard beheert een **energiecoöperatie** het net.")
    assert [a.id for a in K.get_vraag(session, ander, vraag.id).antwoorden] == [a1.id, a2.id]
    assert [v.id for v in K.list_vragen(session, kijker, status="open", thema="participatie")] == [vraag.id]

    with pytest.raises(NetwerkError) as exc:  # only the asker, admin or the region's coordinator
        K.markeer_beste(session, ander, vraag.id, a2.id)
    assert exc.value.status == 403
    item = K.markeer_beste(session, lid, vraag.id, a2.id)
    assert (item.soort, item.titel, item.zichtbaarheid, item.status, item.vraag_id, item.auteur_id) == (
        "vraag_antwoord", vraag.titel, "leden", "gepubliceerd", vraag.id, LID)  # fmt: skip
    assert vraag.status == "beantwoord" and vraag.beste_antwoord_id == a2.id and vraag.kennisitem_id == item.id
    assert "Hoeksche Waard" in item.inhoud and vraag.tekst in item.inhoud
    hits = K.zoek(session, kijker, "energiecooperatie")
    assert [t.item.id for t in hits.treffers] == [item.id] and "energiecoöperatie" in hits.treffers[0].fragment
    assert K.zoek(session, None, "energiecooperatie").totaal == 0  # members only, like the question

    # the coordinator changes the best answer: the same item is updated, not a second one
    again = K.markeer_beste(session, users[COORD], vraag.id, a1.id)
    assert again.id == item.id and "Zeist" in item.inhoud and "Hoeksche Waard" not in item.inhoud
    assert [t.item.id for t in K.zoek(session, kijker, "zeist").treffers] == [item.id]
    assert K.zoek(session, kijker, "energiecooperatie").totaal == 0
    assert session.scalar(select(func.count()).select_from(Kennisitem)) == 1
    with pytest.raises(NetwerkError) as exc:  # an answer of another question
        other = K.stel_vraag(session, kijker, {"titel": "Andere vraag", "tekst": "Tekst"})
        K.markeer_beste(session, users[ADMIN], other.id, a1.id)
    assert exc.value.status == 404


def test_regional_questions_and_permissions(session: Session, users: dict[int, User]) -> None:
    vraag = K.stel_vraag(session, users[LID], {"titel": "Netcongestie in Dordrecht", "tekst": "Wat doen jullie?",
                                               "zichtbaarheid": "regio"})  # fmt: skip
    assert vraag.res_code == "ES18"
    zichtbaar = {uid for uid, u in users.items() if vraag.id in [v.id for v in K.list_vragen(session, u)]}
    assert zichtbaar == {ADMIN, COORD, LID}
    for uid in (ANDER, KIJKER, COORD17):
        with pytest.raises(NetwerkError) as exc:
            K.get_vraag(session, users[uid], vraag.id)
        assert exc.value.status == 403
        with pytest.raises(NetwerkError):
            K.beantwoord(session, users[uid], vraag.id, "Ik mag dit niet zien")
    antwoord = K.beantwoord(session, users[COORD], vraag.id, "Wij wachten op Stedin.")
    item = K.markeer_beste(session, users[ADMIN], vraag.id, antwoord.id)
    assert (item.zichtbaarheid, item.res_code) == ("regio", "ES18")
    assert K.zoek(session, users[ANDER], "stedin").totaal == 0 and K.zoek(session, users[LID], "stedin").totaal == 1
    assert [v.id for v in K.list_vragen(session, users[ADMIN], regio="es18", status="beantwoord")] == [vraag.id]

    for call in (lambda: K.list_vragen(session, None), lambda: K.get_vraag(session, None, vraag.id),
                 lambda: K.stel_vraag(session, None, {"titel": "x", "tekst": "y"})):  # fmt: skip
        with pytest.raises(NetwerkError) as exc:
            call()
        assert exc.value.status == 401
    with pytest.raises(NetwerkError) as exc:
        K.get_vraag(session, users[LID], 99999)
    assert exc.value.status == 404


def test_question_validation(session: Session, users: dict[int, User]) -> None:
    with pytest.raises(NetwerkError) as exc:
        K.stel_vraag(session, users[KIJKER], {"titel": "", "tekst": " ", "zichtbaarheid": "regio"})
    assert {f["veld"] for f in exc.value.fouten} == {"titel", "tekst", "res_code"}
    with pytest.raises(NetwerkError) as exc:
        K.stel_vraag(session, users[LID], {"titel": "x", "tekst": "y", "zichtbaarheid": "regio", "res_code": "ES17"})
    assert exc.value.fouten[0]["veld"] == "res_code"
    with pytest.raises(NetwerkError) as exc:
        K.stel_vraag(session, users[LID], {"titel": "x", "tekst": "y", "zichtbaarheid": "prive"})
    assert exc.value.fouten[0]["veld"] == "zichtbaarheid"
    vraag = K.stel_vraag(session, users[LID], {"titel": "x", "tekst": "y"})
    with pytest.raises(NetwerkError) as exc:
        K.beantwoord(session, users[KIJKER], vraag.id, "   ")
    assert exc.value.status == 400
    assert session.scalar(select(func.count()).select_from(Vraag)) == 1
