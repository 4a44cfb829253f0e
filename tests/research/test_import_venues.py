"""The import_venues command on hand-written files in the community's two formats."""

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.research.models import DeadlineKind, Venue, VenueDeadline

FIXTURES = Path(__file__).parent / "fixtures" / "venues"
pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("import_venues", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_old_single_file_list_imports_every_valid_entry():
    out = run(FIXTURES / "legacy_conferences.yml")
    assert out.startswith(
        "4 venues created, 0 updated, 0 unchanged; 8 deadlines created, 0 updated, 0 unchanged."
        " 1 of 5 entries rejected. 1 warning."
    )
    assert "  rejected Entry 5 (AISTATS 2027):\n    - The entry's timezone: Unknown timezone" in out
    assert "warning: Entry 3 (ICLR 2027): Full paper deadline has no date yet (TBA)" in out
    assert set(Venue.objects.values_list("title", flat=True)) == {"ICML", "CVPR", "ICLR", "EMNLP"}
    cvpr = VenueDeadline.objects.get(venue__title="CVPR")
    assert cvpr.due_at == dt.datetime(2025, 11, 14, 7, 59, tzinfo=dt.UTC)  # PST is UTC-8
    emnlp = VenueDeadline.objects.filter(venue__title="EMNLP").values_list("kind", flat=True)
    assert set(emnlp) == {"paper", "commitment", "rebuttal_start", "rebuttal_end", "notification"}
    assert Venue.objects.get(title="ICLR").tags == ["DL", "ML"]


def test_a_directory_of_per_conference_files_imports_each_file(tmp_path):
    out = run(FIXTURES / "conferences")
    assert out.startswith("2 venues created")
    assert "entries rejected" not in out
    assert "1 file could not be read." in out
    assert "rejected broken.yml:\n    - The file is not valid YAML at line 2" in out
    assert "warning: neurips.yml, entry 2 (NeurIPS 2027): Full paper (Paper submission) " in out
    neurips = Venue.objects.get(title="NeurIPS")
    # The 2027 edition has the newer link but no full name: the 2026 one gives it.
    assert neurips.link == "https://neurips.cc/Conferences/2027"
    assert neurips.full_name == "Conference on Neural Information Processing Systems"
    acl = VenueDeadline.objects.filter(venue__title="ACL").order_by("due_at")
    assert [(d.kind, d.label) for d in acl] == [
        (DeadlineKind.PAPER, "ARR submission deadline"),
        (DeadlineKind.COMMITMENT, "Commitment deadline"),
        (DeadlineKind.NOTIFICATION, "First notification"),
        (DeadlineKind.NOTIFICATION, "Final notification"),
    ]


def test_reimporting_reports_unchanged_rows():
    run(FIXTURES / "conferences" / "acl.yml", FIXTURES / "conferences" / "neurips.yml")
    out = run(FIXTURES / "conferences" / "acl.yml", FIXTURES / "conferences" / "neurips.yml")
    assert out.startswith(
        "0 venues created, 0 updated, 2 unchanged; 0 deadlines created, 0 updated, 9 unchanged."
    )


def test_a_file_mixing_every_case():
    out = run(FIXTURES / "mixed.yml")
    first_line = out.splitlines()[0]
    assert first_line == (
        "7 venues created, 0 updated, 0 unchanged; 17 deadlines created, 0 updated, "
        "0 unchanged. 4 of 12 entries rejected. 3 warnings."
    )
    for rejected in (
        "Entry 9 (ICRA 2027):\n    - Full paper (Main track) deadline (2026-09-15 23:59): "
        "Unknown timezone 'Mars/Olympus'.",
        "Entry 10 (IROS 2026):\n    - Full paper deadline (first week of March): "
        "'first week of March' is not a date",
        "Entry 11 (MICCAI 2026):\n    - Two Full paper deadlines (2026-03-01 and 2026-03-08): "
        "give each its own label.",
        "Entry 12 (WACV):\n    - 'year' must be a year such as 2027.",
    ):
        assert rejected in out
    lines = out.splitlines()
    assert len(lines) == len(set(lines)), "no line is repeated"
    kdd = VenueDeadline.objects.filter(venue__title="KDD")
    assert sorted(kdd.values_list("kind", "label")) == [
        ("notification", "Final"),
        ("notification", "Preliminary"),
        ("paper", "Round 1"),
        ("paper", "Round 2"),
    ]
    eccv = {d.kind: d.due_at for d in VenueDeadline.objects.filter(venue__title="ECCV")}
    assert eccv["registration"] == dt.datetime(2026, 3, 1, 22, 59, tzinfo=dt.UTC)  # CET
    assert eccv["paper"] == dt.datetime(2026, 3, 7, 21, 59, tzinfo=dt.UTC)  # CEST
    assert eccv["camera_ready"] == dt.datetime(2026, 7, 10, 18, 29, tzinfo=dt.UTC)
    assert Venue.objects.filter(title="COLT", deadlines__isnull=True).exists()
    assert (
        Venue.objects.get(title="EACL").full_name == "Conference of the European Chapter of the ACL"
    )
    assert Venue.objects.get(title="EACL").link == "https://2027.eacl.org/"
    assert Venue.objects.filter(title__startswith="International Workshop on Trustworthy").exists()


def test_strict_imports_nothing_when_an_entry_is_rejected():
    with pytest.raises(CommandError, match=r"(?s)Nothing imported.*Mars/Olympus"):
        run(FIXTURES / "mixed.yml", "--strict")
    assert Venue.objects.count() == 0


def test_strict_imports_a_clean_file():
    assert run(FIXTURES / "conferences" / "acl.yml", "--strict").startswith("1 venues created")


def test_a_file_that_is_not_a_list_imports_nothing(tmp_path):
    path = tmp_path / "venues.yaml"
    path.write_text("title: NeurIPS\n")
    with pytest.raises(CommandError, match=r"(?s)Nothing imported.*YAML list"):
        run(path)


def test_a_missing_file_or_an_empty_directory_is_reported(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.yaml")
    with pytest.raises(CommandError, match=r"holds no \.yml or \.yaml files"):
        run(tmp_path)


def test_a_directory_of_unreadable_files_imports_nothing(tmp_path):
    shutil.copy(FIXTURES / "conferences" / "broken.yml", tmp_path / "broken.yml")
    with pytest.raises(CommandError, match=r"(?s)Nothing imported.*broken.yml"):
        run(tmp_path)
