"""Evidence files, served only to whoever may read their update, and never rendered inline.

The file goes out as an attachment with `nosniff`, under the type its bytes were checked to be
on upload (reporting.uploads), so a stored file can never run as a page in the tracker's
origin. Files recorded before that check get a generic binary type.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from reporting.models import EvidenceFile, ProgressUpdate

GENERIC_TYPE = "application/octet-stream"


def evidence_for(user):
    return EvidenceFile.objects.filter(
        update__in=ProgressUpdate.objects.visible_to(user)
    ).select_related("update")


@login_required
def evidence_download(request, evidence_id: int):
    evidence = get_object_or_404(evidence_for(request.user), pk=evidence_id)
    try:
        stream = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The stored file is missing.") from missing
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or GENERIC_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
