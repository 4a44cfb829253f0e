"""Failure reasons kept only the kind of error, and nudges that failed on a line break in
their subject are sent again.

Before, a failure reason held the error's own text, which could quote a student's
milestone title to the coordinators who read the delivery log; and a title with a line
break made the subject header invalid, so its nudge failed for good. Subjects are now
made one line when the email is built, so those nudges can go out.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

KEPT = {"", "The person no longer exists."}


def _reason(old: str) -> str:
    kind = old.split(":", 1)[0].split("(", 1)[0].strip()
    if old.startswith("Could not build the email"):
        return "Could not build the email (details in the server log)."
    if not kind.isidentifier():
        return "Not sent (details in the server log)."
    return f"{kind} (details in the server log)."


def scrub(apps, schema_editor):
    OutboxMessage = apps.get_model("nudges", "OutboxMessage")
    OutboxMessage.objects.filter(status="failed", last_error__startswith="BadHeaderError").update(
        status="pending", next_attempt_at=timezone.now(), leased_until=None, last_error=""
    )
    rows = OutboxMessage.objects.filter(Q(status="failed") | Q(status="pending")).exclude(
        last_error__in=KEPT
    )
    for row in rows.only("id", "last_error").iterator():
        OutboxMessage.objects.filter(pk=row.pk).update(last_error=_reason(row.last_error))


class Migration(migrations.Migration):
    dependencies = [
        ("nudges", "0004_drop_open_notifications_index"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
