"""Plain domain types shared by every layer: area codes, enumerations, bilingual messages."""
