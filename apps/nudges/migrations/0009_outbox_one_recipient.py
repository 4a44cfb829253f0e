"""An outbox row names its person once: a digest by its ``user``, a notification's own
email through the notification. Each row written then costs one foreign-key check, not
two, which is most of what writing a row costs when a sweep writes hundreds of
thousands at once.

The emails of existing notifications lose their copy of the person (the notification
holds the same one); going back restores it from the notification.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORGET_COPIES = "UPDATE nudges_outboxmessage SET user_id = NULL WHERE notification_id IS NOT NULL"
RESTORE_COPIES = """
UPDATE nudges_outboxmessage o SET user_id = n.user_id
FROM nudges_notification n
WHERE n.id = o.notification_id AND o.user_id IS NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ("nudges", "0008_meeting_and_message_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="notification",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="nudges.notification",
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="nudge_outbox",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(FORGET_COPIES, RESTORE_COPIES),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(user__isnull=False, notification__isnull=True)
                | models.Q(user__isnull=True, notification__isnull=False),
                name="nudges_outbox_one_recipient",
                violation_error_message=(
                    "An email goes with its notification or, for a digest, to a person: "
                    "name one of the two."
                ),
            ),
        ),
    ]
