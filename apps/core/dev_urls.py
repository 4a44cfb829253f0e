"""Development-only pages, routed by ``config.urls`` when ``DEBUG`` is on."""

from django.urls import path
from django.views import defaults

from apps.core import views

urlpatterns = [
    path("errors/404/", defaults.page_not_found, {"exception": Exception()}),
    path("errors/500/", defaults.server_error),
    path("dev/mail/", views.dev_mail_list, name="dev_mail_list"),
    path("dev/mail/<str:email_id>/", views.dev_mail_detail, name="dev_mail_detail"),
    path("dev/mail/<str:email_id>/html", views.dev_mail_html, name="dev_mail_html"),
]
