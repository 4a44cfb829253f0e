"""Every programme's single coordinator becomes its first entry among the coordinators."""

from django.db import migrations


def forwards(apps, schema_editor):
    Programme = apps.get_model("matching", "Programme")
    ProgrammeCoordinator = apps.get_model("matching", "ProgrammeCoordinator")
    ProgrammeCoordinator.objects.bulk_create(
        [
            ProgrammeCoordinator(programme_id=pk, user_id=user_id, added_at=created_at)
            for pk, user_id, created_at in Programme.objects.values_list(
                "pk", "coordinator_id", "created_at"
            ).iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    # The single coordinator column comes back from the earliest coordinator link.
    Programme = apps.get_model("matching", "Programme")
    ProgrammeCoordinator = apps.get_model("matching", "ProgrammeCoordinator")
    for programme in Programme.objects.all().iterator():
        first = (
            ProgrammeCoordinator.objects.filter(programme=programme)
            .order_by("added_at", "pk")
            .first()
        )
        if first is not None and first.user_id != programme.coordinator_id:
            programme.coordinator_id = first.user_id
            programme.save(update_fields=["coordinator"])


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_programme_coordinators")]

    operations = [migrations.RunPython(forwards, backwards)]
