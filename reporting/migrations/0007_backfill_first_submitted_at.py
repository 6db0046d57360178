from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    """Updates submitted before the field existed: their last submission is the best record."""
    ProgressUpdate = apps.get_model("reporting", "ProgressUpdate")
    ProgressUpdate.objects.filter(
        first_submitted_at__isnull=True, submitted_at__isnull=False
    ).update(first_submitted_at=F("submitted_at"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_progressupdate_first_submitted_at")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
