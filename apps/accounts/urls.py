from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("welcome/", views.onboarding, name="onboarding"),
    path("profile/", views.profile, name="profile"),
    path("export/", views.export_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
