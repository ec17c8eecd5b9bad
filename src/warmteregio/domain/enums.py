"""Enumerations used across the platform."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # NPLW accounthouder / beheerder
    COORDINATOR = "regiocoordinator"
    GEMEENTE = "gemeente"
    VIEWER = "viewer"


class TemperatureClass(StrEnum):
    """Temperature level of a heat source [°C]: HT >= 70, MT 50-70, LT 30-50, ZLT < 30."""

    HT = "HT"
    MT = "MT"
    LT = "LT"
    ZLT = "ZLT"


class SourceStatus(StrEnum):
    EXISTING = "bestaand"
    PLANNED = "gepland"
    POTENTIAL = "potentieel"
    RETIRED = "buiten_gebruik"


class SourceCategory(StrEnum):
    INCINERATOR = "afvalverbranding"
    INDUSTRY = "industrie"
    POWER_PLANT = "elektriciteitscentrale"
    BIOMASS = "biomassa"
    DATA_CENTRE = "datacenter"
    SEWAGE = "rwzi"
    GEOTHERMAL = "geothermie"
    TEO = "aquathermie_teo"
    TEA = "aquathermie_tea"
    TED = "aquathermie_ted"
    GREENHOUSE = "glastuinbouw"
    OTHER = "overig"


ENERGY_LABELS: tuple[str, ...] = ("A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G")
