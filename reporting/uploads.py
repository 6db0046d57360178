"""What an evidence file is, judged by its bytes rather than its name.

An `.exe` renamed `.pdf`, an HTML page with a script and an SVG with `onload` were once stored
as evidence because only the extension was checked. Now the file's leading bytes must show the
type its extension claims (the `filetype` package: pure Python, so `make run` needs nothing
else), and plain-text types must be text that no browser would take for markup.
"""

from __future__ import annotations

import codecs

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Extension -> the type its bytes must show. Evidence is only these document and image types.
SNIFFED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
# Types with no signature: accepted as UTF-8 text, served as text, never as markup.
TEXT_TYPES = {"csv": "text/csv", "txt": "text/plain"}
# Enough to see a signature, and a text file's opening.
HEAD_BYTES = 8192
MARKUP_OPENINGS = (b"<",)


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _is_plain_text(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in text:
        return False
    try:
        # A full head may end inside a multi-byte character: not final then.
        codecs.getincrementaldecoder("utf-8")().decode(text, final=len(head) < HEAD_BYTES)
    except UnicodeDecodeError:
        return False
    # A browser sniffing a page that opens with "<" may render it as HTML or SVG.
    return not text.lstrip().startswith(MARKUP_OPENINGS)


def sniff(upload: UploadedFile) -> str:
    """The content type of an upload whose bytes match its extension; ValidationError (on
    `file`) for anything else."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(sorted({*SNIFFED_TYPES, *TEXT_TYPES}))
    if extension not in SNIFFED_TYPES and extension not in TEXT_TYPES:
        raise ValidationError(
            {"file": ValidationError(
                _("“%(name)s” is not a type taken as evidence (%(allowed)s).")
                % {"name": name, "allowed": allowed},
                code="file_type_not_allowed")}
        )  # fmt: skip
    head = _head(upload)
    found = filetype.guess(head)
    if extension in TEXT_TYPES:
        if found is None and _is_plain_text(head):
            return TEXT_TYPES[extension]
        raise ValidationError(
            {"file": ValidationError(
                _("“%(name)s” is not plain text: a .%(extension)s file must be UTF-8 text, "
                  "not a program, a web page or an image.")
                % {"name": name, "extension": extension},
                code="not_plain_text")}
        )  # fmt: skip
    if found is None or found.mime != SNIFFED_TYPES[extension]:
        if found:
            message = _(
                "“%(name)s” is a .%(found)s file, not the .%(extension)s its name claims; "
                "attach the document itself."
            ) % {"name": name, "found": found.extension, "extension": extension}
        else:
            message = _(
                "“%(name)s” is not a recognisable document, not the .%(extension)s its name "
                "claims; attach the document itself."
            ) % {"name": name, "extension": extension}
        raise ValidationError(
            {"file": ValidationError(message, code="content_does_not_match_name")}
        )
    return found.mime
