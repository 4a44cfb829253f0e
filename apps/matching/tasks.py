"""Thin Celery tasks: take ids, fetch, call one service or email function.

Services enqueue these by name (``apps.core.enqueue``) and never import this module.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

from apps.matching import emails, rounds, services
from apps.matching.models import CohortInvitation, CoordinatorInvitation

# Only delivery problems are worth retrying; a missing row means the work is moot.
_TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    name="matching.email_invitation",
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def email_invitation(invitation_id: int) -> None:
    invitation = CohortInvitation.objects.select_related("cohort__programme").filter(
        pk=invitation_id
    )
    if (i := invitation.first()) is not None:
        emails.send_invitation(i)


@shared_task(
    name="matching.email_coordinator_invitation",
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def email_coordinator_invitation(invitation_id: int) -> None:
    invitation = CoordinatorInvitation.objects.select_related("programme", "invited_by").filter(
        pk=invitation_id, accepted_at__isnull=True
    )
    if (i := invitation.first()) is not None:
        emails.send_coordinator_invitation(i)


@shared_task(name="matching.run_matching_round")
def run_matching_round(round_id: int) -> None:
    rounds.round_run(round_id=round_id)


@shared_task(name="matching.expire_pending_requests")
def expire_pending_requests() -> int:
    return services.mentorship_expire_due()
