from django.contrib import admin

from apps.readinglists.models import Assignment, Item, ReadingList, ReviewCard


@admin.register(ReadingList)
class ReadingListAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "visibility", "updated_at"]
    search_fields = ["title", "owner__email"]
    raw_id_fields = ["owner", "copied_from"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["title", "reading_list", "kind", "year", "doi", "enrichment_status"]
    search_fields = ["title", "doi", "arxiv_id"]
    raw_id_fields = ["reading_list"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["reading_list", "mentee", "assigned_by", "due_date"]
    raw_id_fields = ["reading_list", "mentee", "assigned_by"]


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    # Cards are personal; the admin shows only the scheduling columns for support.
    list_display = ["pk", "owner", "topic", "state", "due"]
    raw_id_fields = ["owner", "reading_item"]
