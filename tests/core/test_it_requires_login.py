"""Every URL of the project refuses anonymous visitors, except an explicit allow-list.

The walk covers URL patterns added later automatically: a new view that forgets its
access check fails here. Each route that names an object gets a real one, owned by
someone else, so a detail view made public by mistake answers with the object (not
a 404 on a missing row) and is caught; a new such route must say what object it names.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.matching.models import (
    CohortInvitation,
    CoordinatorInvitation,
    MemberRole,
    MentorNote,
    ProposedPair,
)
from apps.milestones.models import ActionItem
from apps.readinglists.models import CardImport, ImportDraft
from tests.accounts.factories import UserFactory
from tests.conversations.factories import MessageFactory
from tests.matching.factories import (
    CohortFactory,
    MentorProfileFactory,
    MentorshipFactory,
    ProgrammeFactory,
    RoundFactory,
)
from tests.meetings.factories import ExceptionFactory, MeetingFactory, WeeklySlotFactory
from tests.milestones.factories import CheckInFactory, MilestoneFactory, PlanFactory
from tests.nudges.factories import NotificationFactory
from tests.readinglists.factories import (
    AssignmentFactory,
    ItemFactory,
    ReadingListFactory,
    ReviewCardFactory,
)
from tests.research.factories import ContactFactory, DraftFactory

# URL names (namespace:name) that anonymous visitors may reach, and why.
ALLOWED_ANONYMOUS = {
    "landing",  # the public front page
    "healthz",  # probed by load balancers
    "favicon",  # a permanent redirect to the static icon
    "admin:login",  # forwards to allauth's log-in
    # Token- or signature-protected endpoints, added by their apps:
    "nudges:unsubscribe",  # signed one-click unsubscribe (RFC 8058)
    "milestones:calendar_feed",  # secret-token iCalendar feed for calendar apps
}
# allauth's own pages (log-in, sign-up, password reset, email confirmation, the
# provider callbacks) are public by design; allauth marks them itself.
ALLOWED_PREFIXES = ("/accounts/",)

SAMPLE_ARGS = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": str(uuid.UUID(int=1)),
    "path": "sample/path",
}


def _pk(factory: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": factory().pk}


def _pair() -> dict[str, Any]:
    matching_round = RoundFactory()
    pair = ProposedPair.objects.create(
        round=matching_round, student=UserFactory(is_student=True), mentor=UserFactory()
    )
    return {"pk": matching_round.pk, "pair_pk": pair.pk}


def _note() -> dict[str, Any]:
    mentorship = MentorshipFactory()
    note = MentorNote.objects.create(
        mentor=mentorship.mentor, student=mentorship.student, body="A private note."
    )
    return {"pk": note.pk}


def _action_item() -> dict[str, Any]:
    return {"pk": ActionItem.objects.create(checkin=CheckInFactory(), text="Read it").pk}


def _import_draft() -> dict[str, Any]:
    reading_list = ReadingListFactory()
    draft = ImportDraft.objects.create(reading_list=reading_list, created_by=reading_list.owner)
    return {"pk": draft.pk}


def _card_import() -> dict[str, Any]:
    rows = [{"line": 1, "front": "Q", "back": "A", "topic": "other"}]
    return {"pk": CardImport.objects.create(owner=UserFactory(is_student=True), rows=rows).pk}


def _invitation() -> dict[str, Any]:
    invitation = CohortInvitation.objects.create(
        cohort=CohortFactory(), email="invitee@example.org", role=MemberRole.STUDENT
    )
    return {"token": invitation.token}


def _coordinator_invitation() -> dict[str, Any]:
    invitation = CoordinatorInvitation.objects.create(
        programme=ProgrammeFactory(), email="co@example.org"
    )
    return {"token": invitation.token}


def _co_coordinator() -> dict[str, Any]:
    # Two coordinators, so a removal that got through would really change a row.
    programme = ProgrammeFactory()
    second = UserFactory(is_coordinator=True)
    programme.coordinators.add(second)
    return {"pk": programme.pk, "user_id": second.pk}


PLAN = _pk(PlanFactory)
MILESTONE = _pk(MilestoneFactory)
MENTORSHIP = _pk(MentorshipFactory)
ROUND = _pk(RoundFactory)
LIST = _pk(ReadingListFactory)
ITEM = _pk(ItemFactory)
CARD = _pk(ReviewCardFactory)
DRAFT = _pk(DraftFactory)
CONTACT = _pk(ContactFactory)
NOTIFICATION = _pk(NotificationFactory)
PROGRAMME = _pk(ProgrammeFactory)
MEETING = _pk(MeetingFactory)


def _programme_pair() -> dict[str, Any]:
    from tests.matching.factories import MembershipFactory

    cohort = CohortFactory()
    mentorship = MentorshipFactory()
    MembershipFactory(cohort=cohort, user=mentorship.student, role=MemberRole.STUDENT)
    MembershipFactory(cohort=cohort, user=mentorship.mentor, role=MemberRole.MENTOR)
    return {"pk": cohort.programme_id, "mentorship_pk": mentorship.pk}


def _mentee() -> dict[str, Any]:
    return {"student_id": MentorshipFactory().student_id}


# The object each object-naming route gets, by URL name: all owned by someone else.
ROUTE_OBJECTS: dict[str, Callable[[], dict[str, Any]]] = {
    **dict.fromkeys(
        [
            "milestones:plan_detail",
            "milestones:plan_edit",
            "milestones:plan_delete",
            "milestones:plan_make_primary",
            "milestones:plan_timeline",
            "milestones:milestone_add",
            "milestones:checkin_list",
        ],
        PLAN,
    ),
    **dict.fromkeys(
        [
            "milestones:milestone_detail",
            "milestones:milestone_edit",
            "milestones:milestone_status",
            "milestones:milestone_delete",
            "milestones:milestone_move",
            "milestones:comment_add",
        ],
        MILESTONE,
    ),
    "milestones:action_item_convert": _action_item,
    "matching:mentor_detail": lambda: {"user_id": MentorProfileFactory().user_id},
    **dict.fromkeys(
        [
            "matching:mentorship_accept",
            "matching:mentorship_decline",
            "matching:mentorship_withdraw",
            "matching:mentorship_end",
            "matching:mentorship_sharing",
            "matching:mentee_notes",
        ],
        MENTORSHIP,
    ),
    "matching:note_delete": _note,
    "matching:programme_detail": PROGRAMME,
    "matching:cohort_detail": _pk(CohortFactory),
    "matching:invitation_accept": _invitation,
    "matching:coordinator_invitation_accept": _coordinator_invitation,
    "matching:coordinator_remove": _co_coordinator,
    **dict.fromkeys(
        [
            "matching:round_detail",
            "matching:round_progress",
            "matching:round_open",
            "matching:round_run",
            "matching:round_publish",
            "matching:round_choices",
        ],
        ROUND,
    ),
    "matching:pair_lock": _pair,
    "matching:pair_swap": _pair,
    **dict.fromkeys(
        [
            "readinglists:list_detail",
            "readinglists:list_edit",
            "readinglists:list_delete",
            "readinglists:list_copy",
            "readinglists:item_create",
            "readinglists:list_import",
            "readinglists:identifiers_paste",
            "readinglists:export_bibtex",
            "readinglists:export_csv",
            "readinglists:list_assign",
            "readinglists:list_progress",
        ],
        LIST,
    ),
    "readinglists:import_preview": _import_draft,
    "readinglists:assignment_delete": _pk(AssignmentFactory),
    **dict.fromkeys(
        [
            "readinglists:item_detail",
            "readinglists:item_edit",
            "readinglists:item_enrich_retry",
            "readinglists:item_delete",
            "readinglists:item_status",
            "readinglists:progress_save",
        ],
        ITEM,
    ),
    "readinglists:mentee_reading": lambda: {"user_pk": MentorshipFactory().student_id},
    **dict.fromkeys(
        [
            "readinglists:card_detail",
            "readinglists:card_edit",
            "readinglists:card_suspend",
            "readinglists:card_delete",
            "readinglists:review_reveal",
            "readinglists:review_grade",
        ],
        CARD,
    ),
    "readinglists:card_import_preview": _card_import,
    **dict.fromkeys(
        [
            "research:draft_detail",
            "research:draft_edit",
            "research:draft_move",
            "research:draft_delete",
        ],
        DRAFT,
    ),
    **dict.fromkeys(
        [
            "research:contact_detail",
            "research:contact_edit",
            "research:interaction_create",
            "research:contact_delete",
        ],
        CONTACT,
    ),
    **dict.fromkeys(["nudges:mark_read", "nudges:snooze"], NOTIFICATION),
    **dict.fromkeys(["dashboards:mentee", "dashboards:mentee_comment"], _mentee),
    **dict.fromkeys(["dashboards:programme", "dashboards:programme_csv"], PROGRAMME),
    **dict.fromkeys(["conversations:thread", "conversations:send"], MENTORSHIP),
    "conversations:message_edit": _pk(MessageFactory),
    **dict.fromkeys(
        [
            "meetings:meeting_detail",
            "meetings:meeting_reschedule",
            "meetings:meeting_cancel",
            "meetings:meeting_ics",
            "meetings:meeting_checkin",
        ],
        MEETING,
    ),
    # A mentor with published availability, booked through by someone who is not
    # their active mentee.
    "meetings:meeting_book": lambda: {"mentor_id": WeeklySlotFactory().mentor_id},
    "meetings:weekly_slot_delete": _pk(WeeklySlotFactory),
    "meetings:exception_delete": _pk(ExceptionFactory),
    "meetings:feedback": MEETING,
    "meetings:pairing_end": _programme_pair,
}


def _names_an_object(route: str, pattern: URLPattern) -> bool:
    converters = getattr(pattern.pattern, "converters", {})
    kinds = {type(c).__name__ for c in converters.values()}
    # The admin is walked with samples: the admin site refuses anyone who is not staff
    # before it looks anything up.
    return bool(kinds & {"IntConverter", "UUIDConverter"}) and not route.startswith("admin/")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield prefix + str(entry.pattern), name, entry


def _sample_url(route: str, pattern: URLPattern) -> str:
    converters = getattr(pattern.pattern, "converters", {})
    url = route
    for arg, converter in converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        sample = SAMPLE_ARGS.get(kind, "sample")
        url = url.replace(f"<{kind}:{arg}>", sample).replace(f"<{arg}>", sample)
    if url.startswith("^"):
        url = url.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + url


ROUTES = [
    (route, name, pattern)
    for route, name, pattern in _walk(get_resolver().url_patterns)
    if not route.startswith("static/")
]


def test_the_walk_sees_the_project_urls():
    names = {name for _route, name, _pattern in ROUTES}
    assert {"home", "healthz", "accounts:onboarding", "accounts:delete"} <= names


def test_every_route_that_names_an_object_gets_a_real_one():
    naming = {name for route, name, pattern in ROUTES if _names_an_object(route, pattern)}
    public = ALLOWED_ANONYMOUS & naming
    assert naming - public == set(ROUTE_OBJECTS), "add the new route to ROUTE_OBJECTS"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "name", "pattern"), ROUTES, ids=[route or "/" for route, *_ in ROUTES]
)
def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, route, name, pattern):
    if name in ROUTE_OBJECTS:
        url = reverse(name, kwargs=ROUTE_OBJECTS[name]())
    else:
        url = _sample_url(route, pattern)
    if name in ALLOWED_ANONYMOUS or url.startswith(ALLOWED_PREFIXES):
        # Public by design: it must still answer without a server error.
        assert client.get(url).status_code < 500, url
        return
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        refused = response.status_code in (401, 403, 404, 405)
        to_login = response.status_code == 302 and (
            response.url.startswith("/accounts/login/") or "/admin/login/" in response.url
        )
        assert refused or to_login, f"{method.upper()} {url} ({name}) -> {response.status_code}"
        assert response.status_code != 200
