"""The demo's warmteprogramma's: the seven Drechtsteden gemeenten at different points of the legal process.

Issue 6 asks that the coordinator sees every gemeente's programme against the deadline of 31 December 2026 and the
cross-border conflicts, and that a gemeente official can draft Dordrecht's programme from the analysis. So the demo
leaves Dordrecht without a programme (its official drafts it) and seeds the six others through the same service the
web pages and the CLI use (as that gemeente's demo official):

* Sliedrecht: its Transitievisie Warmte of 2021 as version 1 (adopted, now superseded) and the warmteprogramma of
  2026 as version 2 (adopted), so the look-back has something to compare;
* Zwijndrecht: adopted; four buurten on RWZI Zwijndrecht (LTHP0041);
* Papendrecht: in consultation; the shared network "Warmtenet Baanhoek" with Sliedrecht;
* Hendrik-Ido-Ambacht: draft; Volgerlanden-West also on RWZI Zwijndrecht, beyond what that source can deliver
  together with Zwijndrecht's buurten (a cross-border capacity conflict);
* Alblasserdam and Hardinxveld-Giessendam: drafts just created from the analysis (the checks show what is missing).

Sliedrecht's Baanhoek-West names the shared network but chooses all-electric: a contradictory choice across the
border. Every text says it is demo text; organisations are real, contacts are not. Loading twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.store.models import ProgrammaBuurtplan, User, Warmteprogramma

REGIO = "ES18"
RWZI_ZWIJNDRECHT = "LTHP0041"
WARMTENET_BAANHOEK = "Warmtenet Baanhoek"
OOSTPOLDER = "HTHP0018"


@dataclass
class DemoProgrammas:
    programmas: list[tuple[str, int, int, str]] = field(default_factory=list)  # (gemeente, id, volgnummer, status)
    nieuw: int = 0


def _official(session: Session, gemeente: str) -> User:
    from warmteregio.demo.loader import DEMO_OFFICIALS

    email = next(e for e, _n, gm in DEMO_OFFICIALS if gm == gemeente)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        raise RuntimeError(f"demo-account {email} ontbreekt: laad eerst de demo / load the demo first")
    return user


def _texts(naam: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    from warmteregio.programme.regels import load_rules

    out = {}
    for h in load_rules().hoofdstukken:
        out[h.code] = (
            f"(Demotekst) {h.titel_nl} van het warmteprogramma van {naam}. In een echt programma staat hier wat de "
            f"handreiking voor dit hoofdstuk vraagt; deze tekst is alleen bedoeld om de werkwijze te laten zien.\n\n"
            f"- Zie de tabellen en kaarten die warmteregio bij dit hoofdstuk toevoegt."
        )
    out.update(extra or {})
    return out


def _partners_and_log(s: Session, user: User, gm: str, prog_id: int | None, when: date,
                      buurten: list[str]) -> None:  # fmt: skip
    from warmteregio.services import programma as svc

    if svc.list_partners(s, user, gm):
        return
    stedin = svc.create_partner(s, user, gm, {
        "organisatie": "Stedin", "soort": "netbeheerder",
        "rol": "Netbeheerder elektriciteit en gas: capaciteit van het net, vervangingsplanning gasnet",
        "contactpersoon": "Demo contactpersoon", "functie": "Adviseur energietransitie",
        "email": "contact.demo@example.org"})  # fmt: skip
    corporatie = svc.create_partner(s, user, gm, {
        "organisatie": "Woningcorporatie (demo)", "soort": "woningcorporatie",
        "rol": "Eigenaar van veel sociale huurwoningen; renovatieplanning als koppelkans"})  # fmt: skip
    bewoners = svc.create_partner(s, user, gm, {
        "organisatie": "Bewonersplatform (demo)", "soort": "bewonersgroep",
        "rol": "Klankbord voor bewoners; organiseert buurtavonden"})  # fmt: skip
    svc.create_partner(s, user, gm, {
        "organisatie": "Provincie Zuid-Holland", "soort": "provincie",
        "rol": "Regionale afstemming van bronnen en ruimte"})  # fmt: skip
    svc.create_participatie(s, user, gm, {
        "datum": when, "soort": "bijeenkomst", "titel": "Startbijeenkomst met partners (demo)",
        "partner_ids": [stedin.id, corporatie.id, bewoners.id], "buurt_codes": [], "aantal_deelnemers": 24,
        "inbreng": "Partners vragen om de netcapaciteit en de renovatieplanning van de corporatie mee te nemen in de "
                   "volgorde van de buurten.",
        "reactie": "De volgorde van de buurten houdt rekening met de renovatieplanning; Stedin levert de "
                   "capaciteitskaart aan voor de planning.",
        "programma_id": prog_id})  # fmt: skip
    if buurten:
        svc.create_participatie(s, user, gm, {
            "datum": when.replace(day=min(when.day + 14, 28)), "soort": "inloopavond",
            "titel": "Buurtavond over de eerste buurten (demo)", "partner_ids": [bewoners.id],
            "buurt_codes": buurten, "aantal_deelnemers": 85,
            "inbreng": "Bewoners willen weten wat het alternatief per maand kost en of ze zelf mogen kiezen.",
            "reactie": "De maandlasten per huishoudtype uit het afwegingskader staan in het programma; eigenaren "
                       "houden de keuze voor een eigen duurzame oplossing.",
            "programma_id": prog_id})  # fmt: skip


def _plan(s: Session, user: User, prog: Warmteprogramma, code: str, **changes: Any) -> None:
    from warmteregio.programme.alternatieven import deviates
    from warmteregio.services import programma as svc

    if "alternatief" in changes and "afwijking_reden" not in changes:
        plan = s.scalar(select(ProgrammaBuurtplan).where(ProgrammaBuurtplan.programma_id == prog.id,
                                                         ProgrammaBuurtplan.buurt_code == code))  # fmt: skip
        if plan is not None and deviates(changes["alternatief"], plan.analyse_voorkeur):
            changes["afwijking_reden"] = (
                "(Demo) Lokale kennis weegt zwaarder dan de analyse: de bron ligt dichtbij en partners hebben het net "
                "samen verkend; het afwegingskader kent deze bron nog niet als aansluitoptie."
            )
    svc.update_plan(s, user, prog.id, code, changes, versie=prog.versie)
    s.flush()
    s.refresh(prog)


def _designate(s: Session, user: User, prog: Warmteprogramma, code: str, start: int, besluit: int,
               eind: int, **extra: Any) -> None:  # fmt: skip
    _plan(s, user, prog, code, startjaar=start, doeljaar=eind, fase="planvorming", aanwijzen=True,
          aanwijsbesluit_jaar=besluit, aardgasvrij_jaar=eind,
          betaalbaarheid="(Demo) De maandlasten van het gekozen alternatief uit het afwegingskader zijn voor alle drie "
                         "huishoudtypen besproken; voor huishoudens met een laag inkomen is een isolatieregeling "
                         "voorzien.",
          haalbaarheid="(Demo) Bron, netcapaciteit en uitvoeringscapaciteit zijn met de partners getoetst.",
          **extra)  # fmt: skip


def _finish_steps(s: Session, user: User, prog: Warmteprogramma, skip: tuple[str, ...] = ()) -> None:
    from warmteregio.programme.regels import load_rules
    from warmteregio.services import programma as svc

    for stap in load_rules().stappen:
        if stap.code in skip:
            continue
        svc.update_stap(s, user, prog.id, stap.code, versie=prog.versie, status="gereed",
                        eigenaar="Programmamanager warmte (demo)",
                        bewijs=f"(Demo) verslag of besluit van de stap '{stap.titel_nl}'")  # fmt: skip
        s.flush()
        s.refresh(prog)


def _fill_texts(s: Session, user: User, prog: Warmteprogramma, naam: str) -> None:
    from warmteregio.services import programma as svc

    svc.update_programma(s, user, prog.id, versie=prog.versie, teksten=_texts(naam))
    s.flush()
    s.refresh(prog)


def _open_perspectives(s: Session, user: User, prog: Warmteprogramma) -> None:
    """Buurten without an alternative (no result in the analysis) get the explicit choice 'to be decided'."""
    open_codes = s.scalars(select(ProgrammaBuurtplan.buurt_code).where(
        ProgrammaBuurtplan.programma_id == prog.id, ProgrammaBuurtplan.alternatief.is_(None))).all()  # fmt: skip
    for code in open_codes:
        _plan(
            s,
            user,
            prog,
            code,
            alternatief="nader_te_bepalen",
            toelichting="(Demo) De analyse geeft hier geen uitkomst; het perspectief volgt bij de actualisatie.",
        )


def _status(s: Session, user: User, prog: Warmteprogramma, nieuw: str, **kw: Any) -> None:
    from warmteregio.services import programma as svc

    if nieuw in ("consultatie", "vastgesteld"):
        _open_perspectives(s, user, prog)
    svc.change_status(s, user, prog.id, nieuw, versie=prog.versie, **kw)
    s.flush()
    s.refresh(prog)


# --- the gemeenten ------------------------------------------------------------------------------------------------


def _sliedrecht(s: Session) -> None:
    from warmteregio.services import programma as svc

    gm, naam = "GM0610", "Sliedrecht"
    user = _official(s, gm)
    v1 = svc.create_programma(s, user, gm, titel="Transitievisie Warmte Sliedrecht 2021")
    s.flush()
    _fill_texts(s, user, v1, naam)
    _partners_and_log(s, user, gm, v1.id, date(2021, 3, 10), ["BU06100104", "BU06100105"])
    _designate(s, user, v1, "BU06100105", 2022, 2023, 2031, alternatief="warmtenet", warmtenet=WARMTENET_BAANHOEK)
    _plan(s, user, v1, "BU06100104", startjaar=2023, doeljaar=2028, fase="verkenning")
    _plan(s, user, v1, "BU06100201", startjaar=2024, doeljaar=2030, fase="verkenning")
    _finish_steps(s, user, v1)
    _status(s, user, v1, "vastgesteld", datum=date(2021, 7, 8), besluit_referentie="Raadsbesluit 2021-045 (demo)",
            vastgesteld_door="gemeenteraad", vandaag=date(2021, 7, 8))  # fmt: skip

    v2 = svc.create_programma(s, user, gm, titel="Warmteprogramma Sliedrecht 2026")
    s.flush()
    _fill_texts(s, user, v2, naam)
    _plan(s, user, v2, "BU06100104", startjaar=2026, doeljaar=2031, fase="planvorming")  # delayed
    _plan(s, user, v2, "BU06100201", fase="uitvoering")  # on schedule
    _plan(s, user, v2, "BU06100105", fase="uitvoering")  # the designated network buurt is being built
    _plan(s, user, v2, "BU06100101", startjaar=2028, doeljaar=2033, alternatief="all_electric",
          warmtenet=WARMTENET_BAANHOEK,
          afwijking_reden="(Demo) Bewoners kiezen na de buurtavond voor individuele warmtepompen.")  # fmt: skip
    _partners_and_log(s, user, gm, v2.id, date(2026, 5, 12), ["BU06100101"])
    from warmteregio.services import programma as svc2

    svc2.create_participatie(s, user, gm, {
        "datum": date(2026, 6, 2), "soort": "bijeenkomst", "titel": "Buurtavond Baanhoek-West (demo)",
        "buurt_codes": ["BU06100101", "BU06100105"], "aantal_deelnemers": 40,
        "inbreng": "Bewoners van Baanhoek-West twijfelen aan aansluiting op Warmtenet Baanhoek.",
        "reactie": "Baanhoek-West krijgt all-electric als perspectief; de aansluiting blijft open als Papendrecht het "
                   "net doortrekt.", "programma_id": v2.id})  # fmt: skip
    _finish_steps(s, user, v2)
    _status(s, user, v2, "vastgesteld", datum=date(2026, 11, 12),
            besluit_referentie="Raadsbesluit 2026-112 (demo)", vastgesteld_door="gemeenteraad")  # fmt: skip


def _zwijndrecht(s: Session) -> None:
    from warmteregio.services import programma as svc

    gm, naam = "GM0642", "Zwijndrecht"
    user = _official(s, gm)
    prog = svc.create_programma(s, user, gm, titel="Warmteprogramma Zwijndrecht 2026")
    s.flush()
    _fill_texts(s, user, prog, naam)
    rwzi = {"alternatief": "warmtenet", "warmtebron_code": RWZI_ZWIJNDRECHT, "warmtenet": "Warmtenet Zwijndrecht-Zuid"}
    _designate(s, user, prog, "BU06420310", 2027, 2028, 2036, **rwzi,
               koppelkansen=[{"soort": "riolering", "omschrijving": "Rioolvervanging Pilotenbuurt (demo)",
                              "jaar": 2029}])  # fmt: skip
    _plan(s, user, prog, "BU06420311", startjaar=2029, doeljaar=2034, fase="verkenning", **rwzi)
    _plan(s, user, prog, "BU06420114", startjaar=2030, doeljaar=2035, fase="verkenning", **rwzi)
    _plan(s, user, prog, "BU06420113", startjaar=2031, doeljaar=2036, fase="verkenning", **rwzi)
    _partners_and_log(s, user, gm, prog.id, date(2026, 4, 20), ["BU06420310"])
    _finish_steps(s, user, prog)
    _status(s, user, prog, "vastgesteld", datum=date(2026, 10, 1),
            besluit_referentie="Raadsbesluit 2026-087 (demo)", vastgesteld_door="gemeenteraad")  # fmt: skip


def _papendrecht(s: Session) -> None:
    from warmteregio.services import programma as svc

    gm, naam = "GM0590", "Papendrecht"
    user = _official(s, gm)
    prog = svc.create_programma(s, user, gm, titel="Warmteprogramma Papendrecht 2026 (ontwerp)")
    s.flush()
    _fill_texts(s, user, prog, naam)
    _plan(s, user, prog, "BU05900007", startjaar=2028, doeljaar=2034, fase="planvorming", alternatief="warmtenet",
          warmtebron_code=OOSTPOLDER, warmtenet=WARMTENET_BAANHOEK)  # fmt: skip
    _plan(s, user, prog, "BU05900008", startjaar=2030, doeljaar=2036, fase="verkenning", alternatief="warmtenet",
          warmtebron_code=OOSTPOLDER, warmtenet=WARMTENET_BAANHOEK)  # fmt: skip
    _partners_and_log(s, user, gm, prog.id, date(2026, 6, 15), ["BU05900007"])
    _finish_steps(s, user, prog, skip=("terinzagelegging", "vaststelling", "bekendmaking", "monitoring_actualisatie"))
    _status(s, user, prog, "consultatie", consultatie_tot=date(2027, 1, 8))


def _ambacht(s: Session) -> None:
    from warmteregio.services import programma as svc

    gm, naam = "GM0531", "Hendrik-Ido-Ambacht"
    user = _official(s, gm)
    prog = svc.create_programma(s, user, gm, titel="Warmteprogramma Hendrik-Ido-Ambacht 2026")
    s.flush()
    _fill_texts(s, user, prog, naam)
    _plan(s, user, prog, "BU05310301", startjaar=2029, doeljaar=2035, fase="verkenning", alternatief="warmtenet",
          warmtebron_code=RWZI_ZWIJNDRECHT, warmtenet="Warmtenet Zwijndrecht-Zuid")  # fmt: skip


def _draft_only(gm: str, titel: str) -> Callable[[Session], None]:
    def make(s: Session) -> None:
        from warmteregio.services import programma as svc

        svc.create_programma(s, _official(s, gm), gm, titel=titel)

    return make


SEEDS: tuple[tuple[str, Callable[[Session], None]], ...] = (
    ("GM0610", _sliedrecht),
    ("GM0642", _zwijndrecht),
    ("GM0590", _papendrecht),
    ("GM0531", _ambacht),
    ("GM0482", _draft_only("GM0482", "Warmteprogramma Alblasserdam 2026")),
    ("GM0523", _draft_only("GM0523", "Warmteprogramma Hardinxveld-Giessendam 2026")),
)


def create_demo_programmes(factory: sessionmaker[Session],
                           progress: Callable[[str], None] | None = None) -> DemoProgrammas:  # fmt: skip
    """Seed the programmes of the gemeenten that have none yet (see the module docstring); one transaction each."""
    result = DemoProgrammas()
    for gm, seed in SEEDS:
        with factory() as s:
            if s.scalar(select(func.count()).select_from(Warmteprogramma).where(Warmteprogramma.gemeente_code == gm)):
                continue
            if progress:
                progress(gm)
            seed(s)
            s.commit()
            result.nieuw += 1
    with factory() as s:
        for p in s.scalars(select(Warmteprogramma).order_by(Warmteprogramma.gemeente_code, Warmteprogramma.volgnummer)):
            result.programmas.append((p.gemeente_code, p.id, p.volgnummer, p.status))
    return result
