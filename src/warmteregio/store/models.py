"""Database tables.

Area codes are stored with the year of the division they belong to (``jaar``). Geometries are stored as
WKB in RD New (EPSG:28992, metres); the web layer transforms to WGS84/CRS84 when serving GeoJSON.
Energy in GJ per year, power in MW, areas in m2, money in EUR.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
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
    # registry fields (issue 5); every figure can carry its evidence in ``bewijs``
    eigenaar: Mapped[str | None] = mapped_column(String(200), nullable=True)
    temperatuur_c: Mapped[float | None] = mapped_column(Float, nullable=True)  # supply temperature [C]
    booster_nodig: Mapped[bool] = mapped_column(Boolean, default=False)  # heat pump needed to reach network temp
    startjaar: Mapped[int | None] = mapped_column(Integer, nullable=True)  # first year heat is available
    eindjaar: Mapped[int | None] = mapped_column(Integer, nullable=True)  # last year (e.g. end of a contract)
    betrouwbaarheid: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0..1 (availability)
    warmteprijs_eur_gj: Mapped[float | None] = mapped_column(Float, nullable=True)  # heat at the source [EUR/GJ]
    aansluitkosten_eur_kw: Mapped[float | None] = mapped_column(Float, nullable=True)  # extraction/connection
    co2_kg_per_gj: Mapped[float | None] = mapped_column(Float, nullable=True)  # emission factor of the heat
    gemeente_code: Mapped[str | None] = mapped_column(String(6), nullable=True, index=True)  # where it lies
    bewijs: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field -> {"bron": ..., "toelichting": ...}
    toelichting: Mapped[str | None] = mapped_column(Text, nullable=True)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gewijzigd: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gewijzigd_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    versies: Mapped[list[WarmtebronVersie]] = relationship(
        back_populates="warmtebron", cascade="all, delete-orphan", passive_deletes=True,
        order_by="WarmtebronVersie.versie",
    )


class WarmtebronVersie(Base):
    """One version of a heat source: a full snapshot (``gegevens``, JSON of every registry field) written on every
    create, edit, retire or import, with what changed (``wijzigingen``: field -> [old, new]), why (``reden``) and
    by whom. ``actie``: aangemaakt, gewijzigd, buiten_gebruik, hersteld or geimporteerd. Append-only."""

    __tablename__ = "warmtebron_versies"
    __table_args__ = (UniqueConstraint("warmtebron_id", "versie", name="uq_warmtebron_versies_bron_versie"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warmtebron_id: Mapped[int] = mapped_column(ForeignKey("warmtebronnen.id", ondelete="CASCADE"), index=True)
    versie: Mapped[int] = mapped_column(Integer)
    actie: Mapped[str] = mapped_column(String(20))
    gegevens: Mapped[str] = mapped_column(Text)
    wijzigingen: Mapped[str] = mapped_column(Text, default="{}")
    reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    warmtebron: Mapped[Warmtebron] = relationship(back_populates="versies")


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


# --------------------------------------------------------------------------------------------------------------
# Afwegingskader II: area characteristics, user-entered criterion values, workshop cases, national sweeps
# --------------------------------------------------------------------------------------------------------------


class Gebiedskenmerk(Base):
    """A socio-economic characteristic of an area (GM/WK/BU code of division year ``jaar``), e.g. the share of
    social housing or the average household income, with unit and source. ``peiljaar`` is the year the figure
    describes (CBS KWB 2021 -> 2021). Criteria use the most specific area available (buurt, else gemeente)."""

    __tablename__ = "gebiedskenmerken"
    __table_args__ = (
        UniqueConstraint("gebied_code", "kenmerk", "peiljaar", name="uq_gebiedskenmerken_gebied_kenmerk_peiljaar"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gebied_code: Mapped[str] = mapped_column(String(10), index=True)  # GM0505, WK050501 or BU05050101
    kenmerk: Mapped[str] = mapped_column(String(60))  # e.g. aandeel_sociale_huur, gem_huishoudinkomen_eur
    peiljaar: Mapped[int] = mapped_column(Integer)
    waarde: Mapped[float] = mapped_column(Float)
    eenheid: Mapped[str] = mapped_column(String(30))  # "0-1", "EUR/jr", ...
    bron: Mapped[str] = mapped_column(String(300))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id", ondelete="SET NULL"), nullable=True)


class Criteriuminvoer(Base):
    """A criterion value entered by a user where no data exists (or overriding the computed one) for one buurt x
    variant, kept with its history: a new entry supersedes the previous one (``vervangen_door_id``); removing
    sets ``ingetrokken``. ``variant_code`` is a catalogue code (S1a) or ``*`` for every variant of the buurt."""

    __tablename__ = "criteriuminvoer"
    __table_args__ = (Index("ix_criteriuminvoer_buurt_criterium", "buurt_code", "criterium"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    buurt_code: Mapped[str] = mapped_column(String(10))
    variant_code: Mapped[str] = mapped_column(String(20))
    criterium: Mapped[str] = mapped_column(String(60))
    waarde: Mapped[float] = mapped_column(Float)
    toelichting: Mapped[str] = mapped_column(Text)  # why / source; required
    door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    vervangen_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("criteriuminvoer.id", ondelete="SET NULL"), nullable=True
    )
    ingetrokken: Mapped[bool] = mapped_column(Boolean, default=False)


class Casus(Base):
    """A workshop case: a region or a set of buurten, the variants and criteria to weigh, based on one
    assessment run. ``status``: ``open`` (participants can give weights) or ``gesloten`` (closed; the decision
    log is final). JSON text lists in ``buurten``, ``varianten`` and ``criteria``."""

    __tablename__ = "casussen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titel: Mapped[str] = mapped_column(String(200))
    beschrijving: Mapped[str] = mapped_column(Text, default="")
    regio_code: Mapped[str | None] = mapped_column(String(4), nullable=True, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("beoordelingsruns.id", ondelete="SET NULL"), nullable=True)
    buurten: Mapped[str] = mapped_column(Text)  # JSON list of BU codes
    varianten: Mapped[str] = mapped_column(Text)  # JSON list of variant codes (S1a, ...)
    criteria: Mapped[str] = mapped_column(Text)  # JSON list of criterion codes
    methode: Mapped[str] = mapped_column(String(30), default="gewogen_som")
    status: Mapped[str] = mapped_column(String(10), default="open")
    aangemaakt_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gesloten: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    besluit: Mapped[str | None] = mapped_column(Text, nullable=True)  # the group's conclusion, for the log
    resultaat: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: results frozen when closed

    deelnemers: Mapped[list[CasusDeelnemer]] = relationship(
        back_populates="casus", cascade="all, delete-orphan", passive_deletes=True
    )


class CasusDeelnemer(Base):
    """A participant of a case; ``rol`` is ``begeleider`` (facilitator) or ``deelnemer``."""

    __tablename__ = "casus_deelnemers"
    __table_args__ = (UniqueConstraint("casus_id", "user_id", name="uq_casus_deelnemers_casus_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    casus_id: Mapped[int] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rol: Mapped[str] = mapped_column(String(20), default="deelnemer")
    toegevoegd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    casus: Mapped[Casus] = relationship(back_populates="deelnemers")


class CasusInbreng(Base):
    """One submission of a participant: weights per criterion and written arguments. Append-only: every save is a
    new row (``versie`` counts per participant); the latest counts, the history goes into the decision log."""

    __tablename__ = "casus_inbreng"
    __table_args__ = (Index("ix_casus_inbreng_casus_user", "casus_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    casus_id: Mapped[int] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    versie: Mapped[int] = mapped_column(Integer)
    gewichten: Mapped[str] = mapped_column(Text)  # JSON object criterion -> weight (>= 0; normalised on use)
    argumenten: Mapped[str] = mapped_column(Text, default="{}")  # JSON object criterion|"algemeen" -> text
    ingediend: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Sweep(Base):
    """A national (or multi-region) SMAA sweep run on Dask, partitioned by gemeente, with progress.

    ``status``: ``wachtend``, ``bezig``, ``klaar``, ``mislukt`` or ``geannuleerd``; ``instellingen`` is JSON text
    (samples, seed, weights, method, parameter set); ``scheduler`` the Dask scheduler used (``local`` or an
    address). Results are per buurt in ``sweep_resultaten``."""

    __tablename__ = "sweeps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="wachtend")
    instellingen: Mapped[str] = mapped_column(Text)
    scheduler: Mapped[str] = mapped_column(String(200), default="local")
    partities_totaal: Mapped[int] = mapped_column(Integer, default=0)
    partities_klaar: Mapped[int] = mapped_column(Integer, default=0)
    gestart: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    beeindigd: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gestart_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    code_versie: Mapped[str] = mapped_column(String(40))
    foutmelding: Mapped[str | None] = mapped_column(Text, nullable=True)


class SweepResultaat(Base):
    """Per buurt of a sweep: the most acceptable variant, its first-rank acceptability, the practically tied
    variants and the full first-rank acceptabilities (JSON text ``{"S1a": 0.62, ...}``)."""

    __tablename__ = "sweep_resultaten"
    __table_args__ = (Index("ix_sweep_resultaten_sweep_buurt", "sweep_id", "buurt_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sweep_id: Mapped[int] = mapped_column(ForeignKey("sweeps.id", ondelete="CASCADE"))
    buurt_code: Mapped[str] = mapped_column(String(10))
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)
    winnaar: Mapped[str | None] = mapped_column(String(20), nullable=True)
    acceptatie: Mapped[float | None] = mapped_column(Float, nullable=True)
    gelijkspel: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of variant codes
    acceptaties: Mapped[str] = mapped_column(Text, default="{}")


# --------------------------------------------------------------------------------------------------------------
# Heat sources and regional allocation (issue 5)
# --------------------------------------------------------------------------------------------------------------


class Allocatierun(Base):
    """One allocation of sources to buurten for a region (``warmteregio.allocation``), possibly a scenario.

    ``status``: ``wachtend``, ``bezig``, ``klaar``, ``onhaalbaar`` (infeasible; reasons in ``uitleg``),
    ``mislukt`` (error in ``foutmelding``) or ``geannuleerd``. ``zichtjaar`` is the cost year of the engine,
    ``bronjaar`` the year in which a source must be available (start <= bronjaar <= end). JSON text in
    ``instellingen`` (model settings, fixed buurten), ``scenario`` (the changes to sources and prices against the
    registry), ``uitleg`` (list of [nl, en]), ``bronnen`` (per source: use, capacity, marginal value of one more
    MW), ``gemeenten`` (per gemeente: costs, CO2, cost alone, gain), ``pareto`` (cost/CO2 points) and
    ``waarschuwingen``. ``basis_id`` names the run this scenario is compared with. Rows per buurt are in
    ``allocatie_buurten`` and are written together with the status ``klaar`` in one transaction."""

    __tablename__ = "allocatieruns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titel: Mapped[str] = mapped_column(String(200))
    regio_code: Mapped[str] = mapped_column(String(4), index=True)
    status: Mapped[str] = mapped_column(String(12), default="wachtend")
    zichtjaar: Mapped[int] = mapped_column(Integer, default=2030)
    bronjaar: Mapped[int] = mapped_column(Integer, default=2030)
    parameterset_naam: Mapped[str] = mapped_column(String(100))
    parameterset_versie: Mapped[str | None] = mapped_column(String(40), nullable=True)
    instellingen: Mapped[str] = mapped_column(Text, default="{}")
    scenario: Mapped[str] = mapped_column(Text, default="{}")
    basis_id: Mapped[int | None] = mapped_column(ForeignKey("allocatieruns.id", ondelete="SET NULL"), nullable=True)
    code_versie: Mapped[str] = mapped_column(String(40))
    voortgang_stap: Mapped[str | None] = mapped_column(String(80), nullable=True)
    voortgang_klaar: Mapped[int] = mapped_column(Integer, default=0)
    voortgang_totaal: Mapped[int] = mapped_column(Integer, default=0)
    gestart: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    beeindigd: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gestart_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    totale_kosten: Mapped[float | None] = mapped_column(Float, nullable=True)  # EUR/yr, national costs
    kosten_individueel: Mapped[float | None] = mapped_column(Float, nullable=True)  # EUR/yr if nobody connects
    totale_co2: Mapped[float | None] = mapped_column(Float, nullable=True)  # t/yr
    gap: Mapped[float | None] = mapped_column(Float, nullable=True)  # relative optimality gap
    oplostijd_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    uitleg: Mapped[str] = mapped_column(Text, default="[]")
    bronnen: Mapped[str] = mapped_column(Text, default="[]")
    gemeenten: Mapped[str] = mapped_column(Text, default="[]")
    pareto: Mapped[str] = mapped_column(Text, default="[]")
    waarschuwingen: Mapped[str] = mapped_column(Text, default="[]")
    foutmelding: Mapped[str | None] = mapped_column(Text, nullable=True)

    buurten: Mapped[list[AllocatieBuurt]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True
    )


class AllocatieBuurt(Base):
    """The outcome of an allocation for one buurt: the source it is connected to (``bron_code``; None =
    individual) and how (``soort``: the network kind, e.g. ``net_B``, or the individual variant, e.g. ``S1a``),
    national costs [EUR/yr] including the transport pipe (``leiding_eur_jr``) and source heat, heat from the
    source [GJ/yr], the source's share of the peak [MW], the routed pipe length [m], CO2 [t/yr] and whether the
    user fixed it (``vastgezet``: ``in``, ``uit`` or None)."""

    __tablename__ = "allocatie_buurten"
    __table_args__ = (Index("ix_allocatie_buurten_run_buurt", "run_id", "buurt_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocatieruns.id", ondelete="CASCADE"))
    buurt_code: Mapped[str] = mapped_column(String(10))
    gemeente_code: Mapped[str] = mapped_column(String(6))
    bron_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    soort: Mapped[str] = mapped_column(String(20))
    kosten_eur_jr: Mapped[float] = mapped_column(Float)
    kosten_individueel_eur_jr: Mapped[float | None] = mapped_column(Float, nullable=True)
    leiding_eur_jr: Mapped[float] = mapped_column(Float, default=0.0)
    warmte_gj: Mapped[float] = mapped_column(Float, default=0.0)
    piek_mw: Mapped[float] = mapped_column(Float, default=0.0)
    afstand_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    co2_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    vastgezet: Mapped[str | None] = mapped_column(String(4), nullable=True)

    run: Mapped[Allocatierun] = relationship(back_populates="buurten")


# --------------------------------------------------------------------------------------------------------------
# Warmteprogramma workbench (warmteregio.programme)
# --------------------------------------------------------------------------------------------------------------


class Warmteprogramma(Base):
    """One version of a gemeente's warmteprogramma (Wgiw / Omgevingswet).

    ``status``: ``concept`` (draft), ``consultatie`` (published for consultation), ``vastgesteld`` (adopted on
    ``vastgesteld_op`` by decision ``besluit_referentie``) or ``vervallen`` (superseded by a later adopted
    version). At most one version per gemeente is ``concept`` or ``consultatie`` at a time; adopted and superseded
    versions are immutable. ``actualisatie_uiterlijk`` is the latest date of the next update (adoption + 5 years,
    from the rules file). ``vorige_id`` is the adopted version this one was derived from (for the look-back).
    ``teksten`` is JSON text: chapter code -> text (Markdown subset). ``versie`` counts edits (optimistic locking)."""

    __tablename__ = "warmteprogrammas"
    __table_args__ = (UniqueConstraint("gemeente_code", "volgnummer", name="uq_warmteprogrammas_gemeente_volgnummer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)
    volgnummer: Mapped[int] = mapped_column(Integer)
    titel: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="concept", index=True)
    vorige_id: Mapped[int | None] = mapped_column(
        ForeignKey("warmteprogrammas.id", ondelete="SET NULL"), nullable=True
    )
    beoordelingsrun_id: Mapped[int | None] = mapped_column(
        ForeignKey("beoordelingsruns.id", ondelete="SET NULL"), nullable=True
    )
    allocatierun_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocatieruns.id", ondelete="SET NULL"), nullable=True
    )
    teksten: Mapped[str] = mapped_column(Text, default="{}")
    consultatie_van: Mapped[date | None] = mapped_column(Date, nullable=True)
    consultatie_tot: Mapped[date | None] = mapped_column(Date, nullable=True)
    vastgesteld_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    vastgesteld_door: Mapped[str | None] = mapped_column(String(40), nullable=True)  # gemeenteraad / college
    besluit_referentie: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actualisatie_uiterlijk: Mapped[date | None] = mapped_column(Date, nullable=True)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    gewijzigd_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    plannen: Mapped[list[ProgrammaBuurtplan]] = relationship(
        back_populates="programma", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ProgrammaBuurtplan.buurt_code",
    )
    stappen: Mapped[list[ProgrammaStap]] = relationship(
        back_populates="programma", cascade="all, delete-orphan", passive_deletes=True
    )


class ProgrammaBuurtplan(Base):
    """The plan for one buurt in one programme version.

    ``alternatief``: a catalogue variant code (``S1a`` ... ``S5d``) or a family choice (``warmtenet``,
    ``all_electric``, ``groengas_hybride``, ``waterstof``, ``nader_te_bepalen``): the 2050 perspective.
    ``analyse_*`` is the snapshot of the assessment framework's preferred variant, its robustness (first-rank
    acceptability 0-1) and its explanation; a chosen alternative of another family needs ``afwijking_reden``.
    ``fase``: verkenning, planvorming, uitvoeringsplan, uitvoering, gereed. ``startjaar``/``doeljaar``: start of
    the approach and year natural-gas free; buurten with a start within the plan horizon (10 years) are the
    programme's buurten for the coming period. ``aanwijzen``: the municipality intends to designate the area
    (``aanwijsbesluit_jaar``: year of the intended decision; ``aardgasvrij_jaar``: end of the term; a term
    shorter than the guideline needs ``termijn_reden``). Money for the chosen alternative from the assessment run:
    ``nationale_kosten_weq`` [EUR/WEQ/yr], ``maandlasten_*`` [EUR/month difference]. ``koppelkansen`` is JSON text:
    a list of ``{"soort", "omschrijving", "jaar"}``."""

    __tablename__ = "programma_buurtplannen"
    __table_args__ = (UniqueConstraint("programma_id", "buurt_code", name="uq_programma_buurtplannen_programma_buurt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programma_id: Mapped[int] = mapped_column(ForeignKey("warmteprogrammas.id", ondelete="CASCADE"), index=True)
    buurt_code: Mapped[str] = mapped_column(String(10))
    buurt_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cluster: Mapped[str | None] = mapped_column(String(100), nullable=True)
    alternatief: Mapped[str | None] = mapped_column(String(60), nullable=True)
    analyse_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    analyse_voorkeur: Mapped[str | None] = mapped_column(String(60), nullable=True)
    analyse_robuustheid: Mapped[float | None] = mapped_column(Float, nullable=True)
    analyse_uitleg_nl: Mapped[str | None] = mapped_column(Text, nullable=True)
    analyse_uitleg_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    afwijking_reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    fase: Mapped[str] = mapped_column(String(20), default="verkenning")
    startjaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    doeljaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    koppelkansen: Mapped[str] = mapped_column(Text, default="[]")
    aanwijzen: Mapped[bool] = mapped_column(Boolean, default=False)
    aanwijsbesluit_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    aardgasvrij_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    termijn_reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    betaalbaarheid: Mapped[str | None] = mapped_column(Text, nullable=True)
    haalbaarheid: Mapped[str | None] = mapped_column(Text, nullable=True)
    nationale_kosten_weq: Mapped[float | None] = mapped_column(Float, nullable=True)
    maandlasten_eigenaar: Mapped[float | None] = mapped_column(Float, nullable=True)
    maandlasten_sociale_huur: Mapped[float | None] = mapped_column(Float, nullable=True)
    maandlasten_particuliere_huur: Mapped[float | None] = mapped_column(Float, nullable=True)
    warmtebron_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    warmtenet: Mapped[str | None] = mapped_column(String(100), nullable=True)
    toelichting: Mapped[str | None] = mapped_column(Text, nullable=True)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    programma: Mapped[Warmteprogramma] = relationship(back_populates="plannen")


class ProgrammaStap(Base):
    """The status of one step of the process guide (``programme/data/stappen.csv``) in one programme version:
    ``status`` open, bezig, gereed or nvt (not applicable, with ``toelichting``), the owner and the evidence."""

    __tablename__ = "programma_stappen"
    __table_args__ = (UniqueConstraint("programma_id", "stap_code", name="uq_programma_stappen_programma_stap"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programma_id: Mapped[int] = mapped_column(ForeignKey("warmteprogrammas.id", ondelete="CASCADE"), index=True)
    stap_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="open")
    eigenaar: Mapped[str | None] = mapped_column(String(200), nullable=True)
    bewijs: Mapped[str | None] = mapped_column(Text, nullable=True)
    toelichting: Mapped[str | None] = mapped_column(Text, nullable=True)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    programma: Mapped[Warmteprogramma] = relationship(back_populates="stappen")


class ProgrammaPartner(Base):
    """A stakeholder organisation of a gemeente's heat transition (grid operator, corporation, residents' group,
    heat company, province, water board ...) with one contact. Personal data is kept to what the function needs
    (name, function, work e-mail) and is only shown to logged-in members of the gemeente or region."""

    __tablename__ = "programma_partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)
    organisatie: Mapped[str] = mapped_column(String(200))
    soort: Mapped[str] = mapped_column(String(30))
    rol: Mapped[str | None] = mapped_column(Text, nullable=True)
    contactpersoon: Mapped[str | None] = mapped_column(String(200), nullable=True)
    functie: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class Participatiemoment(Base):
    """One entry of the participation log: a meeting, survey, conversation or formal response (zienswijze), the
    input received (``inbreng``) and how it was answered (``reactie``). ``partner_ids`` and ``buurt_codes`` are
    JSON lists. ``programma_id`` links it to the programme version it fed (optional)."""

    __tablename__ = "programma_participatie"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)
    programma_id: Mapped[int | None] = mapped_column(
        ForeignKey("warmteprogrammas.id", ondelete="SET NULL"), nullable=True, index=True
    )
    datum: Mapped[date] = mapped_column(Date)
    soort: Mapped[str] = mapped_column(String(30))
    titel: Mapped[str] = mapped_column(String(200))
    partner_ids: Mapped[str] = mapped_column(Text, default="[]")
    buurt_codes: Mapped[str] = mapped_column(Text, default="[]")
    aantal_deelnemers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    inbreng: Mapped[str] = mapped_column(Text, default="")
    reactie: Mapped[str | None] = mapped_column(Text, nullable=True)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class ProgrammaDocument(Base):
    """A published document of a programme version (``formaat`` html, pdf or docx), stored when the version
    went to consultation or was adopted (``publicatie``: consultatie / vastgesteld). Never changed or deleted:
    ``sha256`` is the hash of ``inhoud`` at publication."""

    __tablename__ = "programma_documenten"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programma_id: Mapped[int] = mapped_column(ForeignKey("warmteprogrammas.id", ondelete="RESTRICT"), index=True)
    publicatie: Mapped[str] = mapped_column(String(12))
    formaat: Mapped[str] = mapped_column(String(8))
    bestandsnaam: Mapped[str] = mapped_column(String(200))
    inhoud: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    grootte: Mapped[int] = mapped_column(Integer)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


# --------------------------------------------------------------------------------------------------------------
# The regional network (warmteregio.network): directory, meetings, knowledge base, Q&A, information needs, audit
# --------------------------------------------------------------------------------------------------------------
#
# Personal data is minimised: a person has a name, a function, an organisation, a work e-mail and optionally a
# work phone and expertise tags; nothing else. The directory is only shown to logged-in members. ``versie``
# columns count edits (optimistic locking). JSON lists are stored as text.


class NetwerkOrganisatie(Base):
    """An organisation in the regional network: gemeente, province, grid operator, RES, housing corporation,
    heat company, water board, national programme, knowledge institute, consultancy or other (``soort``)."""

    __tablename__ = "netwerk_organisaties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), index=True)
    soort: Mapped[str] = mapped_column(String(30))
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    gemeente_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NetwerkPersoon(Base):
    """A person in the directory. ``rol``: coordinator, accounthouder (national account holder), contact
    (gemeente contact), partner, expert or lid. ``expertise`` is a JSON list of tags. ``user_id`` links the
    profile to a login (one profile per user). ``email``/``telefoon`` are work contact details."""

    __tablename__ = "netwerk_personen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    functie: Mapped[str | None] = mapped_column(String(200), nullable=True)
    organisatie_id: Mapped[int | None] = mapped_column(
        ForeignKey("netwerk_organisaties.id", ondelete="SET NULL"), nullable=True, index=True
    )
    rol: Mapped[str] = mapped_column(String(20), default="lid")
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    gemeente_code: Mapped[str | None] = mapped_column(String(6), nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    telefoon: Mapped[str | None] = mapped_column(String(40), nullable=True)
    expertise: Mapped[str] = mapped_column(Text, default="[]")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Bijeenkomst(Base):
    """A meeting of the network. ``doelgroep``: coordinatoren (all coordinators and the national programme),
    regio (members of ``res_code``) or leden (all members). ``online_url`` for online or hybrid meetings.
    ``capaciteit``: places in total (None = unlimited); registrations beyond it go on the waiting list.
    ``status``: gepland or geannuleerd. ``ical_sequence`` increases with every change that calendar clients must
    see."""

    __tablename__ = "bijeenkomsten"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titel: Mapped[str] = mapped_column(String(200))
    omschrijving: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    eind: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locatie: Mapped[str | None] = mapped_column(String(300), nullable=True)
    online_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    doelgroep: Mapped[str] = mapped_column(String(20), default="leden")
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    capaciteit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    aanmelden_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="gepland")
    organisator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    uitnodiging_verzonden: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    onderdelen: Mapped[list[BijeenkomstOnderdeel]] = relationship(
        back_populates="bijeenkomst", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(BijeenkomstOnderdeel.start, BijeenkomstOnderdeel.volgorde, BijeenkomstOnderdeel.id)",
    )


class BijeenkomstOnderdeel(Base):
    """One agenda item: ``soort`` plenair, workshop or pauze. Workshops with the same ``ronde`` run in parallel;
    a participant chooses at most one workshop per round. ``capaciteit`` limits a workshop (None = unlimited).
    ``kennisitem_id``/``casus_id`` link the workshop case."""

    __tablename__ = "bijeenkomst_onderdelen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bijeenkomst_id: Mapped[int] = mapped_column(ForeignKey("bijeenkomsten.id", ondelete="CASCADE"), index=True)
    soort: Mapped[str] = mapped_column(String(12), default="plenair")
    titel: Mapped[str] = mapped_column(String(200))
    omschrijving: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    eind: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ronde: Mapped[int | None] = mapped_column(Integer, nullable=True)
    zaal: Mapped[str | None] = mapped_column(String(100), nullable=True)
    begeleider: Mapped[str | None] = mapped_column(String(200), nullable=True)
    capaciteit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    volgorde: Mapped[int] = mapped_column(Integer, default=0)
    kennisitem_id: Mapped[int | None] = mapped_column(
        ForeignKey("kennisitems.id", ondelete="SET NULL"), nullable=True
    )
    casus_id: Mapped[int | None] = mapped_column(ForeignKey("casussen.id", ondelete="SET NULL"), nullable=True)

    bijeenkomst: Mapped[Bijeenkomst] = relationship(back_populates="onderdelen")


class Aanmelding(Base):
    """A member's registration for a meeting. ``status``: aangemeld, wachtlijst or afgemeld; the waiting list
    is served in order of ``aangemeld_op`` (then ``id``). ``aanwezig`` is recorded afterwards (None = not
    recorded). ``herinnering_verzonden`` prevents a second reminder."""

    __tablename__ = "aanmeldingen"
    __table_args__ = (UniqueConstraint("bijeenkomst_id", "user_id", name="uq_aanmeldingen_bijeenkomst_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bijeenkomst_id: Mapped[int] = mapped_column(ForeignKey("bijeenkomsten.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="aangemeld")
    aangemeld_op: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    aanwezig: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    herinnering_verzonden: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    keuzes: Mapped[list[Workshopkeuze]] = relationship(
        back_populates="aanmelding", cascade="all, delete-orphan", passive_deletes=True
    )


class Workshopkeuze(Base):
    """A participant's choice of a workshop: ``status`` ingedeeld (placed) or wachtlijst, served in order of
    ``gekozen_op`` (then ``id``)."""

    __tablename__ = "workshopkeuzes"
    __table_args__ = (UniqueConstraint("aanmelding_id", "onderdeel_id", name="uq_workshopkeuzes_aanmelding_onderdeel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    aanmelding_id: Mapped[int] = mapped_column(ForeignKey("aanmeldingen.id", ondelete="CASCADE"), index=True)
    onderdeel_id: Mapped[int] = mapped_column(ForeignKey("bijeenkomst_onderdelen.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="ingedeeld")
    gekozen_op: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    aanmelding: Mapped[Aanmelding] = relationship(back_populates="keuzes")


class Kennisitem(Base):
    """An item of the knowledge base. ``soort``: studie, praktijkverhaal, handreiking, sjabloon, workshopcasus,
    terugblik (retrospective of ``bijeenkomst_id``) or vraag_antwoord (from a question's best answer,
    ``vraag_id``). ``inhoud`` is Markdown, rendered safely. ``zichtbaarheid``: prive (author), regio (members of
    ``res_code``), leden (all members) or publiek. ``status``: concept (author and editors only) or
    gepubliceerd. ``themas``, ``buurten``, ``strategieen``, ``bronnen``, ``casussen`` and ``links`` are JSON lists.
    ``zoektitel``/``zoektekst`` are the normalised texts (lower case, no diacritics) the full-text index uses:
    FTS5 table ``kennis_fts`` on SQLite, a GIN index with the 'dutch' configuration on PostgreSQL."""

    __tablename__ = "kennisitems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    soort: Mapped[str] = mapped_column(String(20), index=True)
    titel: Mapped[str] = mapped_column(String(300))
    samenvatting: Mapped[str] = mapped_column(Text, default="")
    inhoud: Mapped[str] = mapped_column(Text, default="")
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    auteur_naam: Mapped[str | None] = mapped_column(String(200), nullable=True)
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    gemeente_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    themas: Mapped[str] = mapped_column(Text, default="[]")
    buurten: Mapped[str] = mapped_column(Text, default="[]")
    strategieen: Mapped[str] = mapped_column(Text, default="[]")
    bronnen: Mapped[str] = mapped_column(Text, default="[]")
    casussen: Mapped[str] = mapped_column(Text, default="[]")
    links: Mapped[str] = mapped_column(Text, default="[]")
    zichtbaarheid: Mapped[str] = mapped_column(String(10), default="leden", index=True)
    status: Mapped[str] = mapped_column(String(12), default="gepubliceerd")
    bijeenkomst_id: Mapped[int | None] = mapped_column(
        ForeignKey("bijeenkomsten.id", ondelete="SET NULL"), nullable=True, index=True
    )
    vraag_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    zoektitel: Mapped[str] = mapped_column(Text, default="")
    zoektekst: Mapped[str] = mapped_column(Text, default="")
    gepubliceerd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    bijlagen: Mapped[list[KennisBijlage]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True, order_by="KennisBijlage.id"
    )


class KennisBijlage(Base):
    """An attachment of a knowledge item: ``soort`` document (PDF, DOCX, XLSX) or foto (PNG, JPEG). The type is
    detected from the content, not the name; files are stored as bytes and only ever served as downloads (or, for
    photos, as images) with ``nosniff`` and a sandboxing CSP, never executed or rendered as HTML."""

    __tablename__ = "kennis_bijlagen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kennisitem_id: Mapped[int] = mapped_column(ForeignKey("kennisitems.id", ondelete="CASCADE"), index=True)
    soort: Mapped[str] = mapped_column(String(10))
    bestandsnaam: Mapped[str] = mapped_column(String(255))
    mediatype: Mapped[str] = mapped_column(String(100))
    grootte: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    beschrijving: Mapped[str | None] = mapped_column(String(300), nullable=True)
    inhoud: Mapped[bytes] = mapped_column(LargeBinary)
    #: the document's text (PDF, DOCX, XLSX; bounded), only for the full-text index
    tekst: Mapped[str] = mapped_column(Text, default="")
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    item: Mapped[Kennisitem] = relationship(back_populates="bijlagen")


class Vraag(Base):
    """A member's question. ``zichtbaarheid`` regio or leden. ``status`` open or beantwoord; marking the best
    answer (``beste_antwoord_id``) creates the knowledge item ``kennisitem_id``."""

    __tablename__ = "vragen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titel: Mapped[str] = mapped_column(String(300))
    tekst: Mapped[str] = mapped_column(Text, default="")
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    themas: Mapped[str] = mapped_column(Text, default="[]")
    zichtbaarheid: Mapped[str] = mapped_column(String(10), default="leden")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    beste_antwoord_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kennisitem_id: Mapped[int | None] = mapped_column(
        ForeignKey("kennisitems.id", ondelete="SET NULL"), nullable=True
    )
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    antwoorden: Mapped[list[Antwoord]] = relationship(
        back_populates="vraag", cascade="all, delete-orphan", passive_deletes=True, order_by="Antwoord.id"
    )


class Antwoord(Base):
    """An answer to a question."""

    __tablename__ = "antwoorden"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vraag_id: Mapped[int] = mapped_column(ForeignKey("vragen.id", ondelete="CASCADE"), index=True)
    tekst: Mapped[str] = mapped_column(Text)
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    vraag: Mapped[Vraag] = relationship(back_populates="antwoorden")


class Vragenlijst(Base):
    """A questionnaire of the information-needs inventory, one per ``reeks`` (series) and ``jaar`` so that
    years compare: questions keep their ``code`` across years. ``status``: concept, open or gesloten."""

    __tablename__ = "vragenlijsten"
    __table_args__ = (UniqueConstraint("reeks", "jaar", name="uq_vragenlijsten_reeks_jaar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reeks: Mapped[str] = mapped_column(String(50), default="informatiebehoefte")
    jaar: Mapped[int] = mapped_column(Integer)
    titel: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="concept")
    open_tot: Mapped[date | None] = mapped_column(Date, nullable=True)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    vragen: Mapped[list[VragenlijstVraag]] = relationship(
        back_populates="vragenlijst", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(VragenlijstVraag.volgorde, VragenlijstVraag.id)",
    )


class VragenlijstVraag(Base):
    """A question: ``soort`` schaal (1-5 need), keuze (one option), meerkeuze (several options) or open text.
    ``opties`` is a JSON list of option labels."""

    __tablename__ = "vragenlijst_vragen"
    __table_args__ = (UniqueConstraint("vragenlijst_id", "code", name="uq_vragenlijst_vragen_lijst_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vragenlijst_id: Mapped[int] = mapped_column(ForeignKey("vragenlijsten.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    volgorde: Mapped[int] = mapped_column(Integer, default=0)
    thema: Mapped[str] = mapped_column(String(100))
    tekst: Mapped[str] = mapped_column(Text)
    soort: Mapped[str] = mapped_column(String(12))
    opties: Mapped[str] = mapped_column(Text, default="[]")
    verplicht: Mapped[bool] = mapped_column(Boolean, default=False)

    vragenlijst: Mapped[Vragenlijst] = relationship(back_populates="vragen")


class VragenlijstInzending(Base):
    """The answers of one respondent: a gemeente (``respondent`` = GM code) or a region (ES code). ``res_code``
    is the region the answers count for. One submission per respondent and questionnaire; it can be revised
    while the questionnaire is open."""

    __tablename__ = "vragenlijst_inzendingen"
    __table_args__ = (
        UniqueConstraint("vragenlijst_id", "respondent", name="uq_vragenlijst_inzendingen_lijst_respondent"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vragenlijst_id: Mapped[int] = mapped_column(ForeignKey("vragenlijsten.id", ondelete="CASCADE"), index=True)
    respondent: Mapped[str] = mapped_column(String(6))
    res_code: Mapped[str | None] = mapped_column(ForeignKey("res_regios.code"), nullable=True, index=True)
    ingevuld_door_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    ingediend_op: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    waarden: Mapped[list[VragenlijstWaarde]] = relationship(
        back_populates="inzending", cascade="all, delete-orphan", passive_deletes=True
    )


class VragenlijstWaarde(Base):
    """One answer: ``waarde`` is the scale value (1-5), the chosen option, a JSON list of options (meerkeuze) or
    the text."""

    __tablename__ = "vragenlijst_waarden"
    __table_args__ = (UniqueConstraint("inzending_id", "vraag_id", name="uq_vragenlijst_waarden_inzending_vraag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inzending_id: Mapped[int] = mapped_column(ForeignKey("vragenlijst_inzendingen.id", ondelete="CASCADE"), index=True)
    vraag_id: Mapped[int] = mapped_column(ForeignKey("vragenlijst_vragen.id", ondelete="CASCADE"), index=True)
    waarde: Mapped[str] = mapped_column(Text)

    inzending: Mapped[VragenlijstInzending] = relationship(back_populates="waarden")


class AuditRegel(Base):
    """Audit trail of changes in the network part: who (``user_id``), when, what (``actie`` on ``objecttype``
    ``object_id``) and which fields (``details``, JSON; field names and non-personal values only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tijd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    actie: Mapped[str] = mapped_column(String(30))
    objecttype: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    res_code: Mapped[str | None] = mapped_column(String(4), nullable=True, index=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
