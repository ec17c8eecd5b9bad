"""Allocation runs and scenarios (issue 5). Filled in by the allocation work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Allocatie"])
