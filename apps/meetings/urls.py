from django.urls import path

from apps.meetings import views, views_availability

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("book/<int:mentor_id>/", views.meeting_book, name="meeting_book"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/move/", views.meeting_reschedule, name="meeting_reschedule"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/invitation.ics", views.meeting_ics, name="meeting_ics"),
    path("<int:pk>/check-in/", views.meeting_checkin, name="meeting_checkin"),
    path("availability/", views_availability.availability_page, name="availability"),
    path("availability/weekly/", views_availability.weekly_slot_add, name="weekly_slot_add"),
    path(
        "availability/weekly/<int:pk>/delete/",
        views_availability.weekly_slot_delete,
        name="weekly_slot_delete",
    ),
    path("availability/exceptions/", views_availability.exception_add, name="exception_add"),
    path(
        "availability/exceptions/<int:pk>/delete/",
        views_availability.exception_delete,
        name="exception_delete",
    ),
]
