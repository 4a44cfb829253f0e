"""Demo data: drafts at different stages against catalogue deadlines, and an outreach
log with follow-ups due. Idempotent: everything is found by owner and title or name."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.research import services
from apps.research.deadlines import deadline_to_utc
from apps.research.models import Contact, Draft, InteractionKind, Stage, Venue, VenueDeadline

_DRAFTS = [
    # (title, venue, path of stages, next action, days since the first stage)
    (
        "Variance-reduced policy gradients for sparse rewards",
        "ICML",
        [Stage.IDEA, Stage.OUTLINE, Stage.DRAFTING],
        "Run the ablation on reward sparsity and write the experiments section.",
        60,
    ),
    (
        "A benchmark for off-policy evaluation under distribution shift",
        "NeurIPS",
        [Stage.IDEA, Stage.OUTLINE],
        "Agree the list of environments with Dr Mentor.",
        20,
    ),
    (
        "Calibrated uncertainty for value-based agents",
        "ICLR",
        [Stage.IDEA, Stage.DRAFTING, Stage.INTERNAL_REVIEW, Stage.SUBMITTED, Stage.UNDER_REVIEW],
        "Prepare answers to likely reviewer questions.",
        150,
    ),
    (
        "Causal probes for language-model reasoning",
        "ACL",
        [Stage.IDEA, Stage.OUTLINE, Stage.DRAFTING, Stage.INTERNAL_REVIEW],
        "Address the internal reviewers' comments on section 4.",
        45,
    ),
    ("Learning rate schedules as control policies", None, [Stage.IDEA], "", 3),
]

_CONTACTS = [
    # (name, affiliation, purpose, follow_up_days, [(kind, days ago)], notes)
    (
        "Prof. Helena Okafor",
        "Northbridge University, Department of Computer Science",
        "phd_position",
        10,
        [(InteractionKind.EMAIL_SENT, 12)],
        "Leads a group on sample-efficient RL; asked about PhD openings for next autumn.",
    ),
    (
        "Dr Tomás Lindqvist",
        "Lakeside Institute of Technology",
        "advice",
        7,
        [(InteractionKind.EMAIL_SENT, 9)],
        "Wrote a well-known survey of off-policy evaluation.",
    ),
    (
        "Dr Priya Raman",
        "Harbourview AI Lab",
        "internship",
        10,
        [(InteractionKind.EMAIL_SENT, 20), (InteractionKind.REPLY_RECEIVED, 16)],
        "Replied: internship applications open in January.",
    ),
    (
        "Prof. Jonas Weber",
        "Eastfield University",
        "draft_feedback",
        14,
        [
            (InteractionKind.EMAIL_SENT, 30),
            (InteractionKind.REPLY_RECEIVED, 25),
            (InteractionKind.MEETING, -5),
        ],
        "Agreed to read the ICML draft; call booked.",
    ),
    ("Dr Mei Tanaka", "Northbridge University", "collaboration", 10, [], ""),
]


def _ensure_upcoming(venue: Venue, now: dt.datetime) -> None:
    """Keep the demo's countdowns alive after the seed file's dates pass: when a venue
    has no upcoming deadline, repeat its latest year's deadlines on the annual cycle."""
    if VenueDeadline.objects.filter(venue=venue, due_at__gte=now).exists():
        return
    latest = VenueDeadline.objects.filter(venue=venue).order_by("-year").first()
    if latest is None:
        return
    shift = max(1, now.year - latest.due_at.year + 1)
    for d in VenueDeadline.objects.filter(venue=venue, year=latest.year):
        local_date = d.local_date.replace(year=d.local_date.year + shift)
        VenueDeadline.objects.update_or_create(
            venue=venue,
            year=d.year + shift,
            kind=d.kind,
            label=d.label,
            defaults={
                "local_date": local_date,
                "local_time": d.local_time,
                "timezone_name": d.timezone_name,
                "due_at": deadline_to_utc(local_date, d.local_time, d.timezone_name),
            },
        )


@demo_seeders.register("research", order=40)
def seed(demo: DemoContext) -> None:
    now = timezone.now()
    services.venue_catalogue_import_seed()
    venues = {v.title: v for v in Venue.objects.all()}
    for venue in venues.values():
        _ensure_upcoming(venue, now)

    student = demo.student
    for title, venue_title, path, next_action, age_days in _DRAFTS:
        if Draft.objects.filter(owner=student, title=title).exists():
            continue
        start = now - dt.timedelta(days=age_days)
        draft = services.draft_create(
            owner=student,
            title=title,
            stage=path[0],
            target_venue=venues.get(venue_title) if venue_title else None,
            next_action=next_action,
            abstract="",
            now=start,
        )
        step = dt.timedelta(days=age_days / max(len(path), 1))
        for index, stage in enumerate(path[1:], start=1):
            services.draft_change_stage(
                draft=draft, stage=stage, by=student, now=start + index * step
            )
    drafts = {d.title: d for d in Draft.objects.filter(owner=student)}
    demo.extra["research_drafts"] = drafts

    today = now.date()
    for name, affiliation, purpose, days, events, notes in _CONTACTS:
        contact, created = Contact.objects.get_or_create(
            owner=student,
            name=name,
            defaults={
                "affiliation": affiliation,
                "purpose": purpose,
                "follow_up_days": days,
                "notes": notes,
                "email": name.split()[-1].lower() + "@example.edu",
                "homepage": "https://example.edu/~" + name.split()[-1].lower(),
            },
        )
        if created:
            for kind, days_ago in events:
                services.interaction_log(
                    contact=contact, kind=kind, occurred_on=today - dt.timedelta(days=days_ago)
                )
    # Josiah Carberry's iD: ORCID's own documented example, with a valid check digit.
    Contact.objects.filter(owner=student, name="Prof. Helena Okafor").update(
        orcid="0000-0002-1825-0097"
    )
