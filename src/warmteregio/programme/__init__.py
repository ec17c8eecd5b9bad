"""Warmteprogramma workbench: lifecycle, buurt planning, legal checks, conflicts and documents (no database)."""
