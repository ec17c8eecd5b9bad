"""Allocation runs (issue 5): which buurten of a region go to which heat source, stored, compared and exported.

A run (:class:`~warmteregio.store.models.Allocatierun`) records what was asked (:class:`AllocatieInstellingen`:
region, cost year ``zichtjaar``, source year ``bronjaar``, parameter set, insulation ambition, fixed buurten,
model limits and a *scenario*: changes to the registry's sources and prices) and, when done, the answer: one
:class:`~warmteregio.store.models.AllocatieBuurt` row per buurt and JSON summaries per source, per gemeente, the
cost/CO2 front, the explanation of an infeasible problem and the warnings (which defaults were used, which
sources close before the horizon).

Running (:func:`execute_run`, the pattern of :mod:`warmteregio.services.sweep`): status ``wachtend`` ->
``bezig`` -> ``klaar`` | ``onhaalbaar`` | ``mislukt`` | ``geannuleerd``. The inputs come from the database
(buurten of the region through :func:`warmteregio.services.assessment.load_region_buurten`, the parameter set
and the strategy catalogue; the sources through :func:`warmteregio.services.bronnen.sources_for_region`), the
scenario is applied to the plain source records, :mod:`warmteregio.allocation.inputs` turns everything into
model arrays and :func:`warmteregio.allocation.solve` solves. Progress goes to the run in small transactions;
cancelling (:func:`request_cancel`, also from another process: the runner sees the status change) stops the
solver between steps. The result rows are written together with the final status in ONE transaction, and only
while the run is still ``bezig``: a cancelled or failed run never has rows; an infeasible run has its
explanation and no rows.

Scenario (JSON in ``Allocatierun.scenario``; every key optional)::

    {"verwijderd": ["HTHP0002"],              # sources left out
     "schaal": {"HTHP0001": 0.5},             # factor on available energy and capacity
     "eindjaar": {"HTHP0002": 2035},          # last year the source delivers
     "warmteprijs": {"HTHP0002": 8.0},        # EUR/GJ at the source
     "warmteprijsfactor": 1.2,                # factor on every source's heat price (after the above)
     "nieuwe_bronnen": [{"code": "NIEUW1", "naam": ..., "temperatuurklasse": "LT", "x": ..., "y": ...,
                         "beschikbaar_gj_per_jaar": ..., "capaciteit_mw": ..., "temperatuur_c": ...}],
     "parameter_overrides": {"name": value}}  # on top of the run's own overrides

Who may do what: administrators and the regional coordinator of the region start and cancel runs (and whoever
started a run may cancel it); every logged-in user reads runs (all regions are visible to every user).
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

import warmteregio
from warmteregio.accounts.service import Principal, can_edit_region
from warmteregio.domain.enums import Role, TemperatureClass
from warmteregio.services import jobs
from warmteregio.services.queries import Page, Paging
from warmteregio.store.models import AllocatieBuurt, Allocatierun, Buurt, Gemeente, ResRegio, User

STATUS_WACHTEND = "wachtend"
STATUS_BEZIG = "bezig"
STATUS_KLAAR = "klaar"
STATUS_ONHAALBAAR = "onhaalbaar"
STATUS_MISLUKT = "mislukt"
STATUS_GEANNULEERD = "geannuleerd"
STATUSSEN = (STATUS_WACHTEND, STATUS_BEZIG, STATUS_KLAAR, STATUS_ONHAALBAAR, STATUS_MISLUKT, STATUS_GEANNULEERD)
LOPEND = (STATUS_WACHTEND, STATUS_BEZIG)

AMBITIES = ("*", "B", "D")
MAX_PARETO = 25
MAX_TIJDSLIMIET_S = 3600.0
MAX_AFSTAND_M = 100_000.0
#: Default horizon: sources that stop delivering before it get a warning (the Klimaatakkoord target year for a
#: natural-gas-free built environment, the end of the period the heat-network costs are annualised over).
STANDAARD_HORIZON = 2050
SCENARIO_SLEUTELS = (
    "verwijderd", "schaal", "eindjaar", "warmteprijs", "warmteprijsfactor", "nieuwe_bronnen", "parameter_overrides",
)  # fmt: skip
NIEUWE_BRON_VELDEN = (
    "code", "naam", "categorie", "temperatuurklasse", "x", "y", "beschikbaar_gj_per_jaar", "capaciteit_mw",
    "temperatuur_c", "booster_nodig", "warmteprijs_eur_gj", "aansluitkosten_eur_kw", "co2_kg_per_gj",
    "gemeente_code", "startjaar", "eindjaar",
)  # fmt: skip

ProgressCallback = Callable[[str, int, int], None]
LADEN = "invoer laden / loading inputs"


class AllocatieError(ValueError):
    """A run that cannot be started or read as asked; ``nl`` and ``en`` carry the message, ``veld`` the input."""

    def __init__(
        self, nl: str, en: str, *, not_found: bool = False, conflict: bool = False, forbidden: bool = False,
        veld: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.not_found = not_found
        self.conflict = conflict
        self.forbidden = forbidden
        self.veld = veld


class AllocatieGeannuleerd(RuntimeError):  # noqa: N818 - Dutch domain word, like the status
    nl = "allocatie geannuleerd"
    en = "allocation cancelled"

    def __init__(self) -> None:
        super().__init__(f"{self.nl} / {self.en}")


def _not_found(run_id: int) -> AllocatieError:
    return AllocatieError(f"allocatie {run_id} niet gevonden", f"allocation {run_id} not found", not_found=True)


# ------------------------------------------------------------------------------------------------ settings


def _finite(value: Any, nl: str, en: str, veld: str, *, lo: float | None = None, hi: float | None = None,
            lo_open: bool = False) -> float:  # fmt: skip
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AllocatieError(f"{nl} moet een getal zijn, niet {value!r}", f"{en} must be a number, not {value!r}",
                             veld=veld) from None  # fmt: skip
    if not math.isfinite(number):
        raise AllocatieError(f"{nl} moet eindig zijn", f"{en} must be finite", veld=veld)
    if lo is not None and (number < lo or (lo_open and number <= lo)):
        teken = ">" if lo_open else ">="
        raise AllocatieError(f"{nl} moet {teken} {lo:g} zijn, niet {number:g}",
                             f"{en} must be {teken} {lo:g}, not {number:g}", veld=veld)  # fmt: skip
    if hi is not None and number > hi:
        raise AllocatieError(f"{nl} moet <= {hi:g} zijn, niet {number:g}", f"{en} must be <= {hi:g}, not {number:g}",
                             veld=veld)  # fmt: skip
    return number


def _year(value: Any, nl: str, en: str, veld: str) -> int:
    number = _finite(value, nl, en, veld, lo=2000, hi=2100)
    if number != int(number):
        raise AllocatieError(f"{nl} moet een heel jaar zijn", f"{en} must be a whole year", veld=veld)
    return int(number)


def _code_map(value: Any, name: str, check: Callable[[Any, str], Any]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise AllocatieError(f"scenario: {name} moet een object bron -> waarde zijn",
                             f"scenario: {name} must be an object source -> value",
                             veld=f"scenario.{name}")  # fmt: skip
    return {str(k).strip(): check(v, str(k)) for k, v in value.items()}


def normalise_scenario(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The scenario checked and in canonical form (empty parts left out); :class:`AllocatieError` on bad input."""
    if not data:
        return {}
    if not isinstance(data, Mapping):
        raise AllocatieError("het scenario moet een JSON-object zijn", "the scenario must be a JSON object",
                             veld="scenario")  # fmt: skip
    unknown = sorted(set(data) - set(SCENARIO_SLEUTELS))
    if unknown:
        raise AllocatieError(
            f"onbekende scenario-onderdelen: {', '.join(unknown)} (kies uit {', '.join(SCENARIO_SLEUTELS)})",
            f"unknown scenario parts: {', '.join(unknown)} (choose from {', '.join(SCENARIO_SLEUTELS)})",
            veld="scenario",
        )
    out: dict[str, Any] = {}
    verwijderd = data.get("verwijderd") or []
    if isinstance(verwijderd, str) or not isinstance(verwijderd, Sequence):
        raise AllocatieError("scenario: verwijderd moet een lijst broncodes zijn",
                             "scenario: verwijderd must be a list of source codes",
                             veld="scenario.verwijderd")  # fmt: skip
    if verwijderd:
        out["verwijderd"] = sorted({str(c).strip() for c in verwijderd if str(c).strip()})
    if data.get("schaal"):
        out["schaal"] = _code_map(
            data["schaal"],
            "schaal",
            lambda v, c: _finite(
                v, f"schaalfactor van {c}", f"scale factor of {c}", "scenario.schaal", lo=0.0, hi=100.0
            ),
        )
    if data.get("eindjaar"):
        out["eindjaar"] = _code_map(
            data["eindjaar"],
            "eindjaar",
            lambda v, c: _year(v, f"eindjaar van {c}", f"end year of {c}", "scenario.eindjaar"),
        )
    if data.get("warmteprijs"):
        out["warmteprijs"] = _code_map(
            data["warmteprijs"],
            "warmteprijs",
            lambda v, c: _finite(
                v, f"warmteprijs van {c}", f"heat price of {c}", "scenario.warmteprijs", lo=0.0, hi=1000.0
            ),
        )
    if data.get("warmteprijsfactor") not in (None, "", 1, 1.0):
        out["warmteprijsfactor"] = _finite(data["warmteprijsfactor"], "warmteprijsfactor", "heat price factor",
                                           "scenario.warmteprijsfactor", lo=0.0, hi=100.0)  # fmt: skip
    nieuwe = data.get("nieuwe_bronnen") or []
    if not isinstance(nieuwe, Sequence) or isinstance(nieuwe, str):
        raise AllocatieError("scenario: nieuwe_bronnen moet een lijst zijn", "scenario: nieuwe_bronnen must be a list",
                             veld="scenario.nieuwe_bronnen")  # fmt: skip
    if nieuwe:
        out["nieuwe_bronnen"] = [_new_source(b, i) for i, b in enumerate(nieuwe)]
        codes = [b["code"] for b in out["nieuwe_bronnen"]]
        if len(codes) != len(set(codes)):
            raise AllocatieError("scenario: nieuwe bronnen met dezelfde code", "scenario: new sources share a code",
                                 veld="scenario.nieuwe_bronnen")  # fmt: skip
    if data.get("parameter_overrides"):
        out["parameter_overrides"] = _overrides(data["parameter_overrides"], "scenario.parameter_overrides")
    return out


def _new_source(data: Any, i: int) -> dict[str, Any]:
    veld = f"scenario.nieuwe_bronnen[{i}]"
    if not isinstance(data, Mapping):
        raise AllocatieError(f"nieuwe bron {i + 1} moet een object zijn", f"new source {i + 1} must be an object",
                             veld=veld)  # fmt: skip
    unknown = sorted(set(data) - set(NIEUWE_BRON_VELDEN))
    if unknown:
        raise AllocatieError(f"nieuwe bron {i + 1}: onbekende velden {', '.join(unknown)}",
                             f"new source {i + 1}: unknown fields {', '.join(unknown)}", veld=veld)  # fmt: skip
    code = str(data.get("code") or "").strip()
    if not code or len(code) > 40:
        raise AllocatieError(f"nieuwe bron {i + 1}: geef een code van hoogstens 40 tekens",
                             f"new source {i + 1}: give a code of at most 40 characters", veld=veld)  # fmt: skip
    klasse = str(data.get("temperatuurklasse") or "").strip().upper()
    if klasse not in {t.value for t in TemperatureClass}:
        raise AllocatieError(f"nieuwe bron {code}: temperatuurklasse moet HT, MT, LT of ZLT zijn",
                             f"new source {code}: temperature class must be HT, MT, LT or ZLT", veld=veld)  # fmt: skip
    out: dict[str, Any] = {
        "code": code,
        "naam": str(data.get("naam") or code).strip()[:200],
        "categorie": str(data.get("categorie") or "overig").strip()[:40],
        "temperatuurklasse": klasse,
        "x": _finite(data.get("x"), f"x van nieuwe bron {code}", f"x of new source {code}", veld, lo=-7000,
                     hi=300_000),
        "y": _finite(data.get("y"), f"y van nieuwe bron {code}", f"y of new source {code}", veld, lo=289_000,
                     hi=629_000),
    }  # fmt: skip
    for name, nl, en, hi in (
        ("beschikbaar_gj_per_jaar", "beschikbare warmte", "available heat", 1e9),
        ("capaciteit_mw", "vermogen", "capacity", 1e5),
        ("temperatuur_c", "temperatuur", "temperature", 200.0),
        ("warmteprijs_eur_gj", "warmteprijs", "heat price", 1000.0),
        ("aansluitkosten_eur_kw", "aansluitkosten", "connection cost", 1e5),
        ("co2_kg_per_gj", "CO2-factor", "CO2 factor", 1000.0),
    ):
        value = data.get(name)
        out[name] = (
            None
            if value in (None, "")
            else _finite(value, f"{nl} van nieuwe bron {code}", f"{en} of new source {code}", veld, lo=0.0, hi=hi)
        )
    for name, nl, en in (("startjaar", "startjaar", "start year"), ("eindjaar", "eindjaar", "end year")):
        value = data.get(name)
        out[name] = None if value in (None, "") else _year(value, f"{nl} van {code}", f"{en} of {code}", veld)
    booster = data.get("booster_nodig")
    out["booster_nodig"] = None if booster in (None, "") else bool(booster)
    gm = data.get("gemeente_code")
    out["gemeente_code"] = str(gm).strip() if gm else None
    return out


def _overrides(value: Any, veld: str) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise AllocatieError("parameteroverrides moeten een object naam -> getal zijn",
                             "parameter overrides must be an object name -> number", veld=veld)  # fmt: skip
    return {str(k): _finite(v, f"parameter {k}", f"parameter {k}", veld) for k, v in value.items()}


@dataclass(frozen=True)
class AllocatieInstellingen:
    """What an allocation run computes. ``bronjaar`` None: the ``zichtjaar``. ``ambitie``: ``*`` (cheapest
    label per buurt), ``B`` or ``D``, or a mapping buurt code -> one of those (buurten not in it: ``*``).
    ``vast_in``/``vast_uit``: buurten the user puts on a heat network / keeps individual. ``horizon``: sources
    ending before this year get a warning. ``basis_id``: the run a scenario is compared with."""

    regio: str
    titel: str = ""
    zichtjaar: int = 2030
    bronjaar: int | None = None
    parameterset: str = "vesta2025"
    parameterset_versie: str | None = None
    overrides: Mapping[str, float] = field(default_factory=dict)
    ambitie: str | Mapping[str, str] = "*"
    vast_in: tuple[str, ...] = ()
    vast_uit: tuple[str, ...] = ()
    max_afstand_m: float = 25_000.0
    max_aandeel_per_bron: float = 1.0
    marginale_waarden: bool = True
    alleen_per_gemeente: bool = True
    pareto_punten: int = 0
    tijdslimiet_s: float = 60.0
    horizon: int = STANDAARD_HORIZON
    scenario: Mapping[str, Any] = field(default_factory=dict)
    basis_id: int | None = None

    @property
    def jaar_bronnen(self) -> int:
        return int(self.bronjaar if self.bronjaar is not None else self.zichtjaar)

    def validate(self) -> AllocatieInstellingen:
        """The settings in canonical form, or :class:`AllocatieError` naming the first bad one (no database)."""
        titel = (self.titel or "").strip()
        if len(titel) > 200:
            raise AllocatieError("de titel is langer dan 200 tekens", "the title is longer than 200 characters",
                                 veld="titel")  # fmt: skip
        zichtjaar = _year(self.zichtjaar, "zichtjaar", "cost year", "zichtjaar")
        bronjaar = None if self.bronjaar is None else _year(self.bronjaar, "bronjaar", "source year", "bronjaar")
        horizon = _year(self.horizon, "horizon", "horizon", "horizon")
        if isinstance(self.ambitie, Mapping):
            bad = sorted(k for k, v in self.ambitie.items() if v not in AMBITIES)
            if bad:
                raise AllocatieError(f"ambitie moet *, B of D zijn (buurten {', '.join(bad)})",
                                     f"ambition must be *, B or D (buurten {', '.join(bad)})",
                                     veld="ambitie")  # fmt: skip
            ambitie: str | dict[str, str] = {str(k): str(v) for k, v in self.ambitie.items()}
        else:
            ambitie = str(self.ambitie or "*").strip().upper()
            if ambitie not in AMBITIES:
                raise AllocatieError(f"ambitie moet *, B of D zijn, niet {self.ambitie!r}",
                                     f"ambition must be *, B or D, not {self.ambitie!r}", veld="ambitie")  # fmt: skip
        vast_in = tuple(sorted({str(c).strip().upper() for c in self.vast_in if str(c).strip()}))
        vast_uit = tuple(sorted({str(c).strip().upper() for c in self.vast_uit if str(c).strip()}))
        both = sorted(set(vast_in) & set(vast_uit))
        if both:
            raise AllocatieError(f"buurten zowel aan- als uitgezet: {', '.join(both)}",
                                 f"buurten fixed both in and out: {', '.join(both)}", veld="vast_in")  # fmt: skip
        pareto = int(_finite(self.pareto_punten, "aantal paretopunten", "number of Pareto points", "pareto_punten",
                             lo=0, hi=MAX_PARETO))  # fmt: skip
        if pareto == 1:
            raise AllocatieError("kies 0 (geen) of minstens 2 paretopunten",
                                 "choose 0 (none) or at least 2 Pareto points",
                                 veld="pareto_punten")  # fmt: skip
        return replace(
            self,
            regio=str(self.regio or "").strip().upper(),
            titel=titel,
            zichtjaar=zichtjaar,
            bronjaar=bronjaar,
            horizon=horizon,
            parameterset=str(self.parameterset or "vesta2025").strip(),
            overrides=_overrides(self.overrides or {}, "overrides"),
            ambitie=ambitie,
            vast_in=vast_in,
            vast_uit=vast_uit,
            max_afstand_m=_finite(self.max_afstand_m, "maximale afstand", "maximum distance", "max_afstand_m",
                                  lo=0.0, lo_open=True, hi=MAX_AFSTAND_M),
            max_aandeel_per_bron=_finite(self.max_aandeel_per_bron, "maximaal aandeel per bron",
                                         "maximum share per source", "max_aandeel_per_bron", lo=0.0, lo_open=True,
                                         hi=1.0),
            pareto_punten=pareto,
            tijdslimiet_s=_finite(self.tijdslimiet_s, "tijdslimiet", "time limit", "tijdslimiet_s", lo=0.0,
                                  lo_open=True, hi=MAX_TIJDSLIMIET_S),
            scenario=normalise_scenario(self.scenario),
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["overrides"] = dict(self.overrides)
        out["ambitie"] = dict(self.ambitie) if isinstance(self.ambitie, Mapping) else self.ambitie
        out["vast_in"] = list(self.vast_in)
        out["vast_uit"] = list(self.vast_uit)
        out["scenario"] = dict(self.scenario)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AllocatieInstellingen:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for name in ("vast_in", "vast_uit"):
            if name in kwargs:
                kwargs[name] = tuple(kwargs[name] or ())
        return cls(**kwargs)


def scenario_bron_sluit(code: str, jaar: int, bronjaar: int | None = None) -> tuple[dict[str, Any], int]:
    """The scenario "source ``code`` closes in ``jaar``": its end year, and a source year after it (default
    ``jaar + 1``; a later ``bronjaar`` is kept). Returns (scenario changes, bronjaar)."""
    jaar = _year(jaar, "sluitingsjaar", "closing year", "eindjaar")
    if bronjaar is not None and bronjaar <= jaar:
        raise AllocatieError(
            f"het bronjaar ({bronjaar}) moet na het sluitingsjaar ({jaar}) liggen om de sluiting te zien",
            f"the source year ({bronjaar}) must be after the closing year ({jaar}) to see the closure",
            veld="bronjaar",
        )
    return {"eindjaar": {code: jaar}}, (bronjaar if bronjaar is not None else jaar + 1)


def merge_scenario(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` on top of ``base``: maps are updated per source, lists are united (new sources by code)."""
    out = {k: (dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, list) else v) for k, v in base.items()}
    for key, value in (changes or {}).items():
        if key in ("schaal", "eindjaar", "warmteprijs", "parameter_overrides") and isinstance(value, Mapping):
            out[key] = {**out.get(key, {}), **value}
        elif key == "verwijderd" and isinstance(value, Sequence) and not isinstance(value, str):
            out[key] = sorted(set(out.get(key, [])) | {str(c) for c in value})
        elif key == "nieuwe_bronnen" and isinstance(value, Sequence):
            by_code = {b.get("code"): b for b in out.get(key, [])}
            by_code.update({b.get("code"): b for b in value if isinstance(b, Mapping)})
            out[key] = list(by_code.values())
        else:
            out[key] = value
    return out


# ------------------------------------------------------------------------------------------------ permissions


def kan_starten(user: User | None, regio: str) -> bool:
    """Administrators anywhere, regional coordinators in their own region."""
    if user is None:
        return False
    principal = Principal.of(user)
    return principal.rol is Role.ADMIN or (principal.rol is Role.COORDINATOR and can_edit_region(principal, regio))


def kan_annuleren(user: User | None, info: RunInfo) -> bool:
    if user is None or not info.lopend:
        return False
    return kan_starten(user, info.regio_code) or (info.gestart_door_id is not None and info.gestart_door_id == user.id)


def kan_lezen(user: User | None, info: RunInfo | None = None) -> bool:  # noqa: ARG001 - same rule for every run
    """Every logged-in user reads every run (all regions are visible to all users)."""
    return user is not None


def regios_voor_start(session: Session, user: User | None) -> list[tuple[str, str]]:
    """(code, name) of the regions ``user`` may start runs for."""
    if user is None:
        return []
    rows = session.execute(select(ResRegio.code, ResRegio.naam).order_by(ResRegio.code)).all()
    return [(c, n) for c, n in rows if kan_starten(user, c)]


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class RunInfo:
    id: int
    titel: str
    regio_code: str
    regio_naam: str | None
    status: str
    zichtjaar: int
    bronjaar: int
    parameterset: str
    parameterset_versie: str | None
    instellingen: dict[str, Any]
    scenario: dict[str, Any]
    basis_id: int | None
    code_versie: str
    voortgang_stap: str | None
    voortgang_klaar: int
    voortgang_totaal: int
    gestart: datetime
    beeindigd: datetime | None
    gestart_door_id: int | None
    gestart_door: str | None
    totale_kosten: float | None
    kosten_individueel: float | None
    totale_co2: float | None
    gap: float | None
    oplostijd_s: float | None
    uitleg: list[list[str]]
    bronnen: list[dict[str, Any]]
    gemeenten: list[dict[str, Any]]
    pareto: list[dict[str, Any]]
    waarschuwingen: list[list[str]]
    foutmelding: str | None
    aantal_buurten: int

    @property
    def lopend(self) -> bool:
        return self.status in LOPEND

    @property
    def voortgang(self) -> float:
        if self.status in (STATUS_KLAAR, STATUS_ONHAALBAAR):
            return 1.0
        return min(self.voortgang_klaar / self.voortgang_totaal, 1.0) if self.voortgang_totaal else 0.0

    @property
    def besparing(self) -> float | None:
        """EUR/yr saved against every buurt individual (None until done)."""
        if self.totale_kosten is None or self.kosten_individueel is None:
            return None
        return self.kosten_individueel - self.totale_kosten

    @property
    def aantal_aangesloten(self) -> int:
        return sum(int(g.get("n_aangesloten") or 0) for g in self.gemeenten)


def _json(text: str | None, default: Any) -> Any:
    try:
        value = json.loads(text) if text else default
    except ValueError:
        return default
    return value if value is not None else default


def _info(row: Allocatierun, regio_naam: str | None, naam: str | None, aantal: int) -> RunInfo:
    return RunInfo(
        row.id, row.titel, row.regio_code, regio_naam, row.status, row.zichtjaar, row.bronjaar,
        row.parameterset_naam, row.parameterset_versie, _json(row.instellingen, {}), _json(row.scenario, {}),
        row.basis_id, row.code_versie, row.voortgang_stap, row.voortgang_klaar or 0, row.voortgang_totaal or 0,
        row.gestart, row.beeindigd, row.gestart_door_id, naam, row.totale_kosten, row.kosten_individueel,
        row.totale_co2, row.gap, row.oplostijd_s, _json(row.uitleg, []), _json(row.bronnen, []),
        _json(row.gemeenten, []), _json(row.pareto, []), _json(row.waarschuwingen, []), row.foutmelding, aantal,
    )  # fmt: skip


def get_run(session: Session, run_id: int) -> RunInfo | None:
    if not 0 < run_id < 2**31:
        return None
    row = session.get(Allocatierun, run_id)
    if row is None:
        return None
    session.refresh(row)
    naam = session.scalar(select(User.naam).where(User.id == row.gestart_door_id)) if row.gestart_door_id else None
    regio_naam = session.scalar(select(ResRegio.naam).where(ResRegio.code == row.regio_code))
    aantal = session.scalar(select(func.count(AllocatieBuurt.id)).where(AllocatieBuurt.run_id == run_id)) or 0
    return _info(row, regio_naam, naam, int(aantal))


def require_run(session: Session, run_id: int) -> RunInfo:
    info = get_run(session, run_id)
    if info is None:
        raise _not_found(run_id)
    return info


def list_runs(session: Session, *, regio: str | None = None, paging: Paging = Paging()) -> Page[RunInfo]:
    """Runs, newest first (optionally of one region)."""
    conds = [Allocatierun.regio_code == regio] if regio else []
    totaal = session.scalar(select(func.count(Allocatierun.id)).where(*conds)) or 0
    counts = (
        select(AllocatieBuurt.run_id, func.count(AllocatieBuurt.id).label("n")).group_by(AllocatieBuurt.run_id)
    ).subquery()
    rows = session.execute(
        select(Allocatierun, User.naam, ResRegio.naam, counts.c.n)
        .outerjoin(User, User.id == Allocatierun.gestart_door_id)
        .outerjoin(ResRegio, ResRegio.code == Allocatierun.regio_code)
        .outerjoin(counts, counts.c.run_id == Allocatierun.id)
        .where(*conds)
        .order_by(Allocatierun.gestart.desc(), Allocatierun.id.desc())
        .offset(paging.offset)
        .limit(paging.pagina_grootte)
    ).all()
    items = [_info(r, rn, n, int(c or 0)) for r, n, rn, c in rows]
    return Page(items, int(totaal), paging.pagina, paging.pagina_grootte)


def regions_with_runs(session: Session) -> list[tuple[str, str | None]]:
    """(code, name) of the regions that have allocation runs, by code."""
    rows = session.execute(
        select(Allocatierun.regio_code, ResRegio.naam)
        .outerjoin(ResRegio, ResRegio.code == Allocatierun.regio_code)
        .distinct()
        .order_by(Allocatierun.regio_code)
    ).all()
    return [(c, n) for c, n in rows]


def latest_finished(session: Session, regio: str, *, titel: str | None = None) -> RunInfo | None:
    """The newest finished (``klaar``) run of a region, optionally with this title."""
    conds = [Allocatierun.regio_code == regio, Allocatierun.status == STATUS_KLAAR]
    if titel:
        conds.append(Allocatierun.titel == titel)
    run_id = session.scalar(
        select(Allocatierun.id).where(*conds).order_by(Allocatierun.gestart.desc(), Allocatierun.id.desc()).limit(1)
    )
    return get_run(session, run_id) if run_id is not None else None


@dataclass(frozen=True)
class BuurtRij:
    buurt_code: str
    buurt_naam: str | None
    gemeente_code: str
    bron_code: str | None
    soort: str
    kosten_eur_jr: float
    kosten_individueel_eur_jr: float | None
    leiding_eur_jr: float
    warmte_gj: float
    piek_mw: float
    afstand_m: float | None
    co2_t: float | None
    vastgezet: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _names(session: Session, codes: Sequence[str], jaar: int | None) -> dict[str, str | None]:
    if not codes:
        return {}
    stmt = select(Buurt.code, Buurt.naam).where(Buurt.code.in_(list(codes)))
    if jaar is not None:
        stmt = stmt.where(Buurt.jaar == jaar)
    return dict(session.execute(stmt).all())


def run_buurten(
    session: Session, run_id: int, *, gemeente: str | None = None, bron: str | None = None,
    paging: Paging | None = None,
) -> Page[BuurtRij]:  # fmt: skip
    """Stored per-buurt rows of a run, by buurt code (all without ``paging``); ``bron`` ``-`` = individual."""
    info = require_run(session, run_id)
    conds = [AllocatieBuurt.run_id == run_id]
    if gemeente:
        conds.append(AllocatieBuurt.gemeente_code == gemeente)
    if bron == "-":
        conds.append(AllocatieBuurt.bron_code.is_(None))
    elif bron:
        conds.append(AllocatieBuurt.bron_code == bron)
    totaal = int(session.scalar(select(func.count(AllocatieBuurt.id)).where(*conds)) or 0)
    stmt = select(AllocatieBuurt).where(*conds).order_by(AllocatieBuurt.buurt_code, AllocatieBuurt.id)
    if paging is not None:
        stmt = stmt.offset(paging.offset).limit(paging.pagina_grootte)
    rows = list(session.scalars(stmt))
    names = _names(session, [r.buurt_code for r in rows], info.instellingen.get("buurt_jaar"))
    items = [
        BuurtRij(r.buurt_code, names.get(r.buurt_code), r.gemeente_code, r.bron_code, r.soort, r.kosten_eur_jr,
                 r.kosten_individueel_eur_jr, r.leiding_eur_jr, r.warmte_gj, r.piek_mw, r.afstand_m, r.co2_t,
                 r.vastgezet)
        for r in rows
    ]  # fmt: skip
    if paging is None:
        return Page(items, totaal, 1, max(totaal, 1))
    return Page(items, totaal, paging.pagina, paging.pagina_grootte)


# ------------------------------------------------------------------------------------------------ creating


def _region_sources(session: Session, regio: str) -> list[Any]:
    from warmteregio.services import bronnen

    return bronnen.sources_for_region(session, regio)


def _region_buurt_codes(session: Session, regio: str) -> set[str]:
    """Codes of the region's buurten in their newest division year (the selection of ``load_region_buurten``)."""
    from warmteregio.services.queries import region_gemeenten

    gemeenten = [g.code for g in region_gemeenten(session, regio)]
    if not gemeenten:
        return set()
    jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.gemeente_code.in_(gemeenten)))
    if jaar is None:
        return set()
    return set(session.scalars(select(Buurt.code).where(Buurt.gemeente_code.in_(gemeenten), Buurt.jaar == jaar)))


def check_against_database(session: Session, inst: AllocatieInstellingen) -> Any:
    """Checks that need the database (region, buurten, sources, parameter set); returns the engine Params."""
    from warmteregio.services.assessment import AssessmentError, load_parameters

    if session.get(ResRegio, inst.regio) is None:
        raise AllocatieError(f"RES-regio {inst.regio} niet gevonden", f"RES region {inst.regio} not found",
                             not_found=True, veld="regio")  # fmt: skip
    codes = _region_buurt_codes(session, inst.regio)
    if not codes:
        raise AllocatieError(f"regio {inst.regio} heeft geen buurten", f"region {inst.regio} has no buurten",
                             veld="regio")  # fmt: skip
    for name, values in (("vast_in", inst.vast_in), ("vast_uit", inst.vast_uit),
                         ("ambitie", list(inst.ambitie) if isinstance(inst.ambitie, Mapping) else [])):  # fmt: skip
        unknown = sorted(set(values) - codes)
        if unknown:
            raise AllocatieError(f"buurt(en) niet in regio {inst.regio}: {', '.join(unknown)}",
                                 f"buurt(en) not in region {inst.regio}: {', '.join(unknown)}", veld=name)  # fmt: skip
    scenario = inst.scenario
    new_codes = {b["code"] for b in scenario.get("nieuwe_bronnen", [])}
    existing = {w.code for w in _region_sources(session, inst.regio)}
    clash = sorted(new_codes & existing)
    if clash:
        raise AllocatieError(f"nieuwe bron heeft de code van een bestaande bron: {', '.join(clash)}",
                             f"a new source has the code of an existing source: {', '.join(clash)}",
                             veld="scenario.nieuwe_bronnen")  # fmt: skip
    known = existing | new_codes
    referenced = set(scenario.get("verwijderd", []))
    for key in ("schaal", "eindjaar", "warmteprijs"):
        referenced |= set(scenario.get(key, {}))
    unknown = sorted(referenced - known)
    if unknown:
        raise AllocatieError(
            f"onbekende bron(nen) in het scenario (niet in of bij regio {inst.regio}): {', '.join(unknown)}",
            f"unknown source(s) in the scenario (not in or near region {inst.regio}): {', '.join(unknown)}",
            veld="scenario",
        )
    try:
        params = load_parameters(session, inst.parameterset, inst.parameterset_versie)
    except AssessmentError as exc:
        raise AllocatieError(exc.nl, exc.en, not_found=True, veld="parameterset") from None
    changes = {**inst.overrides, **scenario.get("parameter_overrides", {})}
    if changes:
        try:
            params = params.with_overrides(changes)
        except KeyError as exc:
            message = str(exc.args[0]) if exc.args else str(exc)
            head, sep, names = message.partition(": ")
            nl, _, en = head.partition(" / ")
            raise AllocatieError(f"{nl}{sep}{names}", f"{en or nl}{sep}{names}", veld="overrides") from None
    return params


def create_run(session: Session, inst: AllocatieInstellingen, *, user: User | None = None,
               check_permission: bool = True) -> Allocatierun:  # fmt: skip
    """Validate and record a run (status ``wachtend``); :func:`execute_run` runs it. Flushes, caller commits.

    With ``user`` and ``check_permission`` the user must be allowed to start runs in the region (403-worthy
    :class:`AllocatieError` with ``forbidden``); without a user (CLI, tests) nothing is checked."""
    inst = inst.validate()
    if user is not None and check_permission and not kan_starten(user, inst.regio):
        raise AllocatieError(f"u mag geen allocatie starten voor regio {inst.regio}",
                             f"you may not start an allocation for region {inst.regio}", forbidden=True)  # fmt: skip
    if inst.basis_id is not None and session.get(Allocatierun, inst.basis_id) is None:
        raise AllocatieError(f"basisallocatie {inst.basis_id} niet gevonden",
                             f"base allocation {inst.basis_id} not found", not_found=True, veld="basis_id")  # fmt: skip
    params = check_against_database(session, inst)
    titel = inst.titel or f"Allocatie {inst.regio} {inst.zichtjaar}/{inst.jaar_bronnen}"
    run = Allocatierun(
        titel=titel[:200],
        regio_code=inst.regio,
        status=STATUS_WACHTEND,
        zichtjaar=inst.zichtjaar,
        bronjaar=inst.jaar_bronnen,
        parameterset_naam=params.name,
        parameterset_versie=str(params.version) if params.version is not None else None,
        instellingen=json.dumps({k: v for k, v in inst.to_dict().items() if k != "scenario"}, ensure_ascii=False,
                                sort_keys=True),
        scenario=json.dumps(dict(inst.scenario), ensure_ascii=False, sort_keys=True),
        basis_id=inst.basis_id,
        code_versie=warmteregio.__version__,
        voortgang_klaar=0,
        voortgang_totaal=0,
        gestart=datetime.now(UTC),
        gestart_door_id=user.id if user is not None else None,
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run


def instellingen_of(info: RunInfo) -> AllocatieInstellingen:
    """The settings a run was started with (scenario included)."""
    data = dict(info.instellingen)
    data["scenario"] = info.scenario
    data.setdefault("regio", info.regio_code)
    return AllocatieInstellingen.from_dict(data)


def scenario_from_run(
    session: Session, run_id: int, changes: Mapping[str, Any] | None = None, *, user: User | None = None,
    titel: str | None = None, zichtjaar: int | None = None, bronjaar: int | None = None,
    check_permission: bool = True,
) -> Allocatierun:  # fmt: skip
    """A new run (status ``wachtend``) with the settings of run ``run_id``, its scenario plus ``changes``, and
    ``basis_id`` = ``run_id`` (the run it is compared with)."""
    info = require_run(session, run_id)
    base = instellingen_of(info)
    scenario = merge_scenario(base.scenario, normalise_scenario(changes or {}))
    new = replace(
        base,
        titel=(titel or "").strip() or f"Scenario op {info.titel}"[:200],
        zichtjaar=zichtjaar if zichtjaar is not None else base.zichtjaar,
        bronjaar=bronjaar if bronjaar is not None else info.bronjaar,
        scenario=scenario,
        basis_id=run_id,
    )
    return create_run(session, new, user=user, check_permission=check_permission)


# ------------------------------------------------------------------------------------------------ running


_CANCEL = jobs.CancelEvents()


def _event(run_id: int) -> threading.Event:
    return _CANCEL.event(run_id)


def _set_status(factory: sessionmaker[Session], run_id: int, status: str, *, van: Sequence[str], **values: Any) -> bool:
    return jobs.set_status(factory, Allocatierun, run_id, status, van=van, **values)


def _final_status(factory: sessionmaker[Session], run_id: int) -> str:
    return jobs.final_status(factory, Allocatierun, run_id, STATUS_MISLUKT)


def _num(value: Any) -> float | None:
    """A finite float, or None (NaN, inf, None)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass
class Invoer:
    """Everything :func:`solve_inputs` produced: model arrays, records and notes (for storing the result)."""

    buurten: Any  # AllocationBuurten
    bronnen: Any  # AllocationSources
    records: dict[str, Any]  # code -> SourceRecord after the scenario
    nieuw: set[str]
    waarschuwingen: list[list[str]]
    buurt_jaar: int | None
    gemeente_namen: dict[str, str]
    settings: Any  # AllocationSettings


def apply_scenario(records: Sequence[Any], scenario: Mapping[str, Any]) -> tuple[list[Any], list[list[str]]]:
    """The source records with the scenario's record-level changes (removed sources, end years, heat prices,
    new sources); scaling and the heat-price factor act on the model arrays (after defaults) in
    :func:`apply_scenario_arrays`. Second item: what changed, as [nl, en] notes."""
    from warmteregio.allocation.inputs import SourceRecord

    notes: list[list[str]] = []
    removed = set(scenario.get("verwijderd", []))
    out = []
    for r in records:
        if r.code in removed:
            notes.append(
                [f"scenario: bron {r.code} ({r.naam}) weggelaten", f"scenario: source {r.code} ({r.naam}) left out"]
            )
            continue
        if r.code in scenario.get("eindjaar", {}):
            jaar = int(scenario["eindjaar"][r.code])
            r = replace(r, eindjaar=jaar)
            notes.append(
                [
                    f"scenario: bron {r.code} levert tot en met {jaar}",
                    f"scenario: source {r.code} delivers until {jaar}",
                ]
            )
        if r.code in scenario.get("warmteprijs", {}):
            prijs = float(scenario["warmteprijs"][r.code])
            r = replace(r, warmteprijs_eur_gj=prijs)
            notes.append([f"scenario: warmteprijs van {r.code} {prijs:g} EUR/GJ".replace(".", ","),
                          f"scenario: heat price of {r.code} {prijs:g} EUR/GJ"])  # fmt: skip
        out.append(r)
    for b in scenario.get("nieuwe_bronnen", []):
        if b["code"] in removed:
            continue
        prijs = scenario.get("warmteprijs", {}).get(b["code"], b.get("warmteprijs_eur_gj"))
        eind = scenario.get("eindjaar", {}).get(b["code"], b.get("eindjaar"))
        out.append(SourceRecord(
            code=b["code"], naam=b.get("naam") or b["code"], categorie=b.get("categorie") or "overig",
            temperatuurklasse=b["temperatuurklasse"], x=float(b["x"]), y=float(b["y"]),
            beschikbaar_gj_per_jaar=b.get("beschikbaar_gj_per_jaar"), capaciteit_mw=b.get("capaciteit_mw"),
            temperatuur_c=b.get("temperatuur_c"), booster_nodig=b.get("booster_nodig"), warmteprijs_eur_gj=prijs,
            aansluitkosten_eur_kw=b.get("aansluitkosten_eur_kw"), co2_kg_per_gj=b.get("co2_kg_per_gj"),
            gemeente_code=b.get("gemeente_code"), startjaar=b.get("startjaar"), eindjaar=eind, status="gepland",
        ))  # fmt: skip
        notes.append([f"scenario: nieuwe bron {b['code']} ({b.get('naam') or b['code']})",
                      f"scenario: new source {b['code']} ({b.get('naam') or b['code']})"])  # fmt: skip
    return out, notes


def apply_scenario_arrays(sources: Any, scenario: Mapping[str, Any]) -> tuple[Any, list[list[str]]]:
    """Scale energy and capacity per source and multiply every heat price (on the arrays, defaults filled in)."""
    notes: list[list[str]] = []
    codes = [str(c) for c in sources.codes]
    energy = np.array(sources.energy_gj, dtype=float, copy=True)
    capacity = np.array(sources.capacity_mw, dtype=float, copy=True)
    for code, factor in scenario.get("schaal", {}).items():
        if code in codes:
            j = codes.index(code)
            energy[j] = energy[j] * factor if np.isfinite(energy[j]) else energy[j]
            capacity[j] *= factor
            notes.append([f"scenario: beschikbare warmte en vermogen van {code} x {factor:g}".replace(".", ","),
                          f"scenario: available heat and capacity of {code} x {factor:g}"])  # fmt: skip
    price = np.array(sources.heat_price_eur_gj, dtype=float, copy=True)
    factor = scenario.get("warmteprijsfactor")
    if factor is not None:
        price = price * float(factor)
        notes.append([f"scenario: alle warmteprijzen x {float(factor):g}".replace(".", ","),
                      f"scenario: every heat price x {float(factor):g}"])  # fmt: skip
    return replace(sources, energy_gj=energy, capacity_mw=capacity, heat_price_eur_gj=price), notes


def solve_inputs(session: Session, inst: AllocatieInstellingen) -> Invoer:
    """Load and build the model inputs of a run from the database (no writes)."""
    from warmteregio.allocation import settings_from_params
    from warmteregio.allocation.inputs import buurt_inputs, source_inputs
    from warmteregio.services import bronnen
    from warmteregio.services.assessment import (
        EngineNietBeschikbaar,
        RegioBuurten,
        catalogue_year,
        inputs_from_buurten,
        load_region_buurten,
        load_strategy_catalogue,
    )

    params = check_against_database(session, inst)
    catalogue = load_strategy_catalogue(catalogue_year(params))
    if catalogue is None:
        raise EngineNietBeschikbaar()
    data = load_region_buurten(session, inst.regio)
    waarschuwingen: list[list[str]] = []
    kept, xs, ys, missing = [], [], [], []
    for b in data.buurten:
        x, y = b.centroid_x, b.centroid_y
        if (x is None or y is None) and b.geometry is not None:
            c = shapely.from_wkb(b.geometry).centroid
            x, y = c.x, c.y
        if x is None or y is None:
            missing.append(b.code)
            continue
        kept.append(b)
        xs.append(float(x))
        ys.append(float(y))
    if missing:
        waarschuwingen.append([f"buurten zonder ligging niet meegenomen: {', '.join(missing)}",
                               f"buurten without a location left out: {', '.join(missing)}"])  # fmt: skip
    data = RegioBuurten(data.jaar, kept, data.labels, data.groepen)
    inputs = inputs_from_buurten(data, params)
    gm = np.array([b.gemeente_code for b in kept], dtype=str)
    ambitie = dict(inst.ambitie) if isinstance(inst.ambitie, Mapping) else inst.ambitie
    buurten = buurt_inputs(inputs, params, catalogue, inst.zichtjaar, gemeenten=gm, x=np.array(xs), y=np.array(ys),
                           ambition=ambitie)  # fmt: skip
    records = [bronnen.source_record(w) for w in bronnen.sources_for_region(session, inst.regio)]
    scenario = dict(inst.scenario)
    if scenario.get("nieuwe_bronnen"):  # a new source's gemeente from its location (for "each gemeente alone")
        from warmteregio.data.sources import gemeenten_at

        new = scenario["nieuwe_bronnen"]
        found = gemeenten_at(session, [b["x"] for b in new], [b["y"] for b in new])  # one geometry load for all
        scenario["nieuwe_bronnen"] = [b if b.get("gemeente_code") else {**b, "gemeente_code": gm}
                                      for b, gm in zip(new, found, strict=True)]  # fmt: skip
    records, notes = apply_scenario(records, scenario)
    waarschuwingen += notes
    sources, source_notes = source_inputs(records, params, inst.jaar_bronnen)
    for code, nl, en in source_notes:
        waarschuwingen.append([nl if code in nl else f"{code}: {nl}", en if code in en else f"{code}: {en}"])
    sources, notes = apply_scenario_arrays(sources, inst.scenario)
    waarschuwingen += notes
    by_code = {r.code: r for r in records}
    for code in map(str, sources.codes):
        r = by_code.get(code)
        if r is not None and r.eindjaar is not None and r.eindjaar < inst.horizon:
            waarschuwingen.append([
                f"bron {code} ({r.naam}) levert maar tot en met {r.eindjaar}, voor de horizon {inst.horizon}: "
                "de aangesloten buurten hebben daarna een andere bron nodig",
                f"source {code} ({r.naam}) delivers only until {r.eindjaar}, before the horizon {inst.horizon}: "
                "the connected buurten need another source afterwards",
            ])  # fmt: skip
    fixed = set(inst.vast_in) | set(inst.vast_uit)
    present = {b.code for b in kept}
    lost = sorted(fixed - present)
    if lost:
        raise AllocatieError(f"vastgezette buurten zonder ligging: {', '.join(lost)}",
                             f"fixed buurten without a location: {', '.join(lost)}", veld="vast_in")  # fmt: skip
    settings = settings_from_params(
        params, max_share_per_source=inst.max_aandeel_per_bron, max_distance_m=inst.max_afstand_m,
        fixed_in=tuple(inst.vast_in), fixed_out=tuple(inst.vast_uit), marginal_values=inst.marginale_waarden,
        standalone=inst.alleen_per_gemeente, pareto_points=inst.pareto_punten, time_limit_s=inst.tijdslimiet_s,
    )  # fmt: skip
    gemeente_namen = dict(
        session.execute(
            select(Gemeente.code, Gemeente.naam)
            .where(Gemeente.code.in_(sorted(set(gm.tolist()))))
            .order_by(Gemeente.jaar)
        ).all()
    )
    nieuw = {b["code"] for b in inst.scenario.get("nieuwe_bronnen", [])}
    return Invoer(buurten, sources, by_code, nieuw, waarschuwingen, data.jaar, gemeente_namen, settings)


def _bronnen_summary(inv: Invoer, result: Any) -> list[dict[str, Any]]:
    s = inv.bronnen
    assignment = np.asarray(result.assignment)
    out = []
    names = list(s.names) if getattr(s, "names", None) is not None else [None] * len(s.codes)
    from warmteregio.allocation import source_outlook

    outlook = getattr(result, "outlook", None) or source_outlook(inv.buurten, s, inv.settings)
    buurt_codes = [str(c) for c in inv.buurten.codes]
    for j, code in enumerate(map(str, s.codes)):
        r = inv.records.get(code)
        energy = _num(s.energy_gj[j])
        capacity = _num(s.capacity_mw[j])
        use_gj = float(result.use_gj[j]) if len(result.use_gj) > j else 0.0
        use_mw = float(result.use_mw[j]) if len(result.use_mw) > j else 0.0
        value = _num(result.marginal_value_eur_per_mw[j]) if len(result.marginal_value_eur_per_mw) > j else None
        out.append({
            "code": code,
            "naam": (r.naam if r is not None else None) or (str(names[j]) if names[j] is not None else code),
            "categorie": r.categorie if r is not None else None,
            "temperatuurklasse": r.temperatuurklasse if r is not None else None,
            "temperatuur_c": _num(s.temperature_c[j]),
            "booster": bool(s.booster[j]),
            "x": float(s.x[j]),
            "y": float(s.y[j]),
            "gemeente_code": (str(s.gemeenten[j]) or None) if s.gemeenten is not None else None,
            "beschikbaar_gj": energy,
            "capaciteit_mw": capacity,
            "gebruik_gj": use_gj,
            "gebruik_mw": use_mw,
            "benutting_energie": use_gj / energy if energy else None,
            "benutting_vermogen": use_mw / capacity if capacity else None,
            "aantal_buurten": int(np.sum(assignment == j)),
            "marginale_waarde_eur_per_mw": value,
            "bindend": bool(value is not None and value > 1e-6),
            "warmteprijs_eur_gj": _num(s.heat_price_eur_gj[j]),
            "startjaar": r.startjaar if r is not None else None,
            "eindjaar": r.eindjaar if r is not None else None,
            "nieuw": code in inv.nieuw,
            # the buurt closest to choosing this source on its own, how much dearer that is than staying
            # individual [EUR/yr] and the heat price at which it would break even (model.source_outlook)
            "kans_buurt": buurt_codes[int(outlook.buurt[j])] if outlook.buurt[j] >= 0 else None,
            "kans_meerkosten_eur": _num(outlook.gap_eur[j]),
            "breakeven_warmteprijs_eur_gj": _num(outlook.breakeven_price_eur_gj[j]),
        })  # fmt: skip
    return out


def _gemeenten_summary(inv: Invoer, result: Any) -> list[dict[str, Any]]:
    b = inv.buurten
    cost_ind = np.asarray(b.cost_individual, dtype=float)
    gm = np.asarray(b.gemeenten).astype(str)
    out = []
    for g in result.gemeenten:
        mask = gm == g.code
        out.append({
            "code": g.code,
            "naam": inv.gemeente_namen.get(g.code),
            "n_buurten": int(g.n_buurten),
            "n_aangesloten": int(g.n_connected),
            "kosten": _num(g.cost),
            "co2": _num(g.co2),
            "kosten_individueel": float(cost_ind[mask].sum()),
            "kosten_alleen": _num(g.cost_alone),
            "winst": _num(g.gain),
        })  # fmt: skip
    return sorted(out, key=lambda g: g["code"])


def _buurt_rows(run_id: int, inv: Invoer, result: Any, fixed_in: set[str], fixed_out: set[str]) -> list[dict]:
    b = inv.buurten
    codes = [str(c) for c in b.codes]
    src = [str(c) for c in inv.bronnen.codes]
    rows = []
    for i, code in enumerate(codes):
        a = int(result.assignment[i])
        rows.append({
            "run_id": run_id,
            "buurt_code": code,
            "gemeente_code": str(b.gemeenten[i]),
            "bron_code": src[a] if a >= 0 else None,
            "soort": str(result.kind[i])[:20],
            "kosten_eur_jr": float(_num(result.cost_buurt[i]) or 0.0),
            "kosten_individueel_eur_jr": _num(b.cost_individual[i]),
            "leiding_eur_jr": float(_num(result.pipe_cost[i]) or 0.0),
            "warmte_gj": float(_num(result.heat_gj[i]) or 0.0),
            "piek_mw": float(_num(result.peak_mw[i]) or 0.0),
            "afstand_m": _num(result.distance_m[i]) if a >= 0 else None,
            "co2_t": _num(result.co2_buurt[i]),
            "vastgezet": "in" if code in fixed_in else "uit" if code in fixed_out else None,
        })  # fmt: skip
    return rows


def execute_run(
    factory: sessionmaker[Session],
    run_id: int,
    *,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    solve_fn: Callable[..., Any] | None = None,
) -> str:
    """Run a recorded allocation to its end and return its final status (see the module docstring).
    ``solve_fn`` replaces :func:`warmteregio.allocation.solve` (same signature; tests of the storage path)."""
    from warmteregio.allocation import AllocationCancelled, AllocationError, solve

    solver = solve_fn or solve
    event = cancel_event or _event(run_id)
    state = {"weg": False}

    def stop() -> bool:
        return event.is_set() or state["weg"]

    def report(label: str, done: int, total: int) -> None:
        if not _set_status(factory, run_id, STATUS_BEZIG, van=(STATUS_BEZIG,), voortgang_stap=str(label)[:80],
                           voortgang_klaar=int(done), voortgang_totaal=int(total)):  # fmt: skip
            state["weg"] = True  # no longer 'bezig': cancelled elsewhere
        if progress is not None:
            progress(label, done, total)

    try:
        if not _set_status(factory, run_id, STATUS_BEZIG, van=(STATUS_WACHTEND,), voortgang_stap=LADEN,
                           voortgang_klaar=0, voortgang_totaal=1):  # fmt: skip
            return _final_status(factory, run_id)
        if progress is not None:
            progress(LADEN, 0, 1)
        with factory() as s:
            info = require_run(s, run_id)
            inst = instellingen_of(info)
            inv = solve_inputs(s, inst)
        if stop():
            raise AllocatieGeannuleerd()
        result = solver(inv.buurten, inv.bronnen, inv.settings, progress=report, cancelled=stop)
        if stop():
            raise AllocatieGeannuleerd()
        infeasible = result.status == STATUS_ONHAALBAAR
        waarschuwingen = inv.waarschuwingen + [list(w) for w in result.warnings]
        if result.status == "tijdslimiet":
            waarschuwingen.append([
                f"tijdslimiet bereikt: de oplossing is toelaatbaar, maar mogelijk tot {100 * (result.gap or 0):.1f}% "
                "duurder dan het optimum".replace(".", ","),
                f"time limit reached: the solution is feasible but may be up to {100 * (result.gap or 0):.1f}% "
                "more expensive than the optimum",
            ])  # fmt: skip
        values: dict[str, Any] = {
            "status": STATUS_ONHAALBAAR if infeasible else STATUS_KLAAR,
            "beeindigd": datetime.now(UTC),
            "voortgang_stap": "klaar / done",
            "uitleg": json.dumps([list(e) for e in result.explanation], ensure_ascii=False),
            "waarschuwingen": json.dumps(waarschuwingen, ensure_ascii=False),
            "oplostijd_s": _num(result.solve_seconds),
            "instellingen": json.dumps({**info.instellingen, "buurt_jaar": inv.buurt_jaar}, ensure_ascii=False,
                                       sort_keys=True),
        }  # fmt: skip
        rows: list[dict] = []
        if not infeasible:
            values.update(
                totale_kosten=_num(result.cost), kosten_individueel=_num(result.cost_individual_total),
                totale_co2=_num(result.co2), gap=_num(result.gap),
                bronnen=json.dumps(_bronnen_summary(inv, result), ensure_ascii=False),
                gemeenten=json.dumps(_gemeenten_summary(inv, result), ensure_ascii=False),
                pareto=json.dumps([{"kosten": _num(p.cost), "co2": _num(p.co2), "n_aangesloten": int(p.n_connected)}
                                   for p in result.pareto]),
            )  # fmt: skip
            rows = _buurt_rows(run_id, inv, result, set(inst.vast_in), set(inst.vast_uit))
        else:
            values.update(
                kosten_individueel=_num(result.cost_individual_total),
                bronnen=json.dumps(_bronnen_summary(inv, result), ensure_ascii=False),
            )
        with factory() as s:
            changed = s.execute(
                update(Allocatierun)
                .where(Allocatierun.id == run_id, Allocatierun.status == STATUS_BEZIG)
                .values(**values)
            ).rowcount
            if changed != 1:
                s.rollback()
                return _final_status(factory, run_id)
            for i in range(0, len(rows), 5000):
                s.execute(insert(AllocatieBuurt), rows[i : i + 5000])
            s.commit()
        return values["status"]
    except (AllocatieGeannuleerd, AllocationCancelled):
        _set_status(factory, run_id, STATUS_GEANNULEERD, van=LOPEND, beeindigd=datetime.now(UTC))
        return _final_status(factory, run_id)
    except KeyboardInterrupt:  # Ctrl-C in the CLI: the run is marked cancelled, without rows
        _set_status(factory, run_id, STATUS_GEANNULEERD, van=LOPEND, beeindigd=datetime.now(UTC))
        raise
    except Exception as exc:  # noqa: BLE001 - any failure marks the run failed, with the message
        if isinstance(exc, (AllocatieError, AllocationError)) or (hasattr(exc, "nl") and hasattr(exc, "en")):
            message = f"{exc.nl} / {exc.en}"  # type: ignore[attr-defined]
        else:
            message = f"{type(exc).__name__}: {exc}"
        _set_status(factory, run_id, STATUS_MISLUKT, van=LOPEND, beeindigd=datetime.now(UTC),
                    foutmelding=message[:4000])  # fmt: skip
        return _final_status(factory, run_id)
    finally:
        _CANCEL.forget(run_id)


def run_allocation(
    factory: sessionmaker[Session], inst: AllocatieInstellingen, *, user: User | None = None,
    progress: ProgressCallback | None = None, cancel_event: threading.Event | None = None,
) -> int:  # fmt: skip
    """Record and run an allocation in this thread; returns its id (read the outcome with :func:`get_run`)."""
    with factory() as s:
        run = create_run(s, inst, user=user)
        s.commit()
        run_id = run.id
    execute_run(factory, run_id, progress=progress, cancel_event=cancel_event)
    return run_id


def start_in_background(factory: sessionmaker[Session], run_id: int) -> threading.Thread:
    """Run a recorded allocation in a daemon thread of this process."""
    event = _event(run_id)
    thread = threading.Thread(
        target=execute_run, args=(factory, run_id), kwargs={"cancel_event": event}, name=f"allocatie-{run_id}",
        daemon=True,
    )  # fmt: skip
    thread.start()
    return thread


def request_cancel(session: Session, run_id: int) -> RunInfo:
    """Cancel a waiting or running run (works across processes: the runner sees the status change)."""
    row = session.get(Allocatierun, run_id) if 0 < run_id < 2**31 else None
    if row is None:
        raise _not_found(run_id)
    if not jobs.cancel_if_running(session, Allocatierun, run_id, LOPEND, STATUS_GEANNULEERD,
                                  beeindigd=datetime.now(UTC)):  # fmt: skip
        session.refresh(row)
        raise AllocatieError(f"allocatie {run_id} is al afgelopen (status {row.status})",
                             f"allocation {run_id} has already ended (status {row.status})", conflict=True)  # fmt: skip
    session.flush()
    _CANCEL.set(run_id)
    return require_run(session, run_id)


# ------------------------------------------------------------------------------------------------ comparing


@dataclass(frozen=True)
class BuurtVerschil:
    buurt_code: str
    buurt_naam: str | None
    gemeente_code: str
    bron_a: str | None
    soort_a: str | None
    kosten_a: float | None
    bron_b: str | None
    soort_b: str | None
    kosten_b: float | None
    gewijzigd: bool

    @property
    def verschil(self) -> float | None:
        if self.kosten_a is None or self.kosten_b is None:
            return None
        return self.kosten_b - self.kosten_a


@dataclass(frozen=True)
class Vergelijking:
    """Run ``b`` (usually a scenario) against run ``a``: per buurt, per gemeente, per source and in total.
    Deltas are b - a (positive: b costs more / uses more)."""

    a: RunInfo
    b: RunInfo
    buurten: list[BuurtVerschil]
    gemeenten: list[dict[str, Any]]
    bronnen: list[dict[str, Any]]
    totaal: dict[str, Any]

    @property
    def gewijzigd(self) -> list[BuurtVerschil]:
        return [r for r in self.buurten if r.gewijzigd]


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def compare_runs(session: Session, a_id: int, b_id: int) -> Vergelijking:
    """Compare two finished runs of the same region (:class:`AllocatieError` otherwise)."""
    a = require_run(session, a_id)
    b = require_run(session, b_id)
    for info in (a, b):
        if info.status != STATUS_KLAAR:
            raise AllocatieError(
                f"allocatie {info.id} heeft geen resultaat om te vergelijken (status {info.status})",
                f"allocation {info.id} has no result to compare (status {info.status})", conflict=True,
            )  # fmt: skip
    if a.regio_code != b.regio_code:
        raise AllocatieError(f"allocaties {a.id} en {b.id} gaan over verschillende regio's",
                             f"allocations {a.id} and {b.id} are about different regions", conflict=True)  # fmt: skip
    rows_a = {r.buurt_code: r for r in run_buurten(session, a.id).items}
    rows_b = {r.buurt_code: r for r in run_buurten(session, b.id).items}
    buurten = []
    for code in sorted(set(rows_a) | set(rows_b)):
        ra, rb = rows_a.get(code), rows_b.get(code)
        ref = rb or ra
        assert ref is not None
        changed = ra is None or rb is None or ra.bron_code != rb.bron_code or ra.soort != rb.soort
        buurten.append(BuurtVerschil(
            code, ref.buurt_naam, ref.gemeente_code, ra.bron_code if ra else None, ra.soort if ra else None,
            ra.kosten_eur_jr if ra else None, rb.bron_code if rb else None, rb.soort if rb else None,
            rb.kosten_eur_jr if rb else None, changed,
        ))  # fmt: skip
    ga = {g["code"]: g for g in a.gemeenten}
    gb = {g["code"]: g for g in b.gemeenten}
    gemeenten = []
    for code in sorted(set(ga) | set(gb)):
        x, y = ga.get(code, {}), gb.get(code, {})
        gemeenten.append({
            "code": code, "naam": y.get("naam") or x.get("naam"),
            "kosten_a": x.get("kosten"), "kosten_b": y.get("kosten"),
            "verschil": _delta(x.get("kosten"), y.get("kosten")),
            "co2_a": x.get("co2"), "co2_b": y.get("co2"), "co2_verschil": _delta(x.get("co2"), y.get("co2")),
            "aangesloten_a": x.get("n_aangesloten"), "aangesloten_b": y.get("n_aangesloten"),
            "gewijzigd": sum(1 for r in buurten if r.gewijzigd and r.gemeente_code == code),
        })  # fmt: skip
    sa = {s["code"]: s for s in a.bronnen}
    sb = {s["code"]: s for s in b.bronnen}
    bronnen = []
    for code in sorted(set(sa) | set(sb)):
        x, y = sa.get(code, {}), sb.get(code, {})
        bronnen.append({
            "code": code, "naam": y.get("naam") or x.get("naam"),
            "in_a": code in sa, "in_b": code in sb,
            "buurten_a": x.get("aantal_buurten", 0), "buurten_b": y.get("aantal_buurten", 0),
            "gebruik_gj_a": x.get("gebruik_gj", 0.0), "gebruik_gj_b": y.get("gebruik_gj", 0.0),
            "gebruik_gj_verschil": (y.get("gebruik_gj") or 0.0) - (x.get("gebruik_gj") or 0.0),
            "marginale_waarde_a": x.get("marginale_waarde_eur_per_mw"),
            "marginale_waarde_b": y.get("marginale_waarde_eur_per_mw"),
        })  # fmt: skip
    totaal = {
        "kosten_a": a.totale_kosten, "kosten_b": b.totale_kosten, "verschil": _delta(a.totale_kosten, b.totale_kosten),
        "co2_a": a.totale_co2, "co2_b": b.totale_co2, "co2_verschil": _delta(a.totale_co2, b.totale_co2),
        "aangesloten_a": a.aantal_aangesloten, "aangesloten_b": b.aantal_aangesloten,
        "gewijzigd": sum(1 for r in buurten if r.gewijzigd), "buurten": len(buurten),
    }  # fmt: skip
    return Vergelijking(a, b, buurten, gemeenten, bronnen, totaal)


# ------------------------------------------------------------------------------------------------ exports

BUURT_KOLOMMEN = (
    "buurt_code", "buurt_naam", "gemeente_code", "bron_code", "bron_naam", "soort", "kosten_eur_jr",
    "kosten_individueel_eur_jr", "leiding_eur_jr", "warmte_gj", "piek_mw", "afstand_m", "co2_t", "vastgezet",
)  # fmt: skip
BRON_KOLOMMEN = (
    "code", "naam", "categorie", "temperatuurklasse", "temperatuur_c", "booster", "gemeente_code", "x", "y",
    "beschikbaar_gj", "capaciteit_mw", "gebruik_gj", "gebruik_mw", "benutting_energie", "benutting_vermogen",
    "aantal_buurten", "marginale_waarde_eur_per_mw", "bindend", "warmteprijs_eur_gj", "startjaar", "eindjaar", "nieuw",
    "kans_buurt", "kans_meerkosten_eur", "breakeven_warmteprijs_eur_gj",
)  # fmt: skip
GEMEENTE_KOLOMMEN = (
    "code", "naam", "n_buurten", "n_aangesloten", "kosten", "co2", "kosten_individueel", "kosten_alleen", "winst",
)  # fmt: skip


def _buurt_table(session: Session, info: RunInfo) -> list[list[Any]]:
    names = {s["code"]: s.get("naam") for s in info.bronnen}
    out = []
    for r in run_buurten(session, info.id).items:
        values = r.as_dict()
        values["bron_naam"] = names.get(r.bron_code) if r.bron_code else None
        out.append([values.get(c) for c in BUURT_KOLOMMEN])
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def export_csv(session: Session, run_id: int) -> str:
    """The per-buurt result as CSV (RFC 4180, comma, decimal point, UTF-8; empty = no value): the columns of
    :data:`BUURT_KOLOMMEN` and ``run_id``."""
    info = require_run(session, run_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*BUURT_KOLOMMEN, "run_id"])
    for values in _buurt_table(session, info):
        writer.writerow([*(_cell(v) for v in values), info.id])
    return out.getvalue()


def provenance(info: RunInfo) -> list[tuple[str, Any]]:
    """(key, value) pairs: where a run's numbers come from (the XLSX 'Herkomst' sheet)."""
    i = info.instellingen
    return [
        ("allocatie_id", info.id),
        ("titel", info.titel),
        ("regio", info.regio_code),
        ("status", info.status),
        ("zichtjaar", info.zichtjaar),
        ("bronjaar", info.bronjaar),
        ("parameterset", info.parameterset),
        ("parameterset_versie", info.parameterset_versie),
        ("overrides", json.dumps(i.get("overrides") or {}, sort_keys=True)),
        ("ambitie", json.dumps(i.get("ambitie"), ensure_ascii=False)),
        ("vast_in", ", ".join(i.get("vast_in") or [])),
        ("vast_uit", ", ".join(i.get("vast_uit") or [])),
        ("max_afstand_m", i.get("max_afstand_m")),
        ("max_aandeel_per_bron", i.get("max_aandeel_per_bron")),
        ("pareto_punten", i.get("pareto_punten")),
        ("buurtindeling_jaar", i.get("buurt_jaar")),
        ("basis_id", info.basis_id),
        ("totale_kosten_eur_jr", info.totale_kosten),
        ("kosten_alles_individueel_eur_jr", info.kosten_individueel),
        ("totale_co2_t", info.totale_co2),
        ("optimaliteitsgat", info.gap),
        ("oplostijd_s", info.oplostijd_s),
        ("code_versie", info.code_versie),
        ("gestart", info.gestart.isoformat() if info.gestart else None),
        ("beeindigd", info.beeindigd.isoformat() if info.beeindigd else None),
        ("gestart_door", info.gestart_door),
        ("uitleg", "; ".join(e[0] for e in info.uitleg)),
        ("waarschuwingen", "; ".join(w[0] for w in info.waarschuwingen)),
        ("bronnen_register", "warmtebronnenregister (warmtebronnen) met scenario, standaardwaarden per "
                             "temperatuurklasse uit de allocatie-standaardtabel"),
        ("kosten", "nationale kosten per buurt uit de rekenkern (afwegingskader), transportleiding volgens PBL"),
        ("geexporteerd", datetime.now(UTC).isoformat(timespec="seconds")),
    ]  # fmt: skip


def export_xlsx(session: Session, run_id: int) -> bytes:
    """The run as an XLSX workbook: sheets Buurten, Bronnen, Gemeenten, Herkomst (provenance) and Scenario."""
    from openpyxl import Workbook

    info = require_run(session, run_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "Buurten"
    ws.append(list(BUURT_KOLOMMEN))
    for values in _buurt_table(session, info):
        ws.append(values)
    ws.freeze_panes = "B2"
    bronnen = wb.create_sheet("Bronnen")
    bronnen.append(list(BRON_KOLOMMEN))
    for s in info.bronnen:
        bronnen.append([s.get(c) for c in BRON_KOLOMMEN])
    gemeenten = wb.create_sheet("Gemeenten")
    gemeenten.append(list(GEMEENTE_KOLOMMEN))
    for g in info.gemeenten:
        gemeenten.append([g.get(c) for c in GEMEENTE_KOLOMMEN])
    herkomst = wb.create_sheet("Herkomst")
    herkomst.append(["sleutel", "waarde"])
    for key, value in provenance(info):
        herkomst.append([key, value])
    herkomst.column_dimensions["A"].width = 30
    herkomst.column_dimensions["B"].width = 90
    scenario = wb.create_sheet("Scenario")
    scenario.append(["onderdeel", "bron", "waarde"])
    for key, value in info.scenario.items():
        if isinstance(value, Mapping):
            for code, v in value.items():
                scenario.append([key, code, v])
        elif key == "nieuwe_bronnen":
            for b in value:
                scenario.append([key, b.get("code"), json.dumps(b, ensure_ascii=False)])
        elif isinstance(value, list):
            for code in value:
                scenario.append([key, code, None])
        else:
            scenario.append([key, None, value])
    if info.pareto:
        pareto = wb.create_sheet("Pareto")
        pareto.append(["kosten_eur_jr", "co2_t", "n_aangesloten"])
        for p in info.pareto:
            pareto.append([p.get("kosten"), p.get("co2"), p.get("n_aangesloten")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class KaartObjecten:
    """GeoJSON-ready features of a run (geometries in RD New): buurten (polygons, or the centroid when there is
    no polygon), sources (points) and transport lines (LineStrings source -> buurt centroid), in that order.
    ``properties['soort']`` is ``buurt``, ``bron`` or ``leiding``."""

    ids: list[str]
    properties: list[dict[str, Any]]
    geometries: np.ndarray


def map_features(session: Session, run_id: int) -> KaartObjecten:
    info = require_run(session, run_id)
    rows = run_buurten(session, run_id).items
    jaar = info.instellingen.get("buurt_jaar")
    codes = [r.buurt_code for r in rows]
    geo: dict[str, tuple[bytes | None, float | None, float | None, bool]] = {}
    if codes:
        stmt = select(Buurt.code, Buurt.geometry, Buurt.centroid_x, Buurt.centroid_y, Buurt.geometry_schematisch).where(
            Buurt.code.in_(codes)
        )
        if jaar is not None:
            stmt = stmt.where(Buurt.jaar == jaar)
        for code, wkb, cx, cy, schematisch in session.execute(stmt):
            geo[code] = (wkb, cx, cy, bool(schematisch))
    bronnen = {s["code"]: s for s in info.bronnen}
    ids: list[str] = []
    props: list[dict[str, Any]] = []
    geoms: list[Any] = []
    centroids: dict[str, tuple[float, float]] = {}
    for r in rows:
        wkb, cx, cy, schematisch = geo.get(r.buurt_code, (None, None, None, False))
        shape = shapely.from_wkb(wkb) if wkb is not None else None
        if (cx is None or cy is None) and shape is not None:
            c = shape.centroid
            cx, cy = c.x, c.y
        if shape is None and cx is not None and cy is not None:
            shape = shapely.Point(cx, cy)
        if cx is not None and cy is not None:
            centroids[r.buurt_code] = (float(cx), float(cy))
        ids.append(f"buurt.{r.buurt_code}")
        props.append({
            "soort": "buurt", "code": r.buurt_code, "naam": r.buurt_naam, "gemeenteCode": r.gemeente_code,
            "bronCode": r.bron_code, "bronNaam": bronnen.get(r.bron_code, {}).get("naam") if r.bron_code else None,
            "netSoort": r.soort, "kostenEurJr": _num(r.kosten_eur_jr), "leidingEurJr": _num(r.leiding_eur_jr),
            "warmteGj": _num(r.warmte_gj), "piekMw": _num(r.piek_mw), "afstandM": _num(r.afstand_m),
            "co2T": _num(r.co2_t), "vastgezet": r.vastgezet, "schematisch": schematisch,
        })  # fmt: skip
        geoms.append(shape)
    for s in info.bronnen:
        ids.append(f"bron.{s['code']}")
        props.append({
            "soort": "bron", "code": s["code"], "naam": s.get("naam"), "temperatuurklasse": s.get("temperatuurklasse"),
            "aantalBuurten": s.get("aantal_buurten"), "gebruikGj": s.get("gebruik_gj"),
            "beschikbaarGj": s.get("beschikbaar_gj"), "gebruikMw": s.get("gebruik_mw"),
            "capaciteitMw": s.get("capaciteit_mw"), "marginaleWaardeEurPerMw": s.get("marginale_waarde_eur_per_mw"),
            "nieuw": bool(s.get("nieuw")),
        })  # fmt: skip
        geoms.append(shapely.Point(float(s["x"]), float(s["y"])))
    for r in rows:
        s = bronnen.get(r.bron_code) if r.bron_code else None
        if s is None or r.buurt_code not in centroids:
            continue
        ids.append(f"leiding.{r.buurt_code}")
        props.append({
            "soort": "leiding", "code": r.buurt_code, "bronCode": r.bron_code, "gemeenteCode": r.gemeente_code,
            "afstandM": _num(r.afstand_m), "leidingEurJr": _num(r.leiding_eur_jr), "piekMw": _num(r.piek_mw),
        })  # fmt: skip
        geoms.append(shapely.LineString([(float(s["x"]), float(s["y"])), centroids[r.buurt_code]]))
    array = np.empty(len(geoms), dtype=object)
    array[:] = geoms
    return KaartObjecten(ids, props, array)


def geojson(session: Session, run_id: int, crs: str | None = None) -> str:
    """The run's map as a GeoJSON FeatureCollection (CRS84 by default, or RD New), see :class:`KaartObjecten`."""
    from warmteregio.web import geo  # geometry conversion shared with the API (no web framework involved)

    crs = geo.parse_crs(crs)
    features = map_features(session, run_id)
    geometries = geo.geometries_to_geojson(features.geometries, crs)
    return geo.feature_collection_json(features.ids, geometries, features.properties,
                                       extra={"numberMatched": len(features.ids),
                                              "numberReturned": len(features.ids)})  # fmt: skip


def user_by_email(session: Session, email: str) -> User:
    """The active user with this e-mail address (case-insensitive), or :class:`AllocatieError` (not found)."""
    from warmteregio.accounts.service import active_user

    user = active_user(session, email)
    if user is None:
        raise AllocatieError(f"gebruiker {email} bestaat niet of is niet actief",
                             f"user {email} does not exist or is not active",
                             not_found=True, veld="gebruiker")  # fmt: skip
    return user
