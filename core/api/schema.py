"""The OpenAPI document lists, for every operation, the error responses it can give, all in
the one error shape of core.api.exceptions."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error has this shape.",
    "properties": {
        "code": {
            "type": "string",
            "description": "invalid, not_authenticated, permission_denied, not_found, conflict, …",
        },
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For `invalid`: each field's messages (non_field_errors for the "
            "record as a whole); empty otherwise.",
            "additionalProperties": {},
        },
    },
    "required": ["code", "detail", "errors"],
}
# Query parameters that cannot make a request invalid (a bad page is a 404).
_HARMLESS_PARAMETERS = {"page", "page_size", "format"}
_DESCRIPTIONS = {
    "400": "Invalid input: see `errors`.",
    "401": "No valid token or session.",
    "403": "Not allowed for this user or token.",
    "404": "Not found, or not visible to this user.",
    "409": "Conflict: a stale `version`, or a period that is closed or locked.",
    "429": "Too many requests for this token or user; see Retry-After.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

    Also describes downloads (CSV, XLSX) the OpenAPI 3.1 way: a file of that media type,
    with no JSON schema asserted on its bytes.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result["paths"].values():
        for method, operation in operations.items():
            for response in operation["responses"].values():
                for media_type, content in response.get("content", {}).items():
                    if media_type != "application/json":
                        content["schema"] = {"contentMediaType": media_type}
            codes = ["401", "403", "404", "429"]
            filters = {
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
            } - _HARMLESS_PARAMETERS
            if method != "get" or filters:
                codes.append("400")
            if method in ("post", "patch"):
                codes.append("409")
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": _DESCRIPTIONS[code], "content": error}
                )
    return result
