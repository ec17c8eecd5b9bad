"""Names of the full-text search objects that live outside the ORM models (created by migration 0006).

* SQLite: the FTS5 table :data:`FTS_TABLE` (``rowid`` = ``kennisitems.id``; columns ``titel`` and ``tekst`` hold
  the item's words already normalised and stemmed by :mod:`warmteregio.network.search`, tokenizer ``unicode61``
  with diacritics removed). The service keeps it in step with ``kennisitems`` in the same transaction.
* PostgreSQL: the stored generated column :data:`PG_VECTOR_COLUMN` on ``kennisitems`` (``to_tsvector('dutch',
  ...)`` of the normalised title, weight A, and text, weight B) with the GIN index :data:`PG_INDEX`.

:func:`include_object` keeps Alembic's autogenerate (and the models-versus-migrations test) from reporting them.
"""

from __future__ import annotations

FTS_TABLE = "kennis_fts"
PG_VECTOR_COLUMN = "zoekvector"
PG_INDEX = "ix_kennisitems_zoekvector"
PG_VECTOR_SQL = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(zoektitel, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(zoektekst, '')), 'B')"
)


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    """Alembic ``include_object`` hook: skip the full-text objects that the models do not describe."""
    if name is None:
        return True
    if type_ == "table" and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    if type_ == "column" and name == PG_VECTOR_COLUMN:
        return False
    if type_ == "index" and name == PG_INDEX:
        return False
    return True
