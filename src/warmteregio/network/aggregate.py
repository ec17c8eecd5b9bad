"""Aggregation of the information-needs inventory (pure: plain values in, dataclasses out).

A questionnaire (:class:`VraagDef` per question) is answered by respondents: gemeenten (``GM`` codes) and regions
(``ES`` codes), each counting for one region (``res_code``). :func:`aggregeer` computes per question the number of
answers ``n``, the mean (scale questions, 1-5), the distribution (scale values, single and multiple choice) and the
same per region; per theme and region the mean need over all scale answers of the theme's questions (every answer
weighs the same); the themes ordered by their national mean need, highest first; and the response per region:
gemeenten that answered out of the gemeenten in the region. Open answers are only copied into the result for the
regions the caller may see (``open_zichtbaar``); the count ``n`` is always there.

:func:`vergelijk` puts the scale questions of several years of one series next to each other: questions match by
their ``code``, themes by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from warmteregio.network.model import SCHAAL_MAX, SCHAAL_MIN

# ------------------------------------------------------------------------------------------------------ input


@dataclass(frozen=True)
class VraagDef:
    """A question as the aggregation sees it. ``soort``: schaal, keuze, meerkeuze or open."""

    code: str
    thema: str
    tekst: str
    soort: str
    opties: tuple[str, ...] = ()
    verplicht: bool = False


@dataclass(frozen=True)
class Inzending:
    """One respondent's answers by question code: an int (schaal), a str (keuze, open) or a list of str
    (meerkeuze)."""

    respondent: str
    res_code: str | None
    antwoorden: Mapping[str, Any]


@dataclass(frozen=True)
class VragenlijstInfo:
    id: int
    reeks: str
    jaar: int
    titel: str
    status: str


@dataclass(frozen=True)
class RegioBasis:
    """A region for the response count: its code, name and the number of gemeenten in it."""

    res_code: str
    naam: str
    gemeenten: int


# ----------------------------------------------------------------------------------------------------- output


@dataclass(frozen=True)
class Respons:
    """Response in a region: ``ingevuld`` gemeenten (respondents with a GM code) out of ``gemeenten``;
    ``regio_ingevuld``: the region itself answered too."""

    res_code: str
    naam: str
    gemeenten: int
    ingevuld: int
    regio_ingevuld: bool

    @property
    def aandeel(self) -> float | None:
        """Share of the gemeenten that answered (0-1); None for a region without gemeenten."""
        return self.ingevuld / self.gemeenten if self.gemeenten else None


@dataclass(frozen=True)
class OpenAntwoord:
    respondent: str
    res_code: str | None
    tekst: str


@dataclass
class VraagResultaat:
    """The answers to one question. ``verdeling``: option (scale value as text) -> count, every option listed in
    order (also with 0). ``per_regio``: res_code -> mean (schaal), distribution (keuze, meerkeuze) or count (open);
    ``per_regio_n``: res_code -> answers. ``open_antwoorden``: the open answers the caller may read."""

    code: str
    thema: str
    tekst: str
    soort: str
    opties: tuple[str, ...]
    n: int
    gemiddelde: float | None
    verdeling: dict[str, int]
    per_regio: dict[str, Any]
    per_regio_n: dict[str, int]
    open_antwoorden: list[OpenAntwoord] = field(default_factory=list)

    @property
    def open_verborgen(self) -> int:
        """Open answers the caller may not read (only counted)."""
        return self.n - len(self.open_antwoorden) if self.soort == "open" else 0


@dataclass
class Resultaten:
    """The aggregated answers of a questionnaire (optionally of one region: ``regio``)."""

    vragenlijst: VragenlijstInfo
    regio: str | None
    aantal_inzendingen: int
    respons: list[Respons]
    vragen: list[VraagResultaat]
    regios: list[str]
    per_thema_regio: dict[tuple[str, str], float]
    thema_gemiddelde: dict[str, float | None]
    thema_volgorde: list[str]

    def vraag(self, code: str) -> VraagResultaat:
        for v in self.vragen:
            if v.code == code:
                return v
        raise KeyError(code)


@dataclass(frozen=True)
class VergelijkingRij:
    """Mean per year of one scale question (``code``) or of one theme (``code`` = theme)."""

    code: str
    thema: str
    tekst: str
    per_jaar: dict[int, float | None]
    n: dict[int, int]

    @property
    def verschil(self) -> float | None:
        """Change from the year before the last to the last year with a value in both; None otherwise."""
        jaren = sorted(self.per_jaar)
        if len(jaren) < 2:
            return None
        laatste, vorige = self.per_jaar[jaren[-1]], self.per_jaar[jaren[-2]]
        return None if laatste is None or vorige is None else laatste - vorige


@dataclass(frozen=True)
class Vergelijking:
    reeks: str
    regio: str | None
    jaren: list[int]
    rows: list[VergelijkingRij]
    themas: list[VergelijkingRij]


# ------------------------------------------------------------------------------------------------- computing


def schaalwaarde(value: object) -> int | None:
    """A valid scale answer as int, else None."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if SCHAAL_MIN <= number <= SCHAAL_MAX else None


def _keuzes(soort: str, value: object) -> list[str]:
    if value is None:
        return []
    if soort == "meerkeuze":
        items = value if isinstance(value, list | tuple) else [value]
        return list(dict.fromkeys(str(i) for i in items if i is not None and str(i).strip()))
    text = str(value).strip()
    return [text] if text else []


def _mean(values: Sequence[int | float]) -> float | None:
    return sum(values) / len(values) if values else None


def _verdeling(basis: Iterable[str], keuzes: Iterable[str]) -> dict[str, int]:
    out = {k: 0 for k in basis}
    for k in keuzes:
        out[k] = out.get(k, 0) + 1
    return out


def _basis(v: VraagDef) -> tuple[str, ...]:
    if v.soort == "schaal":
        return tuple(str(i) for i in range(SCHAAL_MIN, SCHAAL_MAX + 1))
    return tuple(v.opties)


def _vraag_resultaat(v: VraagDef, inzendingen: Sequence[Inzending],
                     open_zichtbaar: Callable[[str | None], bool]) -> VraagResultaat:  # fmt: skip
    per_regio_vals: dict[str, list[Any]] = {}
    alle: list[Any] = []
    open_antwoorden: list[OpenAntwoord] = []
    for inz in inzendingen:
        if v.code not in inz.antwoorden:
            continue
        raw = inz.antwoorden[v.code]
        if v.soort == "schaal":
            value: Any = schaalwaarde(raw)
            if value is None:
                continue
        elif v.soort in ("keuze", "meerkeuze"):
            value = _keuzes(v.soort, raw)
            if not value:
                continue
        else:
            value = str(raw).strip() if raw is not None else ""
            if not value:
                continue
            if open_zichtbaar(inz.res_code):
                open_antwoorden.append(OpenAntwoord(inz.respondent, inz.res_code, value))
        alle.append(value)
        if inz.res_code:
            per_regio_vals.setdefault(inz.res_code, []).append(value)
    basis = _basis(v)
    regios = sorted(per_regio_vals)
    gemiddelde = None
    if v.soort == "schaal":
        gemiddelde = _mean(alle)
        verdeling = _verdeling(basis, (str(x) for x in alle))
        per_regio: dict[str, Any] = {r: _mean(per_regio_vals[r]) for r in regios}
    elif v.soort in ("keuze", "meerkeuze"):
        verdeling = _verdeling(basis, (k for ks in alle for k in ks))
        per_regio = {r: _verdeling(basis, (k for ks in per_regio_vals[r] for k in ks)) for r in regios}
    else:
        verdeling = {}
        per_regio = {r: len(per_regio_vals[r]) for r in regios}
    open_antwoorden.sort(key=lambda a: (a.res_code or "", a.respondent))
    return VraagResultaat(
        code=v.code, thema=v.thema, tekst=v.tekst, soort=v.soort, opties=tuple(v.opties), n=len(alle),
        gemiddelde=gemiddelde, verdeling=verdeling, per_regio=per_regio,
        per_regio_n={r: len(per_regio_vals[r]) for r in regios}, open_antwoorden=open_antwoorden,
    )  # fmt: skip


def _themas(vragen: Sequence[VraagDef]) -> list[str]:
    return list(dict.fromkeys(v.thema for v in vragen))


def _thema_waarden(vragen: Sequence[VraagDef], inzendingen: Sequence[Inzending]) -> tuple[
        dict[str, list[int]], dict[tuple[str, str], list[int]]]:  # fmt: skip
    """Scale answers pooled per theme and per (theme, region)."""
    per_thema: dict[str, list[int]] = {}
    per_thema_regio: dict[tuple[str, str], list[int]] = {}
    schaal = [v for v in vragen if v.soort == "schaal"]
    for inz in inzendingen:
        for v in schaal:
            value = schaalwaarde(inz.antwoorden.get(v.code))
            if value is None:
                continue
            per_thema.setdefault(v.thema, []).append(value)
            if inz.res_code:
                per_thema_regio.setdefault((v.thema, inz.res_code), []).append(value)
    return per_thema, per_thema_regio


def aggregeer(info: VragenlijstInfo, vragen: Sequence[VraagDef], inzendingen: Sequence[Inzending],
              regios: Sequence[RegioBasis], *, regio: str | None = None,
              open_zichtbaar: Callable[[str | None], bool] = lambda res_code: False) -> Resultaten:  # fmt: skip
    """Aggregate ``inzendingen`` (already restricted to ``regio`` when given) of the questionnaire ``info`` with
    ``vragen``. ``regios``: the regions to report the response of. ``open_zichtbaar(res_code)``: whether the
    caller may read the open answers of respondents counting for that region."""
    resultaten = [_vraag_resultaat(v, inzendingen, open_zichtbaar) for v in vragen]
    respons = []
    for r in regios:
        gm = {i.respondent for i in inzendingen if i.res_code == r.res_code and i.respondent.startswith("GM")}
        zelf = any(i.respondent == r.res_code for i in inzendingen)
        respons.append(Respons(r.res_code, r.naam, r.gemeenten, len(gm), zelf))
    per_thema, per_thema_regio = _thema_waarden(vragen, inzendingen)
    thema_gemiddelde = {t: _mean(per_thema.get(t, [])) for t in _themas(vragen)}
    volgorde = sorted(thema_gemiddelde, key=lambda t: (thema_gemiddelde[t] is None, -(thema_gemiddelde[t] or 0.0)))
    gebruikt = sorted({i.res_code for i in inzendingen if i.res_code})
    return Resultaten(
        vragenlijst=info, regio=regio, aantal_inzendingen=len(inzendingen), respons=respons, vragen=resultaten,
        regios=gebruikt, per_thema_regio={k: m for k, vs in sorted(per_thema_regio.items())
                                          if (m := _mean(vs)) is not None},
        thema_gemiddelde=thema_gemiddelde, thema_volgorde=volgorde,
    )  # fmt: skip


def vergelijk(reeks: str, jaren: Sequence[tuple[int, Sequence[VraagDef], Sequence[Inzending]]], *,
              regio: str | None = None) -> Vergelijking:  # fmt: skip
    """Scale questions (matched by code) and themes of several years of ``reeks``: mean and count per year.
    Rows follow the newest year's question order; questions only asked earlier come after."""
    ordered = sorted(jaren, key=lambda j: j[0])
    alle_jaren = [j for j, _, _ in ordered]
    defs: dict[str, VraagDef] = {}
    for _, vragen, _ in reversed(ordered):  # newest first: its text and theme win
        for v in vragen:
            if v.soort == "schaal" and v.code not in defs:
                defs[v.code] = v
    per_code: dict[str, dict[int, list[int]]] = {c: {} for c in defs}
    per_thema: dict[str, dict[int, list[int]]] = {}
    for jaar, vragen, inzendingen in ordered:
        for v in vragen:
            if v.soort != "schaal":
                continue
            thema = defs[v.code].thema
            per_code[v.code].setdefault(jaar, [])
            per_thema.setdefault(thema, {}).setdefault(jaar, [])
            for inz in inzendingen:
                value = schaalwaarde(inz.antwoorden.get(v.code))
                if value is not None:
                    per_code[v.code][jaar].append(value)
                    per_thema[thema][jaar].append(value)

    def rij(code: str, thema: str, tekst: str, data: dict[int, list[int]]) -> VergelijkingRij:
        return VergelijkingRij(code, thema, tekst, {j: _mean(data.get(j, [])) for j in alle_jaren},
                               {j: len(data.get(j, [])) for j in alle_jaren})  # fmt: skip

    rows = [rij(c, d.thema, d.tekst, per_code[c]) for c, d in defs.items()]
    themas = [rij(t, t, t, per_thema[t]) for t in dict.fromkeys(d.thema for d in defs.values())]
    return Vergelijking(reeks=reeks, regio=regio, jaren=alle_jaren, rows=rows, themas=themas)
