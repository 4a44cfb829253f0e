from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.core.registry import data_exporters
from apps.milestones.models import CalendarFeed, CheckIn, MilestoneComment, Plan, PlanTemplate

if TYPE_CHECKING:
    from apps.accounts.models import User


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


@data_exporters.register("plans", order=20)
def export(user: User) -> dict[str, Any]:
    plans = Plan.objects.filter(owner=user).prefetch_related(
        "milestones__dependencies", "milestones__comments__author", "checkins__action_items"
    )
    return {
        "plans": [
            {
                "title": p.title,
                "target_role": p.target_role,
                "focus_areas": p.focus_area_list,
                "start_date": _iso(p.start_date),
                "horizon_years": p.horizon_years,
                "is_primary": p.is_primary,
                "template": p.template_name,
                "milestones": [
                    {
                        "id": m.pk,
                        "category": m.category,
                        "title": m.title,
                        "description": m.description,
                        "success_criterion": m.success_criterion,
                        "target_date": _iso(m.target_date),
                        "status": m.status,
                        "started_at": _iso(m.started_at),
                        "completed_at": _iso(m.completed_at),
                        "evidence_url": m.evidence_url,
                        "evidence_note": m.evidence_note,
                        "depends_on": [d.pk for d in m.dependencies.all()],
                        "comments": [
                            {"author": c.author.name, "body": c.body, "at": _iso(c.created_at)}
                            for c in m.comments.all()
                        ],
                    }
                    for m in p.milestones.all()
                ],
                "checkins": [
                    {
                        "date": _iso(c.date),
                        "agenda": c.agenda,
                        "notes": c.notes,
                        "action_items": [i.text for i in c.action_items.all()],
                    }
                    for c in p.checkins.all()
                ],
            }
            for p in plans
        ],
        "comments_written": [
            {"milestone": c.milestone.title, "body": c.body, "at": _iso(c.created_at)}
            for c in MilestoneComment.objects.filter(author=user).select_related("milestone")
        ],
        "checkins_written": CheckIn.objects.filter(author=user).count(),
        "templates_written": [
            {"name": t.name, "source": t.source}
            for t in PlanTemplate.objects.filter(created_by=user)
        ],
        # Whether a feed exists, never its secret.
        "calendar_feed_enabled": CalendarFeed.objects.filter(user=user).exists(),
    }
