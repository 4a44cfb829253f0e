from django.urls import path

from apps.matching import programme_views, views

app_name = "matching"
urlpatterns = [
    path("", views.mentor_search, name="mentor_search"),
    path("profile/", views.mentor_profile_edit, name="mentor_profile"),
    path("preferences/", views.preferences_edit, name="preferences"),
    path("<int:user_id>/", views.mentor_detail, name="mentor_detail"),
    path("mentorships/", views.mentorship_list, name="mentorship_list"),
    path("mentorships/<int:pk>/accept/", views.mentorship_accept, name="mentorship_accept"),
    path("mentorships/<int:pk>/decline/", views.mentorship_decline, name="mentorship_decline"),
    path("mentorships/<int:pk>/withdraw/", views.mentorship_withdraw, name="mentorship_withdraw"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("mentorships/<int:pk>/sharing/", views.mentorship_sharing, name="mentorship_sharing"),
    path("mentorships/<int:pk>/notes/", views.mentee_notes, name="mentee_notes"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("programmes/", programme_views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", programme_views.programme_detail, name="programme_detail"),
    path(
        "programmes/<int:pk>/coordinators/<int:user_id>/remove/",
        programme_views.coordinator_remove,
        name="coordinator_remove",
    ),
    path(
        "coordinator-invitations/<uuid:token>/",
        programme_views.coordinator_invitation_accept,
        name="coordinator_invitation_accept",
    ),
    path("cohorts/<int:pk>/", programme_views.cohort_detail, name="cohort_detail"),
    path("invitations/<uuid:token>/", programme_views.invitation_accept, name="invitation_accept"),
    path("rounds/<int:pk>/", programme_views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/progress/", programme_views.round_progress, name="round_progress"),
    path("rounds/<int:pk>/open/", programme_views.round_open, name="round_open"),
    path("rounds/<int:pk>/run/", programme_views.round_run, name="round_run"),
    path("rounds/<int:pk>/publish/", programme_views.round_publish, name="round_publish"),
    path("rounds/<int:pk>/pairs/<int:pair_pk>/lock/", programme_views.pair_lock, name="pair_lock"),
    path("rounds/<int:pk>/pairs/<int:pair_pk>/swap/", programme_views.pair_swap, name="pair_swap"),
    path("rounds/<int:pk>/choices/", programme_views.round_choices, name="round_choices"),
]
