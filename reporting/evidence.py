"""Evidence files served to those who may read their update, the same way by the web page and
the API: never from a public /media/ path, and never rendered inline.

The file goes out as an attachment with `nosniff` and a sandboxing CSP, under the type its bytes
were checked to be on upload (reporting.uploads), so a stored file can never run as a page in
the tracker's origin.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from reporting.models import EvidenceFile, ProgressUpdate


def evidence_for(user, update_id: int, file_id: int) -> EvidenceFile:
    """The file, if the user may read it and its update (EvidenceFile.objects.visible_to, which
    composes ProgressUpdate.objects.visible_to); otherwise a 404, as for the update itself."""
    update = get_object_or_404(ProgressUpdate.objects.visible_to(user), pk=update_id)
    return get_object_or_404(
        EvidenceFile.objects.visible_to(user).filter(update=update), pk=file_id
    )


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    """The bytes as a download with the type stored at upload; browsers must not sniff it
    into something runnable, and should it be opened anyway it runs nothing."""
    try:
        stream = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The stored file is missing.") from missing
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
