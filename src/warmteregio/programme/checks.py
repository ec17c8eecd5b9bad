"""The legal checks (toetsen) of a warmteprogramma.

Every check is defined in ``data/toetsen.csv`` (title, legal basis, source, severity, whether a failure blocks
adoption); this module holds the logic, one function per code. :func:`run_checks` returns one
:class:`~warmteregio.programme.model.Toetsresultaat` per row of ``toetsen.csv``, in that order. Statuses:

* ``ok`` - the requirement is met;
* ``fout`` / ``waarschuwing`` - not met (the check's ``ernst`` from the CSV, or a softer ``waarschuwing`` for a
  partial problem such as buurten still "to be decided");
* ``nvt`` - the check does not apply (e.g. no buurt is intended for designation), with the reason.

A result blocks adoption when its status is ``fout`` and the CSV row says ``blokkeert_vaststelling = ja``.
See docs/method/warmteprogramma.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from warmteregio.programme import alternatieven, planning
from warmteregio.programme.model import FASES, Buurtplan, Programma, Regels, ToetsDef, Toetsresultaat
from warmteregio.programme.regels import actualisatie_datum, add_months, load_rules

MAX_CODES = 5  # buurt codes named in a message before "en N meer"
EINDJAAR = 2050
OPEN = frozenset({None, "", "nader_te_bepalen"})


@dataclass(frozen=True)
class _Uitkomst:
    status: str
    nl: str
    en: str
    buurten: tuple[str, ...] = ()


def lijst(codes: Sequence[str], lang: str = "nl", maximum: int = MAX_CODES) -> str:
    """``"A, B, C en 2 meer"`` / ``"A, B, C and 2 more"``: the first ``maximum`` codes and the rest as a count."""
    codes = list(codes)
    shown = ", ".join(codes[:maximum])
    rest = len(codes) - maximum
    if rest <= 0:
        return shown
    return f"{shown} {'en' if lang == 'nl' else 'and'} {rest} {'meer' if lang == 'nl' else 'more'}"


def _buurten(n: int, lang: str = "nl") -> str:
    """``"1 buurt"`` / ``"3 buurten"`` (the Dutch word is used in English texts as well)."""
    return f"{n} buurt" if n == 1 else f"{n} buurten"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


def _designated(p: Programma) -> list[Buurtplan]:
    return sorted((q for q in p.plannen if q.aanwijzen), key=lambda q: q.buurt_code)


def _nvt_geen_aanwijzing() -> _Uitkomst:
    return _Uitkomst(
        "nvt",
        "Niet van toepassing: het programma wijst geen buurten aan (geen voornemen tot aanwijzen).",
        "Not applicable: the programme designates no buurten (no intention to designate).",
    )


def _codes(plans: Iterable[Buurtplan]) -> tuple[str, ...]:
    return tuple(sorted(q.buurt_code for q in plans))


# --- the checks ------------------------------------------------------------------------------------------------


def _aanwijzing_in_programma(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    designated = _designated(p)
    if not designated:
        return _nvt_geen_aanwijzing()
    peil = planning.peiljaar(p, vandaag)
    first, last = planning.horizon(peil, regels)
    geen_alt = _codes(q for q in designated if q.alternatief in OPEN)
    buiten = _codes(q for q in designated if not planning.in_horizon(q, peil, regels))
    bad = tuple(sorted(set(geen_alt) | set(buiten)))
    if not bad:
        return _Uitkomst(
            "ok",
            f"{_buurten(len(designated), 'nl')} met voornemen tot aanwijzen staan in het programma met een alternatief "
            f"en een startjaar tot en met {last}.",
            f"{_buurten(len(designated), 'en')} intended for designation are in the programme with an alternative "
            f"and a start year up to {last}.",
            _codes(designated))  # fmt: skip
    nl, en = [], []
    if geen_alt:
        nl.append(
            f"{_buurten(len(geen_alt), 'nl')} zonder gekozen alternatief (leeg of nader te bepalen): {lijst(geen_alt)}"
        )
        en.append(
            f"{_buurten(len(geen_alt), 'en')} without a chosen alternative (empty or to be decided): "
            f"{lijst(geen_alt, 'en')}"
        )
    if buiten:
        nl.append(
            f"{_buurten(len(buiten), 'nl')} zonder startjaar binnen de planhorizon {first}-{last}: {lijst(buiten)}"
        )
        en.append(
            f"{_buurten(len(buiten), 'en')} without a start year within the planning horizon {first}-{last}: "
            f"{lijst(buiten, 'en')}"
        )
    return _Uitkomst(
        ernst,
        "Voornemen tot aanwijzen, maar " + "; ".join(nl) + ".",
        "Intended for designation, but " + "; ".join(en) + ".",
        bad,
    )


def _aanwijstermijn(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    designated = _designated(p)
    if not designated:
        return _nvt_geen_aanwijzing()
    minimum = regels.aanwijstermijn_min_jaren
    ontbreekt = _codes(q for q in designated if q.aanwijsbesluit_jaar is None or q.aardgasvrij_jaar is None)
    kort, gemotiveerd = [], []
    for q in designated:
        if q.aanwijsbesluit_jaar is None or q.aardgasvrij_jaar is None:
            continue
        if q.aardgasvrij_jaar - q.aanwijsbesluit_jaar < minimum:
            (gemotiveerd if _filled(q.termijn_reden) else kort).append(q.buurt_code)
    if not ontbreekt and not kort:
        extra_nl = extra_en = ""
        if gemotiveerd:
            extra_nl = (
                f" {_buurten(len(gemotiveerd), 'nl')} met een kortere, gemotiveerde termijn: {lijst(gemotiveerd)}."
            )
            extra_en = (
                f" {_buurten(len(gemotiveerd), 'en')} with a shorter term and a recorded reason: "
                f"{lijst(gemotiveerd, 'en')}."
            )
        return _Uitkomst(
            "ok",
            f"Alle {_buurten(len(designated), 'nl')} met voornemen tot aanwijzen hebben een termijn van ten minste "
            f"{minimum} jaar tussen aanwijzingsbesluit en aardgasvrij, of een reden.{extra_nl}",
            f"All {_buurten(len(designated), 'en')} intended for designation have a term of at least {minimum} years "
            f"between designation decision and natural-gas-free, or a reason.{extra_en}",
            _codes(designated))  # fmt: skip
    nl, en = [], []
    if ontbreekt:
        nl.append(
            f"{_buurten(len(ontbreekt), 'nl')} zonder jaar van aanwijzingsbesluit of jaar aardgasvrij: "
            f"{lijst(ontbreekt)}"
        )
        en.append(
            f"{_buurten(len(ontbreekt), 'en')} without a designation decision year or natural-gas-free year: "
            f"{lijst(ontbreekt, 'en')}"
        )
    if kort:
        nl.append(f"{_buurten(len(kort), 'nl')} met een termijn korter dan {minimum} jaar zonder reden: {lijst(kort)}")
        en.append(
            f"{_buurten(len(kort), 'en')} with a term shorter than {minimum} years and no reason: {lijst(kort, 'en')}"
        )
    return _Uitkomst(
        ernst, _cap("; ".join(nl)) + ".", _cap("; ".join(en)) + ".", tuple(sorted(set(ontbreekt) | set(kort)))
    )


def _haalbaar_betaalbaar(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    designated = _designated(p)
    if not designated:
        return _nvt_geen_aanwijzing()
    geen_kosten = _codes(
        q
        for q in designated
        if q.maandlasten_eigenaar is None
        and q.maandlasten_sociale_huur is None
        and q.maandlasten_particuliere_huur is None
    )
    geen_betaalbaar = _codes(q for q in designated if not _filled(q.betaalbaarheid))
    geen_haalbaar = _codes(q for q in designated if not _filled(q.haalbaarheid))
    bad = tuple(sorted(set(geen_kosten) | set(geen_betaalbaar) | set(geen_haalbaar)))
    if not bad:
        return _Uitkomst(
            "ok",
            f"Voor alle {_buurten(len(designated), 'nl')} met voornemen tot aanwijzen zijn de maandlasten voor "
            "bewoners bekend en zijn betaalbaarheid en haalbaarheid onderbouwd.",
            f"For all {_buurten(len(designated), 'en')} intended for designation the monthly costs for residents are "
            "known and affordability and feasibility are substantiated.",
            _codes(designated))  # fmt: skip
    nl, en = [], []
    if geen_kosten:
        nl.append(
            f"maandlasten voor bewoners onbekend (neem ze over uit het afwegingskader) bij "
            f"{_buurten(len(geen_kosten), 'nl')}: {lijst(geen_kosten)}"
        )
        en.append(
            f"monthly costs for residents unknown (take them from the assessment framework) for "
            f"{_buurten(len(geen_kosten), 'en')}: {lijst(geen_kosten, 'en')}"
        )
    if geen_betaalbaar:
        nl.append(
            f"onderbouwing betaalbaarheid ontbreekt bij {_buurten(len(geen_betaalbaar), 'nl')}: "
            f"{lijst(geen_betaalbaar)}"
        )
        en.append(
            f"affordability substantiation missing for {_buurten(len(geen_betaalbaar), 'en')}: "
            f"{lijst(geen_betaalbaar, 'en')}"
        )
    if geen_haalbaar:
        nl.append(
            f"onderbouwing haalbaarheid ontbreekt bij {_buurten(len(geen_haalbaar), 'nl')}: {lijst(geen_haalbaar)}"
        )
        en.append(
            f"feasibility substantiation missing for {_buurten(len(geen_haalbaar), 'en')}: {lijst(geen_haalbaar, 'en')}"
        )
    return _Uitkomst(ernst, _cap("; ".join(nl)) + ".", _cap("; ".join(en)) + ".", bad)


def _participatie(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    momenten = sorted(p.participatie, key=lambda m: (m.datum, m.id))
    if not momenten:
        return _Uitkomst(
            ernst,
            "Geen participatie vastgelegd: leg ten minste één participatiemoment vast (bijeenkomst, "
            "gesprek, enquête, zienswijze) met de inbreng en de reactie daarop.",
            "No participation recorded: record at least one participation moment (meeting, "
            "conversation, survey, formal response) with the input and the response to it.",
        )
    heel = any(not m.buurt_codes for m in momenten)
    genoemd = {c for m in momenten for c in m.buurt_codes}
    designated = _designated(p)
    niet_gedekt = () if heel else _codes(q for q in designated if q.buurt_code not in genoemd)
    if niet_gedekt:
        return _Uitkomst(
            ernst,
            f"{_cap(_buurten(len(niet_gedekt), 'nl'))} met voornemen tot aanwijzen zonder participatiemoment "
            f"dat de buurt noemt (of de hele gemeente betreft): {lijst(niet_gedekt)}.",
            f"{_cap(_buurten(len(niet_gedekt), 'en'))} intended for designation without a participation "
            f"moment naming the buurt (or covering the whole municipality): {lijst(niet_gedekt, 'en')}.",
            niet_gedekt)  # fmt: skip
    zonder_reactie = [m for m in momenten if not _filled(m.reactie)]
    n = len(momenten)
    if zonder_reactie:
        titels = lijst([f"{m.datum.isoformat()} {m.titel}" for m in zonder_reactie], maximum=3)
        titels_en = lijst([f"{m.datum.isoformat()} {m.titel}" for m in zonder_reactie], "en", maximum=3)
        return _Uitkomst(
            "waarschuwing",
            f"{n} participatiemoment(en) vastgelegd, maar bij {len(zonder_reactie)} is niet vastgelegd wat met de "
            f"inbreng is gedaan: {titels}.",
            f"{n} participation moment(s) recorded, but for {len(zonder_reactie)} the response to the input is not "
            f"recorded: {titels_en}.")  # fmt: skip
    dekking_nl = " (ook voor alle buurten met voornemen tot aanwijzen)" if designated else ""
    dekking_en = " (also covering every buurt intended for designation)" if designated else ""
    return _Uitkomst(
        "ok",
        f"{n} participatiemoment(en) vastgelegd met de reactie op de inbreng{dekking_nl}.",
        f"{n} participation moment(s) recorded with the response to the input{dekking_en}.",
    )


def _perspectief_2050(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    codes = sorted(set(p.gemeente_buurten) or {q.buurt_code for q in p.plannen})
    if not codes:
        return _Uitkomst(
            ernst,
            "Het programma bevat geen buurten: maak voor elke buurt van de gemeente een plan.",
            "The programme contains no buurten: make a plan for every buurt of the municipality.",
        )
    plans = {q.buurt_code: q for q in p.plannen}
    ontbreekt = tuple(c for c in codes if c not in plans or plans[c].alternatief in (None, ""))
    open_ = tuple(c for c in codes if c in plans and plans[c].alternatief == "nader_te_bepalen")
    if ontbreekt:
        extra_nl = f"; daarnaast {len(open_)} nader te bepalen" if open_ else ""
        extra_en = f"; also {len(open_)} to be decided" if open_ else ""
        return _Uitkomst(
            ernst,
            f"{_cap(_buurten(len(ontbreekt), 'nl'))} van de {len(codes)} zonder perspectief voor 2050 (geen "
            f"plan of geen alternatief): {lijst(ontbreekt)}{extra_nl}.",
            f"{_cap(_buurten(len(ontbreekt), 'en'))} of {len(codes)} without a 2050 perspective (no plan or no "
            f"alternative): {lijst(ontbreekt, 'en')}{extra_en}.",
            ontbreekt)  # fmt: skip
    if open_:
        return _Uitkomst(
            "waarschuwing",
            f"Alle {len(codes)} buurten hebben een plan, maar bij {_buurten(len(open_), 'nl')} is het alternatief nog "
            f"nader te bepalen: {lijst(open_)}. Licht in het hoofdstuk perspectief 2050 toe waarom.",
            f"All {len(codes)} buurten have a plan, but for {_buurten(len(open_), 'en')} the alternative is still "
            f"to be decided: {lijst(open_, 'en')}. Explain why in the chapter perspective 2050.",
            open_)  # fmt: skip
    return _Uitkomst(
        "ok",
        f"Alle {len(codes)} buurten van de gemeente hebben een alternatief voor 2050.",
        f"All {len(codes)} buurten of the municipality have an alternative for 2050.",
    )


def _termijn(uiterlijk: date, vandaag: date, regels: Regels, ernst: str, wat_nl: str, wat_en: str) -> _Uitkomst:
    if vandaag > uiterlijk:
        return _Uitkomst(
            ernst,
            f"{wat_nl} had uiterlijk {uiterlijk.isoformat()} moeten gebeuren; die termijn is verstreken.",
            f"{wat_en} was due by {uiterlijk.isoformat()}; that term has passed.",
        )
    if vandaag >= add_months(uiterlijk, -regels.waarschuwing_maanden):
        dagen = (uiterlijk - vandaag).days
        return _Uitkomst(
            "waarschuwing",
            f"{wat_nl} moet uiterlijk {uiterlijk.isoformat()} (nog {dagen} dagen).",
            f"{wat_en} is due by {uiterlijk.isoformat()} ({dagen} days left).",
        )
    return _Uitkomst(
        "ok", f"{wat_nl}: uiterlijk {uiterlijk.isoformat()}.", f"{wat_en}: due by {uiterlijk.isoformat()}."
    )


def _actualisatie(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    if p.status == "vervallen":
        return _Uitkomst(
            "nvt",
            "Niet van toepassing: deze versie is vervangen door een later vastgestelde versie.",
            "Not applicable: this version was superseded by a later adopted version.",
        )
    if p.status == "vastgesteld":
        if p.actualisatie_uiterlijk is not None:
            uiterlijk = p.actualisatie_uiterlijk
        elif p.vastgesteld_op is not None:
            uiterlijk = actualisatie_datum(p.vastgesteld_op, regels)
        else:
            return _Uitkomst(
                ernst,
                "Vastgesteld programma zonder vaststellingsdatum: de actualisatiedatum is onbekend.",
                "Adopted programme without an adoption date: the update date is unknown.",
            )
        return _termijn(
            uiterlijk, vandaag, regels, ernst, "Actualisatie van het programma", "The update of the programme"
        )
    if p.vorige_id is None and p.vorige_vastgesteld_op is None:
        return _termijn(
            regels.eerste_vaststelling_uiterlijk,
            vandaag,
            regels,
            ernst,
            "Vaststelling van het eerste warmteprogramma",
            "Adoption of the first warmteprogramma",
        )
    if p.vorige_vastgesteld_op is None:
        return _Uitkomst(
            "nvt",
            "Niet van toepassing: de vaststellingsdatum van de vorige versie is onbekend.",
            "Not applicable: the adoption date of the previous version is unknown.",
        )
    return _termijn(
        actualisatie_datum(p.vorige_vastgesteld_op, regels),
        vandaag,
        regels,
        ernst,
        "Vaststelling van deze actualisatie",
        "Adoption of this update",
    )


def _afwijking_gemotiveerd(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    met_analyse = [q for q in p.plannen if q.analyse_voorkeur]
    if not met_analyse:
        return _Uitkomst(
            "nvt",
            "Niet van toepassing: er is geen analyse (voorkeursvariant) aan de plannen gekoppeld.",
            "Not applicable: no analysis (preferred variant) is linked to the plans.",
        )
    afwijkend = [q for q in met_analyse if alternatieven.deviates(q.alternatief, q.analyse_voorkeur)]
    zonder = _codes(q for q in afwijkend if not _filled(q.afwijking_reden))
    if zonder:
        return _Uitkomst(
            ernst,
            f"{_cap(_buurten(len(zonder), 'nl'))} met een alternatief van een andere familie dan de "
            f"voorkeursvariant uit de analyse, zonder reden voor de afwijking: {lijst(zonder)}.",
            f"{_cap(_buurten(len(zonder), 'en'))} with an alternative of another family than the analysis' "
            f"preferred variant, without a reason for the deviation: {lijst(zonder, 'en')}.",
            zonder)  # fmt: skip
    if afwijkend:
        return _Uitkomst(
            "ok",
            f"{_cap(_buurten(len(afwijkend), 'nl'))} wijken af van de analyse, alle met een "
            f"reden: {lijst(_codes(afwijkend))}.",
            f"{_cap(_buurten(len(afwijkend), 'en'))} deviate from the analysis, all with a reason: "
            f"{lijst(_codes(afwijkend), 'en')}.",
            _codes(afwijkend),
        )
    return _Uitkomst(
        "ok",
        "Alle gekozen alternatieven volgen de familie van de voorkeursvariant uit de analyse.",
        "All chosen alternatives follow the family of the analysis' preferred variant.",
    )


def _hoofdstukken(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    actualisatie = p.vorige_id is not None
    vereist = [h for h in regels.hoofdstukken if h.verplicht and (actualisatie or not h.alleen_bij_actualisatie)]
    if not vereist:
        return _Uitkomst(
            "nvt",
            "Niet van toepassing: geen verplichte hoofdstukken gedefinieerd.",
            "Not applicable: no required chapters defined.",
        )
    leeg = [h for h in vereist if not _filled(p.teksten.get(h.code))]
    if leeg:
        return _Uitkomst(
            ernst,
            f"{len(leeg)} van de {len(vereist)} verplichte hoofdstukken zonder tekst: "
            f"{lijst([h.titel_nl for h in leeg], maximum=len(leeg))}.",
            f"{len(leeg)} of {len(vereist)} required chapters without text: "
            f"{lijst([h.titel_en for h in leeg], 'en', maximum=len(leeg))}.")  # fmt: skip
    return _Uitkomst(
        "ok",
        f"Alle {len(vereist)} verplichte hoofdstukken hebben een tekst.",
        f"All {len(vereist)} required chapters have a text.",
    )


def _planning_consistent(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    peil = planning.peiljaar(p, vandaag)
    fouten: list[tuple[str, str, str]] = []  # (buurt, nl, en)
    waarschuwingen: list[tuple[str, str, str]] = []
    for q in sorted(p.plannen, key=lambda q: q.buurt_code):
        c = q.buurt_code
        if q.fase not in FASES:
            fouten.append((c, f"onbekende fase {q.fase!r}", f"unknown phase {q.fase!r}"))
        if q.alternatief and not alternatieven.is_known(q.alternatief):
            fouten.append((c, f"onbekend alternatief {q.alternatief!r}", f"unknown alternative {q.alternatief!r}"))
        if q.startjaar is not None and q.doeljaar is not None and q.startjaar > q.doeljaar:
            fouten.append(
                (
                    c,
                    f"startjaar {q.startjaar} na doeljaar {q.doeljaar}",
                    f"start year {q.startjaar} after target year {q.doeljaar}",
                )
            )
        for naam_nl, naam_en, jaar in (
            ("doeljaar", "target year", q.doeljaar),
            ("jaar aardgasvrij", "natural-gas-free year", q.aardgasvrij_jaar),
            ("startjaar", "start year", q.startjaar),
        ):
            if jaar is not None and jaar > EINDJAAR:
                fouten.append((c, f"{naam_nl} {jaar} na {EINDJAAR}", f"{naam_en} {jaar} after {EINDJAAR}"))
        if (
            q.aanwijsbesluit_jaar is not None
            and q.aardgasvrij_jaar is not None
            and q.aanwijsbesluit_jaar > q.aardgasvrij_jaar
        ):
            fouten.append(
                (
                    c,
                    f"aanwijzingsbesluit {q.aanwijsbesluit_jaar} na jaar aardgasvrij {q.aardgasvrij_jaar}",
                    f"designation decision {q.aanwijsbesluit_jaar} after natural-gas-free year {q.aardgasvrij_jaar}",
                )
            )
        if q.fase == "gereed" and (q.doeljaar is None or q.doeljaar > peil):
            fouten.append(
                (
                    c,
                    f"fase gereed maar doeljaar {q.doeljaar or 'leeg'} ligt niet in of voor {peil}",
                    f"phase done but target year {q.doeljaar or 'empty'} is not in or before {peil}",
                )
            )
        if q.fase in ("uitvoeringsplan", "uitvoering") and q.startjaar is None:
            fouten.append((c, f"fase {q.fase} zonder startjaar", f"phase {q.fase} without a start year"))
        if q.fase == "uitvoering" and q.startjaar is not None and q.startjaar > peil:
            waarschuwingen.append(
                (
                    c,
                    f"fase uitvoering maar startjaar {q.startjaar} ligt na {peil}",
                    f"phase execution but start year {q.startjaar} is after {peil}",
                )
            )
    items = fouten or waarschuwingen
    if not items:
        return _Uitkomst(
            "ok",
            f"Jaren en fasen van alle {_buurten(len(p.plannen), 'nl')} zijn consistent.",
            f"Years and phases of all {_buurten(len(p.plannen), 'en')} are consistent.",
        )
    codes = tuple(sorted({c for c, _, _ in items}))
    voorbeelden_nl = "; ".join(f"{c}: {nl}" for c, nl, _ in items[:MAX_CODES])
    voorbeelden_en = "; ".join(f"{c}: {en}" for c, _, en in items[:MAX_CODES])
    meer = len(items) - MAX_CODES
    if meer > 0:
        voorbeelden_nl += f"; en {meer} meer"
        voorbeelden_en += f"; and {meer} more"
    status = ernst if fouten else "waarschuwing"
    return _Uitkomst(
        status,
        f"{len(items)} inconsistentie(s) in de planning van {_buurten(len(codes), 'nl')}: {voorbeelden_nl}.",
        f"{len(items)} inconsistenc{'y' if len(items) == 1 else 'ies'} in the planning of "
        f"{_buurten(len(codes), 'en')}: {voorbeelden_en}.",
        codes,
    )


def _stappen(p: Programma, vandaag: date, regels: Regels, ernst: str) -> _Uitkomst:
    vereist = [s for s in regels.stappen if s.verplicht]
    if not vereist:
        return _Uitkomst(
            "nvt",
            "Niet van toepassing: geen verplichte stappen gedefinieerd.",
            "Not applicable: no required steps defined.",
        )
    status = {s.code: s for s in p.stappen}
    open_, nvt_zonder = [], []
    for d in vereist:
        s = status.get(d.code)
        if s is None or s.status in ("open", "bezig"):
            open_.append(d)
        elif s.status == "nvt" and not _filled(s.toelichting):
            nvt_zonder.append(d)
    if not open_ and not nvt_zonder:
        return _Uitkomst(
            "ok",
            f"Alle {len(vereist)} verplichte stappen zijn gereed of gemotiveerd niet van toepassing.",
            f"All {len(vereist)} required steps are done or not applicable with a reason.",
        )
    nl, en = [], []
    if open_:
        nl.append(
            f"{len(open_)} van de {len(vereist)} verplichte stappen nog niet gereed: "
            f"{lijst([d.titel_nl for d in open_], maximum=len(open_))}"
        )
        en.append(
            f"{len(open_)} of {len(vereist)} required steps not done yet: "
            f"{lijst([d.titel_en for d in open_], 'en', maximum=len(open_))}"
        )
    if nvt_zonder:
        nl.append(f"niet van toepassing zonder toelichting: {lijst([d.titel_nl for d in nvt_zonder], maximum=99)}")
        en.append(f"not applicable without explanation: {lijst([d.titel_en for d in nvt_zonder], 'en', maximum=99)}")
    return _Uitkomst(ernst, _cap("; ".join(nl)) + ".", _cap("; ".join(en)) + ".")


CHECKS: dict[str, Callable[[Programma, date, Regels, str], _Uitkomst]] = {
    "aanwijzing_in_programma": _aanwijzing_in_programma,
    "aanwijstermijn": _aanwijstermijn,
    "haalbaar_betaalbaar": _haalbaar_betaalbaar,
    "participatie": _participatie,
    "perspectief_2050": _perspectief_2050,
    "actualisatie": _actualisatie,
    "afwijking_gemotiveerd": _afwijking_gemotiveerd,
    "hoofdstukken": _hoofdstukken,
    "planning_consistent": _planning_consistent,
    "stappen": _stappen,
}


def _result(d: ToetsDef, u: _Uitkomst) -> Toetsresultaat:
    return Toetsresultaat(
        code=d.code,
        titel_nl=d.titel_nl,
        titel_en=d.titel_en,
        status=u.status,
        melding_nl=u.nl,
        melding_en=u.en,
        buurten=u.buurten,
        grondslag=d.grondslag,
        bron=d.bron,
        blokkeert_vaststelling=d.blokkeert_vaststelling,
    )


def run_checks(p: Programma, vandaag: date, regels: Regels | None = None) -> list[Toetsresultaat]:
    """All checks of ``toetsen.csv`` on ``p``, in the file's order. A code without logic here is an error."""
    regels = regels or load_rules()
    results = []
    for d in regels.toetsen:
        check = CHECKS.get(d.code)
        if check is None:
            raise KeyError(f"toetsen.csv defines check {d.code!r} that has no implementation in programme.checks")
        results.append(_result(d, check(p, vandaag, regels, d.ernst)))
    return results


def blocking_failures(results: Iterable[Toetsresultaat]) -> list[Toetsresultaat]:
    """The failed checks that refuse adoption (status ``fout`` and ``blokkeert_vaststelling``)."""
    return [r for r in results if r.status == "fout" and r.blokkeert_vaststelling]


def samenvatting(results: Iterable[Toetsresultaat]) -> dict[str, int]:
    """Number of results per status (ok, fout, waarschuwing, nvt)."""
    out = {"ok": 0, "fout": 0, "waarschuwing": 0, "nvt": 0}
    for r in results:
        out[r.status] = out.get(r.status, 0) + 1
    return out
