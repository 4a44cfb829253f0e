from django.urls import path

from apps.conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.thread_index, name="index"),
    path("<int:pk>/", views.thread_detail, name="thread"),
    path("<int:pk>/send/", views.message_send, name="send"),
    path("message/<int:pk>/edit/", views.message_edit, name="message_edit"),
]
