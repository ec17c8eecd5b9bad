"""Pydantic schemas of the JSON API: Dutch names, lowerCamelCase properties, PascalCase schema names.

Field names are snake_case in Python and published in lowerCamelCase through ``alias_generator=to_camel``;
``populate_by_name`` lets the code fill them by Python name (or from the query dataclasses with
``from_attributes``). Descriptions are Dutch, as the API Design Rules ask (/core/doc-language).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

GeometryType = Literal["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]


class Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


# ----------------------------------------------------------------------------------------------- common


class Link(Schema):
    """Een hyperlink."""

    href: str = Field(description="Absolute URL.")


class Links(Schema):
    """Navigatielinks van een gepagineerde lijst."""

    self_: Link = Field(alias="self", description="Deze pagina.")
    next: Link | None = Field(default=None, description="Volgende pagina; ontbreekt (null) op de laatste pagina.")
    prev: Link | None = Field(default=None, description="Vorige pagina; null op de eerste pagina.")


class Lijst(Schema):
    """Gemeenschappelijke velden van elke gepagineerde lijst."""

    totaal: int = Field(description="Totaal aantal resultaten over alle pagina's.")
    pagina: int = Field(description="Nummer van deze pagina (vanaf 1).")
    pagina_grootte: int = Field(description="Maximaal aantal resultaten per pagina.")
    links: Links = Field(alias="_links", description="Links naar deze, de volgende en de vorige pagina.")


class InvalidParam(Schema):
    """Eén ongeldige parameter (extensie van RFC 9457 volgens de API Design Rules)."""

    name: str = Field(description="Naam van de parameter.")
    code: str = Field(description="Foutcode.")
    reason: str = Field(description="Reden.")


class Problem(Schema):
    """Foutbericht volgens RFC 9457 (application/problem+json)."""

    type: str = Field(description="URI die het soort probleem aanduidt.")
    title: str = Field(description="Korte samenvatting (Nederlands / Engels).")
    status: int = Field(description="HTTP-statuscode; gelijk aan die van het antwoord.")
    detail: str = Field(description="Uitleg van dit geval, eerst in het Nederlands, dan na ' / ' in het Engels.")
    instance: str = Field(description="Pad van het verzoek waarop dit probleem betrekking heeft.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="Ongeldige parameters, bij statuscode 400 of 422."
    )


class Geometrie(Schema):
    """GeoJSON-geometrie (RFC 7946), in het CRS van de `Content-Crs`-header."""

    type: GeometryType
    coordinates: list[Any] = Field(description="Coördinaten; bij CRS84 in volgorde lengtegraad, breedtegraad.")


class GeoLink(Schema):
    """Link in een FeatureCollection (OGC API Features)."""

    href: str
    rel: str = Field(description="Relatie: self, next of prev.")
    type: str = Field(description="Mediatype van het doel.")


class FeatureCollectionBasis(Schema):
    type: Literal["FeatureCollection"]
    number_matched: int = Field(description="Totaal aantal features dat aan de filters voldoet.")
    number_returned: int = Field(description="Aantal features in dit antwoord.")
    links: list[GeoLink] = Field(description="Links naar deze, de volgende en de vorige pagina.")


# ----------------------------------------------------------------------------------------------- areas


class Provincie(Schema):
    """Een provincie."""

    code: str = Field(description="Provinciecode, bijvoorbeeld PV28.", examples=["PV28"])
    naam: str = Field(description="Naam.", examples=["Zuid-Holland"])


class ProvincieLijst(Lijst):
    """Gepagineerde lijst van provincies."""

    resultaten: list[Provincie]


class Regio(Schema):
    """Een RES-regio (Regionale Energiestrategie), de basis van de warmteregio's."""

    code: str = Field(description="RES-regiocode, bijvoorbeeld ES18.", examples=["ES18"])
    naam: str = Field(description="Naam.")
    provincie_code: str | None = Field(description="Provincie waarin de regio (grotendeels) ligt.")
    aantal_gemeenten: int = Field(description="Aantal gemeenten in het meest recente indelingsjaar.")
    jaar: int | None = Field(description="Indelingsjaar waarin de gemeenten zijn geteld.")


class RegioLijst(Lijst):
    """Gepagineerde lijst van RES-regio's."""

    resultaten: list[Regio]


class Gemeente(Schema):
    """Een gemeente in een bepaald indelingsjaar."""

    code: str = Field(description="CBS-gemeentecode, bijvoorbeeld GM0505.", examples=["GM0505"])
    jaar: int = Field(description="Jaar van de gemeentelijke indeling.", examples=[2024])
    naam: str = Field(description="Naam.", examples=["Dordrecht"])
    regio_code: str | None = Field(description="RES-regio waartoe de gemeente behoort.")
    provincie_code: str | None = Field(description="Provincie.")
    heeft_geometrie: bool = Field(description="Of er een gemeentegrens is opgeslagen.")


class GemeenteLijst(Lijst):
    """Gepagineerde lijst van gemeenten."""

    resultaten: list[Gemeente]


class RegioDetail(Schema):
    """Een RES-regio met haar gemeenten."""

    code: str = Field(description="RES-regiocode.", examples=["ES18"])
    naam: str
    provincie_code: str | None
    provincie_naam: str | None
    jaar: int | None = Field(description="Indelingsjaar van de getoonde gemeenten.")
    aantal_buurten: int = Field(description="Aantal buurten in het meest recente buurtjaar.")
    buurt_jaar: int | None = Field(description="Jaar van de buurtindeling waarin de buurten zijn geteld.")
    gemeenten: list[Gemeente]


class GemeenteDetail(Schema):
    """Een gemeente met regio, provincie en aantallen wijken en buurten."""

    code: str = Field(examples=["GM0505"])
    jaar: int
    naam: str
    regio_code: str | None
    regio_naam: str | None
    provincie_code: str | None
    provincie_naam: str | None
    aantal_wijken: int
    aantal_buurten: int
    buurt_jaar: int | None = Field(description="Jaar van de buurtindeling waarin wijken en buurten zijn geteld.")
    jaren: list[int] = Field(description="Indelingsjaren waarin deze code voorkomt.")
    geometriebron: str | None = Field(description="Herkomst van de gemeentegrens.")


class GemeenteFeatureProperties(Schema):
    code: str
    naam: str
    jaar: int
    regio_code: str | None
    provincie_code: str | None
    oppervlakte_ha: float | None = Field(description="Oppervlakte uit de geometrie in RD New [ha].")
    geometriebron: str | None


class GemeenteFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: Geometrie | None
    properties: GemeenteFeatureProperties


class GemeenteFeatureCollection(FeatureCollectionBasis):
    """Gemeenten als GeoJSON FeatureCollection (application/geo+json)."""

    features: list[GemeenteFeature]


class Buurt(Schema):
    """Een CBS-buurt, samengevat."""

    code: str = Field(description="CBS-buurtcode.", examples=["BU05050101"])
    jaar: int = Field(description="Jaar van de buurtindeling.")
    naam: str | None
    wijk_code: str
    gemeente_code: str
    aantal_woningen: int | None
    weq: float | None = Field(description="Woningequivalenten (woning = 1, utiliteit per 130 m2).")
    vraag_totaal_gj: float | None = Field(description="Totale warmtevraag [GJ/jaar].")
    bestaand_warmtenet_aandeel: float | None = Field(description="Aandeel al op een warmtenet [0..1].")
    schematisch: bool = Field(description="Waar als de geometrie schematisch is (geen echte buurtgrens).")


class BuurtLijst(Lijst):
    """Gepagineerde lijst van buurten."""

    resultaten: list[Buurt]


class Warmtevraag(Schema):
    """Warmtevraag naar functie [GJ/jaar]."""

    ruimteverwarming_gj: float | None
    tapwater_gj: float | None
    ventilatie_gj: float | None
    koude_gj: float | None
    apparaten_gj: float | None
    totaal_gj: float | None


class LabelAantal(Schema):
    """Aantal woningen met een energielabel."""

    label: str = Field(examples=["C"])
    aantal: float
    afgeleid: bool = Field(description="Waar als afgeleid uit de gemiddelde EPI in plaats van waargenomen.")
    bron: str | None


class Gebouwgroep(Schema):
    """Een groep gebouwen in de buurt: type x bouwperiode."""

    sector: str = Field(description="woning of utiliteit.")
    type: str
    bouwperiode: str
    aantal: int
    gem_epi: float | None = Field(description="Gemiddelde energieprestatie-index [-].")
    gem_oppervlakte_m2: float | None
    totaal_oppervlakte_m2: float | None
    aantal_kleine_woningen: int | None
    bron: str | None


class BuurtDetail(Schema):
    """Een buurt met warmtevraag naar functie, woningequivalenten, oppervlakten, labels en gebouwgroepen."""

    code: str = Field(examples=["BU05050101"])
    jaar: int
    naam: str | None
    wijk_code: str
    gemeente_code: str
    gemeente_naam: str | None
    regio_code: str | None
    aantal_woningen: int | None
    aantal_utiliteit: int | None
    weq_woningen: float | None
    weq_utiliteit: float | None
    weq: float | None
    oppervlakte_woningen_m2: float | None = Field(description="Gebruiksoppervlakte woningen [m2].")
    oppervlakte_utiliteit_m2: float | None = Field(description="Gebruiksoppervlakte utiliteit [m2].")
    warmtevraag: Warmtevraag
    oppervlakte_ha: float | None = Field(description="Oppervlakte van de geometrie in RD New [ha].")
    warmtevraagdichtheid_gj_per_ha: float | None = Field(description="Warmtevraag per hectare [GJ/ha/jaar].")
    bestaand_warmtenet_aandeel: float | None = Field(description="Aandeel al op een warmtenet [0..1].")
    in_studiegebied: bool | None
    schematisch: bool = Field(description="Waar als de geometrie schematisch is of ontbreekt.")
    geometriebron: str | None = Field(description="Herkomst van de geometrie.")
    bron: str | None = Field(description="Herkomst van de buurtgegevens.")
    labels: list[LabelAantal]
    gebouwgroepen: list[Gebouwgroep]
    jaren: list[int] = Field(description="Buurtjaren waarin deze code voorkomt.")
    geometrie: Geometrie | None = Field(description="Buurtgrens (of centroïde) in het CRS van `Content-Crs`.")


class BuurtFeatureProperties(Schema):
    code: str
    naam: str | None
    jaar: int
    gemeente_code: str
    weq: float | None
    vraag_totaal_gj: float | None = Field(description="Totale warmtevraag [GJ/jaar].")
    oppervlakte_ha: float | None
    warmtevraagdichtheid_gj_per_ha: float | None = Field(
        description="Warmtevraag gedeeld door de oppervlakte van de geometrie in RD New [GJ/ha/jaar]; "
        "indicatief als `schematisch` waar is."
    )
    bestaand_warmtenet_aandeel: float | None
    schematisch: bool
    geometriebron: str | None = Field(
        description="Herkomst van de geometrie; `centroide` als alleen een punt bekend is."
    )


class BuurtFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: Geometrie | None
    properties: BuurtFeatureProperties


class BuurtFeatureCollection(FeatureCollectionBasis):
    """Buurten als GeoJSON FeatureCollection (application/geo+json)."""

    features: list[BuurtFeature]


# ----------------------------------------------------------------------------------------------- sources


class Warmtebron(Schema):
    """Een warmtebron. Beschikbare warmte in GJ/jaar, capaciteit in MW."""

    code: str = Field(examples=["HTHP0002"])
    naam: str
    categorie: str
    temperatuurklasse: str = Field(description="HT (>= 70 °C), MT (50-70), LT (30-50) of ZLT (< 30).")
    beschikbaar_gj_per_jaar: float | None
    capaciteit_mw: float | None
    status: str
    potentie: str | None = Field(description="Scenario van de potentie: hoog of laag.")
    buurten_in_bereik: list[str] = Field(description="Buurtcodes binnen bereik van de bron.")
    bron: str | None = Field(description="Herkomst van de gegevens.")
    locatie: Geometrie = Field(description="Ligging (Point) in het CRS van `Content-Crs`.")


class WarmtebronLijst(Lijst):
    """Gepagineerde lijst van warmtebronnen."""

    resultaten: list[Warmtebron]


class WarmtebronFeatureProperties(Schema):
    code: str
    naam: str
    categorie: str
    temperatuurklasse: str
    beschikbaar_gj_per_jaar: float | None
    capaciteit_mw: float | None
    status: str
    potentie: str | None


class WarmtebronFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: Geometrie | None
    properties: WarmtebronFeatureProperties


class WarmtebronFeatureCollection(FeatureCollectionBasis):
    """Warmtebronnen als GeoJSON FeatureCollection (application/geo+json)."""

    features: list[WarmtebronFeature]


# ----------------------------------------------------------------------------------------------- parameters


class Parameterset(Schema):
    """Een benoemde, geversioneerde set kentallen."""

    naam: str = Field(examples=["vesta"])
    versie: str = Field(examples=["2025"])
    beschrijving: str | None
    bron: str | None
    aangemaakt: datetime | None
    aantal_waarden: int


class ParametersetLijst(Lijst):
    """Gepagineerde lijst van parametersets."""

    resultaten: list[Parameterset]


class Parameter(Schema):
    """Eén kental: naam, waarde, eenheid en bron; `jaar` bij tijdreeksen."""

    naam: str
    jaar: int | None
    waarde: str = Field(description="Waarde zoals in de bron geschreven.")
    waarde_num: float | None = Field(description="Numerieke waarde, als die er is.")
    eenheid: str | None
    groep: str | None
    bron: str | None
    beschrijving: str | None


class ParametersetDetail(Schema):
    """Een parameterset met al haar waarden."""

    naam: str
    versie: str
    beschrijving: str | None
    bron: str | None
    aangemaakt: datetime | None
    versies: list[str] = Field(description="Alle versies met deze naam.")
    waarden: list[Parameter]


# ----------------------------------------------------------------------------------------------- users


class Gebruiker(Schema):
    """De ingelogde gebruiker met rol en werkgebied."""

    naam: str
    email: str
    rol: str = Field(description="admin, regiocoordinator, gemeente of viewer.")
    regio_code: str | None = Field(description="RES-regio van een regiocoördinator.")
    gemeente_code: str | None = Field(description="Gemeente van een gemeenteambtenaar.")


# ----------------------------------------------------------------------------------------- assessments


class BeoordelingStart(Schema):
    """Verzoek om een beoordeling (afwegingskader) te rekenen voor een regio of een selectie buurten daarin."""

    regio: str = Field(description="RES-regiocode, bijvoorbeeld ES18.", examples=["ES18"])
    zichtjaar: int = Field(ge=2020, le=2050, description="Zichtjaar van de beoordeling.", examples=[2030])
    parameterset: str = Field(max_length=100, description="Naam van de parameterset.", examples=["vesta2020"])
    versie: str | None = Field(
        default=None, max_length=40, description="Versie van de set; standaard de laatste of de meegeleverde."
    )
    overrides: dict[str, float] = Field(
        default_factory=dict,
        description="Waarden die alleen voor deze beoordeling worden vervangen: naam van het kental -> getal.",
        examples=[{"Ki_verw_g_laagb": 1500.0}],
    )
    buurten: list[str] | None = Field(
        default=None, max_length=5000, description="Alleen deze buurtcodes van de regio; standaard alle buurten."
    )


class BeoordelingLinks(Schema):
    """Links van een beoordeling."""

    self_: Link = Field(alias="self", description="Deze beoordeling.")
    resultaten: Link = Field(description="Resultaten per buurt en variant.")
    laagste_kosten: Link = Field(description="Per buurt de variant met de laagste nationale meerkosten per WEQ.")
    csv: Link = Field(description="Alle resultaten als CSV.")
    xlsx: Link = Field(description="Alle resultaten en de herkomst als XLSX.")


class Beoordeling(Schema):
    """Een beoordelingsrun met herkomst: parameterset en versie, overrides, catalogus- en codeversie."""

    id: int = Field(description="Nummer van de beoordeling.")
    regio_code: str | None = Field(description="RES-regio.")
    buurten: list[str] | None = Field(description="Buurtselectie; null als alle buurten van de regio meedoen.")
    buurt_jaar: int | None = Field(description="Jaar van de buurtindeling van de invoer.")
    zichtjaar: int
    parameterset: str = Field(description="Naam van de gebruikte parameterset.")
    parameterset_versie: str = Field(description="Versie van de gebruikte parameterset.")
    overrides: dict[str, float] = Field(description="Alleen voor deze beoordeling vervangen waarden.")
    catalogus_versie: str | None = Field(description="Versie van de strategiecatalogus.")
    code_versie: str = Field(description="Versie van warmteregio die rekende.")
    status: Literal["bezig", "klaar", "mislukt"]
    gestart: datetime
    beeindigd: datetime | None
    gestart_door: str | None = Field(description="Naam van wie de beoordeling startte.")
    aantal_rijen: int = Field(description="Aantal resultaatregels (buurt x variant).")
    foutmelding: str | None = Field(description="Melding van de rekenkern als de beoordeling mislukte.")
    bronnen: list[str] = Field(description="Databronnen van de invoer.")
    links: BeoordelingLinks = Field(alias="_links")


class BeoordelingLijst(Lijst):
    """Gepagineerde lijst van beoordelingen, nieuwste eerst."""

    resultaten: list[Beoordeling]


Waarde = float | str | bool | None


class Resultaat(Schema):
    """Eén buurt x één variant. Kosten in EUR per jaar (nationale kosten, excl. belastingen)."""

    buurt_code: str
    buurt_jaar: int | None
    strategie: str = Field(description="Naam van de variant (PBL), bijvoorbeeld S1a_B_LuchtWP.")
    familie: str | None = Field(description="Strategiefamilie: REF, S1 (all-electric) ... S5 (waterstof).")
    h15_co2_uitstoot: float | None = Field(description="CO2-uitstoot [ton/jaar].")
    h16_nat_meerkost: float | None = Field(description="Nationale meerkosten t.o.v. de referentie [EUR/jaar].")
    h17_nat_meerkost_co2: float | None = Field(description="Nationale meerkosten per vermeden ton CO2 [EUR/ton].")
    h18_nat_meerkost_weq: float | None = Field(description="Nationale meerkosten per WEQ [EUR/WEQ/jaar].")
    k10_kapitaallasten: float | None = Field(description="Kapitaallasten totaal [EUR/jaar].")
    k17_variabele_kosten: float | None = Field(description="Variabele kosten totaal [EUR/jaar].")
    waarden: dict[str, Waarde] = Field(description="Alle kolommen van de uitvoer van de rekenkern, op PBL-naam.")


class ResultaatLijst(Lijst):
    """Gepagineerde lijst van resultaten van een beoordeling."""

    parameterset: str = Field(description="Naam van de parameterset van deze resultaten.")
    parameterset_versie: str = Field(description="Versie van de parameterset van deze resultaten.")
    resultaten: list[Resultaat]


class LaagsteKosten(Schema):
    """Per buurt de geldige variant met de laagste nationale meerkosten per WEQ (H18)."""

    buurt_code: str
    buurt_jaar: int | None
    buurt_naam: str | None
    strategie: str | None = Field(description="Variant met de laagste H18; null als geen variant geldig is.")
    familie: str | None
    h16_nat_meerkost: float | None
    h17_nat_meerkost_co2: float | None
    h18_nat_meerkost_weq: float | None


class LaagsteKostenLijst(Lijst):
    """Gepagineerde lijst: per buurt de variant met de laagste nationale meerkosten per WEQ."""

    resultaten: list[LaagsteKosten]


class LaagsteKostenFeatureProperties(Schema):
    code: str
    naam: str | None
    jaar: int
    gemeente_code: str
    weq: float | None
    schematisch: bool
    strategie: str | None
    familie: str | None
    h16_nat_meerkost: float | None
    h17_nat_meerkost_co2: float | None
    h18_nat_meerkost_weq: float | None


class LaagsteKostenFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: Geometrie | None
    properties: LaagsteKostenFeatureProperties


class LaagsteKostenFeatureCollection(FeatureCollectionBasis):
    """Laagste-kostenvariant per buurt als GeoJSON FeatureCollection (application/geo+json)."""

    features: list[LaagsteKostenFeature]


class Verschil(Schema):
    """Een buurt x variant waarvan H16 of H18 verschilt tussen twee beoordelingen."""

    buurt_code: str
    strategie: str
    h16_a: float | None = Field(description="H16 in deze beoordeling.")
    h16_b: float | None = Field(description="H16 in de vergeleken beoordeling.")
    h18_a: float | None = Field(description="H18 in deze beoordeling.")
    h18_b: float | None = Field(description="H18 in de vergeleken beoordeling.")


class VerschilLijst(Schema):
    """De resultaten die veranderen tussen twee beoordelingen (onveranderde regels ontbreken)."""

    beoordeling: int
    vergelijk_met: int
    totaal: int
    resultaten: list[Verschil]


class Strategie(Schema):
    """Een variant van de strategiecatalogus."""

    code: str = Field(examples=["S1a"])
    naam: str = Field(description="PBL-naam van de variant.", examples=["S1a_B_LuchtWP"])
    familie: str = Field(
        description="REF, S1 (all-electric), S2 (MT-warmtenet), S3 (LT-warmtenet), S4 (groen gas) of S5 (waterstof)."
    )
    in_viewer: bool = Field(description="Of de variant in de set van de PBL-viewer zit.")
    label_woningen: str
    label_utiliteit: str
    installatie_woningen: str
    installatie_utiliteit: str
    gebiedsoptie: str
    gasnet: str
    beschrijving: str = Field(description="Omschrijving in het Nederlands.")
    beschrijving_en: str = Field(description="Omschrijving in het Engels.")


class StrategieLijst(Lijst):
    """De strategiecatalogus van een jaar."""

    catalogus: str = Field(description="Naam en versie van de catalogus.")
    resultaten: list[Strategie]


class ParametersetKopie(Schema):
    """Verzoek om een kopie van een parameterset met vervangen waarden."""

    bron_versie: str = Field(max_length=40, description="Versie van de set die wordt gekopieerd.")
    nieuwe_versie: str = Field(max_length=40, description="Versie van de kopie.", examples=["2020.1-dordrecht"])
    overrides: dict[str, float] = Field(
        default_factory=dict, description="Te vervangen waarden: naam van het kental (naam@jaar bij tijdreeksen)."
    )
    reden: str | None = Field(default=None, max_length=2000, description="Waarom de waarden zijn vervangen.")
    beschrijving: str | None = Field(default=None, max_length=2000, description="Omschrijving van de kopie.")


GEOJSON_SCHEMAS: tuple[type[Schema], ...] = (
    BuurtFeatureCollection,
    GemeenteFeatureCollection,
    WarmtebronFeatureCollection,
    LaagsteKostenFeatureCollection,
)
