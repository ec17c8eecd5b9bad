"""warmteregio: open platform for the Dutch regional heat transition."""

__version__ = "0.1.0"
