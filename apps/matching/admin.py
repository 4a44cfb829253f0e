from django.contrib import admin

from apps.matching.coordinators import coordinator_links_granted
from apps.matching.models import (
    Cohort,
    MatchingRound,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
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


class ProgrammeCoordinatorInline(admin.TabularInline):
    model = ProgrammeCoordinator
    fk_name = "programme"
    raw_id_fields = ["user"]
    fields = ["user", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    extra = 0
    min_num = 1


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [ProgrammeCoordinatorInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgrammeCoordinator:
            return super().save_formset(request, form, formset, change)
        links = formset.save(commit=False)
        for removed in formset.deleted_objects:
            removed.delete()
        for link in links:
            if link.pk is None:
                link.added_by = request.user
            link.save()
        formset.save_m2m()
        # Staff adding someone here grants them the role, as an accepted invitation does.
        coordinator_links_granted(links=links)
        return None


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme"]


@admin.register(MatchingRound)
class MatchingRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "status", "algorithm"]
    list_filter = ["status"]
