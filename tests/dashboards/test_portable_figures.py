"""The mentor table has a PostgreSQL statement and a portable ORM path (SQLite, the
single-machine default); both must give the same figures."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.core.demo import DEMO_MENTOR
from apps.dashboards import selectors
from apps.matching.models import Mentorship


@pytest.mark.django_db
def test_portable_figures_match_the_postgresql_statement():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mentor = User.objects.get(email=DEMO_MENTOR)
    # Share everything with one mentee, so that every area has figures to compare.
    Mentorship.objects.filter(mentor=mentor, status="active").update(
        share_plan=True, share_reading=True, share_papers=True
    )
    now = timezone.now()
    today = timezone.localdate(now)

    sql = selectors._table_figures(mentor=mentor, now=now, today=today)
    portable = selectors._table_figures_portable(mentor=mentor, now=now, today=today)

    assert sql["plan"], "the demo mentee has a shared plan"
    assert sql["reading"], "the demo mentee has shared reading"
    assert sql["papers"], "the demo mentee has shared drafts"
    assert portable == sql


@pytest.mark.django_db
def test_portable_figures_respect_sharing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mentor = User.objects.get(email=DEMO_MENTOR)
    Mentorship.objects.filter(mentor=mentor).update(
        share_plan=False, share_reading=False, share_papers=False
    )
    now = timezone.now()

    figures = selectors._table_figures_portable(
        mentor=mentor, now=now, today=now.date() + dt.timedelta(days=0)
    )

    assert figures == {"plan": {}, "papers": {}, "reading": {}, "recent": []}
