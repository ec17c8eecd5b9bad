"""API endpoints: casussen (issue 4, Afwegingskader II)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
