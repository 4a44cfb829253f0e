"""Building nudge emails: one for an immediate notification, one per digest slot.

Every email carries signed one-click unsubscribe links (RFC 8058): per kind and for
everything, usable without signing in, and never expiring (old emails must still work).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from apps.core.text import single_line
from apps.nudges.models import (
    DIGEST_DAILY,
    UNSUBSCRIBE_ALL,
    Kind,
    Mode,
    Notification,
    NudgeSettings,
    OutboxMessage,
)
from apps.nudges.rules import default_mode

UNSUBSCRIBE_SALT = "pacer.nudges.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_load(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token, or None when it is forged, altered or unknown."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in {*Kind.values, UNSUBSCRIBE_ALL}:
        return None
    return user_id, kind


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Paths reversed once per process: a batch builds several links per email, and the
# URLconf does not change while it runs. The site's address is still read each time.
@functools.cache
def _path(name: str, *args: str) -> str:
    return reverse(name, args=args or None)


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute(_path("nudges:unsubscribe", "TOKEN").replace("TOKEN", token))


def effective_mode(kind: str, modes: dict[str, str]) -> str:
    return modes.get(kind) or default_mode(kind)


def local_today(user, now: datetime):
    return now.astimezone(user.zone).date()


@dataclass
class BuiltEmail:
    email: EmailMultiAlternatives | None
    included_ids: list[int] = field(default_factory=list)
    consumed_ids: list[int] = field(default_factory=list)
    skip_reason: str = ""


def build_email(message: OutboxMessage, *, prefs: dict, now: datetime) -> BuiltEmail:
    user = message.recipient
    modes: dict[str, str] = prefs.get("modes", {})
    settings_row: NudgeSettings | None = prefs.get("settings")
    if not user.is_active or not user.email:
        return BuiltEmail(None, skip_reason="The account is inactive or has no address.")
    if (
        settings_row
        and settings_row.paused_until
        and settings_row.paused_until >= local_today(user, now)
    ):
        return BuiltEmail(None, skip_reason="Paused (holiday).")
    snoozed: set[tuple[str, int]] = prefs.get("snoozed", set())
    if message.is_digest:
        return _build_digest(message, modes=modes, snoozed=snoozed, now=now)
    return _build_single(message, modes=modes, snoozed=snoozed)


def _build_single(
    message: OutboxMessage, *, modes: dict[str, str], snoozed: set[tuple[str, int]]
) -> BuiltEmail:
    item = message.notification
    if item is None:
        return BuiltEmail(None, skip_reason="The notification no longer exists.")
    if effective_mode(item.kind, modes) == Mode.OFF:
        return BuiltEmail(None, skip_reason="Switched off after it was queued.")
    if item.read_at is not None:
        return BuiltEmail(None, skip_reason="Already read in the app.")
    if (item.kind, item.object_id) in snoozed:
        return BuiltEmail(None, skip_reason="Snoozed.")
    unsubscribe_kind = unsubscribe_url(user_id=item.user_id, kind=item.kind)
    context = {
        "user": message.recipient,
        "item": item,
        "item_url": absolute(item.url),
        "kind_label": Kind(item.kind).label,
        "unsubscribe_kind_url": unsubscribe_kind,
        "unsubscribe_all_url": unsubscribe_url(user_id=item.user_id, kind=UNSUBSCRIBE_ALL),
        "preferences_url": absolute(_path("nudges:preferences")),
        "inbox_url": absolute(_path("nudges:inbox")),
    }
    email = _email(
        message,
        subject=item.title,
        template="emails/nudges/item",
        context=context,
        list_unsubscribe=unsubscribe_kind,
    )
    return BuiltEmail(email, included_ids=[item.pk])


def _build_digest(
    message: OutboxMessage,
    *,
    modes: dict[str, str],
    snoozed: set[tuple[str, int]],
    now: datetime,
) -> BuiltEmail:
    daily = message.kind == DIGEST_DAILY
    waiting = list(
        Notification.objects.filter(
            user_id=message.recipient_id,
            delivery="daily" if daily else "weekly",
            queued_at__isnull=True,
            created_at__lte=now,
        ).order_by("kind", "created_at", "id")
    )
    shown = [
        n
        for n in waiting
        if n.read_at is None
        and (n.kind, n.object_id) not in snoozed
        and effective_mode(n.kind, modes) != Mode.OFF
    ]
    consumed = [n.pk for n in waiting]
    if not shown:
        return BuiltEmail(None, consumed_ids=consumed, skip_reason="Empty digest: not sent.")
    sections = [
        {
            "label": Kind(kind).label,
            "items": [{"item": n, "url": absolute(n.url)} for n in items],
            "unsubscribe_url": unsubscribe_url(user_id=message.recipient_id, kind=kind),
        }
        for kind, items in groupby(shown, key=lambda n: n.kind)
    ]
    count = len(shown)
    when = "today" if daily else "this week"
    things = "thing" if count == 1 else "things"
    subject = f"Your Pacer digest: {count} {things} to do {when}"
    unsubscribe_all = unsubscribe_url(user_id=message.recipient_id, kind=UNSUBSCRIBE_ALL)
    context = {
        "user": message.recipient,
        "daily": daily,
        "sections": sections,
        "count": count,
        "unsubscribe_all_url": unsubscribe_all,
        "preferences_url": absolute(_path("nudges:preferences")),
        "inbox_url": absolute(_path("nudges:inbox")),
    }
    email = _email(
        message,
        subject=subject,
        template="emails/nudges/digest",
        context=context,
        list_unsubscribe=unsubscribe_all,
    )
    return BuiltEmail(email, included_ids=[n.pk for n in shown], consumed_ids=consumed)


def _email(
    message: OutboxMessage, *, subject: str, template: str, context: dict, list_unsubscribe: str
) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        # A title stored before one-line fields refused line breaks (or taken from an
        # import) must not break the header, and with it the whole email.
        subject=single_line(subject),
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
        headers={
            "List-Unsubscribe": f"<{list_unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Pacer-Nudge": str(message.pk),
        },
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email
