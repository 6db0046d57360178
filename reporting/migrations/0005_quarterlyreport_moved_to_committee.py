from django.db import migrations


def rename_content_types(apps, schema_editor):
    """Permissions and history follow the model: its content type now belongs to committee."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("quarterlyreport", "historicalquarterlyreport"):
        if not ContentType.objects.filter(app_label="committee", model=model).exists():
            ContentType.objects.filter(app_label="reporting", model=model).update(
                app_label="committee"
            )


class Migration(migrations.Migration):
    """QuarterlyReport now lives in committee; its tables and rows stay where they are."""

    dependencies = [
        ("reporting", "0004_quarterly_report"),
        ("committee", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalQuarterlyReport"),
                migrations.DeleteModel(name="QuarterlyReport"),
            ]
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
