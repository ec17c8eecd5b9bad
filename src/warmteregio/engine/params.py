"""Typed access to a parameter set given as a plain mapping ``name -> value``.

The engine never reads files: a :class:`Params` wraps a mapping that the catalogue loader built, and records
which set (name + version) it came from and which values a user overrode. Every result row carries
``params.label`` so a result can always be traced back to the exact numbers used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class ParameterError(KeyError):
    """A parameter the engine needs is missing from the set, or has the wrong type."""


@dataclass(frozen=True)
class Params:
    """An immutable parameter mapping with provenance.

    ``values`` holds numbers (float) and, for a few switches, strings. ``overrides`` lists the names whose
    value differs from the published set (``name -> (old, new)``).
    """

    values: Mapping[str, float | str]
    name: str = "custom"
    version: str = "0"
    overrides: Mapping[str, tuple[float | str | None, float | str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))

    # --- access -----------------------------------------------------------------------------------------
    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __getitem__(self, key: str) -> float | str:
        return self.values[key]

    def num(self, key: str, default: float | None = None) -> float:
        """The value of ``key`` as a float; ``default`` when absent (error when no default)."""
        if key not in self.values:
            if default is not None:
                return float(default)
            raise ParameterError(f"parameter ontbreekt / parameter missing: {key!r} (set {self.label})")
        value = self.values[key]
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"parameter {key!r} is geen getal / is not a number: {value!r}") from exc

    def text(self, key: str, default: str | None = None) -> str:
        if key not in self.values:
            if default is not None:
                return default
            raise ParameterError(f"parameter ontbreekt / parameter missing: {key!r} (set {self.label})")
        return str(self.values[key])

    def keys_with_prefix(self, prefix: str) -> list[str]:
        return sorted(k for k in self.values if k.startswith(prefix))

    # --- provenance -------------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """``name@version``, with ``+N overrides`` when the user changed values."""
        base = f"{self.name}@{self.version}"
        return f"{base}+{len(self.overrides)}overrides" if self.overrides else base

    def with_overrides(self, changes: Mapping[str, float | str]) -> Params:
        """A copy with ``changes`` applied; unknown names are refused (typos would silently do nothing)."""
        unknown = [k for k in changes if k not in self.values]
        if unknown:
            raise ParameterError(f"onbekende parameter(s) / unknown parameter(s): {', '.join(sorted(unknown))}")
        values = dict(self.values)
        overrides = dict(self.overrides)
        for key, new in changes.items():
            old = overrides[key][0] if key in overrides else values[key]
            values[key] = new
            overrides[key] = (old, new)
        return Params(values, self.name, self.version, overrides)

    # --- finance ----------------------------------------------------------------------------------------
    def annuity(self, lifetime_key: str, *, start: float = 0.0) -> float:
        """Annuity factor at the social discount rate for the lifetime stored under ``lifetime_key``."""
        return annuity(self.num("discontovoet_maatschappelijk"), start, start + self.num(lifetime_key))


def annuity(rate: float, start: float, stop: float) -> float:
    """Vesta's annualisation factor ``A = r / ((1+r)^-S - (1+r)^-E)`` (NcwSchema.dms).

    With ``S = 0`` this is the ordinary annuity ``r / (1 - (1+r)^-E)``; ``rate = 0`` gives ``1/(E-S)``.
    """
    if stop <= start:
        raise ValueError("stop must be after start")
    if rate == 0:
        return 1.0 / (stop - start)
    return rate / ((1 + rate) ** -start - (1 + rate) ** -stop)
