"""The strategy catalogue: variants as plain data (no I/O here; see :mod:`warmteregio.catalogue`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

LABEL_TARGETS = ("-", "A", "B", "C", "D")
INSTALLATIONS_W = ("HR", "eWP_lw", "eWP_bw", "hWP", "H2R", "H2WP", "warmtenet_MT", "warmtenet_LT")
INSTALLATIONS_U = ("HR", "eWP_lw_u", "eWP_bw_u", "hWP_lw_u", "H2R", "H2WPu", "warmtenet_MT", "warmtenet_LT")
AREA_OPTIONS = (
    "geen", "groengas", "waterstof", "restwarmte", "geo_contour", "geo_overal",
    "lt30_30", "lt30_70", "buurtwko", "wko", "teo", "bron",
)  # fmt: skip
GAS_GRID = ("behouden", "verwijderen", "waterstof")
REQUIRED_FIELDS = (
    "code", "pbl_naam", "familie", "label_w", "label_u", "installatie_w", "installatie_u",
    "gebiedsoptie", "gasnet", "elektrisch_koken", "in_viewer", "jaarset",
)  # fmt: skip


class CatalogueError(ValueError):
    """A variant definition is incomplete or uses an unknown option (message in Dutch and English)."""


@dataclass(frozen=True)
class Variant:
    code: str  # short code, e.g. S1a
    pbl_naam: str  # PBL's variant name, e.g. S1a_B_LuchtWP; the ``strategie`` column of results
    familie: str  # REF, S1..S5 or a user family
    label_w: str  # shell ambition dwellings: '-', 'B', 'D', ...
    label_u: str  # shell ambition utility (PBL: utility cannot jump to C/D)
    installatie_w: str
    installatie_u: str
    gebiedsoptie: str
    gasnet: str
    elektrisch_koken: bool
    in_viewer: bool
    jaarset: tuple[str, ...]
    gebouwoptie_w: str = ""
    gebouwoptie_u: str = ""
    bron_naam: str = ""  # a named (regional) heat source for user-defined heat-network variants
    beschrijving_nl: str = ""
    beschrijving_en: str = ""

    @property
    def is_reference(self) -> bool:
        return self.familie == "REF"

    @property
    def is_heatnet(self) -> bool:
        return self.installatie_w.startswith("warmtenet")

    @classmethod
    def from_row(cls, row: Mapping[str, str], line: int | None = None) -> Variant:
        where = f"regel/line {line}: " if line is not None else ""
        missing = [f for f in REQUIRED_FIELDS if not (row.get(f) or "").strip()]
        if missing:
            raise CatalogueError(f"{where}ontbrekende velden / missing fields: {', '.join(missing)}")
        r = {k: (v or "").strip() for k, v in row.items() if k}
        checks = (
            ("label_w", LABEL_TARGETS), ("label_u", LABEL_TARGETS), ("installatie_w", INSTALLATIONS_W),
            ("installatie_u", INSTALLATIONS_U), ("gebiedsoptie", AREA_OPTIONS), ("gasnet", GAS_GRID),
        )  # fmt: skip
        for name, allowed in checks:
            if r[name] not in allowed:
                raise CatalogueError(
                    f"{where}{name}={r[name]!r} onbekend, kies uit / unknown, choose from: {', '.join(allowed)}"
                )
        flags = {}
        for name in ("elektrisch_koken", "in_viewer"):
            if r[name] not in ("0", "1"):
                raise CatalogueError(f"{where}{name} moet 0 of 1 zijn / must be 0 or 1: {r[name]!r}")
            flags[name] = r[name] == "1"
        return cls(
            code=r["code"], pbl_naam=r["pbl_naam"], familie=r["familie"], label_w=r["label_w"],
            label_u=r["label_u"], installatie_w=r["installatie_w"], installatie_u=r["installatie_u"],
            gebiedsoptie=r["gebiedsoptie"], gasnet=r["gasnet"], elektrisch_koken=flags["elektrisch_koken"],
            in_viewer=flags["in_viewer"], jaarset=tuple(s for s in r["jaarset"].split("|") if s),
            gebouwoptie_w=r.get("gebouwoptie_w", ""), gebouwoptie_u=r.get("gebouwoptie_u", ""),
            bron_naam=r.get("bron_naam", ""), beschrijving_nl=r.get("beschrijving_nl", ""),
            beschrijving_en=r.get("beschrijving_en", ""),
        )  # fmt: skip


@dataclass(frozen=True)
class Catalogue:
    """An ordered set of variants; exactly one reference (familie REF)."""

    variants: tuple[Variant, ...]
    name: str = "custom"

    def __post_init__(self) -> None:
        names = [v.pbl_naam for v in self.variants]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise CatalogueError(f"dubbele variantnaam / duplicate variant name: {', '.join(dup)}")
        refs = [v for v in self.variants if v.is_reference]
        if len(refs) != 1:
            raise CatalogueError(f"precies een referentie nodig / exactly one reference needed, got {len(refs)}")

    def __iter__(self) -> Iterator[Variant]:
        return iter(self.variants)

    def __len__(self) -> int:
        return len(self.variants)

    @property
    def reference(self) -> Variant:
        return next(v for v in self.variants if v.is_reference)

    def get(self, key: str) -> Variant:
        for v in self.variants:
            if key in (v.code, v.pbl_naam):
                return v
        raise KeyError(key)

    def select(self, keys: Iterable[str]) -> Catalogue:
        wanted = set(keys)
        return Catalogue(
            tuple(v for v in self.variants if v.is_reference or v.code in wanted or v.pbl_naam in wanted), self.name
        )

    def with_variants(self, extra: Iterable[Variant]) -> Catalogue:
        return Catalogue(self.variants + tuple(extra), self.name)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]], name: str = "custom", first_line: int = 2) -> Catalogue:
        return cls(tuple(Variant.from_row(r, first_line + i) for i, r in enumerate(rows)), name)
