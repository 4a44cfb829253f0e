"""Nudge rules of the meetings app."""

from __future__ import annotations

from apps.core.registry import nudge_rules
from apps.meetings import fit_alerts
from apps.nudges.models import Kind
from apps.nudges.rules import Rule


@nudge_rules.register(Kind.PAIRING_FIT_ALERT, order=95)
def pairing_fit_alert() -> Rule:
    return fit_alerts.pairing_fit_alert_rule()
