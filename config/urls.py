from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from apps.core import views as core_views
from apps.dashboards import views as dashboard_views

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("home/", dashboard_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("apps.accounts.urls")),
    path("plans/", include("apps.milestones.urls")),
    path("mentors/", include("apps.matching.urls")),
    path("reading/", include("apps.readinglists.urls")),
    path("research/", include("apps.research.urls")),
    path("messages/", include("apps.conversations.urls")),
    path("meetings/", include("apps.meetings.urls")),
    path("nudges/", include("apps.nudges.urls")),
    path("dashboards/", include("apps.dashboards.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns.append(path("", include("apps.core.dev_urls")))
