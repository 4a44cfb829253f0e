"""Routes of meeting feedback and of a coordinator ending a pairing, included in the
meetings URLs."""

from django.urls import path

from apps.meetings import views_feedback

urlpatterns = [
    path("<int:pk>/feedback/", views_feedback.meeting_feedback, name="feedback"),
    path(
        "programmes/<int:pk>/pairs/<int:mentorship_pk>/end/",
        views_feedback.pairing_end,
        name="pairing_end",
    ),
]
