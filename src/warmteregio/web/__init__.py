"""Web layer: JSON API under /api/v1 and HTML pages. Thin: never computes a cost."""
