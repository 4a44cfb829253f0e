from django.urls import path

from apps.readinglists import views, views_import, views_review

app_name = "readinglists"

urlpatterns = [
    path("", views.list_index, name="list_index"),
    path("new/", views.list_create, name="list_create"),
    path("search/", views.search, name="search"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/edit/", views.list_edit, name="list_edit"),
    path("lists/<int:pk>/delete/", views.list_delete, name="list_delete"),
    path("lists/<int:pk>/copy/", views.list_copy, name="list_copy"),
    path("lists/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("lists/<int:pk>/import/", views_import.list_import, name="list_import"),
    path("lists/<int:pk>/identifiers/", views_import.identifiers_paste, name="identifiers_paste"),
    path("lists/<int:pk>/export.bib", views_import.export_bibtex, name="export_bibtex"),
    path("lists/<int:pk>/export.csv", views_import.export_csv, name="export_csv"),
    path("lists/<int:pk>/assign/", views.list_assign, name="list_assign"),
    path("lists/<int:pk>/progress/", views.list_progress, name="list_progress"),
    path("imports/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/lookup/", views.item_enrich_retry, name="item_enrich_retry"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/status/", views.item_status, name="item_status"),
    path("items/<int:pk>/notes/", views.progress_save, name="progress_save"),
    path("mentees/<int:user_pk>/", views.mentee_reading, name="mentee_reading"),
    path("review/", views_review.review_home, name="review_home"),
    path("review/session/", views_review.review_session, name="review_session"),
    path("review/starter-deck/", views_review.deck_add_starter, name="deck_add_starter"),
    path("review/cards/new/", views_review.card_create, name="card_create"),
    path("review/cards/<int:pk>/delete/", views_review.card_delete, name="card_delete"),
    path("review/cards/<int:pk>/reveal/", views_review.review_reveal, name="review_reveal"),
    path("review/cards/<int:pk>/grade/", views_review.review_grade, name="review_grade"),
    path("review/settings/", views_review.review_settings, name="review_settings"),
    path("review/pause/", views_review.review_pause, name="review_pause"),
]
