"""CSV cells that spreadsheets cannot run as formulas (CSV injection)."""

from __future__ import annotations

# A cell starting with one of these is taken for a formula by Excel, LibreOffice or
# Google Sheets; "|" and "%" start DDE and macro tricks in some of them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_safe(value: object) -> object:
    """Text that could start a formula gets a leading quote, which makes it plain text.
    Numbers and dates pass through untouched (a negative number is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
