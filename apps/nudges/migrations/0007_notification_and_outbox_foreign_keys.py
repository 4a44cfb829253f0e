"""Real foreign keys from notifications and outbox rows to their person, and from an
outbox row to its notification.

They were Django-only relations, so rows whose person (or notification) was deleted
outside Django's cascade may remain: those can never be shown or sent, and are deleted
first so that the constraints can be validated.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DELETE_ORPHANS = """
DELETE FROM nudges_outboxmessage o
WHERE NOT EXISTS (SELECT FROM {people} u WHERE u.id = o.user_id)
   OR (o.notification_id IS NOT NULL
       AND NOT EXISTS (SELECT FROM nudges_notification n WHERE n.id = o.notification_id));
DELETE FROM nudges_notification n
WHERE NOT EXISTS (SELECT FROM {people} u WHERE u.id = n.user_id);
"""


def delete_orphans(apps, schema_editor):
    people = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    schema_editor.execute(DELETE_ORPHANS.format(people=schema_editor.quote_name(people)))


class Migration(migrations.Migration):

    dependencies = [
        ("nudges", "0006_notification_context_from_stored_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(delete_orphans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="notification",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="nudges.notification",
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="nudge_outbox",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
