"""manage.py backup / restore: the database and the media files, round-tripped together."""

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from agencies.models import Agency
from committee.models import QuarterlyReport
from interventions.models import PlanItem


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_backup_restores_the_database_and_the_media_files_exactly(
    committed_plan, media, tmp_path
):
    report = QuarterlyReport.objects.create(
        quarter="2025Q3", scope="ALL", version=1, requested_at=timezone.now()
    )
    report.pdf.save("nisp-report-ALL-2025Q3-v1.pdf", ContentFile(b"%PDF-1.7 the report"))
    (media / "evidence").mkdir()
    (media / "evidence" / "minutes.txt").write_bytes("Minutes: ١٢ meetings".encode())
    counts = {model: model.objects.count() for model in (Agency, PlanItem, QuarterlyReport)}
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))

    # After the backup: a row deleted, a row added, a file changed, a file added.
    QuarterlyReport.objects.filter(pk=report.pk).delete()
    QuarterlyReport.objects.create(
        quarter="2025Q4", scope="ALL", version=1, requested_at=timezone.now()
    )
    (media / "evidence" / "minutes.txt").write_bytes(b"overwritten")
    (media / "evidence" / "later.txt").write_bytes(b"added after the backup")

    call_command("restore", str(archive), "--yes")

    restored = QuarterlyReport.objects.get()
    assert (restored.pk, restored.quarter, restored.pdf.name) == (
        report.pk,
        "2025Q3",
        report.pdf.name,
    )
    assert restored.pdf.read() == b"%PDF-1.7 the report"
    assert {m: m.objects.count() for m in counts} == counts
    assert (media / "evidence" / "minutes.txt").read_bytes() == "Minutes: ١٢ meetings".encode()
    assert not (media / "evidence" / "later.txt").exists()
    # Sequences came back too: a new row takes a fresh id.
    later = QuarterlyReport.objects.create(
        quarter="2025Q4", scope="ALL", version=1, requested_at=timezone.now()
    )
    assert later.pk > report.pk


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="add --yes to confirm"):
        call_command("restore", str(tmp_path / "backup.tar"))


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(db, media, tmp_path):
    media.mkdir(parents=True)
    (media / "kept.txt").write_bytes(b"kept")
    stray = tmp_path / "stray.tar"
    with tarfile.open(stray, "w") as archive:
        archive.addfile(tarfile.TarInfo("../../etc/evil"), io.BytesIO(b""))
    with pytest.raises(CommandError):
        call_command("restore", str(stray), "--yes")
    assert (media / "kept.txt").read_bytes() == b"kept"


def test_backup_does_not_overwrite_an_existing_file(db, media, tmp_path):
    existing = tmp_path / "backup.tar"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"an older backup"
