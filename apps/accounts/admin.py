from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts import services
from apps.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_student",
        "is_mentor",
        "is_coordinator",
        "is_staff",
    ]
    list_filter = [
        "is_student",
        "is_mentor",
        "is_coordinator",
        ("coordinator_requested_at", admin.EmptyFieldListFilter),
        "is_staff",
        "is_active",
    ]
    actions = ["approve_coordinator_requests", "decline_coordinator_requests"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "timezone", "bio", "research_interests")}),
        (
            "Roles",
            {
                "fields": (
                    "is_student",
                    "is_mentor",
                    "is_coordinator",
                    "coordinator_requested_at",
                    "onboarded_at",
                )
            },
        ),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.action(description="Approve the selected people's coordinator requests")
    def approve_coordinator_requests(self, request, queryset):
        count = services.coordinator_requests_approve(users=queryset)
        self.message_user(request, f"{count} coordinator request(s) approved.")

    @admin.action(description="Decline the selected people's coordinator requests")
    def decline_coordinator_requests(self, request, queryset):
        count = services.coordinator_requests_decline(users=queryset)
        self.message_user(request, f"{count} coordinator request(s) declined.")
