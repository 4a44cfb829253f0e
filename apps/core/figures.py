"""Figures for many people in one query: an app describes a person's figures as
aggregates over its own rows, correlated to the person, and gets back one JSON object
per person that another app's query can carry as an annotation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import IntegerField, JSONField, QuerySet, Subquery, Value
from django.db.models.functions import JSONObject


def json_figures(rows: QuerySet, **aggregates: Any) -> Subquery:
    """``{name: aggregate, ...}`` over ``rows`` (already correlated with ``OuterRef``) as
    one JSON object; with no rows the counts are 0 and the rest null."""
    # Grouping by a constant leaves PostgreSQL one aggregate row, whatever the rows.
    one = rows.order_by().annotate(_one=Value(1, IntegerField())).values("_one")
    return Subquery(
        one.annotate(_figures=JSONObject(**aggregates)).values("_figures"),
        output_field=JSONField(),
    )


def decode_figures(value: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON object back in Python types: ISO dates and instants become ``date``
    and ``datetime`` (figures hold numbers and times only)."""
    out: dict[str, Any] = {}
    for key, v in (value or {}).items():
        if isinstance(v, str):
            v = dt.date.fromisoformat(v) if len(v) == 10 else dt.datetime.fromisoformat(v)
        out[key] = v
    return out
