"""Database tables.

Area codes are stored with the year of the division they belong to (``jaar``). Geometries are stored as
WKB in RD New (EPSG:28992, metres); the web layer transforms to WGS84/CRS84 when serving GeoJSON.
Energy in GJ per year, power in MW, areas in m2, money in EUR.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Provincie(Base):
    __tablename__ = "provincies"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # PV28 (ETM numbering)
    naam: Mapped[str] = mapped_column(String(100))


class ResRegio(Base):
    """One of the 30 RES regions (Regionale Energiestrategie), the basis of the heat regions."""

    __tablename__ = "res_regios"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # ES18
    naam: Mapped[str] = mapped_column(String(100))
    provincie_code: Mapped[str | None] = mapped_column(ForeignKey("provincies.code"), nullable=True)

    gemeenten: Mapped[list[Gemeente]] = relationship(back_populates="regio", order_by="Gemeente.naam")


class Gemeente(Base):
    __tablename__ = "gemeenten"
    __table_args__ = (UniqueConstraint("code", "jaar", name="uq_gemeenten_code_jaar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), index=True)  # GM0505
    jaar: Mapped[int] = mapped_column(Integer)  # year of the division
    naam: Mapped[str] = mapped_column(String(100))
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    provincie_code: Mapped[str | None] = mapped_column(ForeignKey("provincies.code"), nullable=True)
    geometry: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # WKB, RD New
    geometry_bron: Mapped[str | None] = mapped_column(String(200), nullable=True)

    regio: Mapped[ResRegio | None] = relationship(back_populates="gemeenten")


class Wijk(Base):
    __tablename__ = "wijken"
    __table_args__ = (UniqueConstraint("code", "jaar", name="uq_wijken_code_jaar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), index=True)  # WK050501
    jaar: Mapped[int] = mapped_column(Integer)
    naam: Mapped[str | None] = mapped_column(String(200), nullable=True)
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)


class Buurt(Base):
    """A CBS buurt with its heat demand, dwellings and building stock.

    Heat demand by function is in GJ per year (PBL Startanalyse: space heating, tap water, ventilation,
    cooling and appliances). ``weq`` is the number of woningequivalenten: a dwelling counts 1, utility
    floor area counts per 130 m2.
    """

    __tablename__ = "buurten"
    __table_args__ = (UniqueConstraint("code", "jaar", name="uq_buurten_code_jaar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), index=True)  # BU05050101
    jaar: Mapped[int] = mapped_column(Integer)
    naam: Mapped[str | None] = mapped_column(String(200), nullable=True)
    wijk_code: Mapped[str] = mapped_column(String(8), index=True)
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)
    centroid_x: Mapped[float | None] = mapped_column(Float, nullable=True)  # RD New [m]
    centroid_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    geometry: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # WKB, RD New
    geometry_schematisch: Mapped[bool] = mapped_column(Boolean, default=False)
    geometry_bron: Mapped[str | None] = mapped_column(String(200), nullable=True)
    aantal_woningen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    aantal_utiliteit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    weq_woningen: Mapped[float | None] = mapped_column(Float, nullable=True)
    weq_utiliteit: Mapped[float | None] = mapped_column(Float, nullable=True)
    weq: Mapped[float | None] = mapped_column(Float, nullable=True)
    opp_woningen_m2: Mapped[float | None] = mapped_column(Float, nullable=True)
    opp_utiliteit_m2: Mapped[float | None] = mapped_column(Float, nullable=True)
    vraag_ruimteverwarming_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    vraag_tapwater_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    vraag_ventilatie_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    vraag_koude_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    vraag_apparaten_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    vraag_totaal_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    bestaand_warmtenet_aandeel: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0..1
    in_studiegebied: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    bron: Mapped[str | None] = mapped_column(String(200), nullable=True)

    labels: Mapped[list[BuurtLabel]] = relationship(
        back_populates="buurt", cascade="all, delete-orphan", order_by="BuurtLabel.label"
    )
    gebouwgroepen: Mapped[list[Gebouwgroep]] = relationship(
        back_populates="buurt", cascade="all, delete-orphan"
    )


class BuurtLabel(Base):
    """Number of dwellings per energy label in a buurt."""

    __tablename__ = "buurt_labels"
    __table_args__ = (UniqueConstraint("buurt_id", "label", name="uq_buurt_labels_buurt_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(6))
    aantal: Mapped[float] = mapped_column(Float)
    bron: Mapped[str | None] = mapped_column(String(200), nullable=True)
    afgeleid: Mapped[bool] = mapped_column(Boolean, default=False)  # derived from mean EPI, not observed

    buurt: Mapped[Buurt] = relationship(back_populates="labels")


class Gebouwgroep(Base):
    """A building group in a buurt: type x build period, with count, mean EPI and floor area.

    ``sector`` is ``woning`` (type: Apartment, Terraced house, ...) or ``utiliteit`` (type: size class).
    ``gem_epi`` is the mean energy performance index [-]; floor areas in m2.
    """

    __tablename__ = "gebouwgroepen"
    __table_args__ = (
        UniqueConstraint("buurt_id", "sector", "type", "bouwperiode", name="uq_gebouwgroepen_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(40))
    bouwperiode: Mapped[str] = mapped_column(String(20))
    aantal: Mapped[int] = mapped_column(Integer)
    gem_epi: Mapped[float | None] = mapped_column(Float, nullable=True)
    gem_oppervlakte_m2: Mapped[float | None] = mapped_column(Float, nullable=True)
    totaal_oppervlakte_m2: Mapped[float | None] = mapped_column(Float, nullable=True)
    aantal_kleine_woningen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bron: Mapped[str | None] = mapped_column(String(200), nullable=True)

    buurt: Mapped[Buurt] = relationship(back_populates="gebouwgroepen")


class Warmtebron(Base):
    """A heat source. Location in RD New [m]; available heat in GJ per year; capacity in MW."""

    __tablename__ = "warmtebronnen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. HTHP0002
    naam: Mapped[str] = mapped_column(String(200))
    categorie: Mapped[str] = mapped_column(String(40))
    temperatuurklasse: Mapped[str] = mapped_column(String(4))
    beschikbaar_gj_per_jaar: Mapped[float | None] = mapped_column(Float, nullable=True)
    capaciteit_mw: Mapped[float | None] = mapped_column(Float, nullable=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    potentie: Mapped[str | None] = mapped_column(String(10), nullable=True)  # hoog / laag scenario
    buurten_in_bereik: Mapped[str | None] = mapped_column(Text, nullable=True)  # comma-separated BU codes
    bron: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ParameterSet(Base):
    """A named, versioned set of parameters (kentallen), e.g. Vesta 2020 or 2025."""

    __tablename__ = "parameter_sets"
    __table_args__ = (UniqueConstraint("naam", "versie", name="uq_parameter_sets_naam_versie"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(100))
    versie: Mapped[str] = mapped_column(String(40))
    beschrijving: Mapped[str | None] = mapped_column(Text, nullable=True)
    bron: Mapped[str | None] = mapped_column(Text, nullable=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A user's copy records the set it was copied from and who made it (migration 0002).
    basis_naam: Mapped[str | None] = mapped_column(String(100), nullable=True)
    basis_versie: Mapped[str | None] = mapped_column(String(40), nullable=True)
    aangemaakt_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )

    waarden: Mapped[list[ParameterWaarde]] = relationship(
        back_populates="parameter_set", cascade="all, delete-orphan", order_by="ParameterWaarde.naam"
    )


class ParameterWaarde(Base):
    """One parameter: name, value, unit, source, description; ``jaar`` for time series (price paths)."""

    __tablename__ = "parameter_waarden"
    __table_args__ = (Index("ix_parameter_waarden_set_naam", "set_id", "naam", "jaar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("parameter_sets.id", ondelete="CASCADE"))
    naam: Mapped[str] = mapped_column(String(200))
    jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    waarde: Mapped[str] = mapped_column(Text)  # as written in the source (may be a |-separated list)
    waarde_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    eenheid: Mapped[str | None] = mapped_column(String(60), nullable=True)
    bron: Mapped[str | None] = mapped_column(Text, nullable=True)
    beschrijving: Mapped[str | None] = mapped_column(Text, nullable=True)
    groep: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # Set when a user overrode this value in a copy: the value it replaced, who changed it and why.
    oorspronkelijke_waarde: Mapped[str | None] = mapped_column(Text, nullable=True)
    aangepast_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reden: Mapped[str | None] = mapped_column(Text, nullable=True)

    parameter_set: Mapped[ParameterSet] = relationship(back_populates="waarden")


class ImportRun(Base):
    """Provenance of every successful import: what file, which source and licence, when, by whom."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    importer: Mapped[str] = mapped_column(String(60))
    bestandsnaam: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    rijen: Mapped[int] = mapped_column(Integer)
    bron: Mapped[str | None] = mapped_column(Text, nullable=True)
    licentie: Mapped[str | None] = mapped_column(String(100), nullable=True)
    gebruiker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    rol: Mapped[str] = mapped_column(String(20))
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True)
    gemeente_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    laatste_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Beoordelingsrun(Base):
    """One run of the afwegingskader (assessment) for a region or a selection of buurten, with provenance.

    ``parameterset_naam`` + ``parameterset_versie`` name the parameter set used; ``overrides`` (JSON text,
    ``{"name": value}``) are values replaced for this run only. ``catalogus_versie`` is the version of the
    strategy catalogue and ``code_versie`` the warmteregio version that computed the results. ``status`` is
    ``bezig`` (running), ``klaar`` (done) or ``mislukt`` (failed, with ``foutmelding``; no result rows kept).
    """

    __tablename__ = "beoordelingsruns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regio_code: Mapped[str | None] = mapped_column(String(4), nullable=True, index=True)
    buurten: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of BU codes, for a selection
    buurt_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    zichtjaar: Mapped[int] = mapped_column(Integer)
    parameterset_naam: Mapped[str] = mapped_column(String(100))
    parameterset_versie: Mapped[str] = mapped_column(String(40))
    overrides: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON object name -> value
    catalogus_versie: Mapped[str | None] = mapped_column(String(60), nullable=True)
    code_versie: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="bezig")
    gestart: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    beeindigd: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gestart_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    aantal_rijen: Mapped[int] = mapped_column(Integer, default=0)
    foutmelding: Mapped[str | None] = mapped_column(Text, nullable=True)
    bronnen: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list: data sources of the inputs
    kolommen: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list: engine output columns, in order

    resultaten: Mapped[list[Beoordelingsresultaat]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True
    )


class Beoordelingsresultaat(Base):
    """One result row of a run: one buurt x one strategy variant.

    The headline indicators are real columns (for sorting, maps and the lowest-cost query); every other
    column of the engine's output contract is in ``waarden`` (JSON text, ``{"K01_Enet_verzwaren": ...}``).
    Money in EUR per year (national costs, excl. taxes), CO2 in tonnes per year, H17 in EUR per tonne CO2
    avoided, H18 in EUR per WEQ per year. The parameter set and version are those of the run.
    """

    __tablename__ = "beoordelingsresultaten"
    __table_args__ = (Index("ix_beoordelingsresultaten_run_buurt", "run_id", "buurt_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("beoordelingsruns.id", ondelete="CASCADE"))
    buurt_code: Mapped[str] = mapped_column(String(10))
    buurt_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    strategie: Mapped[str] = mapped_column(String(60))
    h15_co2_uitstoot: Mapped[float | None] = mapped_column(Float, nullable=True)
    h16_nat_meerkost: Mapped[float | None] = mapped_column(Float, nullable=True)
    h17_nat_meerkost_co2: Mapped[float | None] = mapped_column(Float, nullable=True)
    h18_nat_meerkost_weq: Mapped[float | None] = mapped_column(Float, nullable=True)
    k10_kapitaallasten: Mapped[float | None] = mapped_column(Float, nullable=True)
    k17_variabele_kosten: Mapped[float | None] = mapped_column(Float, nullable=True)
    waarden: Mapped[str] = mapped_column(Text)  # JSON object: all other contract columns

    run: Mapped[Beoordelingsrun] = relationship(back_populates="resultaten")
