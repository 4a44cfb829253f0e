from django.contrib import admin

from apps.matching.models import (
    Cohort,
    MatchingRound,
    MentorProfile,
    Mentorship,
    Programme,
)


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["student", "mentor", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["student", "mentor", "ended_by"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "seniority", "capacity", "accepting"]
    raw_id_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "coordinator"]
    raw_id_fields = ["coordinator"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme"]


@admin.register(MatchingRound)
class MatchingRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "status", "algorithm"]
    list_filter = ["status"]
