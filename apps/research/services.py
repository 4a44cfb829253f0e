"""Writes of the research capability: drafts and their stages, contacts and their
follow-ups, the venue catalogue."""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

from apps.core.person_versions import person_data_changed
from apps.research.catalogue import (
    CatalogueError,
    ParsedCatalogue,
    ParsedDeadline,
    ParsedVenue,
    Rejection,
    parse_catalogue,
    parse_catalogue_files,
)
from apps.research.dashboards import venues_changed
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
from apps.research.sources import SourceRefused, fetch_catalogue

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)
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
    person_data_changed([draft.owner_id])
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

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
_DEADLINE_FIELDS = ("label", "local_date", "local_time", "timezone_name", "due_at")
# Two imports at once would each see a deadline as missing and both insert it.
_CATALOGUE_LOCK = zlib.crc32(b"research.venue_catalogue")


@dataclass
class DeadlinePlan:
    parsed: ParsedDeadline
    row: VenueDeadline | None
    status: str


@dataclass
class VenuePlan:
    parsed: ParsedVenue
    row: Venue | None
    status: str  # of the venue's own fields: title, full name, link, tags
    deadlines: list[DeadlinePlan]

    @property
    def overall(self) -> str:
        """New, changed (itself or any of its deadlines) or unchanged, for the preview."""
        if self.status != UNCHANGED:
            return self.status
        if any(d.status != UNCHANGED for d in self.deadlines):
            return CHANGED
        return UNCHANGED


@dataclass
class CataloguePlan:
    venues: list[VenuePlan]
    warnings: list[str]
    rejected: list[Rejection]
    entries: int
    unreadable: list[Rejection]

    def count(self, status: str) -> int:
        return sum(1 for v in self.venues if v.overall == status)


@dataclass
class CatalogueImportResult:
    entries: int = 0
    venues_created: int = 0
    venues_updated: int = 0
    venues_unchanged: int = 0
    deadlines_created: int = 0
    deadlines_updated: int = 0
    deadlines_unchanged: int = 0
    warnings: tuple[str, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    unreadable: tuple[Rejection, ...] = ()

    def summary(self) -> str:
        text = (
            f"{self.venues_created} venues created, {self.venues_updated} updated, "
            f"{self.venues_unchanged} unchanged; {self.deadlines_created} deadlines created, "
            f"{self.deadlines_updated} updated, {self.deadlines_unchanged} unchanged."
        )
        if self.rejected:
            text += f" {len(self.rejected)} of {self.entries} entries rejected."
        if self.unreadable:
            files = len(self.unreadable)
            text += f" {files} file{'s' if files > 1 else ''} could not be read."
        if self.warnings:
            n = len(self.warnings)
            text += f" {n} warning{'s' if n > 1 else ''}."
        return text


def _venue_values(item: ParsedVenue, row: Venue) -> dict[str, Any]:
    # A file without a full name, link or tags keeps what the catalogue already has.
    return {
        "title": item.title,
        "full_name": item.full_name or row.full_name,
        "link": item.link or row.link,
        "tags": sorted(item.tags) if item.tags else row.tags,
    }


def _match_deadlines(item: ParsedVenue, rows: list[VenueDeadline]) -> list[DeadlinePlan]:
    """Pair each parsed deadline with its row: the same year, kind and label; or, when
    a year has one deadline of a kind on both sides, that row under its new label (a
    file that starts labelling its deadlines must not duplicate them)."""
    by_identity = {(r.year, r.kind, r.label.casefold()): r for r in rows}
    plans: list[DeadlinePlan] = []
    unmatched: list[ParsedDeadline] = []
    for d in item.deadlines:
        row = by_identity.pop((d.year, d.kind, d.label.casefold()), None)
        if row is None:
            unmatched.append(d)
        else:
            plans.append(DeadlinePlan(d, row, UNCHANGED))
    leftover: dict[tuple[int, str], list[VenueDeadline]] = {}
    for r in by_identity.values():
        leftover.setdefault((r.year, r.kind), []).append(r)
    wanting: dict[tuple[int, str], list[ParsedDeadline]] = {}
    for d in unmatched:
        wanting.setdefault((d.year, d.kind), []).append(d)
    for key, parsed in wanting.items():
        candidates = leftover.get(key, [])
        if len(parsed) == 1 and len(candidates) == 1:
            plans.append(DeadlinePlan(parsed[0], candidates[0], UNCHANGED))
        else:
            plans.extend(DeadlinePlan(d, None, NEW) for d in parsed)
    for plan in plans:
        if plan.row is not None and any(
            getattr(plan.row, f) != getattr(plan.parsed, f) for f in _DEADLINE_FIELDS
        ):
            plan.status = CHANGED
    return sorted(plans, key=lambda p: p.parsed.due_at)


def venue_catalogue_plan(*, parsed: ParsedCatalogue) -> CataloguePlan:
    """What importing ``parsed`` would do to each venue and deadline, without writing."""
    rows = {
        v.title.casefold(): v
        for v in Venue.objects.annotate(key=Lower("title"))
        .filter(key__in=[v.title.lower() for v in parsed.venues])
        .prefetch_related("deadlines")
    }
    venues: list[VenuePlan] = []
    for item in parsed.venues:
        row = rows.get(item.title.casefold())
        if row is None:
            plans = [DeadlinePlan(d, None, NEW) for d in item.deadlines]
            venues.append(VenuePlan(item, None, NEW, plans))
            continue
        values = _venue_values(item, row)
        status = UNCHANGED if all(getattr(row, k) == v for k, v in values.items()) else CHANGED
        plans = _match_deadlines(item, list(row.deadlines.all()))
        venues.append(VenuePlan(item, row, status, plans))
    return CataloguePlan(
        venues, parsed.warnings, parsed.rejected, parsed.entries, parsed.unreadable
    )


def _catalogue_apply(plan: CataloguePlan) -> CatalogueImportResult:
    result = CatalogueImportResult(
        entries=plan.entries,
        warnings=tuple(plan.warnings),
        rejected=tuple(plan.rejected),
        unreadable=tuple(plan.unreadable),
    )
    new_rows: list[VenueDeadline] = []
    for vp in plan.venues:
        item = vp.parsed
        if vp.row is None:
            venue = Venue.objects.create(
                title=item.title, full_name=item.full_name, link=item.link, tags=item.tags
            )
            result.venues_created += 1
        else:
            venue = vp.row
            if vp.status == CHANGED:
                for name, value in _venue_values(item, venue).items():
                    setattr(venue, name, value)
                venue.save(update_fields=["title", "full_name", "link", "tags", "updated_at"])
                result.venues_updated += 1
            else:
                result.venues_unchanged += 1
        for dp in vp.deadlines:
            d = dp.parsed
            values = {f: getattr(d, f) for f in _DEADLINE_FIELDS}
            if dp.row is None:
                new_rows.append(VenueDeadline(venue=venue, year=d.year, kind=d.kind, **values))
                result.deadlines_created += 1
            elif dp.status == CHANGED:
                for name, value in values.items():
                    setattr(dp.row, name, value)
                dp.row.save(update_fields=list(values))
                result.deadlines_updated += 1
            else:
                result.deadlines_unchanged += 1
    VenueDeadline.objects.bulk_create(new_rows, batch_size=1000)
    venues_changed({row.venue_id for row in new_rows})
    return result


def venue_catalogue_import_parsed(
    *, parsed: ParsedCatalogue, strict: bool = False
) -> CatalogueImportResult:
    """Write every valid venue of ``parsed``; rejected entries are reported in the
    result. With ``strict`` any rejected entry raises ``CatalogueError`` instead and
    nothing is written."""
    if strict and (parsed.rejected or parsed.unreadable):
        raise CatalogueError([str(r) for r in parsed.unreadable + parsed.rejected])
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CATALOGUE_LOCK])
        return _catalogue_apply(venue_catalogue_plan(parsed=parsed))


def venue_catalogue_import(
    *, text: str, name: str = "", strict: bool = False
) -> CatalogueImportResult:
    """Import or update venues and deadlines from conference-deadline YAML.

    Raises ``CatalogueError`` when the file cannot be read as a catalogue at all (or,
    with ``strict``, when any entry is rejected); then nothing is written."""
    return venue_catalogue_import_parsed(parsed=parse_catalogue(text, name=name), strict=strict)


def venue_catalogue_preview(*, text: str, name: str = "") -> CataloguePlan:
    """What importing the file would do; ``CatalogueError`` if it is no catalogue."""
    return venue_catalogue_plan(parsed=parse_catalogue(text, name=name))


def venue_catalogue_import_files(
    *, files: Iterable[tuple[str, str]], strict: bool = False
) -> CatalogueImportResult:
    return venue_catalogue_import_parsed(parsed=parse_catalogue_files(files), strict=strict)


def venue_catalogue_refresh(*, url: str | None = None) -> CatalogueImportResult:
    """Re-import the catalogue from ``url`` (default ``VENUES_SOURCE_URL``), keeping every
    valid venue and logging each rejected entry. ``SourceUnavailable`` means try later;
    ``SourceRefused`` and ``CatalogueError`` mean the address needs a person's look."""
    url = url if url is not None else settings.VENUES_SOURCE_URL
    if not url:
        raise SourceRefused("VENUES_SOURCE_URL is not set.")
    result = venue_catalogue_import(text=fetch_catalogue(url), name=url)
    logger.info("Venue catalogue refreshed from %s: %s", url, result.summary())
    for rejection in result.rejected:
        logger.warning("Venue catalogue entry rejected: %s", rejection)
    return result


def venue_catalogue_import_seed() -> CatalogueImportResult:
    return venue_catalogue_import(text=SEED_FILE.read_text(encoding="utf-8"), strict=True)
