"""The mentor table's figures come from one statement that honours each mentee's sharing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.core.demo import DEMO_MENTOR
from apps.dashboards import selectors
from apps.matching.models import Mentorship


@pytest.mark.django_db
def test_table_figures_cover_every_shared_area():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mentor = User.objects.get(email=DEMO_MENTOR)
    Mentorship.objects.filter(mentor=mentor, status="active").update(
        share_plan=True, share_reading=True, share_papers=True
    )
    now = timezone.now()

    figures = selectors._table_figures(mentor=mentor, now=now, today=timezone.localdate(now))

    assert figures["plan"], "the demo mentee has a shared plan"
    assert figures["reading"], "the demo mentee has shared reading"
    assert figures["papers"], "the demo mentee has shared drafts"


@pytest.mark.django_db
def test_table_figures_respect_sharing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mentor = User.objects.get(email=DEMO_MENTOR)
    Mentorship.objects.filter(mentor=mentor).update(
        share_plan=False, share_reading=False, share_papers=False
    )
    now = timezone.now()

    figures = selectors._table_figures(mentor=mentor, now=now, today=timezone.localdate(now))

    assert figures == {"plan": {}, "papers": {}, "reading": {}, "recent": []}
