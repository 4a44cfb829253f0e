from apps.meetings import urls_feedback

app_name = "meetings"
urlpatterns = [
    *urls_feedback.urlpatterns,
]
