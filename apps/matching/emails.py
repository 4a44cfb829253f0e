"""One function per email kind, each rendered from subject / text / HTML templates.

They are called from the thin Celery tasks in ``tasks.py`` after the transaction that
caused them has committed. The nudges outbox will later take over delivery; these
functions keep the content in one place for that move.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from apps.matching.models import CohortInvitation, Mentorship, ProposedPair


def _send(kind: str, to: str, context: dict[str, Any]) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"matching/emails/{kind}_subject.txt", context)
    text = render_to_string(f"matching/emails/{kind}.txt", context)
    html = render_to_string(f"matching/emails/{kind}.html", context)
    send_mail(
        " ".join(subject.split()),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        html_message=html,
    )


def _mentorships_url() -> str:
    return settings.SITE_URL + reverse("matching:mentorship_list")


def send_request_received(mentorship: Mentorship) -> None:
    _send(
        "request_received",
        mentorship.mentor.email,
        {"mentorship": mentorship, "url": _mentorships_url()},
    )


def send_request_accepted(mentorship: Mentorship) -> None:
    _send(
        "request_accepted",
        mentorship.student.email,
        {"mentorship": mentorship, "url": _mentorships_url()},
    )


def send_request_declined(mentorship: Mentorship) -> None:
    _send(
        "request_declined",
        mentorship.student.email,
        {"mentorship": mentorship, "url": settings.SITE_URL + reverse("matching:mentor_search")},
    )


def send_invitation(invitation: CohortInvitation) -> None:
    url = settings.SITE_URL + reverse("matching:invitation_accept", args=[invitation.token])
    _send("invitation", invitation.email, {"invitation": invitation, "url": url})


def send_match_published(pair: ProposedPair) -> None:
    context = {"pair": pair, "url": _mentorships_url()}
    _send("match_published", pair.student.email, {**context, "recipient": pair.student})
    if pair.mentor is not None:
        _send("match_published", pair.mentor.email, {**context, "recipient": pair.mentor})
