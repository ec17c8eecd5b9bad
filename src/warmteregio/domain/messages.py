"""Bilingual (Dutch first, English second) problem messages for validation reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input file: where it is and why, in Dutch and English.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it (the header is row 1);
    ``None`` when the problem concerns the file as a whole.
    """

    row: int | None
    column: str | None
    nl: str
    en: str

    def format(self, lang: str = "nl") -> str:
        where = []
        if self.row is not None:
            where.append(f"{'rij' if lang == 'nl' else 'row'} {self.row}")
        if self.column:
            where.append(f"{'kolom' if lang == 'nl' else 'column'} {self.column!r}")
        prefix = ", ".join(where)
        text = self.nl if lang == "nl" else self.en
        return f"{prefix}: {text}" if prefix else text

    def as_dict(self) -> dict[str, object]:
        return {"rij": self.row, "kolom": self.column, "reden": self.nl, "reason": self.en}
