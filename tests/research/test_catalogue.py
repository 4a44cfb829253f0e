import datetime as dt

import pytest

from apps.research.catalogue import CatalogueError, parse_catalogue
from apps.research.models import DeadlineKind, Venue, VenueDeadline
from apps.research.services import SEED_FILE, venue_catalogue_import, venue_catalogue_plan

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
    - {type: conference_start, date: '2027-12-06', timezone: AoE}
- title: CVPR
  year: 2027
  link: https://cvpr.thecvf.com/
  timezone: America/Los_Angeles
  deadline: '2026-11-13 23:59'
  abstract_deadline: '2026-11-06 23:59'
"""

pytestmark = pytest.mark.django_db


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def entry(title="ICML", year="2027", deadlines="", **fields):
    lines = [f"- title: {title}", f"  year: {year}"]
    lines += [f"  {key}: {value}" for key, value in fields.items()]
    if deadlines:
        lines.append("  deadlines:")
        lines += [f"    - {d}" for d in deadlines.strip().splitlines()]
    return "\n".join(lines) + "\n"


def test_import_creates_venues_and_exact_utc_deadlines():
    result = venue_catalogue_import(text=GOOD)
    assert (result.venues_created, result.deadlines_created) == (2, 5)
    assert result.warnings == (
        "Entry 1 (NeurIPS 2027): deadline types Pacer does not track were skipped: "
        "'conference_start'.",
    )
    paper = VenueDeadline.objects.get(venue__title="NeurIPS", kind=DeadlineKind.PAPER)
    assert paper.due_at == utc(2027, 5, 19, 11, 59)
    assert paper.local_label == "2027-05-18 23:59 UTC-12"
    cvpr = VenueDeadline.objects.get(venue__title="CVPR", kind=DeadlineKind.PAPER)
    assert cvpr.due_at == utc(2026, 11, 14, 7, 59)
    assert Venue.objects.get(title="NeurIPS").tags == ["machine-learning"]


def test_reimport_updates_in_place_and_counts_unchanged_rows():
    venue_catalogue_import(text=GOOD)
    moved = GOOD.replace("2027-05-18 23:59", "2027-05-20 12:00")
    result = venue_catalogue_import(text=moved)
    assert (result.venues_created, result.venues_updated, result.venues_unchanged) == (0, 0, 2)
    assert (result.deadlines_created, result.deadlines_updated) == (0, 1)
    assert result.deadlines_unchanged == 4
    assert VenueDeadline.objects.count() == 5
    paper = VenueDeadline.objects.get(venue__title="NeurIPS", kind=DeadlineKind.PAPER)
    assert paper.local_date == dt.date(2027, 5, 20)
    assert "0 updated, 2 unchanged" in result.summary()


def test_reimporting_the_same_file_changes_nothing():
    venue_catalogue_import(text=GOOD)
    before = list(VenueDeadline.objects.order_by("pk").values())
    result = venue_catalogue_import(text=GOOD)
    assert (result.venues_unchanged, result.deadlines_unchanged) == (2, 5)
    assert result.venues_updated == result.deadlines_updated == result.deadlines_created == 0
    assert list(VenueDeadline.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- title: [unclosed\n  year: 2027", "not valid YAML at line"),
        ("title: NeurIPS", "YAML list"),
        ("", "empty"),
    ],
)
def test_a_file_that_is_not_a_catalogue_imports_nothing_and_says_why(text, message):
    with pytest.raises(CatalogueError) as info:
        venue_catalogue_import(text=text)
    assert message in str(info.value)
    assert Venue.objects.count() == 0


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            entry(deadlines="{type: paper, label: Main, date: '2027-01-30'}", timezone="Mars/Base"),
            "Entry 3 (ICML 2027): The entry's timezone: Unknown timezone 'Mars/Base'.",
        ),
        (
            entry(deadlines="{type: paper, label: Main, date: '2027-01-30', timezone: Mars/Base}"),
            "Entry 3 (ICML 2027): Full paper (Main) deadline (2027-01-30): "
            "Unknown timezone 'Mars/Base'.",
        ),
        (entry(year="soon"), "Entry 3 (ICML): 'year' must be a year such as 2027."),
        ("- year: 2027\n", "Entry 3: 'title' is missing."),
        (
            entry(deadlines="{type: abstract, date: 'next friday'}"),
            "Entry 3 (ICML 2027): Abstract deadline (next friday): "
            "'next friday' is not a date like 2027-05-15 23:59:59.",
        ),
        ("- just a string\n", "Entry 3: Expected a mapping"),
    ],
)
def test_a_bad_entry_is_rejected_with_its_reason_and_the_good_ones_import(bad, message):
    result = venue_catalogue_import(text=GOOD + bad)
    assert result.venues_created == 2
    [rejection] = result.rejected
    assert str(rejection).startswith(message)
    assert not Venue.objects.filter(title="ICML").exists()
    assert "1 of 3 entries rejected" in result.summary()


def test_strict_import_writes_nothing_when_any_entry_is_rejected():
    venue_catalogue_import(text=GOOD)
    before = list(VenueDeadline.objects.values_list("pk", "due_at"))
    broken = GOOD.replace("2027-05-18 23:59", "2027-05-30 23:59") + entry(
        timezone="Nowhere", deadlines="{type: paper, date: '2027-01-30'}"
    )
    with pytest.raises(CatalogueError, match="Unknown timezone 'Nowhere'"):
        venue_catalogue_import(text=broken, strict=True)
    assert list(VenueDeadline.objects.values_list("pk", "due_at")) == before
    assert not Venue.objects.filter(title="ICML").exists()


def test_a_bad_entry_timezone_is_reported_once_not_once_per_deadline():
    bad = entry(
        timezone="Nowhere",
        deadlines="""{type: abstract, date: '2027-01-23'}
{type: paper, date: '2027-01-30'}
{type: supplementary, date: '2027-02-06'}""",
    )
    parsed = parse_catalogue(bad)
    [rejection] = parsed.rejected
    assert rejection.reasons == [
        "The entry's timezone: Unknown timezone 'Nowhere'. Use AoE, UTC±N (e.g. UTC-12, "
        "UTC+8), an abbreviation with one offset (PST, PDT, EST, EDT, CET, CEST, ...) or an "
        "IANA name such as America/Vancouver."
    ]


def test_each_bad_deadline_is_named_by_label_and_date():
    bad = entry(
        deadlines="""{type: paper, label: Round 1, date: '2027-01-30', timezone: Nowhere}
{type: paper, label: Round 2, date: '2027-04-30', timezone: Nowhere}"""
    )
    [rejection] = parse_catalogue(bad).rejected
    first, second = rejection.reasons
    assert first.startswith(
        "Full paper (Round 1) deadline (2027-01-30): Unknown timezone 'Nowhere'."
    )
    assert second.startswith(
        "Full paper (Round 2) deadline (2027-04-30): Unknown timezone 'Nowhere'."
    )


# --- Labels: several deadlines of one type in a year --------------------------------------


def test_deadlines_of_one_type_told_apart_by_label_are_all_kept():
    rounds = "\n".join(
        f"{{type: paper, label: Track {n}, date: '2027-01-{n:02d} 23:59'}}" for n in range(1, 15)
    )
    notifications = """{type: notification, label: Preliminary, date: '2027-06-01'}
{type: notification, label: Final, date: '2027-07-01'}"""
    result = venue_catalogue_import(text=entry(deadlines=rounds + "\n" + notifications))
    assert result.rejected == ()
    assert result.deadlines_created == 16
    labels = set(VenueDeadline.objects.filter(kind="notification").values_list("label", flat=True))
    assert labels == {"Preliminary", "Final"}
    final = VenueDeadline.objects.get(label="Final")
    assert final.name == "Notification (Final)"
    assert str(final) == "ICML 2027 Notification (Final)"


def test_two_unlabelled_deadlines_of_one_type_on_different_days_reject_the_entry():
    bad = entry(
        deadlines="""{type: paper, date: '2027-01-30'}
{type: paper, date: '2027-02-06'}"""
    )
    [rejection] = parse_catalogue(bad).rejected
    assert rejection.reasons == [
        "Two Full paper deadlines (2027-01-30 and 2027-02-06): give each its own label."
    ]


def test_a_deadline_listed_twice_is_kept_once_with_a_warning():
    twice = entry(
        deadlines="""{type: paper, date: '2027-01-30'}
{type: paper, date: '2027-01-30'}"""
    )
    result = venue_catalogue_import(text=twice)
    assert result.deadlines_created == 1
    assert result.warnings == (
        "Entry 1 (ICML 2027): Full paper deadline is listed twice; kept once.",
    )


def test_a_file_that_starts_labelling_its_deadlines_relabels_the_rows_it_had():
    venue_catalogue_import(text=entry(deadlines="{type: paper, date: '2027-01-30'}"))
    [row] = VenueDeadline.objects.all()
    labelled = entry(deadlines="{type: paper, label: Paper submission, date: '2027-01-30'}")
    result = venue_catalogue_import(text=labelled)
    assert (result.deadlines_created, result.deadlines_updated) == (0, 1)
    row.refresh_from_db()
    assert row.label == "Paper submission"


def test_a_second_entry_for_the_same_venue_and_year_is_rejected():
    twice = entry(deadlines="{type: paper, date: '2027-01-30'}") + entry(
        title="icml", deadlines="{type: paper, date: '2027-02-28'}"
    )
    [rejection] = parse_catalogue(twice).rejected
    assert str(rejection) == "Entry 2 (icml 2027): Entry 1 (ICML 2027) already describes this year."


# --- Dates and types ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["TBA", "TBD", "tbd", "''", "'%y-%m-15 23:59'"])
def test_a_deadline_without_a_date_yet_is_skipped_and_the_venue_kept(value):
    text = entry(
        deadlines=f"""{{type: abstract, date: '2027-01-23'}}
{{type: paper, label: Main track, date: {value}}}"""
    )
    result = venue_catalogue_import(text=text)
    assert result.rejected == ()
    assert result.venues_created == 1
    assert list(VenueDeadline.objects.values_list("kind", flat=True)) == ["abstract"]
    [warning] = result.warnings
    assert warning.startswith("Entry 1 (ICML 2027): Full paper (Main track) deadline ")
    assert warning.endswith("; skipped, the venue is kept.")


def test_a_venue_whose_only_deadline_is_tba_is_still_created():
    result = venue_catalogue_import(text="- {title: ICLR, year: 2028, deadline: TBA}\n")
    assert result.venues_created == 1
    assert VenueDeadline.objects.count() == 0


@pytest.mark.parametrize(
    ("type_name", "kind", "label"),
    [
        ("commitment", DeadlineKind.COMMITMENT, ""),
        ("arr-commitment", DeadlineKind.COMMITMENT, ""),
        ("registration", DeadlineKind.REGISTRATION, ""),
        ("abstract_registration", DeadlineKind.REGISTRATION, "Abstract registration"),
        ("paper registration", DeadlineKind.REGISTRATION, ""),
        ("rebuttal_start", DeadlineKind.REBUTTAL_START, ""),
        ("rebuttal-end", DeadlineKind.REBUTTAL_END, ""),
        ("rebuttal_and_revision", DeadlineKind.REBUTTAL_START, "Rebuttal and revision"),
        ("review_release", DeadlineKind.REVIEW_RELEASE, ""),
        ("final-notification", DeadlineKind.NOTIFICATION, "Final notification"),
        ("first-notification", DeadlineKind.NOTIFICATION, "First notification"),
        ("Camera-Ready", DeadlineKind.CAMERA_READY, ""),
        ("submission", DeadlineKind.PAPER, ""),
    ],
)
def test_deadline_types_and_their_aliases(type_name, kind, label):
    [venue] = parse_catalogue(entry(deadlines=f"{{type: {type_name}, date: '2027-01-30'}}")).venues
    [deadline] = venue.deadlines
    assert (deadline.kind, deadline.label) == (kind, label)


def test_the_labels_given_in_the_file_win_over_an_alias_default():
    text = entry(deadlines="{type: final-notification, label: Decisions out, date: '2027-05-01'}")
    [venue] = parse_catalogue(text).venues
    assert venue.deadlines[0].label == "Decisions out"


def test_first_and_final_notifications_without_labels_are_two_deadlines():
    text = entry(
        deadlines="""{type: first-notification, date: '2027-05-01'}
{type: final-notification, date: '2027-06-01'}"""
    )
    assert venue_catalogue_import(text=text).deadlines_created == 2


def test_legacy_flat_fields_of_an_arr_venue_are_all_read():
    text = (
        "- title: EMNLP\n  year: 2027\n  deadline: '2027-05-19'\n"
        "  commitment_deadline: '2027-07-28'\n  rebuttal_period_start: '2027-07-01'\n"
        "  rebuttal_period_end: '2027-07-08'\n  final_decision_date: '2027-08-20'\n"
    )
    [venue] = parse_catalogue(text).venues
    assert [d.kind for d in venue.deadlines] == [
        "paper",
        "commitment",
        "rebuttal_start",
        "rebuttal_end",
        "notification",
    ]


def test_a_legacy_list_of_deadlines_becomes_labelled_rounds():
    text = "- {title: TACL, year: 2027, deadline: ['2027-01-31', '2027-04-30']}\n"
    [venue] = parse_catalogue(text).venues
    assert [(d.kind, d.label) for d in venue.deadlines] == [
        ("paper", "Round 1"),
        ("paper", "Round 2"),
    ]


# --- Titles and venue metadata ------------------------------------------------------------


def test_long_workshop_titles_are_kept_whole():
    title = "Workshop on " + "Very Long Names of Scientific Meetings " * 4
    result = venue_catalogue_import(text=entry(title=title.strip()))
    assert result.venues_created == 1
    assert Venue.objects.get().title == title.strip()


def test_a_title_longer_than_the_field_is_rejected():
    [rejection] = parse_catalogue(entry(title="W" * 201)).rejected
    assert rejection.reasons == ["'title' is longer than 200 characters."]


@pytest.mark.parametrize("newest_first", [True, False])
def test_venue_metadata_comes_from_the_newest_year_that_has_it(newest_first):
    old = entry(year=2026, full_name="Old Name", link="https://old.example.org/", tags="[ml]")
    new = entry(year=2027, full_name="''", link="https://new.example.org/", tags="[ml, ai]")
    text = new + old if newest_first else old + new
    venue_catalogue_import(text=text)
    venue = Venue.objects.get()
    assert venue.full_name == "Old Name"
    assert venue.link == "https://new.example.org/"
    assert venue.tags == ["ai", "ml"]


def test_an_import_without_a_full_name_keeps_the_one_in_the_catalogue():
    venue_catalogue_import(text=entry(full_name="International Conference on ML"))
    venue_catalogue_import(text=entry())
    assert Venue.objects.get().full_name == "International Conference on ML"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/", "not a link"])
def test_a_link_that_is_not_a_web_address_is_left_out_with_a_warning(link):
    result = venue_catalogue_import(text=entry(link=f"'{link}'"))
    assert Venue.objects.get().link == ""
    assert result.warnings == (
        "Entry 1 (ICML 2027): 'link' is not a web address (http or https); left out.",
    )


# --- Preview ------------------------------------------------------------------------------


def test_the_plan_says_what_an_import_would_do_without_writing():
    venue_catalogue_import(text=GOOD)
    changed = GOOD.replace("2027-05-18 23:59", "2027-05-20 12:00") + entry(
        deadlines="{type: paper, date: '2027-01-30'}"
    )
    plan = venue_catalogue_plan(parsed=parse_catalogue(changed + entry(year="x", title="Bad")))
    statuses = {v.parsed.title: v.overall for v in plan.venues}
    assert statuses == {"NeurIPS": "changed", "CVPR": "unchanged", "ICML": "new"}
    assert (plan.count("new"), plan.count("changed"), plan.count("unchanged")) == (1, 1, 1)
    assert len(plan.rejected) == 1
    assert not Venue.objects.filter(title="ICML").exists()


def test_shipped_seed_file_imports_cleanly():
    result = venue_catalogue_import(text=SEED_FILE.read_text(), strict=True)
    assert result.venues_created >= 5
    assert result.rejected == ()
    assert VenueDeadline.objects.filter(venue__title="ICML").exists()
