"""The project's URLs with the development pages, as ``DEBUG`` routes them."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("", include("apps.core.dev_urls"))]
