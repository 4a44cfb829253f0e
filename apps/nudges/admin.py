from django.contrib import admin

from apps.nudges.models import KindPreference, Notification, NudgeSettings, OutboxMessage, Snooze


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The delivery log: what was sent, what is waiting, and why anything failed."""

    list_display = [
        "id",
        "recipient",
        "kind",
        "period",
        "status",
        "attempts",
        "next_attempt_at",
        "leased_until",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", ("sent_at", admin.DateFieldListFilter), "attempts"]
    search_fields = ["user__email", "notification__user__email", "subject", "last_error"]
    list_select_related = ["user", "notification__user"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "notification"]
    readonly_fields = [
        "claimed_at",
        "leased_until",
        "sent_at",
        "attempts",
        "last_error",
        "created_at",
    ]
    actions = ["retry_now"]

    @admin.display(description="failure reason")
    def short_error(self, obj: OutboxMessage) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description="Retry the selected failed or pending messages now")
    def retry_now(self, request, queryset):
        from django.utils import timezone

        count = queryset.exclude(status=OutboxMessage.Status.SENT).update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=timezone.now(),
            leased_until=None,
            attempts=0,
        )
        self.message_user(request, f"{count} message(s) will go out with the next sweep.")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "user",
        "kind",
        "title",
        "delivery",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(NudgeSettings)
class NudgeSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "digest_hour", "weekly_day", "weekdays_only", "paused_until"]
    raw_id_fields = ["user"]


@admin.register(KindPreference)
class KindPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "mode"]
    list_filter = ["kind", "mode"]
    raw_id_fields = ["user"]


@admin.register(Snooze)
class SnoozeAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "object_id", "until"]
    raw_id_fields = ["user"]
