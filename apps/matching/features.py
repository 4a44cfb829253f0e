"""The fit features of a student and of a mentor, built from their rows.

Search, the mentor page and matching rounds all score fit from these records (see
``fit.score_pairs``), so a pair gets the same figure wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.matching import fit
from apps.matching.models import MentorProfile, StudentPreferences, split_list

if TYPE_CHECKING:
    from apps.accounts.models import User


@lru_cache(maxsize=512)
def _offset_hours(tz_name: str, day: dt.date) -> float:
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    offset = moment.utcoffset() or dt.timedelta()
    return offset.total_seconds() / 3600


def mentor_features(
    profile: MentorProfile, *, free_places: int, day: dt.date | None = None
) -> fit.MentorFeatures:
    user = profile.user
    return fit.MentorFeatures(
        id=str(user.pk),
        text=" ".join(
            [
                profile.research_areas,
                profile.topic_tags,
                profile.method_tags,
                user.bio,
                user.research_interests,
                profile.offer,
            ]
        ),
        tags=profile.tags,
        languages=profile.language_list,
        seniority=profile.seniority,
        cadence=profile.cadence,
        involvement=profile.involvement,
        channel=profile.channel,
        utc_offset_hours=_offset_hours(user.timezone, day or timezone.now().date()),
        capacity=profile.capacity,
        free_places=free_places,
        labels={
            "seniority": profile.get_seniority_display(),
            "cadence": profile.get_cadence_display(),
            "involvement": profile.get_involvement_display(),
            "channel": profile.get_channel_display(),
        },
    )


def student_features(
    user: User, prefs: StudentPreferences | None, *, day: dt.date | None = None
) -> fit.StudentFeatures:
    offset = _offset_hours(user.timezone, day or timezone.now().date())
    if prefs is None:
        return fit.StudentFeatures(
            id=str(user.pk),
            text=user.research_interests,
            tags=split_list(user.research_interests),
            utc_offset_hours=offset,
        )
    return fit.StudentFeatures(
        id=str(user.pk),
        text=" ".join([prefs.interests, prefs.tags, prefs.goals, user.research_interests]),
        tags=prefs.tag_list or split_list(user.research_interests),
        languages=prefs.language_list,
        preferred_seniority=prefs.preferred_seniority,
        preferred_cadence=prefs.preferred_cadence,
        preferred_involvement=prefs.preferred_involvement,
        preferred_channel=prefs.preferred_channel,
        utc_offset_hours=offset,
        timezone_tolerance_hours=prefs.timezone_tolerance_hours,
    )
