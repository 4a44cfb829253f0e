from django.urls import path

from apps.milestones import template_views, views

app_name = "milestones"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("new/from-template/", views.plan_from_template, name="plan_from_template"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("<int:pk>/primary/", views.plan_make_primary, name="plan_make_primary"),
    path("<int:pk>/timeline/", views.plan_timeline, name="plan_timeline"),
    path("<int:pk>/milestones/add/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/checkins/", views.checkin_list, name="checkin_list"),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/status/", views.milestone_status, name="milestone_status"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("milestones/<int:pk>/move/", views.milestone_move, name="milestone_move"),
    path("milestones/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("action-items/<int:pk>/milestone/", views.action_item_convert, name="action_item_convert"),
    path("templates/", template_views.template_list, name="template_list"),
    path("templates/new/", template_views.template_create, name="template_create"),
    path("templates/<slug:slug>/", template_views.template_detail, name="template_detail"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
