from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apps.nudges.selectors import outbox_due
from apps.nudges.services import nudges_sweep, outbox_send_due


class Command(BaseCommand):
    help = "Run one nudge sweep and deliver what is due (for installs driven by cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent, then roll everything back.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            self._dry_run()
            return
        result = nudges_sweep(force=True)
        self.stdout.write(
            f"Sweep: {result.total_created} new notification(s), "
            f"{result.queued_immediate} email(s) and {result.queued_digests} digest(s) queued."
        )
        sent = outbox_send_due()
        self.stdout.write(
            self.style.SUCCESS(
                f"Delivery: {sent.sent} sent, {sent.skipped} skipped, "
                f"{sent.retried} to retry, {sent.failed} failed."
            )
        )

    def _dry_run(self) -> None:
        now = timezone.now()
        with transaction.atomic():
            result = nudges_sweep(now=now, force=True)
            due = (
                outbox_due(now=now)
                .select_related("user", "notification__user")
                .order_by("next_attempt_at", "id")
            )
            lines = [
                f"{m.recipient.email}\t{m.kind}\t{m.period or '-'}\t"
                f"{m.notification.title if m.notification else '(digest)'}"
                for m in due
            ]
            transaction.set_rollback(True)
        self.stdout.write(f"Dry run: {result.total_created} new notification(s) would be made.")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"{len(lines)} email(s) would be sent. Nothing was changed.")
