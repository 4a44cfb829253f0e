from django.urls import path

from apps.research import views

app_name = "research"
urlpatterns = [
    path("papers/", views.draft_board, name="draft_board"),
    path("papers/list/", views.draft_list, name="draft_list"),
    path("papers/new/", views.draft_create, name="draft_create"),
    path("papers/<int:pk>/", views.draft_detail, name="draft_detail"),
    path("papers/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("papers/<int:pk>/stage/", views.draft_move, name="draft_move"),
    path("papers/<int:pk>/delete/", views.draft_delete, name="draft_delete"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/import/", views.venue_import, name="venue_import"),
    path("venues/import/confirm/", views.venue_import_confirm, name="venue_import_confirm"),
    path("outreach/", views.contact_list, name="contact_list"),
    path("outreach/new/", views.contact_create, name="contact_create"),
    path("outreach/settings/", views.preferences, name="preferences"),
    path("outreach/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("outreach/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("outreach/<int:pk>/log/", views.interaction_create, name="interaction_create"),
    path("outreach/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]
