"""Writes of the research capability: drafts and their stages, contacts and their
follow-ups, the venue catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from apps.research.catalogue import ParsedCatalogue, parse_catalogue
from apps.research.models import (
    CLOSED_STATUSES,
    Contact,
    ContactStatus,
    Draft,
    DraftStageChange,
    Interaction,
    InteractionKind,
    ResearchPreferences,
    Stage,
    Venue,
    VenueDeadline,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

SEED_FILE = Path(__file__).resolve().parent / "data" / "venues.yaml"

DRAFT_FIELDS = (
    "title",
    "abstract",
    "coauthors",
    "target_venue",
    "manuscript_url",
    "code_url",
    "preprint_url",
    "next_action",
)
CONTACT_FIELDS = (
    "name",
    "affiliation",
    "homepage",
    "email",
    "orcid",
    "purpose",
    "notes",
    "follow_up_days",
)


# --- Drafts -------------------------------------------------------------------------


@transaction.atomic
def draft_create(
    *,
    owner: User,
    title: str,
    stage: str = Stage.IDEA,
    coauthor_users: Iterable[User] = (),
    now: dt.datetime | None = None,
    **fields: Any,
) -> Draft:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown draft fields: {sorted(unknown)}")
    now = now or timezone.now()
    draft = Draft.objects.create(
        owner=owner, title=title, stage=Stage(stage), stage_changed_at=now, **fields
    )
    DraftStageChange.objects.create(
        draft=draft, from_stage="", to_stage=draft.stage, changed_at=now, changed_by=owner
    )
    coauthors = [u for u in coauthor_users if u.pk != owner.pk]
    if coauthors:
        draft.coauthor_users.set(coauthors)
    return draft


@transaction.atomic
def draft_update(
    *, draft: Draft, coauthor_users: Iterable[User] | None = None, **fields: Any
) -> Draft:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown draft fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save(update_fields=[*fields, "updated_at"])
    if coauthor_users is not None:
        draft.coauthor_users.set([u for u in coauthor_users if u.pk != draft.owner_id])
    return draft


@transaction.atomic
def draft_change_stage(
    *, draft: Draft, stage: str, by: User, now: dt.datetime | None = None
) -> DraftStageChange | None:
    """Move a draft to ``stage`` and record the change; no-op (None) if already there.

    Any stage may follow any other: people fix mistakes and resubmit after a rejection,
    and the history keeps the real path."""
    new_stage = Stage(stage)
    now = now or timezone.now()
    # Lock the row so two quick clicks record two consecutive changes, not a lost one.
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    if locked.stage == new_stage:
        return None
    change = DraftStageChange.objects.create(
        draft=locked, from_stage=locked.stage, to_stage=new_stage, changed_at=now, changed_by=by
    )
    Draft.objects.filter(pk=draft.pk).update(stage=new_stage, stage_changed_at=now, updated_at=now)
    draft.stage, draft.stage_changed_at, draft.updated_at = new_stage, now, now
    return change


def draft_delete(*, draft: Draft) -> None:
    draft.delete()


# --- Contacts and interactions -------------------------------------------------------


def _follow_up_from(contact: Contact) -> dt.date | None:
    if contact.status == ContactStatus.EMAILED and contact.last_emailed_on:
        return contact.last_emailed_on + dt.timedelta(days=contact.follow_up_days)
    return None


def contact_create(*, owner: User, name: str, **fields: Any) -> Contact:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    return Contact.objects.create(owner=owner, name=name, **fields)


def contact_update(*, contact: Contact, status: str | None = None, **fields: Any) -> Contact:
    """Edit a contact. Changing the follow-up interval moves a pending follow-up; closing
    the contact (or marking it replied) clears it."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(contact, name, value)
    if status is not None:
        contact.status = ContactStatus(status)
    contact.follow_up_on = _follow_up_from(contact)
    contact.save(update_fields=[*fields, "status", "follow_up_on", "updated_at"])
    return contact


def contact_close(*, contact: Contact, replied: bool = False) -> Contact:
    status = ContactStatus.CLOSED if replied else ContactStatus.NO_REPLY_CLOSED
    return contact_update(contact=contact, status=status)


def contact_delete(*, contact: Contact) -> None:
    contact.delete()


@transaction.atomic
def interaction_log(
    *, contact: Contact, kind: str, occurred_on: dt.date, summary: str = ""
) -> Interaction:
    """Record an email, reply or meeting and bring the contact's status and follow-up
    date in line with its whole history: the latest event wins, so a back-dated email
    logged after a reply does not reopen the follow-up."""
    kind = InteractionKind(kind)
    given = contact
    # Lock the row: two entries logged at once must both count in the recomputation.
    contact = Contact.objects.select_for_update().get(pk=given.pk)
    interaction = Interaction.objects.create(
        contact=contact, kind=kind, occurred_on=occurred_on, summary=summary
    )
    latest = Interaction.objects.filter(contact=contact).aggregate(
        email=Max("occurred_on", filter=Q(kind=InteractionKind.EMAIL_SENT)),
        reply=Max("occurred_on", filter=Q(kind=InteractionKind.REPLY_RECEIVED)),
        meeting=Max("occurred_on", filter=Q(kind=InteractionKind.MEETING)),
    )
    contact.last_emailed_on = latest["email"]
    # On the same day a reply or meeting follows the email it answers.
    ranked = sorted(
        (
            (day, rank, status)
            for day, rank, status in (
                (latest["email"], 0, ContactStatus.EMAILED),
                (latest["reply"], 1, ContactStatus.REPLIED),
                (latest["meeting"], 2, ContactStatus.MEETING_SCHEDULED),
            )
            if day is not None
        ),
    )
    newest_status = ranked[-1][2]
    # A closed contact stays closed when an old email is logged for the record.
    if contact.status not in CLOSED_STATUSES or kind != InteractionKind.EMAIL_SENT:
        contact.status = newest_status
    contact.follow_up_on = _follow_up_from(contact)
    contact.save(update_fields=["status", "last_emailed_on", "follow_up_on", "updated_at"])
    # Keep the caller's instance current, so a later update through it loses nothing.
    for name in ("status", "last_emailed_on", "follow_up_on", "updated_at"):
        setattr(given, name, getattr(contact, name))
    return interaction


# --- Preferences --------------------------------------------------------------------


def research_preferences_update(*, user: User, followup_weekly_cap: int) -> ResearchPreferences:
    prefs, _ = ResearchPreferences.objects.update_or_create(
        user=user, defaults={"followup_weekly_cap": followup_weekly_cap}
    )
    return prefs


# --- Venue catalogue ---------------------------------------------------------------------


@dataclass
class CatalogueImportResult:
    venues_created: int = 0
    venues_updated: int = 0
    deadlines_created: int = 0
    deadlines_updated: int = 0
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"{self.venues_created} venues created, {self.venues_updated} updated; "
            f"{self.deadlines_created} deadlines created, {self.deadlines_updated} updated."
        )
        if self.skipped:
            text += f" Skipped {len(self.skipped)} deadlines of types Pacer does not track."
        return text


@transaction.atomic
def _catalogue_write(parsed: ParsedCatalogue) -> CatalogueImportResult:
    result = CatalogueImportResult(skipped=tuple(parsed.skipped))
    existing = {v.title.lower(): v for v in Venue.objects.all()}
    for item in parsed.venues:
        venue = existing.get(item.title.lower())
        if venue is None:
            venue = Venue.objects.create(
                title=item.title, full_name=item.full_name, link=item.link, tags=item.tags
            )
            result.venues_created += 1
        else:
            venue.full_name = item.full_name or venue.full_name
            venue.link = item.link or venue.link
            venue.tags = sorted(set(venue.tags or []) | set(item.tags))
            venue.save(update_fields=["full_name", "link", "tags", "updated_at"])
            result.venues_updated += 1
        for d in item.deadlines:
            _obj, created = VenueDeadline.objects.update_or_create(
                venue=venue,
                year=d.year,
                kind=d.kind,
                defaults={
                    "local_date": d.local_date,
                    "local_time": d.local_time,
                    "timezone_name": d.timezone_name,
                    "due_at": d.due_at,
                },
            )
            if created:
                result.deadlines_created += 1
            else:
                result.deadlines_updated += 1
    return result


def venue_catalogue_import(*, text: str) -> CatalogueImportResult:
    """Import or update venues and deadlines from conference-deadline YAML.

    Raises ``CatalogueError`` listing every problem; then nothing is written, because
    the whole file is validated before the single transaction that writes it."""
    return _catalogue_write(parse_catalogue(text))


def venue_catalogue_import_seed() -> CatalogueImportResult:
    return venue_catalogue_import(text=SEED_FILE.read_text(encoding="utf-8"))
