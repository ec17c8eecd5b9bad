"""Client for CBS OData v3 'Kerncijfers wijken en buurten' (KWB), one table per year.

URLs look like::

    https://opendata.cbs.nl/ODataApi/odata/85984NED/TypedDataSet?$filter=startswith(WijkenEnBuurten,'GM0505')
        &$select=WijkenEnBuurten,Gemeentenaam_1,SoortRegio_2,AantalInwoners_5,Woningvoorraad_35

CBS numbers its columns per table (``Woningvoorraad_31`` in one year, ``Woningvoorraad_35`` in another),
so the client first reads the table's ``DataProperties`` and picks, for every clean field below, the first
CBS key whose name (without the ``_<n>`` suffix) matches. Results are paged: the client follows
``odata.nextLink`` until the last page. Codes and texts come space-padded (``'GM0505    '``) and are
stripped.

The client refuses to go online unless ``allow_network_requests`` is true (setting
``WARMTEREGIO_ALLOW_NETWORK_REQUESTS``). Tests inject an ``httpx.MockTransport`` with recorded responses.
Licence of the data: CBS, CC-BY 4.0.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from warmteregio.domain.codes import normalise_gemeentecode
from warmteregio.settings import get_settings

BASE_URL = "https://opendata.cbs.nl/ODataApi/odata"
SOURCE = "CBS Kerncijfers wijken en buurten (OData v3)"
LICENCE = "CC-BY 4.0"

# Table id of 'Kerncijfers wijken en buurten' per year of the division.
TABLES: dict[int, str] = {
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}

# Clean field name -> CBS column names without their numeric suffix, first match wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("WijkenEnBuurten",),
    "gemeentenaam": ("Gemeentenaam",),
    "soort_regio": ("SoortRegio",),
    "codering": ("Codering",),
    "aantal_inwoners": ("AantalInwoners",),
    "huishoudens": ("HuishoudensTotaal",),
    "bevolkingsdichtheid_per_km2": ("Bevolkingsdichtheid",),
    "woningvoorraad": ("Woningvoorraad",),
    "gem_woz_waarde_keur": ("GemiddeldeWOZWaardeVanWoningen", "GemiddeldeWoningwaarde"),
    "pct_koopwoningen": ("Koopwoningen",),
    "pct_huurwoningen": ("HuurwoningenTotaal",),
    "pct_bouwjaar_voor_2000": ("BouwjaarVoor2000",),
    "pct_bouwjaar_vanaf_2000": ("BouwjaarVanaf2000",),
    "gem_elektriciteit_kwh": ("GemiddeldeElektriciteitslevering", "GemiddeldElektriciteitsverbruikTotaal"),
    "gem_aardgas_m3": ("GemiddeldAardgasverbruik", "GemiddeldAardgasverbruikTotaal"),
    "pct_woningen_met_stadsverwarming": ("PercentageWoningenMetStadsverwarming", "WoningenMetStadsverwarming"),
    "oppervlakte_totaal_ha": ("OppervlakteTotaal",),
    "oppervlakte_land_ha": ("OppervlakteLand",),
    "oppervlakte_water_ha": ("OppervlakteWater",),
}
SUFFIX_RE = re.compile(r"_\d+$")
MAX_PAGES = 1000


class CbsODataError(RuntimeError):
    """A CBS OData request that failed or is not allowed; carries Dutch and English text."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl}\n{en}")
        self.nl = nl
        self.en = en


class NetworkNotAllowedError(CbsODataError):
    pass


def table_for_year(jaar: int) -> str:
    try:
        return TABLES[jaar]
    except KeyError:
        known = ", ".join(str(y) for y in sorted(TABLES))
        raise CbsODataError(
            f"geen CBS-tabel 'Kerncijfers wijken en buurten' bekend voor {jaar} (bekend: {known})",
            f"no CBS table 'Kerncijfers wijken en buurten' known for {jaar} (known: {known})",
        ) from None


def base_name(key: str) -> str:
    """``Woningvoorraad_35`` -> ``Woningvoorraad``."""
    return SUFFIX_RE.sub("", key)


def area_filter(gemeente: str) -> str:
    """OData filter for a gemeente and all its wijken and buurten."""
    digits = normalise_gemeentecode(gemeente)[2:]
    return " or ".join(f"startswith(WijkenEnBuurten,'{prefix}{digits}')" for prefix in ("GM", "WK", "BU"))


def build_url(table: str, *, filter_: str | None = None, select: Sequence[str] = (), base_url: str = BASE_URL) -> str:
    params = []
    if filter_:
        params.append("$filter=" + quote(filter_, safe="'(),"))
    if select:
        params.append("$select=" + quote(",".join(select), safe=","))
    query = ("?" + "&".join(params)) if params else ""
    return f"{base_url.rstrip('/')}/{table}/TypedDataSet{query}"


def clean_value(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return value


def clean_record(row: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """CBS row -> record with the clean field names; soort_regio in lower case (gemeente/wijk/buurt)."""
    rec = {field: clean_value(row.get(key)) for field, key in columns.items()}
    if isinstance(rec.get("soort_regio"), str):
        rec["soort_regio"] = rec["soort_regio"].lower()
    return rec


class CbsODataClient:
    """Reads 'Kerncijfers wijken en buurten' from CBS OData v3.

    Pass ``transport`` (e.g. ``httpx.MockTransport``) or a ready ``client`` to control HTTP; the network
    permission is checked in every case (``allow_network`` overrides the setting).
    """

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        base_url: str = BASE_URL,
        allow_network: bool | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.allow_network = get_settings().allow_network_requests if allow_network is None else allow_network
        self._own_client = client is None
        self.client = client or httpx.Client(
            transport=transport, timeout=timeout, headers={"Accept": "application/json"}, follow_redirects=True
        )
        self.requested: list[str] = []

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> CbsODataClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, url: str) -> dict[str, Any]:
        if not self.allow_network:
            raise NetworkNotAllowedError(
                "netwerkverzoeken zijn uitgeschakeld; zet WARMTEREGIO_ALLOW_NETWORK_REQUESTS=true om gegevens bij "
                f"CBS op te halen ({url})",
                "network requests are disabled; set WARMTEREGIO_ALLOW_NETWORK_REQUESTS=true to fetch data from "
                f"CBS ({url})",
            )
        self.requested.append(url)
        try:
            response = self.client.get(url)
            response.raise_for_status()
            return response.json()
        except httpx.HTTPStatusError as exc:
            raise CbsODataError(
                f"CBS antwoordde met HTTP {exc.response.status_code} op {url}",
                f"CBS answered HTTP {exc.response.status_code} for {url}",
            ) from exc
        except httpx.HTTPError as exc:
            raise CbsODataError(f"CBS niet bereikbaar: {exc}", f"CBS unreachable: {exc}") from exc
        except ValueError as exc:
            raise CbsODataError(f"CBS gaf geen geldige JSON: {exc}", f"CBS returned invalid JSON: {exc}") from exc

    def data_properties(self, table: str) -> list[dict[str, Any]]:
        return list(self._get(f"{self.base_url}/{table}/DataProperties").get("value", []))

    def resolve_columns(self, table: str, fields: Sequence[str] | None = None) -> dict[str, str]:
        """Clean field name -> CBS key for this table (fields not in the table are left out)."""
        keys = [p["Key"] for p in self.data_properties(table) if p.get("Key")]
        by_base: dict[str, str] = {}
        for key in keys:
            by_base.setdefault(base_name(key), key)
        wanted = fields or list(FIELDS)
        columns: dict[str, str] = {}
        for field in wanted:
            for candidate in FIELDS.get(field, (field,)):
                if candidate in by_base:
                    columns[field] = by_base[candidate]
                    break
        if "code" not in columns:
            raise CbsODataError(
                f"tabel {table} heeft geen kolom WijkenEnBuurten; is dit een KWB-tabel?",
                f"table {table} has no WijkenEnBuurten column; is this a KWB table?",
            )
        return columns

    def pages(self, url: str) -> Iterator[list[dict[str, Any]]]:
        """Yield the ``value`` of every page, following ``odata.nextLink``."""
        for _ in range(MAX_PAGES):
            doc = self._get(url)
            yield list(doc.get("value", []))
            url = doc.get("odata.nextLink") or doc.get("@odata.nextLink")
            if not url:
                return
        raise CbsODataError(f"meer dan {MAX_PAGES} pagina's", f"more than {MAX_PAGES} pages")

    def kerncijfers(
        self, jaar: int, *, gemeente: str | None = None, fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Clean records for a gemeente and its wijken and buurten (or the whole country)."""
        table = table_for_year(jaar)
        columns = self.resolve_columns(table, fields)
        url = build_url(
            table,
            filter_=area_filter(gemeente) if gemeente else None,
            select=list(columns.values()),
            base_url=self.base_url,
        )
        records = [clean_record(row, columns) for page in self.pages(url) for row in page]
        for rec in records:
            rec["jaar"] = jaar
        return records


def write_csv(records: Sequence[dict[str, Any]], path: Path | str) -> int:
    """Write records as UTF-8 CSV (``,``-separated); returns the number of rows."""
    fieldnames: list[str] = []
    for rec in records:
        for key in rec:
            if key not in fieldnames:
                fieldnames.append(key)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        for rec in records:
            writer.writerow({k: "" if v is None else v for k, v in rec.items()})
    return len(records)


def download_kerncijfers(
    jaar: int, gemeente: str | None, out: Path | str, *, client: CbsODataClient | None = None
) -> int:
    own = client is None
    client = client or CbsODataClient()
    try:
        return write_csv(client.kerncijfers(jaar, gemeente=gemeente), out)
    finally:
        if own:
            client.close()
