"""Data sources of the region map: GeoJSON (CRS84) layers served by the public JSON API.

The map script reads these URLs from data attributes on the map container, so the page and the API
stay one source of truth: what the map draws is exactly what ``/api/v1`` publishes.
"""

from __future__ import annotations

from urllib.parse import urlencode

API_PREFIX = "/api/v1"
#: Gemeente outlines are drawn thin at region scale; simplifying by 5 m is invisible and halves the payload.
OUTLINE_SIMPLIFY_M = 5


def layer_urls(regio_code: str) -> dict[str, str]:
    """URLs of the buurten, warmtebronnen and gemeenten layers of one region."""

    def url(collection: str, **extra: object) -> str:
        return f"{API_PREFIX}/{collection}?" + urlencode({"regio": regio_code, "formaat": "geojson", **extra})

    return {
        "buurten": url("buurten"),
        "warmtebronnen": url("warmtebronnen"),
        "gemeenten": url("gemeenten", vereenvoudig=OUTLINE_SIMPLIFY_M),
    }
