import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from apps.dashboards import home, selectors
from apps.dashboards.figures import AMBER, AREAS, RED, Figures, flags_for
from apps.dashboards.selectors import mentee_rows_sorted

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _row(**fields) -> Figures:
    shares = dict.fromkeys(AREAS, True)
    row = Figures(student_id=fields.pop("student_id", 1), name="A", shares=shares)
    row.last_login = fields.pop("last_activity", NOW - dt.timedelta(days=1))
    for key, value in fields.items():
        setattr(row, key, value)
    return row


def mentee_flags(row: Figures, *, now: dt.datetime):
    return flags_for(row, now=now)


@pytest.mark.parametrize(
    ("idle_days", "level"), [(1, None), (13, None), (14, AMBER), (27, AMBER), (28, RED)]
)
def test_inactivity_flag(idle_days, level):
    flags = mentee_flags(_row(last_activity=NOW - dt.timedelta(days=idle_days)), now=NOW)
    assert [f.level for f in flags] == ([] if level is None else [level])


def test_no_activity_ever_is_red():
    (flag,) = mentee_flags(_row(last_activity=None), now=NOW)
    assert flag.level == RED
    assert flag.text == "No activity yet"


@pytest.mark.parametrize(
    ("overdue", "days", "level", "text"),
    [
        (0, 0, None, None),
        (1, 1, AMBER, "1 overdue by 1 day"),
        (2, 27, AMBER, "2 overdue, one by 27 days"),
        (2, 30, RED, "2 overdue, one by 30 days"),
        (3, 2, RED, "3 overdue, one by 2 days"),
    ],
)
def test_any_overdue_milestone_flags_with_its_reason(overdue, days, level, text):
    flags = mentee_flags(_row(overdue=overdue, overdue_days=days), now=NOW)
    assert [(f.level, f.text) for f in flags] == ([] if level is None else [(level, text)])


@pytest.mark.parametrize(
    ("hours", "level"), [(24 * 8, None), (24 * 7, AMBER), (24 * 3, AMBER), (24 * 2, RED), (5, RED)]
)
def test_early_draft_deadline_flag(hours, level):
    row = _row(early_draft_deadline=NOW + dt.timedelta(hours=hours))
    flags = mentee_flags(row, now=NOW)
    assert [f.level for f in flags] == ([] if level is None else [level])


def test_worry_order_puts_red_then_amber_then_calm():
    calm = _row(student_id=1)
    amber = _row(student_id=2, overdue=1, overdue_days=2)
    red = _row(student_id=3, overdue=7, overdue_days=2)
    for row in (calm, amber, red):
        row.flags = mentee_flags(row, now=NOW)
    ordered = mentee_rows_sorted([calm, amber, red])
    assert [r.student_id for r in ordered] == [3, 2, 1]
    assert [r.student_id for r in mentee_rows_sorted([calm, amber, red], filter_by="red")] == [3]


def test_next_deadline_is_the_sooner_of_milestone_and_paper():
    row = _row(
        next_milestone=dt.date(2026, 4, 1),
        next_paper_deadline=dt.datetime(2026, 3, 20, 23, 59, tzinfo=dt.UTC),
    )
    with timezone.override("UTC"):
        assert row.next_deadline == dt.date(2026, 3, 20)
        assert row.next_deadline_kind == "Paper deadline"


def test_local_horizon_ends_at_the_viewers_midnight():
    with timezone.override("Asia/Tokyo"):
        end = home.local_horizon(days=30, now=NOW)
        assert end.tzinfo is not None
        assert (end.hour, end.minute) == (23, 59)
        assert end.date() == (timezone.localtime(NOW) + dt.timedelta(days=30)).date()


def test_templates_obey_the_content_security_policy():
    root = Path(selectors.__file__).parent / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert "style=" not in text, template
        assert "<script" not in text, template
        assert "hx-on" not in text, template
