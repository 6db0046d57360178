"""Evidence files served to those who may read their update, the same way by the web page and
the API: never from a public /media/ path."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from reporting.models import EvidenceFile, ProgressUpdate


def evidence_for(user, update_id: int, file_id: int) -> EvidenceFile:
    """The file, if its update is one the user may read (ProgressUpdate.objects.visible_to);
    otherwise a 404, as for the update itself."""
    update = get_object_or_404(ProgressUpdate.objects.visible_to(user), pk=update_id)
    return get_object_or_404(EvidenceFile.objects.filter(update=update), pk=file_id)


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    """The bytes as a download with the type stored at upload; browsers must not sniff it
    into something runnable."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
