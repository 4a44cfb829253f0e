from django.db import migrations, models

# Claiming a row rewrites it (claimed_at, leased_until, attempts): none of those is
# indexed, so PostgreSQL can make it a HOT update, provided the new row version fits
# on the same page. A fillfactor of 70 leaves room for it. Only PostgreSQL has
# fillfactor (and only PostgreSQL runs nudges); on SQLite the table is left alone so
# the one-machine install still migrates.
OUTBOX_FILLFACTOR = 70


def _set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE nudges_outboxmessage SET (fillfactor = {OUTBOX_FILLFACTOR})"
        )


def _reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE nudges_outboxmessage RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("nudges", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(_set_fillfactor, _reset_fillfactor, elidable=False),
    ]
