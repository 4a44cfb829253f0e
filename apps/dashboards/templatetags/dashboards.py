"""The mentor table's rows, built in Python with every text escaped.

A mentor with 50 mentees means 50 rows of nine cells; resolving some 1,500 template
variables cost more than all the page's queries together, so the hot loop is Python."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.dashboards.figures import Figures
from apps.dashboards.selectors import id_url

register = template.Library()


def _not_shared(label: str) -> str:
    return f'<td class="muted small" data-label="{label}">not shared</td>'


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "never"
    seconds = (now - moment).total_seconds()
    if seconds < 3600:
        return "just now"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return "1 day ago" if days == 1 else f"{days} days ago"


@register.simple_tag
def mentee_row(row: Figures) -> SafeString:
    # Every interpolated text is escaped here (names and flag texts); the rest are
    # numbers, ISO dates and constant labels.
    name = escape(row.name)
    cells = [
        f'<th scope="row"><a href="{id_url("dashboards:mentee", row.student_id)}">{name}</a></th>'
    ]
    if row.shares["plan"]:
        pct = row.plan_pct
        cells.append(
            f'<td data-label="Plan progress"><progress max="100" value="{pct}" '
            f'aria-label="Plan progress of {name}">{pct}%</progress> '
            f'<span class="small">{row.plan_done}/{row.plan_total}</span></td>'
        )
        overdue = f"<strong>{row.overdue}</strong>" if row.overdue else "0"
        cells.append(f'<td data-label="Overdue">{overdue}</td>')
    else:
        cells += [_not_shared("Plan progress"), _not_shared("Overdue")]
    deadline = row.next_deadline
    if deadline:
        cells.append(
            f'<td data-label="Next deadline"><time datetime="{deadline.isoformat()}">'
            f"{day_label(deadline)}</time> "
            f'<span class="muted small">{row.next_deadline_kind}</span></td>'
        )
    elif not row.shares["plan"] and not row.shares["papers"]:
        cells.append(_not_shared("Next deadline"))
    else:
        cells.append('<td data-label="Next deadline">—</td>')
    if row.shares["reading"]:
        reading = (
            f'{row.reading_pct}% <span class="muted small">'
            f"{row.reading_done}/{row.reading_total}</span>"
            if row.reading_total
            else "—"
        )
        cells.append(f'<td data-label="Reading">{reading}</td>')
        cells.append(f'<td data-label="Reviews due">{row.cards_due}</td>')
    else:
        cells += [_not_shared("Reading"), _not_shared("Reviews due")]
    if row.last_activity:
        activity = (
            f'<time datetime="{row.last_activity.isoformat()}">'
            f"{ago(row.last_activity, timezone.now())}</time>"
        )
    else:
        activity = '<span class="muted">never</span>'
    cells.append(f'<td data-label="Last activity">{activity}</td>')
    if row.flags:
        flags = " ".join(
            f'<span class="badge badge-{f.css}"><span class="visually-hidden">{f.label}: '
            f"</span>{escape(f.text)}</span>"
            for f in row.flags
        )
    else:
        flags = '<span class="badge badge-success">On track</span>'
    cells.append(f'<td data-label="Flags">{flags}</td>')
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<tr class="dash-row dash-row-{row.level_label}" data-student="{row.student_id}">'
        + "".join(cells)
        + "</tr>"
    )
