from django.contrib import admin

from apps.milestones.models import CheckIn, Milestone, Plan, PlanTemplate


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "start_date", "horizon_years", "is_primary"]
    search_fields = ["title", "owner__email"]
    raw_id_fields = ["owner"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "category", "status", "target_date"]
    list_filter = ["status", "category"]
    raw_id_fields = ["plan", "dependencies"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["plan", "date", "author", "mentor"]
    raw_id_fields = ["plan", "author", "mentor"]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
    raw_id_fields = ["created_by"]
