from django.contrib import admin

from apps.conversations.models import EarlyExpiry


# Message text is private to the two people of a mentorship: staff see only early
# expiries (who, when), never a thread.
@admin.register(EarlyExpiry)
class EarlyExpiryAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "student", "mentor", "expired_at")
    raw_id_fields = ("mentorship", "student", "mentor")
