from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.core.registry import data_exporters
from apps.research import selectors

if TYPE_CHECKING:
    from apps.accounts.models import User


@data_exporters.register("research", order=40)
def export_research(user: User) -> dict[str, Any]:
    drafts = [
        {
            "title": d.title,
            "abstract": d.abstract,
            "coauthors": d.coauthors,
            "coauthor_users": [u.name for u in d.coauthor_users.all()],
            "target_venue": d.target_venue.title if d.target_venue else None,
            "manuscript_url": d.manuscript_url,
            "code_url": d.code_url,
            "preprint_url": d.preprint_url,
            "next_action": d.next_action,
            "stage": d.stage,
            "stage_changed_at": d.stage_changed_at.isoformat(),
            "created_at": d.created_at.isoformat(),
            "stage_history": [
                {
                    "from": c.from_stage or None,
                    "to": c.to_stage,
                    "at": c.changed_at.isoformat(),
                }
                for c in d.stage_changes.all()
            ],
        }
        for d in selectors.drafts_for_export(owner=user)
    ]
    contacts = [
        {
            "name": c.name,
            "affiliation": c.affiliation,
            "homepage": c.homepage,
            "email": c.email,
            "orcid": c.orcid,
            "purpose": c.purpose,
            "status": c.status,
            "notes": c.notes,
            "follow_up_days": c.follow_up_days,
            "last_emailed_on": c.last_emailed_on.isoformat() if c.last_emailed_on else None,
            "follow_up_on": c.follow_up_on.isoformat() if c.follow_up_on else None,
            "interactions": [
                {"kind": i.kind, "on": i.occurred_on.isoformat(), "summary": i.summary}
                for i in c.interactions.all()
            ],
        }
        for c in selectors.contacts_for_export(owner=user)
    ]
    return {
        "drafts": drafts,
        "contacts": contacts,
        "followup_weekly_cap": selectors.followup_weekly_cap(user=user),
    }
