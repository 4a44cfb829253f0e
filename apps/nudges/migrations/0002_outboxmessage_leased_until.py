from django.db import migrations, models

# Claiming a row rewrites it (claimed_at, leased_until, attempts): none of those is
# indexed, so PostgreSQL can make it a HOT update, provided the new row version fits
# on the same page. A fillfactor of 70 leaves room for it.
OUTBOX_FILLFACTOR = 70


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
        migrations.RunSQL(
            f"ALTER TABLE nudges_outboxmessage SET (fillfactor = {OUTBOX_FILLFACTOR})",
            "ALTER TABLE nudges_outboxmessage RESET (fillfactor)",
            elidable=False,
        ),
    ]
