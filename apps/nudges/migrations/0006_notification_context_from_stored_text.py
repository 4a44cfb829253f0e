"""Notifications keep facts, not words: ``context`` replaces ``title`` and ``body``.

Nudges written before keep their words, as ``{"stored": {"title", "body"}}``, which
the notification centre, the emails and the data download show as they were."""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, JSONObject


def stored_text_into_context(apps, schema_editor):
    Notification = apps.get_model("nudges", "Notification")
    Notification.objects.update(
        context=JSONObject(stored=JSONObject(title=F("title"), body=F("body")))
    )


def context_into_stored_text(apps, schema_editor):
    Notification = apps.get_model("nudges", "Notification")
    Notification.objects.update(
        title=Coalesce(KT("context__stored__title"), Value("")),
        body=Coalesce(KT("context__stored__body"), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [("nudges", "0005_scrub_failure_reasons")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="context",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(stored_text_into_context, context_into_stored_text),
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.RemoveField(model_name="notification", name="body"),
    ]
