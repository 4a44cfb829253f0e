from django.contrib import admin
from django.http import HttpRequest

from apps.research.models import Venue, VenueDeadline


class VenueDeadlineInline(admin.TabularInline):
    model = VenueDeadline
    extra = 0
    # due_at is computed from the local time and zone by the import service; editing
    # rows here would let the two disagree, so the catalogue changes only by import.
    fields = ("year", "kind", "label", "local_date", "local_time", "timezone_name", "due_at")
    readonly_fields = (
        "year",
        "kind",
        "label",
        "local_date",
        "local_time",
        "timezone_name",
        "due_at",
    )
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Venue | None = None) -> bool:
        return False


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["title", "full_name", "link"]
    search_fields = ["title", "full_name"]
    inlines = [VenueDeadlineInline]
