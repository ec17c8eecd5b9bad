"""HTML pages: weging (issue 4, Afwegingskader II): weigh the criteria yourself, robustness and explanations.

* ``/regio/{code}/weging``: sliders per criterion (grouped technisch, economisch, sociaal), the method and
  optional must-haves; a map of the region's buurten coloured by the strategy family of the winning variant and
  a sortable table (buurt, winner, score, runner-up, margin). The weighting lives in the query string
  (``w_<criterion>=0..100``, ``methode``, ``beperking``), so a weighting is a shareable link and the page works
  with a plain form submit; ``static/js/weging.js`` re-ranks through the JSON API without a reload.
* ``POST /regio/{code}/weging/robuustheid``: SMAA robustness of that weighting (htmx partial, or the whole page
  without JavaScript): first-rank acceptability per buurt, practically tied variants and the smallest weight
  change that flips the choice, as an SVG chart with a table.
* ``/criteria``: the criteria catalogue as a table.
* The buurt page gets a section "Afweging" through :func:`buurt_context` (explanation, rank acceptability,
  criteria per variant with the provenance of each value, entry form and history of entered values), and
  ``POST /buurt/{code}/criteriumwaarden`` / ``.../{id}/intrekken`` record and withdraw values (login + CSRF).

Numbers come only from :mod:`warmteregio.services.afweging`; this module parses input and reshapes the answers
(names, percentages, chart geometry) for the templates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from warmteregio.accounts.service import Principal, can_edit_gemeente
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_rescode
from warmteregio.engine.mcda import Constraint, WeighingError
from warmteregio.services import afweging, assessment, queries
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language
from warmteregio.web.pages import data, kaart, kosten
from warmteregio.web.templating import render

router = APIRouter(include_in_schema=False)

API_PREFIX = "/api/v1"
#: Criterion groups, methods and must-haves by key; their labels are written in the templates (translated there).
GROEPEN: tuple[str, ...] = ("technisch", "economisch", "sociaal")
METHODES: tuple[str, ...] = ("gewogen_som", "topsis", "promethee_ii")
#: Optional must-haves: (key, constraint). Only those whose criterion is in the catalogue are offered.
BEPERKINGEN: tuple[tuple[str, Constraint], ...] = (
    ("bron", Constraint("bron_capaciteit", ">=", 1.0)),
    ("temperatuur", Constraint("temperatuur_aansluiting", ">=", 0.5)),
    ("congestie", Constraint("piekbelasting_congestie", "<=", 0.0)),
)
WEIGHT_PREFIX = "w_"
SLIDER_MAX = 100
SMAA_KEUZES: tuple[int, ...] = (2_000, 5_000, 10_000)
SMAA_STANDAARD = 2_000
SMAA_MAX = 10_000
#: Buurten in the robustness chart: the N with the least robust choice.
GRAFIEK_BUURTEN = 20
#: Variants in the rank-acceptability chart of the buurt page (the table lists them all).
GRAFIEK_VARIANTEN = 10
#: Rank classes of the buurt chart: rank 1, 2, 3 and 4 or lower.
RANGKLASSEN = 4


class FormFout(ValueError):
    """Bad weighting input; ``nl``/``en`` explain it."""

    def __init__(self, nl: str, en: str, status: int = 400) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.status = status


def _message(exc: Any, lang: str) -> str:
    return exc.nl if lang == "nl" else exc.en


# --------------------------------------------------------------------------------------------- weighting input


@dataclass(frozen=True)
class Keuze:
    """A weighting as the form and the query string hold it: slider values 0-100 per criterion."""

    gewichten: dict[str, int]
    methode: str
    beperkingen: tuple[str, ...]
    standaard: bool

    def query(self, extra: Mapping[str, Any] | None = None) -> str:
        pairs: list[tuple[str, Any]] = [(WEIGHT_PREFIX + code, value) for code, value in self.gewichten.items()]
        pairs.append(("methode", self.methode))
        pairs += [("beperking", b) for b in self.beperkingen]
        pairs += list((extra or {}).items())
        return urlencode(pairs)

    def constraints(self) -> list[Constraint]:
        by_key = dict(BEPERKINGEN)
        return [by_key[b] for b in self.beperkingen]

    def service_weights(self) -> dict[str, float]:
        return {code: float(value) for code, value in self.gewichten.items()}


def default_sliders() -> dict[str, int]:
    """Default slider positions: the default weights scaled so the largest is at 100."""
    weights = afweging.default_weights()
    top = max(weights.values()) if weights else 0.0
    if top <= 0:
        return {code: SLIDER_MAX for code in weights}
    return {code: int(round(SLIDER_MAX * w / top)) for code, w in weights.items()}


def available_constraints() -> list[tuple[str, Constraint]]:
    codes = {c.code for c in afweging.criteria_catalogue()}
    return [b for b in BEPERKINGEN if b[1].criterium in codes]


def parse_keuze(params: Mapping[str, Any] | Any) -> Keuze:
    """The weighting from query or form parameters (a Starlette ``QueryParams``/``FormData`` or a dict).

    Missing weights take their default; a value outside 0-100 or not a number raises :class:`FormFout`."""
    defaults = default_sliders()
    getlist = params.getlist if hasattr(params, "getlist") else (lambda k: [params[k]] if k in params else [])
    gewichten: dict[str, int] = {}
    for code, default in defaults.items():
        raw = getlist(WEIGHT_PREFIX + code)
        if not raw or str(raw[-1]).strip() == "":
            gewichten[code] = default
            continue
        text = str(raw[-1]).strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or value > SLIDER_MAX:
            raise FormFout(
                f"het gewicht van {code} moet een getal van 0 tot en met {SLIDER_MAX} zijn, niet {text!r}",
                f"the weight of {code} must be a number from 0 to {SLIDER_MAX}, not {text!r}",
            )
        gewichten[code] = int(round(value))
    unknown = sorted(
        k[len(WEIGHT_PREFIX):] for k in (params.keys() if hasattr(params, "keys") else [])
        if k.startswith(WEIGHT_PREFIX) and k[len(WEIGHT_PREFIX):] not in defaults
    )  # fmt: skip
    if unknown:
        raise FormFout(f"onbekend criterium: {', '.join(unknown)}", f"unknown criterion: {', '.join(unknown)}")
    if not any(gewichten.values()):
        raise FormFout("minstens één gewicht moet groter dan 0 zijn", "at least one weight must be above 0")
    methode = str((getlist("methode") or ["gewogen_som"])[-1] or "gewogen_som")
    if methode not in METHODES:
        names = ", ".join(METHODES)
        raise FormFout(
            f"onbekende methode: {methode} (kies uit {names})", f"unknown method: {methode} (choose from {names})"
        )
    allowed = {key for key, _ in available_constraints()}
    beperkingen = tuple(dict.fromkeys(str(b) for b in getlist("beperking") if b))
    bad = [b for b in beperkingen if b not in allowed]
    if bad:
        raise FormFout(f"onbekende beperking: {', '.join(bad)}", f"unknown constraint: {', '.join(bad)}")
    standaard = gewichten == defaults and methode == "gewogen_som" and not beperkingen
    return Keuze(gewichten, methode, beperkingen, standaard)


def lenient_keuze(params: Mapping[str, Any] | Any) -> Keuze:
    """Like :func:`parse_keuze`, but the defaults when the input is bad (for links to the buurt page)."""
    try:
        return parse_keuze(params)
    except FormFout:
        return Keuze(default_sliders(), "gewogen_som", (), True)


# ----------------------------------------------------------------------------------------- criteria and names


@dataclass(frozen=True)
class CriteriumRij:
    code: str
    naam: str
    groep: str
    eenheid: str
    richting: int
    berekening: str
    bron: str
    uitleg: str
    standaard: int  # default slider value
    standaard_aandeel: float  # default weight, normalised
    waarde: int = 0  # current slider value
    aandeel: float | None = None  # current normalised weight


def criteria_rows(
    lang: str, keuze: Keuze | None = None, aandelen: Mapping[str, float] | None = None
) -> list[CriteriumRij]:
    defaults = default_sliders()
    weights = afweging.default_weights()
    rows = []
    for c in afweging.criteria_catalogue():
        rows.append(
            CriteriumRij(
                code=c.code,
                naam=c.naam_nl if lang == "nl" else c.naam_en,
                groep=c.groep,
                eenheid=c.eenheid,
                richting=c.richting,
                berekening=c.berekening,
                bron=c.bron,
                uitleg=c.uitleg_nl if lang == "nl" else c.uitleg_en,
                standaard=defaults.get(c.code, 0),
                standaard_aandeel=weights.get(c.code, 0.0),
                waarde=keuze.gewichten.get(c.code, 0) if keuze else defaults.get(c.code, 0),
                aandeel=(aandelen or {}).get(c.code),
            )
        )
    return rows


def grouped(rows: Sequence[CriteriumRij]) -> list[tuple[str, list[CriteriumRij]]]:
    groups = [(key, [r for r in rows if r.groep == key]) for key in GROEPEN]
    other = [r for r in rows if r.groep not in GROEPEN]
    return [g for g in groups if g[1]] + ([("overig", other)] if other else [])


@dataclass(frozen=True)
class VariantNaam:
    code: str
    label: str  # the PBL name when the catalogue knows the code, else the code
    familie: str | None


def variant_names(db: Session, info: assessment.RunInfo, codes: Sequence[str], lang: str) -> dict[str, VariantNaam]:
    """Readable names (from the service, in the page language) and strategy families of a run's variants."""
    readable = afweging.variant_names(db, info.id)
    catalogue = assessment.catalogue_for_run(info)
    out = {}
    for code in codes:
        nl_en = readable.get(code)
        label = (nl_en[0] if lang == "nl" else nl_en[1]) if nl_en else code
        out[code] = VariantNaam(code, label, assessment.variant_family(code, catalogue))
    return out


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# ---------------------------------------------------------------------------------------------- ranking table


@dataclass(frozen=True)
class RangRij:
    code: str
    naam: str | None
    winnaar: VariantNaam | None
    score: float | None
    tweede: VariantNaam | None
    marge: float | None


def ranking_rows(
    weging: afweging.Weging, names: Mapping[str, VariantNaam], buurt_namen: Mapping[str, str | None]
) -> list[RangRij]:
    dm = weging.cm.dm
    ranking = weging.ranking
    rows = []
    for b, code in enumerate(dm.buurten):
        w = int(ranking.winner[b])
        if w < 0:
            rows.append(RangRij(str(code), buurt_namen.get(str(code)), None, None, None, None))
            continue
        second = np.flatnonzero(ranking.ranks[b] == 2)
        s = int(second[0]) if second.size else -1
        score = _finite(ranking.scores[b, w])
        score2 = _finite(ranking.scores[b, s]) if s >= 0 else None
        rows.append(
            RangRij(
                str(code),
                buurt_namen.get(str(code)),
                names[dm.varianten[w]],
                score,
                names[dm.varianten[s]] if s >= 0 else None,
                score - score2 if score is not None and score2 is not None else None,
            )
        )
    return rows


# ------------------------------------------------------------------------------------------------- robustness


@dataclass(frozen=True)
class Staaf:
    """A segment of a stacked bar: a variant (region chart) or a rank class (buurt chart)."""

    sleutel: str  # CSS modifier: a family (s1..s5, overig) or a rank class (rang-1..rang-4)
    label: str
    aandeel: float
    x: float
    breedte: float


@dataclass(frozen=True)
class Omslag:
    criterium: str  # criterion name
    huidig: float  # current normalised weight
    nieuw: float  # the weight at which the first choice flips
    variant: VariantNaam | None


@dataclass(frozen=True)
class RobuustRij:
    code: str
    naam: str | None
    winnaar: VariantNaam | None
    aanvaardbaarheid: float | None  # first-rank acceptability of the current winner
    meest_aanvaardbaar: VariantNaam | None  # SMAA's most acceptable variant
    gelijk: list[VariantNaam]
    omslag: Omslag | None
    staven: list[Staaf] = field(default_factory=list)
    y: float = 0.0


@dataclass(frozen=True)
class RobuustGrafiek:
    breedte: int
    hoogte: int
    label_breedte: int
    plot_breedte: int
    balk_hoogte: int
    ticks: list[tuple[float, float]]


@dataclass(frozen=True)
class Robuustheid:
    n_samples: int
    methode: str
    rijen: list[RobuustRij]  # every buurt, in code order
    grafiek_rijen: list[RobuustRij]  # the least robust buurten, laid out for the chart
    grafiek: RobuustGrafiek
    families: list[tuple[str, str]]  # legend: (css key, label)
    gemiddeld: float | None  # mean first-rank acceptability of the winners


def _family_key(familie: str | None) -> str:
    key = (familie or "").lower()
    return key if key in {"s1", "s2", "s3", "s4", "s5"} else "overig"


def _flip(
    rob: afweging.Robuustheid, b: int, names: Mapping[str, VariantNaam], crit_names: Mapping[str, str]
) -> Omslag | None:
    flip = rob.flip
    if flip is None:
        return None
    c = int(flip.criterion[b])
    delta = _finite(flip.delta[b])
    if c < 0 or delta is None:
        return None
    dm = rob.cm.dm
    code = dm.criteria[c]
    huidig = float(rob.gewichten.get(code, 0.0))
    v = int(flip.new_winner[b])
    return Omslag(crit_names.get(code, code), huidig, huidig + delta, names[dm.varianten[v]] if v >= 0 else None)


def robustness_view(
    rob: afweging.Robuustheid,
    weging: afweging.Weging | None,
    names: Mapping[str, VariantNaam],
    buurt_namen: Mapping[str, str | None],
    crit_names: Mapping[str, str],
) -> Robuustheid:
    dm = rob.cm.dm
    smaa = rob.smaa
    first = smaa.first
    rows = []
    for b, code in enumerate(dm.buurten):
        code = str(code)
        w = int(weging.ranking.winner[b]) if weging is not None else int(smaa.winner[b])
        best = int(smaa.winner[b])
        gelijk = [names[dm.varianten[v]] for v in np.flatnonzero(smaa.tied[b]) if v != best and v != w]
        rows.append(
            RobuustRij(
                code,
                buurt_namen.get(code),
                names[dm.varianten[w]] if w >= 0 else None,
                _finite(first[b, w]) if w >= 0 else None,
                names[dm.varianten[best]] if best >= 0 else None,
                gelijk,
                _flip(rob, b, names, crit_names),
            )
        )
    label_breedte, plot_breedte, rij, balk, top = 230, 440, 26, 18, 30
    ordered = sorted(
        range(len(rows)),
        key=lambda i: (rows[i].aanvaardbaarheid if rows[i].aanvaardbaarheid is not None else 2.0, rows[i].code),
    )[:GRAFIEK_BUURTEN]
    chart_rows = []
    for pos, i in enumerate(ordered):
        b = i
        x = float(label_breedte)
        staven = []
        order = sorted(range(len(dm.varianten)), key=lambda v: (-first[b, v], v))
        for v in order:
            share = float(first[b, v])
            if not share > 0:
                continue
            width = share * plot_breedte
            name = names[dm.varianten[v]]
            staven.append(Staaf(_family_key(name.familie), name.label, share, round(x, 2), round(width, 2)))
            x += width
        chart_rows.append(RobuustRij(**{**rows[i].__dict__, "staven": staven, "y": top + pos * rij}))
    grafiek = RobuustGrafiek(
        breedte=label_breedte + plot_breedte + 60,
        hoogte=top + max(len(chart_rows), 1) * rij + 10,
        label_breedte=label_breedte,
        plot_breedte=plot_breedte,
        balk_hoogte=balk,
        ticks=[(t / 4, round(label_breedte + plot_breedte * t / 4, 2)) for t in range(5)],
    )
    present = {s.sleutel for r in chart_rows for s in r.staven}
    families = [(fam.lower(), fam) for fam, _ in kosten.FAMILIES if fam.lower() in present]
    if "overig" in present:
        families.append(("overig", ""))
    known = [r.aanvaardbaarheid for r in rows if r.aanvaardbaarheid is not None]
    return Robuustheid(
        n_samples=smaa.n_samples,
        methode=smaa.method,
        rijen=rows,
        grafiek_rijen=chart_rows,
        grafiek=grafiek,
        families=families,
        gemiddeld=sum(known) / len(known) if known else None,
    )


# ------------------------------------------------------------------------------------------------ region page


def _region_or_none(db: Session, code: str) -> tuple[str, data.RegioDetail] | None:
    try:
        code = normalise_rescode(code)
    except CodeError:
        return None
    region = data.regio(db, code)
    return (code, region) if region is not None else None


def _not_found(request: Request, user: User | None) -> HTMLResponse:
    return render(request, "fout.html", {"status": 404}, user=user, status_code=404)


def _weging_context(
    request: Request,
    db: Session,
    code: str,
    region: data.RegioDetail,
    keuze: Keuze,
    fout: str | None = None,
) -> dict[str, Any]:
    """Everything the weging page shows for ``keuze`` (the ranking is skipped when ``fout`` is set)."""
    lang = request_language(request)
    info = assessment.latest_run(db, code)
    context: dict[str, Any] = {
        "regio": region,
        "keuze": keuze,
        "fout": fout,
        "info": info,
        "herkomst": kosten._herkomst(info) if info else None,
        "methodes": METHODES,
        "beperkingen": [key for key, _ in available_constraints()],
        "beperking_json": {
            key: {"criterium": c.criterium, "operator": c.operator, "drempel": c.drempel}
            for key, c in available_constraints()
        },
        "smaa_keuzes": SMAA_KEUZES,
        "smaa_standaard": SMAA_STANDAARD,
        "familie_namen": kosten.FAMILIES,
        "kaart": kaart.layer_urls(code),
        "rijen": [],
        "robuustheid": None,
        "deel_url": f"/regio/{code}/weging?{keuze.query()}",
    }
    aandelen = None
    if info is not None and fout is None:
        try:
            weging = afweging.weigh(db, info.id, keuze.service_weights(), keuze.methode, keuze.constraints())
        except (afweging.AfwegingError, WeighingError) as exc:
            context["fout"] = _message(exc, lang)
        else:
            codes = [str(c) for c in weging.cm.dm.buurten]
            names = variant_names(db, info, weging.cm.dm.varianten, lang)
            buurt_namen = queries.buurt_namen(db, codes, info.buurt_jaar)
            context["rijen"] = ranking_rows(weging, names, buurt_namen)
            context["weging"] = weging
            context["varianten_json"] = {v.code: {"label": v.label, "familie": v.familie} for v in names.values()}
            context["buurt_namen"] = buurt_namen
            context["names"] = names
            aandelen = weging.gewichten
    context["criteria"] = criteria_rows(lang, keuze, aandelen)
    context["groepen"] = grouped(context["criteria"])
    context["schematisch"] = any(b.schematisch for b in data.buurten_van_regio(db, region))
    context["api_url"] = f"{API_PREFIX}/beoordelingen/{info.id}/weging" if info else ""
    return context


@router.get("/regio/{code}/weging", response_class=HTMLResponse, name="regio_weging")
def weging_page(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    found = _region_or_none(db, code)
    if found is None:
        return _not_found(request, user)
    code, region = found
    lang = request_language(request)
    try:
        keuze = parse_keuze(request.query_params)
    except FormFout as exc:
        keuze = _keep_valid_sliders(Keuze(default_sliders(), "gewogen_som", (), True), request.query_params)
        context = _weging_context(request, db, code, region, keuze, fout=_message(exc, lang))
        return render(request, "weging.html", context, user=user, status_code=exc.status)
    context = _weging_context(request, db, code, region, keuze)
    status = 400 if context["fout"] else 200
    return render(request, "weging.html", context, user=user, status_code=status)


def _keep_valid_sliders(keuze: Keuze, params: Any) -> Keuze:
    """After an error: keep the slider values that were valid, so the form shows what the user entered."""
    gewichten = dict(keuze.gewichten)
    for code in gewichten:
        value = _finite(str(params.get(WEIGHT_PREFIX + code, "")).replace(",", "."))
        if value is not None and 0 <= value <= SLIDER_MAX:
            gewichten[code] = int(round(value))
    return Keuze(gewichten, keuze.methode, keuze.beperkingen, False)


@router.post("/regio/{code}/weging", name="regio_weging_post")
async def weging_post(request: Request, code: str) -> Response:
    """A posted weighting goes to the shareable GET address (nothing is stored)."""
    form = await request.form()
    pairs = [(k, v) for k, v in form.multi_items() if k != "csrf_token" and isinstance(v, str)]
    try:
        code = normalise_rescode(code)
    except CodeError:
        code = "onbekend"
    return RedirectResponse(f"/regio/{code}/weging?{urlencode(pairs)}#rangschikking", status_code=303)


def _n_samples(value: Any) -> int:
    text = str(value or SMAA_STANDAARD).strip()
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 100 <= n <= SMAA_MAX:
        raise FormFout(
            f"het aantal trekkingen moet een geheel getal van 100 tot en met {SMAA_MAX} zijn, niet {text!r}",
            f"the number of samples must be a whole number from 100 to {SMAA_MAX}, not {text!r}",
        )
    return n


@router.post("/regio/{code}/weging/robuustheid", response_class=HTMLResponse, name="regio_weging_robuustheid")
async def robuustheid_post(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
):
    """SMAA for the posted weighting: the htmx partial, or the whole page for a plain form submit."""
    found = _region_or_none(db, code)
    if found is None:
        return _not_found(request, user)
    code, region = found
    lang = request_language(request)
    form = await request.form()
    partial = request.headers.get("hx-request") == "true"
    try:
        keuze = parse_keuze(form)
        n = _n_samples(form.get("n_samples"))
    except FormFout as exc:
        if partial:
            return render(request, "_weging_robuustheid.html", {"robuustheid": None, "fout": _message(exc, lang)},
                          user=user, status_code=exc.status)  # fmt: skip
        keuze = lenient_keuze({})
        context = _weging_context(request, db, code, region, keuze, fout=_message(exc, lang))
        return render(request, "weging.html", context, user=user, status_code=exc.status)
    info = assessment.latest_run(db, code)
    robuust, fout = None, None
    if info is None:
        fout = (
            "Er is nog geen berekening voor deze regio."
            if lang == "nl"
            else "There is no assessment for this region yet."
        )
    else:
        try:
            rob = afweging.robustness(
                db, info.id, keuze.service_weights(), n_samples=n, methode=keuze.methode,
                beperkingen=keuze.constraints(),
            )  # fmt: skip
            weging = afweging.weigh(db, info.id, keuze.service_weights(), keuze.methode, keuze.constraints())
        except (afweging.AfwegingError, WeighingError) as exc:
            fout = _message(exc, lang)
        else:
            robuust = _robustness_for_page(db, info, rob, weging, lang)
    if partial:
        context = {"robuustheid": robuust, "fout": fout, "regio": region, "keuze": keuze}
        return render(request, "_weging_robuustheid.html", context, user=user, status_code=400 if fout else 200)
    context = _weging_context(request, db, code, region, keuze)
    context["robuustheid"] = robuust
    context["robuustheid_fout"] = fout
    context["n_samples"] = n
    return render(request, "weging.html", context, user=user, status_code=400 if fout else 200)


def _robustness_for_page(
    db: Session, info: assessment.RunInfo, rob: afweging.Robuustheid, weging: afweging.Weging | None, lang: str
) -> Robuustheid:
    dm = rob.cm.dm
    codes = [str(c) for c in dm.buurten]
    names = variant_names(db, info, dm.varianten, lang)
    crit_names = {c.code: (c.naam_nl if lang == "nl" else c.naam_en) for c in rob.cm.criteria}
    if weging is not None and [str(c) for c in weging.cm.dm.buurten] != codes:
        weging = None
    return robustness_view(rob, weging, names, queries.buurt_namen(db, codes, info.buurt_jaar), crit_names)


# ------------------------------------------------------------------------------------------------ criteria


@router.get("/criteria", response_class=HTMLResponse, name="criteria")
def criteria_page(request: Request, user: User | None = Depends(auth.current_user)):
    rows = criteria_rows(request_language(request))
    return render(request, "criteria.html", {"criteria": rows, "groepen": grouped(rows)}, user=user)


# ----------------------------------------------------------------------------------------------- buurt page


@dataclass(frozen=True)
class CelRij:
    criterium: str
    naam: str
    eenheid: str
    richting: int
    waarde: float | None
    herkomst: str


@dataclass(frozen=True)
class VariantCriteria:
    variant: VariantNaam
    rang: int | None
    score: float | None
    cellen: list[CelRij]


@dataclass(frozen=True)
class RangAanvaarding:
    variant: VariantNaam
    klassen: list[float]  # share at rank 1, 2, 3 and 4 or lower
    staven: list[Staaf] = field(default_factory=list)
    y: float = 0.0


@dataclass(frozen=True)
class InvoerRij:
    id: int
    variant: str
    criterium: str
    waarde: float
    toelichting: str
    door: str | None
    gemaakt: Any
    status: str  # "geldig", "vervangen", "ingetrokken"


@dataclass(frozen=True)
class BuurtAfweging:
    run_id: int | None
    herkomst: kosten.Herkomst | None
    uitleg: Any = None  # engine.explain.Uitleg
    uitleg_tekst: str | None = None
    winnaar: VariantNaam | None = None
    robuustheid: float | None = None
    aanvaarding: list[RangAanvaarding] = field(default_factory=list)
    grafiek: RobuustGrafiek | None = None
    n_samples: int = 0
    varianten: list[VariantCriteria] = field(default_factory=list)
    mag_invoeren: bool = False
    invoer_varianten: list[VariantNaam] = field(default_factory=list)
    invoer_criteria: list[CriteriumRij] = field(default_factory=list)
    invoer: list[InvoerRij] = field(default_factory=list)
    fout: str | None = None
    weging_url: str | None = None


def _rank_chart(acc: np.ndarray, order: Sequence[int], names: Mapping[str, VariantNaam], varianten: Sequence[str]):
    label_breedte, plot_breedte, rij, balk, top = 230, 440, 26, 18, 30
    rows = []
    for pos, v in enumerate(order):
        shares = [float(acc[v, r]) for r in range(min(RANGKLASSEN - 1, acc.shape[1]))]
        shares += [0.0] * (RANGKLASSEN - 1 - len(shares))
        shares.append(float(acc[v, RANGKLASSEN - 1 :].sum()) if acc.shape[1] >= RANGKLASSEN else 0.0)
        x = float(label_breedte)
        staven = []
        for k, share in enumerate(shares):
            if share > 0:
                staven.append(Staaf(f"rang-{k + 1}", str(k + 1), share, round(x, 2), round(share * plot_breedte, 2)))
                x += share * plot_breedte
        rows.append(RangAanvaarding(names[varianten[v]], shares, staven, top + pos * rij))
    grafiek = RobuustGrafiek(
        breedte=label_breedte + plot_breedte + 60,
        hoogte=top + max(min(len(rows), GRAFIEK_VARIANTEN), 1) * rij + 10,
        label_breedte=label_breedte,
        plot_breedte=plot_breedte,
        balk_hoogte=balk,
        ticks=[(t / 4, round(label_breedte + plot_breedte * t / 4, 2)) for t in range(5)],
    )
    return rows, grafiek


def buurt_context(request: Request, db: Session, code: str, user: User | None) -> dict[str, Any]:
    """Context for the "Afweging" section of the buurt page (``afweging``: :class:`BuurtAfweging` or None).

    Uses the weighting in the query string (a link from the weging page) or the default weights."""
    return {"afweging": _buurt_afweging(request, db, code, user)}


def _buurt_afweging(request: Request, db: Session, code: str, user: User | None) -> BuurtAfweging | None:
    lang = request_language(request)
    info = assessment.latest_run_for_buurt(db, code)
    if info is None:
        return None
    keuze = lenient_keuze(request.query_params)
    herkomst = kosten._herkomst(info)
    buurt = queries.get_buurt(db, code)
    mag = bool(
        user is not None and buurt is not None and can_edit_gemeente(db, Principal.of(user), buurt.gemeente_code)
    )
    entries = _entries(db, code, lang)
    weging_url = f"/regio/{info.regio_code}/weging?{keuze.query()}" if info.regio_code else None
    base = {"run_id": info.id, "herkomst": herkomst, "mag_invoeren": mag, "invoer": entries, "weging_url": weging_url}
    try:
        weights = keuze.service_weights()
        weging = afweging.weigh(db, info.id, weights, keuze.methode, keuze.constraints(), buurten=[code])
        uitleg, rob = afweging.explain_with_robustness(
            db, info.id, weights, buurten=[code], n_samples=SMAA_STANDAARD, methode=keuze.methode,
            beperkingen=keuze.constraints(),
        )  # fmt: skip
    except (afweging.AfwegingError, WeighingError) as exc:
        return BuurtAfweging(**base, fout=_message(exc, lang))
    dm = weging.cm.dm
    names = variant_names(db, info, dm.varianten, lang)
    u = uitleg[0] if uitleg else None
    acc = rob.smaa.acceptability[0]
    avail = weging.ranking.available[0]
    ranks = weging.ranking.ranks[0]
    by_rank = sorted((v for v in range(len(dm.varianten)) if avail[v]), key=lambda v: (int(ranks[v]) or 10**6, v))
    by_acc = sorted((v for v in range(len(dm.varianten)) if avail[v]), key=lambda v: (-acc[v, 0], int(ranks[v]), v))
    aanvaarding, grafiek = _rank_chart(acc, by_acc, names, dm.varianten)
    crits = {c.code: c for c in weging.cm.criteria}
    varianten = []
    for v in by_rank:
        cellen = []
        for ci, ccode in enumerate(dm.criteria):
            c = crits.get(ccode)
            cellen.append(
                CelRij(
                    ccode,
                    (c.naam_nl if lang == "nl" else c.naam_en) if c else ccode,
                    c.eenheid if c else "",
                    c.richting if c else 1,
                    _finite(dm.values[0, v, ci]),
                    str(weging.cm.herkomst[0, v, ci]),
                )
            )
        varianten.append(
            VariantCriteria(names[dm.varianten[v]], int(ranks[v]) or None, _finite(weging.ranking.scores[0, v]), cellen)
        )
    w = int(weging.ranking.winner[0])
    return BuurtAfweging(
        **base,
        uitleg=u,
        uitleg_tekst=(u.tekst_nl if lang == "nl" else u.tekst_en) if u else None,
        winnaar=names[dm.varianten[w]] if w >= 0 else None,
        robuustheid=_finite(rob.smaa.first[0, w]) if w >= 0 else None,
        aanvaarding=aanvaarding,
        grafiek=grafiek,
        n_samples=rob.smaa.n_samples,
        varianten=varianten,
        invoer_varianten=[names[c] for c in dm.varianten],
        invoer_criteria=criteria_rows(lang) if mag else [],
    )


def _entries(db: Session, code: str, lang: str) -> list[InvoerRij]:
    entries = afweging.list_entries(db, code, with_history=True)
    names = afweging.user_names(db, [e.door_id for e in entries])
    crit = {c.code: (c.naam_nl if lang == "nl" else c.naam_en) for c in afweging.criteria_catalogue()}
    rows = []
    for e in entries:
        status = "ingetrokken" if e.ingetrokken else ("vervangen" if e.vervangen_door_id else "geldig")
        rows.append(
            InvoerRij(
                e.id,
                e.variant_code,
                crit.get(e.criterium, e.criterium),
                e.waarde,
                e.toelichting,
                names.get(e.door_id) if e.door_id is not None else None,
                e.gemaakt,
                status,
            )  # fmt: skip
        )
    return rows


def _buurt_form_error(request: Request, user: User | None, status: int, reden: str, code: str) -> HTMLResponse:
    context = {"status": status, "reden": reden, "terug": f"/buurt/{code}#afweging"}
    return render(request, "weging_fout.html", context, user=user, status_code=status)


@router.post("/buurt/{code}/criteriumwaarden", name="buurt_criteriumwaarde")
async def criteriumwaarde_post(
    request: Request, code: str, db: Session = Depends(get_db), user: User | None = Depends(auth.current_user)
) -> Response:
    """Record a criterion value for a buurt x variant (login, CSRF; the service checks the permission)."""
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return render(request, "fout.html", {"status": 403}, user=user, status_code=403)
    try:
        code = normalise_buurtcode(code)
    except CodeError:
        return _not_found(request, user)
    if data.buurt_detail(db, code) is None:
        return _not_found(request, user)
    if user is None:
        return RedirectResponse(f"/login?next=/buurt/{code}%23afweging", status_code=303)
    lang = request_language(request)
    variant = str(form.get("variant") or "").strip()
    criterium = str(form.get("criterium") or "").strip()
    toelichting = str(form.get("toelichting") or "").strip()
    raw = str(form.get("waarde") or "").strip()
    value = _finite(raw.replace(",", "."))
    if value is None:
        nl = f"de waarde {raw!r} is geen getal" if raw else "vul een waarde in"
        en = f"the value {raw!r} is not a number" if raw else "enter a value"
        return _buurt_form_error(request, user, 422, nl if lang == "nl" else en, code)
    if not toelichting:
        msg = ("een toelichting is verplicht: waarom deze waarde, en wat is de bron?" if lang == "nl"
               else "an explanation is required: why this value, and what is the source?")  # fmt: skip
        return _buurt_form_error(request, user, 422, msg, code)
    try:
        afweging.enter_value(db, user, code, variant, criterium, value, toelichting)
        db.commit()
    except afweging.AfwegingError as exc:
        db.rollback()
        return _buurt_form_error(
            request, user, exc.status if exc.status in (403, 404) else 422, _message(exc, lang), code
        )
    return RedirectResponse(f"/buurt/{code}#afweging-invoer", status_code=303)


@router.post("/buurt/{code}/criteriumwaarden/{invoer_id}/intrekken", name="buurt_criteriumwaarde_intrekken")
async def criteriumwaarde_intrekken(
    request: Request,
    code: str,
    invoer_id: int,
    db: Session = Depends(get_db),
    user: User | None = Depends(auth.current_user),
) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.check_csrf(request, token if isinstance(token, str) else None):
        return render(request, "fout.html", {"status": 403}, user=user, status_code=403)
    try:
        code = normalise_buurtcode(code)
    except CodeError:
        return _not_found(request, user)
    if user is None:
        return RedirectResponse(f"/login?next=/buurt/{code}%23afweging", status_code=303)
    lang = request_language(request)
    try:
        afweging.withdraw_value(db, user, invoer_id)
        db.commit()
    except afweging.AfwegingError as exc:
        db.rollback()
        return _buurt_form_error(
            request, user, exc.status if exc.status in (403, 404) else 422, _message(exc, lang), code
        )
    return RedirectResponse(f"/buurt/{code}#afweging-invoer", status_code=303)
