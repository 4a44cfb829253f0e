"""The demo programme's cohort: thirty students, most of whom have ranked mentors in an
open round, and a real trade-off between the stable and the optimal algorithm."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_PASSWORD, DEMO_STUDENT
from apps.matching import rounds
from apps.matching.demo_cohort import cohort_plan
from apps.matching.models import (
    CohortMembership,
    MatchingRound,
    MentorProfile,
    Mentorship,
    ProposedPair,
    RoundChoice,
)

pytestmark = pytest.mark.django_db

FIGURES = re.compile(
    r"Mean rank obtained:</strong> ([\d.]+) ·\s*<strong>Mean fit:</strong> (\d+)%", re.S
)


def _seed() -> MatchingRound:
    call_command("seed_demo", stdout=io.StringIO())
    return MatchingRound.objects.get(status=MatchingRound.Status.OPEN)


def test_the_open_round_has_thirty_students_most_of_whom_ranked_mentors():
    matching_round = _seed()
    students = CohortMembership.objects.filter(cohort=matching_round.cohort, role="student")
    assert students.count() == 30
    ranked = RoundChoice.objects.filter(round=matching_round).values("student").distinct()
    assert ranked.count() == 26
    assert matching_round.collects_choices
    # Varied interests: more than half the cohort's students describe them differently.
    interests = {u.research_interests for u in User.objects.filter(pk__in=students.values("user"))}
    assert len(interests) >= 20
    capacities = set(
        MentorProfile.objects.filter(
            user__cohort_memberships__cohort=matching_round.cohort
        ).values_list("capacity", flat=True)
    )
    assert {2, 3, 5} <= capacities
    # Conflicting choices: some mentor is the first choice of more students than they take.
    firsts = RoundChoice.objects.filter(round=matching_round, rank=1)
    wanted: dict[int, int] = {}
    for mentor_id in firsts.values_list("mentor_id", flat=True):
        wanted[mentor_id] = wanted.get(mentor_id, 0) + 1
    capacity = dict(MentorProfile.objects.values_list("user_id", "capacity"))
    assert any(n > capacity[m] for m, n in wanted.items())


def test_the_plan_is_the_same_on_every_run():
    assert cohort_plan() == cohort_plan()


def test_seeding_twice_changes_nothing():
    matching_round = _seed()
    before = {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "display_name")),
        "choices": list(
            RoundChoice.objects.order_by("pk").values_list("pk", "student", "mentor", "rank")
        ),
        "requests": list(Mentorship.objects.order_by("pk").values_list("pk", "status")),
    }
    _seed()
    after = {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "display_name")),
        "choices": list(
            RoundChoice.objects.filter(round=matching_round)
            .order_by("pk")
            .values_list("pk", "student", "mentor", "rank")
        ),
        "requests": list(Mentorship.objects.order_by("pk").values_list("pk", "status")),
    }
    assert after == before


def test_only_the_documented_demo_accounts_can_log_in(client):
    _seed()
    documented = {DEMO_STUDENT, DEMO_MENTOR, DEMO_COORDINATOR}
    others = User.objects.filter(email__endswith="@demo.pacer.test").exclude(email__in=documented)
    assert others.count() >= 37
    assert not any(u.has_usable_password() for u in others)
    response = client.post(
        "/accounts/login/", {"login": others.first().email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200  # the form again, not a redirect home


@pytest.mark.parametrize("day", [dt.datetime(2027, 1, 12, 9), dt.datetime(2027, 7, 12, 21)])
def test_stable_and_optimal_matching_show_a_trade_off_on_the_round_page(
    client, django_capture_on_commit_callbacks, day
):
    # Fit counts time-zone distance on the day of the run, so the day is fixed: once in
    # winter and once in summer time.
    with time_machine.travel(day.replace(tzinfo=dt.UTC), tick=False):
        matching_round = _seed()
        client.force_login(User.objects.get(email=DEMO_COORDINATOR))
        shown: dict[str, tuple[float, int]] = {}
        pairs: dict[str, dict[int, int | None]] = {}
        for algorithm in ("stable", "optimal"):
            rounds.round_update_settings(matching_round=matching_round, algorithm=algorithm)
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("matching:round_run", args=[matching_round.pk]))
            assert response.status_code == 302
            page = client.get(reverse("matching:round_detail", args=[matching_round.pk]))
            found = FIGURES.search(page.content.decode())
            assert found, "the round page shows its figures"
            shown[algorithm] = (float(found[1]), int(found[2]))
            pairs[algorithm] = dict(
                ProposedPair.objects.filter(round=matching_round).values_list(
                    "student_id", "mentor_id"
                )
            )
            matching_round.refresh_from_db()

    (stable_rank, stable_fit), (optimal_rank, optimal_fit) = shown["stable"], shown["optimal"]
    # Stable gives students better-ranked mentors; optimal gives a better fit overall.
    assert stable_rank < optimal_rank
    assert optimal_fit > stable_fit
    moved = [s for s, m in pairs["stable"].items() if pairs["optimal"][s] != m]
    assert len(moved) >= 4
