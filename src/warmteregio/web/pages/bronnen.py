"""HTML pages: the heat-source registry (issue 5). Filled in by the registry work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
