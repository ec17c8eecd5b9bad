"""HTML pages: regional allocation of heat sources (issue 5). Filled in by the allocation work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
