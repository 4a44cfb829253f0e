"""Remove the copies mentors made of lists they could read only through sharing.

Before, anyone who could see a list could copy it, so a mentor with a mentee's reading
shared could keep a copy of a private list, description included, that outlived the
sharing and the mentee's account. Copying now needs a list its owner opened to the copier
(mentees, programme); this removes the copies made the old way.

A copy records its source (``copied_from``). Removed: copies whose holder is or was the
source owner's mentor, of a source that is private, or opened to the owner's mentees when
the holder never was one, and not assigned to the holder. Copies of programme lists stay,
since who shared a programme at the time is not recorded; so do copies whose source is
already gone, which no longer say where they came from.

The rule is written out here against the historical models; the application's version is
``selectors.copies_seen_only_through_sharing``, which a test checks gives the same rows.
"""

from django.db import migrations
from django.db.models import Exists, F, OuterRef, Q

BEGAN = ("active", "ended")


def remove_copies(apps, schema_editor):
    ReadingList = apps.get_model("readinglists", "ReadingList")
    Assignment = apps.get_model("readinglists", "Assignment")
    Mentorship = apps.get_model("matching", "Mentorship")
    began = Mentorship.objects.filter(status__in=BEGAN)
    was_mentor = began.filter(
        student_id=OuterRef("copied_from__owner_id"), mentor_id=OuterRef("owner_id")
    )
    was_mentee = began.filter(
        mentor_id=OuterRef("copied_from__owner_id"), student_id=OuterRef("owner_id")
    )
    assigned = Assignment.objects.filter(
        reading_list_id=OuterRef("copied_from_id"), mentee_id=OuterRef("owner_id")
    )
    closed = Q(copied_from__visibility="private") | (
        Q(copied_from__visibility="mentees") & ~Exists(was_mentee)
    )
    doomed = (
        ReadingList.objects.filter(copied_from__isnull=False)
        .exclude(owner_id=F("copied_from__owner_id"))
        .filter(Exists(was_mentor), closed)
        .exclude(Exists(assigned))
    )
    ReadingList.objects.filter(pk__in=list(doomed.values_list("pk", flat=True))).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("readinglists", "0003_bibtex_import_review"),
        ("matching", "0001_initial"),
    ]

    operations = [migrations.RunPython(remove_copies, migrations.RunPython.noop)]
