"""Readers and importers of real sources -> validated domain tables. Never touches the web."""
