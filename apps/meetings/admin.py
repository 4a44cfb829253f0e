from django.contrib import admin

from apps.meetings.models import AvailabilityException, AvailabilitySettings, Meeting, WeeklySlot


@admin.register(AvailabilitySettings)
class AvailabilitySettingsAdmin(admin.ModelAdmin):
    list_display = ["mentor", "timezone", "meeting_minutes", "weekly_cap"]
    raw_id_fields = ["mentor"]


@admin.register(WeeklySlot)
class WeeklySlotAdmin(admin.ModelAdmin):
    list_display = ["mentor", "weekday", "start_time", "end_time"]
    raw_id_fields = ["mentor"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ["mentor", "kind", "during"]
    raw_id_fields = ["mentor"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["mentor", "student", "during", "status"]
    list_filter = ["status"]
    raw_id_fields = [
        "mentorship",
        "mentor",
        "student",
        "booked_by",
        "rescheduled_by",
        "cancelled_by",
        "agenda_updated_by",
        "checkin",
    ]
    readonly_fields = ["uid", "sequence"]
