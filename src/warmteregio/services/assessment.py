"""Assessment runs (afwegingskader): inputs from the database, one engine call, results stored with provenance.

:func:`start_run` maps the buurten of a region (or a selection) onto the engine's
:class:`~warmteregio.engine.inputs.BuurtInputs`, loads the strategy catalogue and the parameter set, applies
the run's overrides, calls :func:`warmteregio.engine.assess.assess` once and stores every buurt x variant
row. A run records the parameter set name and version, the overrides, the catalogue version, the code
version, the data sources of the inputs, who started it and when. All result rows of a run are written in
one savepoint: when the engine fails nothing of them is kept and the run is marked ``mislukt`` with the
message. Validation problems (unknown region, parameter set or parameter name) are refused before a run is
created (:class:`AssessmentError`); a missing engine raises :class:`EngineNietBeschikbaar`.

Mapping the database onto ``BuurtInputs`` (the database has the PBL Startanalyse/ETM quantities listed in
:class:`warmteregio.store.models.Buurt`; what it lacks is filled by the documented assumptions below):

* ``n_woningen``/``n_util``/``opp_woningen``/``opp_util``: ``aantal_woningen``, ``aantal_utiliteit``,
  ``opp_woningen_m2``, ``opp_utiliteit_m2``; missing counts and areas count as 0.
* Heat demand is stored per function for the whole buurt, not per sector. It is split between dwellings
  and utility by the WEQ shares (``weq_woningen``/``weq_utiliteit``), else by floor area, else all to
  dwellings (:data:`ASSUMPTIONS` ``split``).
* When only ``vraag_totaal_gj`` is known, space heating is :data:`SPACE_HEATING_SHARE` and tap water
  :data:`TAP_WATER_SHARE` of it (typical Dutch shares in the PBL Startanalyse totals).
* Start-year gas input ``w_gas``/``u_gas`` is the heat demand not served by an existing heat network
  divided by the seasonal efficiency of an HR boiler (:data:`HR_BOILER_EFFICIENCY`); start-year
  electricity ``w_elek``/``u_elek`` is the appliance plus cooling demand of the sector.
* Ventilation demand is not an engine input and is not used.
* Dwelling labels come from ``buurt_labels`` (A+ and better -> ``Appp``, G counted with F); dwellings
  without a label are class ``N``. Utility labels are not in the database: all utility objects are ``N``.
* ``cap_e_huidig`` (current LV grid capacity, PBL H23) is not in the database. It is estimated as today's
  peak load with HR boilers (:func:`warmteregio.engine.grid.peak_demand` for the reference installations):
  the grid is assumed to have no spare headroom, which rather over- than underestimates reinforcement (K01).
* Gas and LV grid lengths are not in the database: ``NaN`` (unknown), so the engine uses the national
  defaults of the parameter set.
* ``aandeel_hoogbouw``: share of dwellings of type Apartment/Appartement in ``gebouwgroepen`` when present,
  else ``NaN``. ``aandeel_stadsverwarming``: ``bestaand_warmtenet_aandeel`` (0 when unknown).
* ``uitgesloten``: buurten explicitly outside the study area (``in_studiegebied`` false).
* ``weq``: ``Buurt.weq``, else dwellings + utility floor area / 130 m2.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

import warmteregio
from warmteregio.services.parametersets import packaged_parameter_set
from warmteregio.services.queries import Page, Paging, region_gemeenten
from warmteregio.store.models import Beoordelingsresultaat as Resultaat
from warmteregio.store.models import Beoordelingsrun as Run
from warmteregio.store.models import (
    Buurt,
    BuurtLabel,
    Gebouwgroep,
    ParameterSet,
    ParameterWaarde,
    ResRegio,
    User,
)

STATUS_BEZIG = "bezig"
STATUS_KLAAR = "klaar"
STATUS_MISLUKT = "mislukt"

M2_PER_WEQ = 130.0
SPACE_HEATING_SHARE = 0.80
TAP_WATER_SHARE = 0.15
HR_BOILER_EFFICIENCY = 0.90
APARTMENT_TYPES = frozenset({"apartment", "appartement"})

ASSUMPTIONS: dict[str, str] = {
    "split": "warmtevraag naar woningen/utiliteit verdeeld naar WEQ-aandeel, anders vloeroppervlak, anders "
    "alles naar woningen",
    "vraagverdeling": f"alleen totale vraag bekend: ruimteverwarming {SPACE_HEATING_SHARE:.0%}, tapwater "
    f"{TAP_WATER_SHARE:.0%}",
    "gas_startjaar": f"gasinzet startjaar = vraag buiten bestaand warmtenet / rendement HR-ketel "
    f"{HR_BOILER_EFFICIENCY}",
    "elektriciteit_startjaar": "elektriciteit startjaar = vraag apparaten + koeling",
    "labels_utiliteit": "labels utiliteit onbekend: alle utiliteit in klasse N",
    "capaciteit_ls_net": "huidige capaciteit laagspanningsnet = huidige piekvraag met HR-ketels (geen reserve)",
    "netlengtes": "lengtes gas- en laagspanningsnet onbekend: landelijke standaard uit de parameterset",
}

#: Contract column -> result table column, for the headline indicators stored as real columns.
HEADLINE = {
    "H15_CO2_uitstoot": "h15_co2_uitstoot",
    "H16_Nat_meerkost": "h16_nat_meerkost",
    "H17_Nat_meerkost_CO2": "h17_nat_meerkost_co2",
    "H18_Nat_meerkost_WEQ": "h18_nat_meerkost_weq",
    "K10_Kapitaallasten": "k10_kapitaallasten",
    "K17_Variabele_kosten": "k17_variabele_kosten",
}
KEY_COLUMNS = ("BU_CODE", "strategie")
PROVENANCE_COLUMNS = ("run_id", "parameterset", "parameterset_versie")

FAMILIES = ("S1", "S2", "S3", "S4", "S5")
FAMILY_RE = re.compile(r"^(S\d)")

_DB_LABEL_CLASS = {
    "A++++": "Appp",
    "A+++": "Appp",
    "A++": "Appp",
    "A+": "Appp",
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "E",
    "F": "F",
    "G": "F",
}


class AssessmentError(ValueError):
    """A run that cannot be started as asked (unknown region, parameter set, parameter, ...)."""

    def __init__(self, nl: str, en: str, *, not_found: bool = False) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.not_found = not_found


class EngineNietBeschikbaar(RuntimeError):
    """The calculation engine (:mod:`warmteregio.engine.assess`) is not installed in this build."""

    nl = "rekenkern niet beschikbaar: engine niet beschikbaar"
    en = "calculation engine not available: engine not available"

    def __init__(self) -> None:
        super().__init__(f"{self.nl} / {self.en}")


def engine_available() -> bool:
    try:
        from warmteregio.engine.assess import assess  # noqa: F401
    except ImportError:
        return False
    return True


def _assess_function() -> Callable[..., Any]:
    try:
        from warmteregio.engine.assess import assess
    except ImportError as exc:
        raise EngineNietBeschikbaar() from exc
    return assess


# ---------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RegioBuurten:
    """The buurt rows of a region in one division year, with their labels and building groups."""

    jaar: int | None
    buurten: list[Buurt]
    labels: dict[int, list[BuurtLabel]]
    groepen: dict[int, list[Gebouwgroep]]

    @property
    def codes(self) -> list[str]:
        return [b.code for b in self.buurten]

    def bronnen(self) -> list[str]:
        found: set[str] = set()
        for b in self.buurten:
            for value in (b.bron, b.geometry_bron):
                if value:
                    found.add(value)
        for rows in self.labels.values():
            found.update(lb.bron for lb in rows if lb.bron)
        for rows in self.groepen.values():
            found.update(g.bron for g in rows if g.bron)
        return sorted(found)


def load_region_buurten(
    session: Session, regio: str, jaar: int | None = None, buurtcodes: Sequence[str] | None = None
) -> RegioBuurten:
    """Buurten of ``regio`` (newest division year unless ``jaar``), optionally only ``buurtcodes``."""
    gemeenten = [g.code for g in region_gemeenten(session, regio)]
    if not gemeenten:
        return RegioBuurten(None, [], {}, {})
    conds = [Buurt.gemeente_code.in_(gemeenten)]
    if jaar is None:
        jaar = session.scalar(select(func.max(Buurt.jaar)).where(*conds))
    if jaar is None:
        return RegioBuurten(None, [], {}, {})
    conds.append(Buurt.jaar == jaar)
    if buurtcodes:
        conds.append(Buurt.code.in_(list(buurtcodes)))
    buurten = list(session.scalars(select(Buurt).where(*conds).order_by(Buurt.code)).all())
    ids = [b.id for b in buurten]
    labels: dict[int, list[BuurtLabel]] = {}
    groepen: dict[int, list[Gebouwgroep]] = {}
    if ids:
        for lb in session.scalars(select(BuurtLabel).where(BuurtLabel.buurt_id.in_(ids))):
            labels.setdefault(lb.buurt_id, []).append(lb)
        for g in session.scalars(select(Gebouwgroep).where(Gebouwgroep.buurt_id.in_(ids))):
            groepen.setdefault(g.buurt_id, []).append(g)
    return RegioBuurten(jaar, buurten, labels, groepen)


def _num(value: float | int | None, default: float = 0.0) -> float:
    if value is None:
        return default
    number = float(value)
    return number if math.isfinite(number) else default


def _dwelling_share(b: Buurt) -> float:
    """Share of the buurt's heat demand in dwellings (see the module docstring)."""
    ww, wu = b.weq_woningen, b.weq_utiliteit
    if ww is not None and wu is not None and ww + wu > 0:
        return float(ww) / float(ww + wu)
    ow, ou = b.opp_woningen_m2, b.opp_utiliteit_m2
    if ow is not None and ou is not None and ow + ou > 0:
        return float(ow) / float(ow + ou)
    return 1.0


def _demand(b: Buurt) -> tuple[float, float, float]:
    """(space heating, tap water, appliances + cooling) for the whole buurt [GJ/yr]."""
    rv, tw = b.vraag_ruimteverwarming_gj, b.vraag_tapwater_gj
    if rv is None and tw is None and b.vraag_totaal_gj is not None:
        rv = b.vraag_totaal_gj * SPACE_HEATING_SHARE
        tw = b.vraag_totaal_gj * TAP_WATER_SHARE
    return _num(rv), _num(tw), _num(b.vraag_apparaten_gj) + _num(b.vraag_koude_gj)


def inputs_from_buurten(data: RegioBuurten, params: Any = None):  # noqa: ANN201 - BuurtInputs, imported lazily
    """Map database buurten onto the engine's ``BuurtInputs`` (assumptions in the module docstring).

    ``params`` (an engine ``Params``) is needed to estimate the current LV capacity; without it that stays NaN.
    """
    from warmteregio.engine.inputs import LABELS, BuurtInputs, labels_from_counts

    n = len(data.buurten)
    cols = {name: np.zeros(n) for name in ("nw", "nu", "ow", "ou", "wrv", "wtw", "wgas", "welek")}
    cols.update({name: np.zeros(n) for name in ("urv", "utw", "ugas", "uelek", "sv", "weq")})
    hoogbouw = np.full(n, np.nan)
    uitgesloten = np.zeros(n, dtype=bool)
    label_index = {label: i for i, label in enumerate(LABELS[:-1])}
    counts_w = np.zeros((n, len(LABELS) - 1))
    for i, b in enumerate(data.buurten):
        nw, nu = _num(b.aantal_woningen), _num(b.aantal_utiliteit)
        ow, ou = _num(b.opp_woningen_m2), _num(b.opp_utiliteit_m2)
        share = _dwelling_share(b)
        rv, tw, elek = _demand(b)
        sv = min(max(_num(b.bestaand_warmtenet_aandeel), 0.0), 1.0)
        cols["nw"][i], cols["nu"][i], cols["ow"][i], cols["ou"][i] = nw, nu, ow, ou
        cols["wrv"][i], cols["wtw"][i] = rv * share, tw * share
        cols["urv"][i], cols["utw"][i] = rv * (1 - share), tw * (1 - share)
        cols["wgas"][i] = (rv + tw) * share * (1 - sv) / HR_BOILER_EFFICIENCY
        cols["ugas"][i] = (rv + tw) * (1 - share) * (1 - sv) / HR_BOILER_EFFICIENCY
        cols["welek"][i], cols["uelek"][i] = elek * share, elek * (1 - share)
        cols["sv"][i] = sv
        cols["weq"][i] = _num(b.weq) if b.weq is not None else nw + ou / M2_PER_WEQ
        uitgesloten[i] = b.in_studiegebied is False
        for lb in data.labels.get(b.id, []):
            cls = _DB_LABEL_CLASS.get(lb.label.strip().upper())
            if cls is not None:
                counts_w[i, label_index[cls]] += _num(lb.aantal)
        woning_groepen = [g for g in data.groepen.get(b.id, []) if g.sector == "woning"]
        total = sum(g.aantal for g in woning_groepen)
        if total > 0:
            hoog = sum(g.aantal for g in woning_groepen if g.type.strip().lower() in APARTMENT_TYPES)
            hoogbouw[i] = hoog / total
    labels_w = labels_from_counts(counts_w, cols["nw"])
    labels_u = labels_from_counts(np.zeros((n, len(LABELS) - 1)), cols["nu"])
    cap = np.full(n, np.nan)
    if params is not None:
        from warmteregio.engine.grid import peak_demand

        cap = np.asarray(peak_demand(params, "HR", "HR", cols["nw"], cols["ou"]), dtype=float)
    return BuurtInputs(
        bu_code=np.array(data.codes, dtype=str),
        n_woningen=cols["nw"],
        n_util=cols["nu"],
        opp_woningen=cols["ow"],
        opp_util=cols["ou"],
        w_rv=cols["wrv"],
        w_tw=cols["wtw"],
        w_gas=cols["wgas"],
        w_elek=cols["welek"],
        u_rv=cols["urv"],
        u_tw=cols["utw"],
        u_gas=cols["ugas"],
        u_elek=cols["uelek"],
        labels_w=labels_w,
        labels_u=labels_u,
        cap_e_huidig=cap,
        weq=cols["weq"],
        aandeel_stadsverwarming=cols["sv"],
        aandeel_hoogbouw=hoogbouw,
        uitgesloten=uitgesloten,
    )


def inputs_for_region(session: Session, regio: str, jaar: int | None = None, params: Any = None):  # noqa: ANN201
    """The engine inputs (``BuurtInputs``) of all buurten of ``regio`` in division year ``jaar`` (newest)."""
    return inputs_from_buurten(load_region_buurten(session, regio, jaar), params)


# ------------------------------------------------------------------------------------------- parameters


def load_parameters(session: Session, naam: str, versie: str | None):  # noqa: ANN201 - engine Params
    """The parameter set ``naam``/``versie`` as an engine ``Params``: a stored set first, else the packaged one.

    Stored values become ``name -> number`` (``name@year`` for time series); non-numeric values stay text.
    """
    from warmteregio.engine.params import Params

    stmt = select(ParameterSet).where(ParameterSet.naam == naam)
    stored = (
        session.scalar(stmt.where(ParameterSet.versie == versie))
        if versie
        else session.scalar(stmt.order_by(ParameterSet.aangemaakt.desc(), ParameterSet.id.desc()).limit(1))
    )
    if stored is not None:
        values: dict[str, float | str] = {}
        for w in session.scalars(select(ParameterWaarde).where(ParameterWaarde.set_id == stored.id)):
            key = f"{w.naam}@{w.jaar}" if w.jaar is not None else w.naam
            values[key] = w.waarde_num if w.waarde_num is not None else w.waarde
        return Params(values, stored.naam, stored.versie)
    packaged = packaged_parameter_set(naam)
    if packaged is not None and (versie is None or str(packaged.version) == versie):
        return packaged
    label = f"{naam} {versie}" if versie else naam
    raise AssessmentError(
        f"parameterset {label} niet gevonden", f"parameter set {label} not found", not_found=True
    )


CATALOGUE_YEARS = (2020, 2025)
DEFAULT_CATALOGUE_YEAR = 2025  # as ``warmteregio assess`` when the set name has no edition year
_YEAR_RE = re.compile(r"(20\d\d)")


def catalogue_year(params: Any = None, name: str | None = None) -> int:
    """The catalogue edition (PBL Startanalyse 2020 or 2025) that belongs to a parameter set or catalogue name.

    A ``meta/catalogusjaar`` value in the set wins; otherwise the first year in the set (or catalogue) name
    that is an edition (``vesta2025`` -> 2025); otherwise :data:`DEFAULT_CATALOGUE_YEAR`.
    """
    if params is not None:
        value = params.values.get("meta/catalogusjaar") if hasattr(params, "values") else None
        if value is not None and int(float(value)) in CATALOGUE_YEARS:
            return int(float(value))
        name = name or f"{getattr(params, 'name', '')} {getattr(params, 'version', '')}"
    for match in _YEAR_RE.findall(name or ""):
        if int(match) in CATALOGUE_YEARS:
            return int(match)
    return DEFAULT_CATALOGUE_YEAR


def enduser_tariffs() -> dict[str, float] | None:
    """The packaged end-user figures (tariffs, subsidies) that add the ``EG_`` columns, or ``None``."""
    try:
        from warmteregio.engine.enduser import DATA_FILE, tariffs_from_rows
    except ImportError:
        return None
    path = Path(warmteregio.__file__).resolve().parent / DATA_FILE
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return tariffs_from_rows(csv.DictReader(fh, delimiter=";"))


def load_strategy_catalogue(year: int = DEFAULT_CATALOGUE_YEAR):  # noqa: ANN201 - engine Catalogue or None
    """The packaged strategy catalogue of edition ``year``, or ``None`` when the catalogue is not installed."""
    try:
        from warmteregio.catalogue import load_catalogue
    except ImportError:
        return None
    return load_catalogue(year)


def catalogue_for_run(info: RunInfo):  # noqa: ANN201
    """The catalogue a run used (by its stored name), or ``None``."""
    return load_strategy_catalogue(catalogue_year(name=info.catalogus_versie or ""))


# ------------------------------------------------------------------------------------------------ runs


def _finite_or_none(value: Any) -> float | str | bool | None:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return str(value)


def result_columns(results: Any) -> dict[str, np.ndarray]:
    """The columns of the engine's ``Results`` table as ``name -> array`` (insertion order kept)."""
    for attr in ("columns", "data"):
        value = getattr(results, attr, None)
        if isinstance(value, Mapping):
            return {str(k): np.asarray(v) for k, v in value.items()}
    if isinstance(results, Mapping):
        return {str(k): np.asarray(v) for k, v in results.items()}
    to_dict = getattr(results, "to_dict", None)
    if callable(to_dict):
        return {str(k): np.asarray(v) for k, v in to_dict().items()}
    raise TypeError(f"unknown results type {type(results).__name__}")


def _result_rows(run_id: int, columns: Mapping[str, np.ndarray], buurt_jaar: int | None) -> list[dict[str, Any]]:
    missing = [c for c in KEY_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"engine output mist kolom(men) / engine output lacks column(s): {', '.join(missing)}")
    n = len(columns["BU_CODE"])
    other = [c for c in columns if c not in KEY_COLUMNS and c not in HEADLINE]
    as_lists = {c: columns[c].tolist() for c in columns}
    rows = []
    for i in range(n):
        row: dict[str, Any] = {
            "run_id": run_id,
            "buurt_code": str(as_lists["BU_CODE"][i]),
            "buurt_jaar": buurt_jaar,
            "strategie": str(as_lists["strategie"][i]),
            "waarden": json.dumps(
                {c: _finite_or_none(as_lists[c][i]) for c in other}, ensure_ascii=False, allow_nan=False
            ),
        }
        for contract, attr in HEADLINE.items():
            value = _finite_or_none(as_lists[contract][i]) if contract in as_lists else None
            row[attr] = value if isinstance(value, float) else None
        rows.append(row)
    return rows


def start_run(
    session: Session,
    regio: str,
    parameterset: str,
    versie: str | None,
    zichtjaar: int,
    overrides: Mapping[str, float] | None,
    user: User | None,
    *,
    buurten: Sequence[str] | None = None,
    jaar: int | None = None,
    assess_fn: Callable[..., Any] | None = None,
) -> Run:
    """Run the assessment for ``regio`` (or the ``buurten`` selection in it) and store the results.

    Returns the run with status ``klaar`` or ``mislukt``. Input problems raise :class:`AssessmentError`
    and a missing engine :class:`EngineNietBeschikbaar`, both before anything is written. Flushes; the
    caller commits. ``assess_fn`` replaces the engine (tests of the storage path only).
    """
    assess = assess_fn or _assess_function()
    if session.get(ResRegio, regio) is None:
        raise AssessmentError(f"RES-regio {regio} niet gevonden", f"RES region {regio} not found", not_found=True)
    data = load_region_buurten(session, regio, jaar, buurten)
    if buurten:
        unknown = sorted(set(buurten) - set(data.codes))
        if unknown:
            raise AssessmentError(
                f"buurt(en) niet in regio {regio}: {', '.join(unknown)}",
                f"neighbourhood(s) not in region {regio}: {', '.join(unknown)}",
            )
    if not data.buurten:
        raise AssessmentError(f"regio {regio} heeft geen buurten", f"region {regio} has no neighbourhoods")
    overrides = {str(k): float(v) for k, v in (overrides or {}).items()}
    params = load_parameters(session, parameterset, versie)
    try:
        params = params.with_overrides(overrides) if overrides else params
    except KeyError as exc:  # the engine's ParameterError: "<nl> / <en>: names"
        message = str(exc.args[0]) if exc.args else str(exc)
        head, sep, names = message.partition(": ")
        nl, _, en = head.partition(" / ")
        raise AssessmentError(f"{nl}{sep}{names}", f"{en or nl}{sep}{names}") from None
    catalogue = load_strategy_catalogue(catalogue_year(params))
    if catalogue is None:
        raise EngineNietBeschikbaar()

    run = Run(
        regio_code=regio,
        buurten=json.dumps(sorted(buurten)) if buurten else None,
        buurt_jaar=data.jaar,
        zichtjaar=zichtjaar,
        parameterset_naam=params.name,
        parameterset_versie=str(params.version),
        overrides=json.dumps(overrides, sort_keys=True) if overrides else None,
        catalogus_versie=getattr(catalogue, "name", None),
        code_versie=warmteregio.__version__,
        status=STATUS_BEZIG,
        gestart=datetime.now(UTC),
        gestart_door_id=user.id if user is not None else None,
        bronnen=json.dumps(data.bronnen(), ensure_ascii=False),
    )
    session.add(run)
    session.flush()
    savepoint = session.begin_nested()
    try:
        inputs = inputs_from_buurten(data, params)
        tariffs = enduser_tariffs()
        if tariffs is not None:
            results = assess(inputs, catalogue, params, zichtjaar, tariffs=tariffs)
        else:
            results = assess(inputs, catalogue, params, zichtjaar)
        columns = result_columns(results)
        rows = _result_rows(run.id, columns, data.jaar)
        if rows:
            session.execute(insert(Resultaat), rows)
        savepoint.commit()
    except Exception as exc:  # noqa: BLE001 - any engine failure marks the run failed
        if savepoint.is_active:
            savepoint.rollback()
        session.execute(delete(Resultaat).where(Resultaat.run_id == run.id))
        run.status = STATUS_MISLUKT
        run.foutmelding = f"{type(exc).__name__}: {exc}"[:4000]
        run.aantal_rijen = 0
        run.beeindigd = datetime.now(UTC)
        session.flush()
        return run
    run.kolommen = json.dumps([c for c in columns], ensure_ascii=False)
    run.status = STATUS_KLAAR
    run.aantal_rijen = len(rows)
    run.beeindigd = datetime.now(UTC)
    session.flush()
    return run


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class RunInfo:
    id: int
    regio_code: str | None
    buurten: list[str] | None
    buurt_jaar: int | None
    zichtjaar: int
    parameterset: str
    parameterset_versie: str
    overrides: dict[str, float]
    catalogus_versie: str | None
    code_versie: str
    status: str
    gestart: datetime
    beeindigd: datetime | None
    gestart_door_id: int | None
    gestart_door: str | None
    aantal_rijen: int
    foutmelding: str | None
    bronnen: list[str]
    kolommen: list[str]


def _run_info(run: Run, user_name: str | None = None) -> RunInfo:
    return RunInfo(
        id=run.id,
        regio_code=run.regio_code,
        buurten=json.loads(run.buurten) if run.buurten else None,
        buurt_jaar=run.buurt_jaar,
        zichtjaar=run.zichtjaar,
        parameterset=run.parameterset_naam,
        parameterset_versie=run.parameterset_versie,
        overrides=json.loads(run.overrides) if run.overrides else {},
        catalogus_versie=run.catalogus_versie,
        code_versie=run.code_versie,
        status=run.status,
        gestart=run.gestart,
        beeindigd=run.beeindigd,
        gestart_door_id=run.gestart_door_id,
        gestart_door=user_name,
        aantal_rijen=run.aantal_rijen,
        foutmelding=run.foutmelding,
        bronnen=json.loads(run.bronnen) if run.bronnen else [],
        kolommen=json.loads(run.kolommen) if run.kolommen else [],
    )


def get_run(session: Session, run_id: int) -> RunInfo | None:
    run = session.get(Run, run_id)
    if run is None:
        return None
    name = session.scalar(select(User.naam).where(User.id == run.gestart_door_id)) if run.gestart_door_id else None
    return _run_info(run, name)


def list_runs(session: Session, *, regio: str | None = None, paging: Paging = Paging()) -> Page[RunInfo]:
    conds = [Run.regio_code == regio] if regio else []
    totaal = session.scalar(select(func.count(Run.id)).where(*conds)) or 0
    rows = session.execute(
        select(Run, User.naam)
        .outerjoin(User, User.id == Run.gestart_door_id)
        .where(*conds)
        .order_by(Run.gestart.desc(), Run.id.desc())
        .offset(paging.offset)
        .limit(paging.pagina_grootte)
    ).all()
    return Page([_run_info(r, n) for r, n in rows], int(totaal), paging.pagina, paging.pagina_grootte)


def latest_run(session: Session, regio: str) -> RunInfo | None:
    """The most recent finished run of a region."""
    run = session.scalar(
        select(Run)
        .where(Run.regio_code == regio, Run.status == STATUS_KLAAR)
        .order_by(Run.gestart.desc(), Run.id.desc())
        .limit(1)
    )
    return get_run(session, run.id) if run else None


def previous_run(session: Session, info: RunInfo) -> RunInfo | None:
    """The finished run of the same region just before ``info`` (to show what changed)."""
    run_id = session.scalar(
        select(Run.id)
        .where(Run.regio_code == info.regio_code, Run.status == STATUS_KLAAR, Run.id != info.id,
               Run.gestart <= info.gestart)
        .order_by(Run.gestart.desc(), Run.id.desc())
        .limit(1)
    )  # fmt: skip
    return get_run(session, run_id) if run_id else None


def run_buurt_codes(session: Session, info: RunInfo) -> list[str]:
    """The buurt codes that have results in a run."""
    return list(session.scalars(select(Resultaat.buurt_code).where(Resultaat.run_id == info.id).distinct()).all())


def latest_run_for_buurt(session: Session, buurt_code: str) -> RunInfo | None:
    """The most recent finished run that has results for ``buurt_code``."""
    run_id = session.scalar(
        select(Run.id)
        .join(Resultaat, Resultaat.run_id == Run.id)
        .where(Resultaat.buurt_code == buurt_code, Run.status == STATUS_KLAAR)
        .order_by(Run.gestart.desc(), Run.id.desc())
        .limit(1)
    )
    return get_run(session, run_id) if run_id else None


@dataclass(frozen=True)
class ResultaatRij:
    """One stored result row; :meth:`kolommen` gives every contract column by its engine name."""

    buurt_code: str
    buurt_jaar: int | None
    strategie: str
    h15_co2_uitstoot: float | None
    h16_nat_meerkost: float | None
    h17_nat_meerkost_co2: float | None
    h18_nat_meerkost_weq: float | None
    k10_kapitaallasten: float | None
    k17_variabele_kosten: float | None
    waarden: dict[str, Any] = field(default_factory=dict)

    def kolommen(self, order: Sequence[str] = ()) -> dict[str, Any]:
        merged: dict[str, Any] = {"BU_CODE": self.buurt_code, "strategie": self.strategie}
        merged.update(self.waarden)
        for contract, attr in HEADLINE.items():
            merged[contract] = getattr(self, attr)
        if not order:
            return merged
        out = {c: merged.get(c) for c in order}
        out.update({c: v for c, v in merged.items() if c not in out})
        return out

    def get(self, column: str) -> Any:
        attr = HEADLINE.get(column)
        if attr:
            return getattr(self, attr)
        return self.waarden.get(column)


def _rij(r: Resultaat) -> ResultaatRij:
    return ResultaatRij(
        r.buurt_code,
        r.buurt_jaar,
        r.strategie,
        r.h15_co2_uitstoot,
        r.h16_nat_meerkost,
        r.h17_nat_meerkost_co2,
        r.h18_nat_meerkost_weq,
        r.k10_kapitaallasten,
        r.k17_variabele_kosten,
        json.loads(r.waarden) if r.waarden else {},
    )


def results_for_run(
    session: Session,
    run_id: int,
    *,
    buurt: str | None = None,
    strategie: str | None = None,
    paging: Paging | None = None,
) -> Page[ResultaatRij]:
    """Result rows of a run ordered by buurt and variant, optionally filtered; all rows without ``paging``."""
    conds = [Resultaat.run_id == run_id]
    if buurt:
        conds.append(Resultaat.buurt_code == buurt)
    if strategie:
        conds.append(Resultaat.strategie == strategie)
    stmt = select(Resultaat).where(*conds).order_by(Resultaat.buurt_code, Resultaat.strategie, Resultaat.id)
    totaal = int(session.scalar(select(func.count(Resultaat.id)).where(*conds)) or 0)
    if paging is None:
        rows = session.scalars(stmt).all()
        return Page([_rij(r) for r in rows], totaal, 1, max(totaal, 1))
    rows = session.scalars(stmt.offset(paging.offset).limit(paging.pagina_grootte)).all()
    return Page([_rij(r) for r in rows], totaal, paging.pagina, paging.pagina_grootte)


# ------------------------------------------------------------------------------------------ lowest cost


def variant_family(strategie: str, catalogue: Any = None) -> str | None:
    """``S1``..``S5`` (or ``REF``) of a variant: from the catalogue when it knows the name, else the prefix."""
    if catalogue is not None:
        try:
            return catalogue.get(strategie).familie
        except KeyError:
            pass
    if strategie.lower().startswith("referentie"):
        return "REF"
    match = FAMILY_RE.match(strategie)
    return match.group(1) if match else None


def _viewer_names(catalogue: Any) -> set[str] | None:
    if catalogue is None:
        return None
    return {v.pbl_naam for v in catalogue if getattr(v, "in_viewer", False)}


@dataclass(frozen=True)
class LaagsteKosten:
    """The variant with the lowest national extra cost per WEQ (H18) in a buurt."""

    buurt_code: str
    buurt_jaar: int | None
    strategie: str
    familie: str | None
    h16_nat_meerkost: float | None
    h17_nat_meerkost_co2: float | None
    h18_nat_meerkost_weq: float


def _is_valid(row: ResultaatRij) -> bool:
    for key in ("geldig", "valid"):
        if key in row.waarden and row.waarden[key] in (False, 0, 0.0):
            return False
    return row.h18_nat_meerkost_weq is not None and math.isfinite(row.h18_nat_meerkost_weq)


def lowest_cost_per_buurt(
    session: Session, run: RunInfo | int, *, alleen_viewer: bool = True
) -> list[LaagsteKosten]:
    """Per buurt the valid variant with the lowest H18 (ties: the first by name), ordered by buurt code.

    Valid: not the reference, a finite H18 and not flagged invalid by the engine. By default only the
    variants of PBL's viewer set (``in_viewer`` in the catalogue of the run's zichtjaar) compete; without a
    catalogue every non-reference variant does.
    """
    info = get_run(session, run) if isinstance(run, int) else run
    if info is None:
        return []
    catalogue = catalogue_for_run(info)
    viewer = _viewer_names(catalogue) if alleen_viewer else None
    best: dict[str, ResultaatRij] = {}
    for row in results_for_run(session, info.id).items:
        if variant_family(row.strategie, catalogue) == "REF" or not _is_valid(row):
            continue
        if viewer is not None and row.strategie not in viewer:
            continue
        current = best.get(row.buurt_code)
        if current is None or row.h18_nat_meerkost_weq < current.h18_nat_meerkost_weq:  # type: ignore[operator]
            best[row.buurt_code] = row
    return [
        LaagsteKosten(
            r.buurt_code,
            r.buurt_jaar,
            r.strategie,
            variant_family(r.strategie, catalogue),
            r.h16_nat_meerkost,
            r.h17_nat_meerkost_co2,
            float(r.h18_nat_meerkost_weq),  # type: ignore[arg-type]
        )
        for r in (best[code] for code in sorted(best))
    ]


# ---------------------------------------------------------------------------------------------- exports


def export_columns(info: RunInfo, rows: Iterable[ResultaatRij] = ()) -> list[str]:
    """All contract columns of a run in engine order, then the provenance columns."""
    order = list(info.kolommen)
    for row in rows:
        for c in row.kolommen():
            if c not in order:
                order.append(c)
    return [*order, *PROVENANCE_COLUMNS]


def _export_rows(session: Session, info: RunInfo) -> tuple[list[str], list[list[Any]]]:
    rows = results_for_run(session, info.id).items
    columns = export_columns(info, rows)
    provenance = {"run_id": info.id, "parameterset": info.parameterset, "parameterset_versie": info.parameterset_versie}
    table = []
    for row in rows:
        values = row.kolommen()
        values.update(provenance)
        table.append([values.get(c) for c in columns])
    return columns, table


def export_csv(session: Session, run: RunInfo | int) -> str:
    """The run's results as CSV (RFC 4180, comma-separated, decimal point, UTF-8; empty = no value)."""
    info = get_run(session, run) if isinstance(run, int) else run
    if info is None:
        raise AssessmentError("beoordeling niet gevonden", "assessment not found", not_found=True)
    columns, table = _export_rows(session, info)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for values in table:
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in values])
    return out.getvalue()


def provenance(info: RunInfo) -> list[tuple[str, Any]]:
    """(key, value) pairs describing where a run's numbers come from (the XLSX 'Herkomst' sheet)."""
    return [
        ("run_id", info.id),
        ("regio", info.regio_code),
        ("buurtselectie", ", ".join(info.buurten) if info.buurten else "alle buurten van de regio"),
        ("buurtindeling_jaar", info.buurt_jaar),
        ("zichtjaar", info.zichtjaar),
        ("parameterset", info.parameterset),
        ("parameterset_versie", info.parameterset_versie),
        ("overrides", json.dumps(info.overrides, sort_keys=True) if info.overrides else ""),
        ("catalogus_versie", info.catalogus_versie),
        ("code_versie", info.code_versie),
        ("status", info.status),
        ("gestart", info.gestart.isoformat() if info.gestart else None),
        ("beeindigd", info.beeindigd.isoformat() if info.beeindigd else None),
        ("gestart_door", info.gestart_door),
        ("aantal_rijen", info.aantal_rijen),
        ("databronnen", "; ".join(info.bronnen)),
        ("aannames_invoer", "; ".join(f"{k}: {v}" for k, v in ASSUMPTIONS.items())),
        ("geexporteerd", datetime.now(UTC).isoformat(timespec="seconds")),
    ]


def export_xlsx(session: Session, run: RunInfo | int) -> bytes:
    """The run as an XLSX workbook: sheet 'Resultaten' (buurt x variant) and sheet 'Herkomst' (provenance)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    info = get_run(session, run) if isinstance(run, int) else run
    if info is None:
        raise AssessmentError("beoordeling niet gevonden", "assessment not found", not_found=True)
    columns, table = _export_rows(session, info)
    wb = Workbook()
    ws = wb.active
    ws.title = "Resultaten"
    ws.append(columns)
    for values in table:
        ws.append(values)
    ws.freeze_panes = "C2"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(28, len(name) + 2))
    herkomst = wb.create_sheet("Herkomst")
    herkomst.append(["sleutel", "waarde"])
    for key, value in provenance(info):
        herkomst.append([key, value])
    herkomst.column_dimensions["A"].width = 22
    herkomst.column_dimensions["B"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
