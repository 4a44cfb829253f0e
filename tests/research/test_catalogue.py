import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.research.catalogue import CatalogueError
from apps.research.models import DeadlineKind, Venue, VenueDeadline
from apps.research.services import SEED_FILE, venue_catalogue_import

GOOD = """
- title: NeurIPS
  year: 2027
  full_name: Conference on Neural Information Processing Systems
  link: https://neurips.cc/
  tags: [machine-learning]
  deadlines:
    - {type: abstract, date: '2027-05-11 23:59:59', timezone: AoE}
    - {type: paper, date: '2027-05-18 23:59', timezone: UTC-12}
    - {type: rebuttal_start, date: '2027-07-24 23:59:59', timezone: AoE}
- title: CVPR
  year: 2027
  link: https://cvpr.thecvf.com/
  timezone: America/Los_Angeles
  deadline: '2026-11-13 23:59'
  abstract_deadline: '2026-11-06 23:59'
"""

pytestmark = pytest.mark.django_db


def test_import_creates_venues_and_exact_utc_deadlines():
    result = venue_catalogue_import(text=GOOD)
    assert (result.venues_created, result.deadlines_created) == (2, 4)
    assert result.skipped == ("NeurIPS 2027: 'rebuttal_start'",)
    paper = VenueDeadline.objects.get(venue__title="NeurIPS", kind=DeadlineKind.PAPER)
    assert paper.due_at == dt.datetime(2027, 5, 19, 11, 59, tzinfo=dt.UTC)
    assert paper.local_label == "2027-05-18 23:59 UTC-12"
    cvpr = VenueDeadline.objects.get(venue__title="CVPR", kind=DeadlineKind.PAPER)
    assert cvpr.due_at == dt.datetime(2026, 11, 14, 7, 59, tzinfo=dt.UTC)
    assert Venue.objects.get(title="NeurIPS").tags == ["machine-learning"]


def test_reimport_updates_in_place():
    venue_catalogue_import(text=GOOD)
    moved = GOOD.replace("2027-05-18 23:59", "2027-05-20 12:00")
    result = venue_catalogue_import(text=moved)
    assert (result.venues_created, result.venues_updated) == (0, 2)
    assert result.deadlines_created == 0
    assert VenueDeadline.objects.count() == 4
    paper = VenueDeadline.objects.get(venue__title="NeurIPS", kind=DeadlineKind.PAPER)
    assert paper.local_date == dt.date(2027, 5, 20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- title: [unclosed\n  year: 2027", "not valid YAML at line"),
        ("title: NeurIPS", "YAML list"),
        ("", "empty"),
        (
            GOOD + "- title: ICML\n  year: 2027\n  deadline: '2027-01-30'\n  timezone: Mars/Base\n",
            "Unknown timezone 'Mars/Base'",
        ),
        (GOOD + "- title: ICML\n  year: soon\n", "'year' must be a year"),
        (GOOD + "- year: 2027\n", "'title' is missing"),
        (GOOD + "- title: ICML\n  year: 2027\n  deadline: 'next friday'\n", "not a date"),
    ],
)
def test_bad_files_import_nothing_and_say_why(text, message):
    with pytest.raises(CatalogueError) as info:
        venue_catalogue_import(text=text)
    assert message in str(info.value)
    assert Venue.objects.count() == 0
    assert VenueDeadline.objects.count() == 0


def test_a_bad_entry_late_in_the_file_leaves_an_existing_catalogue_untouched():
    venue_catalogue_import(text=GOOD)
    before = list(VenueDeadline.objects.values_list("pk", "due_at"))
    broken = GOOD.replace("2027-05-18 23:59", "2027-05-30 23:59") + (
        "- title: ICML\n  year: 2027\n  timezone: Nowhere\n  deadline: '2027-01-30'\n"
    )
    with pytest.raises(CatalogueError):
        venue_catalogue_import(text=broken)
    assert list(VenueDeadline.objects.values_list("pk", "due_at")) == before
    assert not Venue.objects.filter(title="ICML").exists()


def test_shipped_seed_file_imports_cleanly():
    result = venue_catalogue_import(text=SEED_FILE.read_text())
    assert result.venues_created >= 5
    assert VenueDeadline.objects.filter(venue__title="ICML").exists()


def test_command_imports_a_file(tmp_path):
    path = tmp_path / "venues.yaml"
    path.write_text(GOOD)
    out = StringIO()
    call_command("import_venues", str(path), stdout=out)
    assert "2 venues created" in out.getvalue()
    assert Venue.objects.count() == 2


def test_command_reports_errors_and_imports_nothing(tmp_path):
    path = tmp_path / "venues.yaml"
    path.write_text(GOOD.replace("timezone: AoE}", "timezone: Moon/Base}", 1))
    with pytest.raises(CommandError, match=r"(?s)Nothing imported.*Moon/Base"):
        call_command("import_venues", str(path))
    assert Venue.objects.count() == 0


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_venues", str(tmp_path / "missing.yaml"))
