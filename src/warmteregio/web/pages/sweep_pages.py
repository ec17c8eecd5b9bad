"""HTML pages: sweep_pages (issue 4, Afwegingskader II)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
