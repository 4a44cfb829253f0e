from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from apps.core.registry import data_exporters, personal_data_erasers
from apps.readinglists import services
from apps.readinglists.models import (
    Assignment,
    CardImport,
    ImportCandidate,
    ImportDraft,
    Item,
    Progress,
    ReviewCard,
    ReviewLog,
)

if TYPE_CHECKING:
    from apps.accounts.models import User


@data_exporters.register("reading")
def export_reading(user: User) -> dict[str, Any]:
    items_by_list: dict[int, list[dict[str, Any]]] = {}
    for item in Item.objects.filter(reading_list__owner=user).order_by("position", "pk"):
        items_by_list.setdefault(item.reading_list_id, []).append(
            {
                "kind": item.kind,
                "title": item.title,
                "authors": item.authors,
                "year": item.year,
                "venue": item.venue,
                "doi": item.doi,
                "arxiv_id": item.arxiv_id,
                "isbn": item.isbn,
                "url": item.url,
                "tags": item.tags,
                "importance": item.importance,
            }
        )
    return {
        "lists": [
            {
                "title": rl.title,
                "description": rl.description,
                "topic_tags": rl.topic_tags,
                "method_tags": rl.method_tags,
                "visibility": rl.visibility,
                "items": items_by_list.get(rl.pk, []),
            }
            for rl in user.reading_lists.order_by("pk")
        ],
        "progress": [
            {
                "item": p.item.title,
                "status": p.status,
                "rating": p.rating,
                "notes": p.notes,
                "summary": p.summary,
                "started_at": p.started_at.isoformat() if p.started_at else None,
                "finished_at": p.finished_at.isoformat() if p.finished_at else None,
            }
            for p in Progress.objects.filter(user=user).select_related("item").order_by("pk")
        ],
        "assignments": [
            {
                "list": a.reading_list.title,
                "due_date": a.due_date.isoformat() if a.due_date else None,
            }
            for a in Assignment.objects.filter(mentee=user).select_related("reading_list")
        ],
        "review_cards": [
            {
                "topic": c.topic,
                "prompt": c.prompt,
                "answer": c.answer,
                "due": c.due.isoformat(),
                "stability": c.stability,
                "suspended": c.suspended,
                "difficulty": c.difficulty,
            }
            for c in ReviewCard.objects.filter(owner=user).order_by("pk")
        ],
        "review_log": [
            {"rating": r.rating, "reviewed_at": r.reviewed_at.isoformat()}
            for r in ReviewLog.objects.filter(user=user).order_by("reviewed_at")
        ],
        "pending_imports": [
            {
                "list": d.reading_list.title,
                "filename": d.filename,
                "entries": [entry.data for entry in d.entries.all()],
                "failures": d.failures,
                "created_at": d.created_at.isoformat(),
            }
            for d in ImportDraft.objects.filter(created_by=user, confirmed_at__isnull=True)
            .select_related("reading_list")
            .prefetch_related(Prefetch("entries", ImportCandidate.objects.order_by("position")))
            .order_by("created_at", "pk")
        ],
        "pending_card_imports": [
            {
                "filename": i.filename,
                "cards": i.rows,
                "refused": i.refused,
                "created_at": i.created_at.isoformat(),
            }
            for i in CardImport.objects.filter(owner=user, confirmed_at__isnull=True).order_by(
                "created_at", "pk"
            )
        ],
    }


@personal_data_erasers.register("reading")
def erase(user: User) -> None:
    """A mentor's copy of the person's private list would outlive them: their lists go by
    cascade, a copy only loses its link to the source. The copies are found while the
    link and the mentorships still exist."""
    services.shared_copies_remove(owner=user)
