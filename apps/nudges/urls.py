from django.urls import path

from apps.nudges import views

app_name = "nudges"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("<int:pk>/snooze/", views.snooze, name="snooze"),
    path("preferences/", views.preferences, name="preferences"),
    path("delivery-log/", views.delivery_log, name="delivery_log"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
