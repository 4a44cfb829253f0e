from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_ORCID_URL_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """Accept the bare iD or its orcid.org URL, any case of the final X."""
    value = value.strip()
    for prefix in _ORCID_URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    return value.upper()


def validate_orcid(value: str) -> None:
    if not value:
        return
    orcid = normalise_orcid(value)
    if not _ORCID_RE.match(orcid):
        raise ValidationError(
            "An ORCID iD has four groups of four characters, e.g. 0000-0002-1825-0097.",
            code="orcid_format",
        )
    digits = orcid.replace("-", "")
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            "This ORCID iD's check digit is wrong; please copy it again from the "
            "researcher's ORCID page.",
            code="orcid_checksum",
        )
