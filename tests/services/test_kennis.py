"""The knowledge base service: items and their index, read and edit rules, attachments, related items,
retrospectives of meetings and the import of past retrospectives. Both databases, on a tiny seed (two regions,
one gemeente, five users of different roles)."""

from __future__ import annotations

import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from warmteregio.services import kennis as K
from warmteregio.services import netwerk as nw
from warmteregio.services.netwerk import NetwerkError
from warmteregio.store.models import (
    AuditRegel,
    Bijeenkomst,
    Gemeente,
    KennisBijlage,
    Kennisitem,
    ResRegio,
    User,
)

pytestmark = pytest.mark.db

ADMIN, COORD, LID, ANDER, KIJKER, COORD17 = 1, 2, 3, 4, 5, 6
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def seed_netwerk(session: Session) -> dict[int, User]:
    """Regions ES18 and ES17, gemeenten Dordrecht (ES18) and Hoeksche Waard (ES17), and users: an administrator,
    the coordinator of ES18, a gemeente user of Dordrecht (region ES18), a gemeente user of Hoeksche Waard (ES17),
    a viewer without a region and the coordinator of ES17."""
    session.add_all([ResRegio(code="ES18", naam="Drechtsteden"), ResRegio(code="ES17", naam="Hoeksche Waard")])
    session.flush()
    session.add_all(
        [
            Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18"),
            Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17"),
        ]
    )
    users = [
        User(id=ADMIN, email="admin@nplw.nl", naam="Anne Admin", rol="admin"),
        User(id=COORD, email="co@es18.nl", naam="Cor Coördinator", rol="regiocoordinator", res_code="ES18"),
        User(id=LID, email="lid@dordrecht.nl", naam="Lies Lid", rol="gemeente", gemeente_code="GM0505"),
        User(id=ANDER, email="lid@hw.nl", naam="Henk Ander", rol="gemeente", gemeente_code="GM1963"),
        User(id=KIJKER, email="kijker@example.nl", naam="Kees Kijker", rol="viewer"),
        User(id=COORD17, email="co@es17.nl", naam="Cato Zeventien", rol="regiocoordinator", res_code="ES17"),
    ]
    for u in users:
        u.password_hash = "-"  # these tests never log in (no slow argon2 hashing needed)
    session.add_all(users)
    session.commit()
    return {u.id: u for u in users}


@pytest.fixture
def users(session: Session) -> dict[int, User]:
    return seed_netwerk(session)


def item(session: Session, user: User, titel: str, **data) -> Kennisitem:
    data.setdefault("soort", "studie")
    data.setdefault("zichtbaarheid", "leden")
    return K.create_item(session, user, {"titel": titel, **data})


def fts_row(session: Session, item_id: int) -> tuple | None:
    if session.get_bind().dialect.name != "sqlite":
        return session.execute(
            text("SELECT zoekvector::text FROM kennisitems WHERE id = :i"), {"i": item_id}
        ).one_or_none()
    return session.execute(text("SELECT titel, tekst FROM kennis_fts WHERE rowid = :i"), {"i": item_id}).one_or_none()


def titels(res: K.Zoekresultaat) -> list[str]:
    return [t.item.titel for t in res.treffers]


# ------------------------------------------------------------------------------------------------- items


def test_item_lifecycle_keeps_the_index_in_step(session: Session, users: dict[int, User]) -> None:
    lid = users[LID]
    it = item(session, lid, "Warmtenet in de Coöperatie", samenvatting="Een buurt kiest.",
              inhoud="## Aanpak\n\nDe **warmtepompen** werden vervangen.", themas=["warmtenetten", "eigen tag"],
              buurten=["bu05050101"], strategieen=["S1a"], bronnen=["HVC1"],
              links=[{"titel": "Site", "url": "https://example.nl/a"}, "Meer | https://example.nl/b"])  # fmt: skip
    assert it.res_code == "ES18" and it.auteur_id == LID and it.auteur_naam == "Lies Lid"
    assert it.gepubliceerd_op is not None and it.versie == 1
    assert nw.json_list(it.buurten) == ["BU05050101"]
    assert nw.json_list(it.links)[1] == {"titel": "Meer", "url": "https://example.nl/b"}
    assert it.zoektitel == "warmtenet in de cooperatie"
    for word in ("heat networks", "warmtenetten", "eigen tag", "bu05050101", "s1a", "hvc1", "lies lid"):
        assert word in it.zoektekst
    assert "**" not in it.zoektekst and "##" not in it.zoektekst
    assert fts_row(session, it.id) is not None

    K.update_item(session, lid, it.id, {"titel": "Aquathermie bij de haven", "versie": 1})
    assert it.versie == 2 and it.zoektitel == "aquathermie bij de haven"
    assert titels(K.zoek(session, lid, "aquathermie")) == ["Aquathermie bij de haven"]
    assert K.zoek(session, lid, "cooperatie").totaal == 0
    with pytest.raises(NetwerkError) as exc:  # stale version
        K.update_item(session, lid, it.id, {"titel": "Oud"}, versie=1)
    assert exc.value.status == 409 and it.titel == "Aquathermie bij de haven"

    ident = it.id
    K.delete_item(session, lid, ident)
    session.commit()
    assert session.get(Kennisitem, ident) is None and fts_row(session, ident) is None
    acties = session.scalars(select(AuditRegel.actie).where(AuditRegel.objecttype == "kennisitem")).all()
    assert acties == ["maak", "wijzig", "verwijder"]


def test_invalid_input_reports_every_field_and_writes_nothing(session: Session, users: dict[int, User]) -> None:
    with pytest.raises(NetwerkError) as exc:
        K.create_item(session, users[LID], {"soort": "roman", "titel": " ", "buurten": ["BU12"],
                                            "links": ["javascript:alert(1)"], "zichtbaarheid": "geheim",
                                            "casussen": [999]})  # fmt: skip
    velden = {f["veld"] for f in exc.value.fouten}
    assert velden == {"soort", "titel", "buurten", "links", "zichtbaarheid", "casussen"}
    assert exc.value.status == 400 and all(f["nl"] and f["en"] for f in exc.value.fouten)
    # regio visibility needs a region; a viewer without a region has none
    with pytest.raises(NetwerkError) as exc:
        item(session, users[KIJKER], "Alleen regio", zichtbaarheid="regio")
    assert exc.value.fouten[0]["veld"] == "res_code"
    # a member cannot put an item in another region
    with pytest.raises(NetwerkError) as exc:
        item(session, users[LID], "Elders", res_code="ES17")
    assert exc.value.fouten[0]["veld"] == "res_code"
    with pytest.raises(NetwerkError) as exc:
        K.create_item(session, None, {"soort": "studie", "titel": "x", "zichtbaarheid": "publiek"})
    assert exc.value.status == 401
    assert session.scalar(select(func.count()).select_from(Kennisitem)) == 0


def test_read_rules_and_the_sql_filter_agree(session: Session, users: dict[int, User]) -> None:
    lid, admin = users[LID], users[ADMIN]
    made = {
        "publiek": item(session, lid, "publiek", zichtbaarheid="publiek"),
        "leden": item(session, lid, "leden"),
        "regio": item(session, lid, "regio", zichtbaarheid="regio"),
        "prive": item(session, lid, "prive", zichtbaarheid="prive"),
        "concept": item(session, lid, "concept", status="concept", zichtbaarheid="publiek"),
        "regio17": item(session, admin, "regio17", zichtbaarheid="regio", res_code="ES17"),
    }
    expected = {
        None: {"publiek"},
        ADMIN: set(made),
        COORD: {"publiek", "leden", "regio", "concept"},  # coordinator of ES18 reads its concepts, not private ones
        LID: {"publiek", "leden", "regio", "prive", "concept"},  # the author
        ANDER: {"publiek", "leden", "regio17"},  # member of ES17
        KIJKER: {"publiek", "leden"},
        COORD17: {"publiek", "leden", "regio17"},
    }
    for uid, names in expected.items():
        user = users[uid] if uid else None
        assert {n for n, it in made.items() if K.can_read_item(session, user, it)} == names, uid
        sql = session.scalars(select(Kennisitem.titel).where(K.leesbaar_filter(session, user))).all()
        assert set(sql) == names, uid
        assert set(titels(K.zoek(session, user))) == names, uid
    with pytest.raises(NetwerkError) as exc:
        K.get_item(session, None, made["leden"].id)
    assert exc.value.status == 401
    with pytest.raises(NetwerkError) as exc:
        K.get_item(session, users[ANDER], made["regio"].id)
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        K.get_item(session, users[ANDER], 99999)
    assert exc.value.status == 404
    assert K.get_item(session, None, made["publiek"].id) is made["publiek"]
    # an inactive member is treated as anonymous
    users[KIJKER].actief = False
    assert not K.can_read_item(session, users[KIJKER], made["leden"])


def test_edit_rules(session: Session, users: dict[int, User]) -> None:
    it = item(session, users[LID], "Van Lies", zichtbaarheid="leden")
    assert K.can_edit_item(session, users[COORD], it) and K.can_edit_item(session, users[ADMIN], it)
    assert not K.can_edit_item(session, users[COORD17], it) and not K.can_edit_item(session, users[KIJKER], it)
    with pytest.raises(NetwerkError) as exc:
        K.update_item(session, users[KIJKER], it.id, {"titel": "Overgenomen"})
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        K.delete_item(session, None, it.id)
    assert exc.value.status == 401
    K.update_item(session, users[COORD], it.id, {"zichtbaarheid": "regio", "res_code": "ES18"})
    assert it.zichtbaarheid == "regio" and it.gewijzigd_door_id == COORD
    # only the changed fields are audited, an update without changes does not bump the version
    K.update_item(session, users[LID], it.id, {"titel": "Van Lies"})
    assert it.versie == 2


# ---------------------------------------------------------------------------------------------- attachments


def test_attachments_are_checked_stored_and_indexed(session: Session, users: dict[int, User]) -> None:
    lid = users[LID]
    it = item(session, lid, "Haalbaarheidsstudie")
    bijlage = K.add_bijlage(session, lid, it.id, "../Rapport Zwijndrecht.pdf", PDF, beschrijving="Eindrapport")
    assert (bijlage.bestandsnaam, bijlage.mediatype, bijlage.grootte) == ("Rapport Zwijndrecht.pdf",
                                                                         "application/pdf", len(PDF))  # fmt: skip
    assert "zwijndrecht" in it.zoektekst
    assert titels(K.zoek(session, users[KIJKER], "zwijndrecht")) == ["Haalbaarheidsstudie"]
    assert K.get_bijlage(session, users[KIJKER], it.id, bijlage.id).inhoud == PDF
    assert [b.id for b in K.list_bijlagen(session, users[KIJKER], it.id)] == [bijlage.id]

    refusals = [
        ("nep.pdf", b"<html><script>alert(1)</script></html>", "document", 415),
        ("groot.pdf", PDF + b"0" * (20 * 1024 * 1024), "document", 413),
        ("foto.png", PDF, "foto", 415),
        ("leeg.pdf", b"", "document", 400),
    ]
    for naam, data, soort, status in refusals:
        with pytest.raises(NetwerkError) as exc:
            K.add_bijlage(session, lid, it.id, naam, data, soort=soort)
        assert exc.value.status == status, naam
        assert exc.value.nl and exc.value.en
    assert session.scalar(select(func.count()).select_from(KennisBijlage)) == 1
    with pytest.raises(NetwerkError) as exc:
        K.add_bijlage(session, users[KIJKER], it.id, "x.pdf", PDF)
    assert exc.value.status == 403

    other = item(session, lid, "Ander item")
    with pytest.raises(NetwerkError) as exc:
        K.get_bijlage(session, lid, other.id, bijlage.id)
    assert exc.value.status == 404
    K.delete_bijlage(session, lid, it.id, bijlage.id)
    assert "zwijndrecht" not in it.zoektekst
    assert K.zoek(session, lid, "zwijndrecht").totaal == 0

    # the text inside a document is searchable too (stemmed), and leaves the index with the attachment
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "network"))
    from test_tekstextractie import pdf_met_tekst

    studie = K.add_bijlage(session, lid, it.id, "studie.pdf", pdf_met_tekst("Potentie van aquathermie",
                                                                              "uit oppervlaktewater"))  # fmt: skip
    assert "aquathermie" in studie.tekst
    assert titels(K.zoek(session, users[KIJKER], "oppervlaktewateren aquathermie")) == ["Haalbaarheidsstudie"]
    K.delete_bijlage(session, lid, it.id, studie.id)
    assert K.zoek(session, lid, "aquathermie").totaal == 0


# ----------------------------------------------------------------------------------------- related and reindex


def test_related_items_by_buurt_strategy_and_source(session: Session, users: dict[int, User]) -> None:
    admin = users[ADMIN]
    doel = item(session, admin, "Doel", buurten=["BU05050101"], strategieen=["S1a"], bronnen=["HVC1"],
                themas=["warmtenetten"], res_code="ES18")  # fmt: skip
    zelfde_buurt = item(session, admin, "Zelfde buurt", buurten=["BU05050101"], res_code="ES18")
    zelfde_bron = item(session, admin, "Zelfde bron", bronnen=["HVC1"], strategieen=["S1b"])
    alleen_thema = item(session, admin, "Alleen thema", themas=["warmtenetten"])
    item(session, admin, "Niets gemeen", themas=["isolatie"], buurten=["BU19630101"])
    item(session, admin, "Prive maar gelijk", buurten=["BU05050101"], zichtbaarheid="prive")
    item(session, admin, "Concept", buurten=["BU05050101"], status="concept")

    rel = K.gerelateerd(session, users[LID], doel.id)
    assert [r[0].titel for r in rel] == ["Zelfde buurt", "Zelfde bron", "Alleen thema"]
    assert rel[0][1] > rel[1][1] > rel[2][1] > 0
    assert any("BU05050101" in nl for nl, _en in rel[0][2])
    assert all(r[0].id not in (doel.id,) for r in rel)
    # the admin reads the private item too, so it is related for her (but never a concept)
    assert "Prive maar gelijk" in [r[0].titel for r in K.gerelateerd(session, admin, doel.id, limit=10)]
    assert "Concept" not in [r[0].titel for r in K.gerelateerd(session, admin, doel.id, limit=10)]

    voor_buurt = K.gerelateerd_voor_buurt(session, users[LID], "bu05050102")
    assert [r[0].id for r in voor_buurt] == [zelfde_buurt.id, doel.id]  # same gemeente and region; newest first
    assert alleen_thema.id not in {r[0].id for r in voor_buurt} and zelfde_bron.id not in {r[0].id for r in voor_buurt}
    with pytest.raises(NetwerkError):
        K.gerelateerd_voor_buurt(session, users[LID], "BU12")


def test_reindex_rebuilds_the_index(session: Session, users: dict[int, User]) -> None:
    a = item(session, users[LID], "Restwarmte van de datacenters")
    item(session, users[LID], "Zonnewarmte")
    session.execute(text("UPDATE kennisitems SET zoektitel = '', zoektekst = ''"))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM kennis_fts"))
    session.expire_all()
    assert K.zoek(session, users[LID], "datacenter").totaal == 0
    assert K.reindex(session) == 2
    assert [t.item.id for t in K.zoek(session, users[LID], "datacenter").treffers] == [a.id]


# ----------------------------------------------------------------------------------------------- retrospectives


def meeting(session: Session, *, dagen: int, doelgroep: str = "regio", res_code: str | None = "ES18",
            organisator: int = COORD) -> Bijeenkomst:  # fmt: skip
    start = nw.now() + timedelta(days=dagen)
    b = Bijeenkomst(titel="Regiodag warmte", start=start, eind=start + timedelta(hours=4), locatie="Dordrecht",
                    doelgroep=doelgroep, res_code=res_code, organisator_id=organisator,
                    omschrijving="Over de verdeling van restwarmte.")  # fmt: skip
    session.add(b)
    session.flush()
    return b


def test_retrospective_by_the_manager_after_the_meeting(session: Session, users: dict[int, User]) -> None:
    coord, lid = users[COORD], users[LID]
    gedeeld = item(session, lid, "Casus Stadspolders", zichtbaarheid="leden")
    komend = meeting(session, dagen=3)
    with pytest.raises(NetwerkError) as exc:
        K.terugblik_opslaan(session, coord, komend.id, {"inhoud": "Te vroeg"})
    assert exc.value.status == 409
    b = meeting(session, dagen=-1)
    with pytest.raises(NetwerkError) as exc:
        K.terugblik_opslaan(session, lid, b.id, {"inhoud": "Niet van mij"})
    assert exc.value.status == 403
    assert K.terugblik(session, lid, b.id) is None

    tb = K.terugblik_opslaan(session, coord, b.id, {"inhoud": "We bespraken de **aquathermie** in Sliedrecht.",
                                                    "kennisitems": [gedeeld.id], "themas": ["bronnen"],
                                                    "links": ["https://example.nl/dia"]})  # fmt: skip
    assert (tb.soort, tb.titel, tb.status, tb.zichtbaarheid, tb.res_code, tb.bijeenkomst_id) == (
        "terugblik", "Terugblik: Regiodag warmte", "concept", "regio", "ES18", b.id)  # fmt: skip
    assert [x for x in nw.json_list(tb.links) if "kennisitem" in x] == [{"kennisitem": gedeeld.id}]
    assert K.zoek(session, lid, "aquathermie").totaal == 0  # a concept: not for members
    assert K.terugblik(session, lid, b.id) is None and K.terugblik(session, coord, b.id) is tb

    tb2 = K.terugblik_opslaan(session, coord, b.id, {"status": "gepubliceerd", "versie": tb.versie})
    assert tb2 is tb and tb.status == "gepubliceerd" and tb.gepubliceerd_op is not None
    assert [x["kennisitem"] for x in nw.json_list(tb.links) if "kennisitem" in x] == [gedeeld.id]  # kept
    assert [t.item.id for t in K.zoek(session, lid, "aquathermie").treffers] == [tb.id]
    assert [t.item.id for t in K.zoek(session, lid, "restwarmte verdelen").treffers] == [tb.id]  # the meeting
    assert K.zoek(session, users[ANDER], "aquathermie").totaal == 0  # regio: ES18 only
    assert [i.id for i in K.gekoppelde_items(session, lid, tb)] == [gedeeld.id]
    foto = b"\x89PNG\r\n\x1a\n" + b"x" * 10  # not a real PNG: refused
    with pytest.raises(NetwerkError) as exc:
        K.add_bijlage(session, coord, tb.id, "zaal.png", foto, soort="foto")
    assert exc.value.status in (400, 415)
    with pytest.raises(NetwerkError) as exc:
        K.terugblik_opslaan(session, coord, b.id, {"inhoud": "stale", "versie": 1})
    assert exc.value.status == 409
    with pytest.raises(NetwerkError) as exc:
        K.terugblik_opslaan(session, coord, b.id, {"kennisitems": [99999]})
    assert exc.value.fouten[0]["veld"] == "kennisitems"


# ---------------------------------------------------------------------------------------- import of retrospectives


CSV_GOED = (
    "titel;datum;locatie;regio;doelgroep;tekst;themas;links\n"
    "Kennisdag 2024;2024-03-14;Utrecht;;leden;Over **geothermie** en coöperaties.;bronnen|participatie;"
    "https://example.nl/2024\n"
    "Regiotafel;2025-06-02;Dordrecht;ES18;regio;De netbeheerder over netcongestie.;netcongestie;\n"
)


def test_import_past_retrospectives(session: Session, users: dict[int, User]) -> None:
    admin = users[ADMIN]
    result = K.import_terugblikken(session, admin, ("\ufeff" + CSV_GOED).encode(), bestandsnaam="oud.csv")
    assert result == {"aangemaakt": 2, "fouten": []}
    meetings = session.scalars(select(Bijeenkomst).order_by(Bijeenkomst.start)).all()
    assert [(m.titel, m.doelgroep, m.res_code, m.status) for m in meetings] == [
        ("Kennisdag 2024", "leden", None, "gepland"), ("Regiotafel", "regio", "ES18", "gepland")]  # fmt: skip
    assert all(nw.aware(m.start) < nw.now() for m in meetings)
    hits = K.zoek(session, users[LID], "geothermie").treffers
    assert [t.item.titel for t in hits] == ["Terugblik: Kennisdag 2024"]
    assert hits[0].item.status == "gepubliceerd" and hits[0].item.bijeenkomst_id == meetings[0].id
    assert nw.json_list(hits[0].item.links) == [{"titel": "https://example.nl/2024", "url": "https://example.nl/2024"}]
    assert K.zoek(session, users[ANDER], "netcongestie").totaal == 0  # regional retrospective of ES18

    # XLSX, by the coordinator of ES18, one bad row: nothing is written
    wb = Workbook()
    ws = wb.active
    ws.append(["titel", "datum", "tekst", "regio", "links"])
    ws.append(["Goede rij", "2025-01-10", "Tekst", "ES18", None])
    ws.append(["Toekomst", (nw.now() + timedelta(days=30)).date().isoformat(), "Tekst", "ES18", None])
    ws.append(["Andere regio", "2025-01-10", "Tekst", "ES17", "ftp://x"])
    ws.append([None, "gisteren", None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(NetwerkError) as exc:
        K.import_terugblikken(session, users[COORD], buf.getvalue(), bestandsnaam="oud.xlsx")
    fouten = {(f["rij"], f["veld"]) for f in exc.value.fouten}
    assert fouten == {(3, "datum"), (4, "regio"), (4, "links"), (5, "titel"), (5, "datum"), (5, "tekst")}
    assert exc.value.status == 400
    assert session.scalar(select(func.count()).select_from(Bijeenkomst)) == 2
    with pytest.raises(NetwerkError) as exc:
        K.import_terugblikken(session, users[LID], CSV_GOED.encode(), bestandsnaam="oud.csv")
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        K.import_terugblikken(session, admin, b"naam;email\nx;y\n", bestandsnaam="oud.csv")
    assert exc.value.status == 400 and "titel" in exc.value.nl


def test_partial_update_publish_and_delete_with_attachments(session: Session, users: dict[int, User]) -> None:
    lid = users[LID]
    it = item(session, lid, "Concept over restwarmte", status="concept", themas=["bronnen"], samenvatting="Kort.")
    assert it.gepubliceerd_op is None and K.zoek(session, users[KIJKER], "restwarmte").totaal == 0
    K.update_item(session, lid, it.id, {"status": "gepubliceerd"})
    assert it.gepubliceerd_op is not None and it.samenvatting == "Kort." and nw.json_list(it.themas) == ["bronnen"]
    assert K.zoek(session, users[KIJKER], "restwarmte").totaal == 1
    details = session.scalars(select(AuditRegel.details).where(AuditRegel.actie == "wijzig")).all()
    assert details == ['{"velden": ["status"]}']
    K.add_bijlage(session, lid, it.id, "bijlage.pdf", PDF)
    vraag = K.stel_vraag(session, lid, {"titel": "Vraag", "tekst": "Tekst"})
    vraag.kennisitem_id = it.id
    session.commit()
    K.delete_item(session, lid, it.id)
    session.commit()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(KennisBijlage)) == 0
    assert session.get(type(vraag), vraag.id).kennisitem_id is None


def test_organiser_adds_photos_to_the_retrospective(session: Session, users: dict[int, User]) -> None:
    from PIL import Image

    b = meeting(session, dagen=-2, doelgroep="leden", res_code=None, organisator=LID)
    tb = K.terugblik_opslaan(session, users[ADMIN], b.id, {"inhoud": "Mooie dag", "status": "gepubliceerd"})
    assert (tb.zichtbaarheid, tb.res_code, tb.auteur_id) == ("leden", None, ADMIN)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    foto = K.add_bijlage(session, users[LID], tb.id, "zaal.png", buf.getvalue(), soort="foto")  # the organiser
    assert (foto.soort, foto.mediatype) == ("foto", "image/png")
    assert not K.can_edit_item(session, users[KIJKER], tb)
    with pytest.raises(NetwerkError) as exc:  # a meeting without a region cannot have a regional retrospective
        K.terugblik_opslaan(session, users[LID], b.id, {"zichtbaarheid": "regio"})
    assert exc.value.status == 400


def test_postgresql_query_text() -> None:
    from warmteregio.network import search

    assert (
        K._pg_query_text(search.parse('Warmtenet OF "open dag" -Coöperatie')) == 'warmtenet or "open dag" -cooperatie'
    )


def test_meeting_title_change_reindexes_its_retrospective(session: Session, users: dict[int, User]) -> None:
    from warmteregio.services import bijeenkomsten

    b = meeting(session, dagen=-2)
    tb = K.terugblik_opslaan(session, users[COORD], b.id, {"inhoud": "Verslag", "status": "gepubliceerd"})
    bijeenkomsten.update_bijeenkomst(session, users[COORD], b.id, {"titel": "Zonnebloemdag",
                                                                   "omschrijving": "Over aquathermie."})  # fmt: skip
    assert "zonnebloemdag" in tb.zoektekst and "regiodag" not in tb.zoektekst
    assert [t.item.id for t in K.zoek(session, users[LID], "zonnebloemdag aquathermie").treffers] == [tb.id]
    assert fts_row(session, tb.id) is not None


def test_visibility_matrix_rules_and_sql_agree(session: Session, users: dict[int, User]) -> None:
    """Every visibility x status x region of an item (and every audience of a meeting and a question) for every
    kind of user: the Python rule, the SQL filter (lists, search) and the contract agree."""
    from warmteregio.services import bijeenkomsten
    from warmteregio.store.models import NetwerkPersoon, Vraag

    profiel = User(id=7, email="p@example.nl", naam="Pim Profiel", rol="viewer", password_hash="-")
    session.add(profiel)
    session.flush()
    session.add(NetwerkPersoon(naam="Pim Profiel", user_id=7, res_code="ES18"))  # region by profile
    session.flush()
    regio = {LID: "ES18", ANDER: "ES17", KIJKER: None, COORD: "ES18", COORD17: "ES17", 7: "ES18"}
    coord = {COORD: "ES18", COORD17: "ES17"}
    who = [None, ADMIN, COORD, LID, ANDER, KIJKER, COORD17, 7]
    items = [Kennisitem(soort="studie", titel=f"{z}-{s}-{r}", zichtbaarheid=z, status=s, res_code=r, auteur_id=KIJKER)
             for z in ("publiek", "leden", "regio", "prive") for s in ("concept", "gepubliceerd")
             for r in ("ES18", None)]  # fmt: skip
    meetings = [
        Bijeenkomst(
            titel=f"{d}-{r}",
            doelgroep=d,
            res_code=r,
            organisator_id=KIJKER,
            locatie="x",
            start=nw.now() + timedelta(days=1),
            eind=nw.now() + timedelta(days=1, hours=2),
        )
        for d, r in (("leden", None), ("coordinatoren", None), ("regio", "ES18"), ("regio", "ES17"))
    ]
    vragen = [Vraag(titel=f"{z}-{r}", tekst="?", zichtbaarheid=z, res_code=r, auteur_id=KIJKER, status="open")
              for z in ("leden", "regio") for r in ("ES18", "ES17", None)]  # fmt: skip
    session.add_all([*items, *meetings, *vragen])
    session.flush()

    def item_rule(uid: int | None, it: Kennisitem) -> bool:
        if uid is None:
            return it.status == "gepubliceerd" and it.zichtbaarheid == "publiek"
        if uid == ADMIN or it.auteur_id == uid:
            return True
        if it.status == "concept":
            return coord.get(uid) is not None and coord.get(uid) == it.res_code
        if it.zichtbaarheid == "regio":
            return regio[uid] is not None and regio[uid] == it.res_code
        return it.zichtbaarheid in ("publiek", "leden")

    def meeting_rule(uid: int, b: Bijeenkomst) -> bool:
        if uid in (ADMIN, KIJKER) or (b.res_code is not None and coord.get(uid) == b.res_code):
            return True  # administrators, the organiser, the coordinator of the meeting's region
        if b.doelgroep == "coordinatoren":
            return uid in coord
        return b.doelgroep == "leden" or regio[uid] == b.res_code

    def vraag_rule(uid: int, v: Vraag) -> bool:
        return v.zichtbaarheid != "regio" or uid in (ADMIN, KIJKER) or (regio[uid] or "-") == v.res_code

    for uid in who:
        u = users.get(uid) if uid != 7 else profiel
        rule = {it.id for it in items if item_rule(uid, it)}
        assert {it.id for it in items if K.can_read_item(session, u, it)} == rule, uid
        assert set(session.scalars(select(Kennisitem.id).where(K.leesbaar_filter(session, u)))) == rule, uid
        if uid is None:
            continue
        rule = {b.id for b in meetings if meeting_rule(uid, b)}
        assert {b.id for b in meetings if bijeenkomsten.can_see(session, u, b)} == rule, uid
        assert {b.id for b in bijeenkomsten.list_bijeenkomsten(session, u)} == rule, uid
        rule = {v.id for v in vragen if vraag_rule(uid, v)}
        assert {v.id for v in vragen if K.can_see_vraag(session, u, v)} == rule, uid
        assert {v.id for v in K.list_vragen(session, u)} == rule, uid
