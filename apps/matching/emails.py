"""One function per email kind, each rendered from subject / text / HTML templates.

They are called from the thin Celery tasks in ``tasks.py`` after the transaction that
caused them has committed. Only invitations (to a cohort, or to co-coordinate a
programme) are mailed from here, because they go to an address that may have no
account yet; every mentorship event (request, answer, a published round's matches) is a
nudge and goes through the nudges outbox.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from apps.matching.models import CohortInvitation, CoordinatorInvitation


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


def send_invitation(invitation: CohortInvitation) -> None:
    url = settings.SITE_URL + reverse("matching:invitation_accept", args=[invitation.token])
    _send("invitation", invitation.email, {"invitation": invitation, "url": url})


def send_coordinator_invitation(invitation: CoordinatorInvitation) -> None:
    url = settings.SITE_URL + reverse(
        "matching:coordinator_invitation_accept", args=[invitation.token]
    )
    _send("coordinator_invitation", invitation.email, {"invitation": invitation, "url": url})
