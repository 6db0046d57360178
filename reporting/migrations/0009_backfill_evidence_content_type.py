import mimetypes

from django.db import migrations


def backfill(apps, schema_editor):
    """Files attached before the type was stored get the type their extension names."""
    EvidenceFile = apps.get_model("reporting", "EvidenceFile")
    for evidence in EvidenceFile.objects.only("pk", "original_name").iterator():
        guessed, _ = mimetypes.guess_type(evidence.original_name)
        if guessed:
            EvidenceFile.objects.filter(pk=evidence.pk).update(content_type=guessed)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0008_period_lifecycle_notifications_evidence_type")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
