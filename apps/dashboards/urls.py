from django.urls import path

from apps.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("mentor/", views.mentor, name="mentor"),
    path("mentor/mentees/<int:student_id>/", views.mentee, name="mentee"),
    path("mentor/mentees/<int:student_id>/comment/", views.mentee_comment, name="mentee_comment"),
    path("coordinator/", views.coordinator, name="coordinator"),
    path("coordinator/programmes/<int:pk>/", views.programme, name="programme"),
    path("coordinator/programmes/<int:pk>/export.csv", views.programme_csv, name="programme_csv"),
    path("actions/done/", views.action_done, name="action_done"),
    path("actions/snooze/", views.action_snooze, name="action_snooze"),
]
