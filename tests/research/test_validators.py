import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.research.validators import normalise_orcid, orcid_checksum, validate_orcid


@pytest.mark.parametrize(
    "orcid",
    ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X", "0000-0002-1694-233x"],
)
def test_valid_orcid_ids_pass(orcid):
    validate_orcid(orcid)


def test_orcid_url_is_normalised_to_the_bare_id():
    assert normalise_orcid(" https://orcid.org/0000-0002-1694-233x ") == "0000-0002-1694-233X"
    validate_orcid("https://orcid.org/0000-0002-1825-0097")


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0002-1694-2330"])
def test_wrong_check_digit_is_rejected(orcid):
    with pytest.raises(ValidationError, match="check digit"):
        validate_orcid(orcid)


@pytest.mark.parametrize("orcid", ["0000-0002-1825", "0000000218250097", "abcd-0002-1825-0097"])
def test_malformed_orcid_is_rejected(orcid):
    with pytest.raises(ValidationError, match="four groups"):
        validate_orcid(orcid)


@given(st.text(alphabet="0123456789", min_size=15, max_size=15), st.integers(0, 14))
def test_checksum_detects_every_single_digit_error(base, position):
    check = orcid_checksum(base)
    wrong = str((int(base[position]) + 1) % 10)
    altered = base[:position] + wrong + base[position + 1 :]
    assert orcid_checksum(altered) != check
