"""The API's JSON parser: bounded in size and nesting depth before any parsing happens.

DRF's own parser reads the whole stream whatever its size and recurses once per nesting level,
so a 2 KB body of 1,000 nested brackets ends in a RecursionError (a 500).
"""

from __future__ import annotations

import re

from django.conf import settings
from rest_framework import exceptions, parsers, status
from rest_framework.settings import api_settings
from rest_framework.utils import json

# JSON strings (escapes included) are skipped when counting brackets: "[[[" inside one is text.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "too_large"


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (0 for a bare value)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit:,} bytes.")
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise exceptions.ParseError(f"The body is not valid {encoding} text.") from error
        max_depth = settings.API_JSON_MAX_DEPTH
        if nesting_depth(text) > max_depth:
            raise exceptions.ParseError(
                f"The JSON body is nested more than {max_depth} levels deep."
            )
        parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from error
