"""The public view under /public/: no login, public items only (committee.public), each page's
body cached per data version and language, every request throttled per client address.

The body is cached, not the whole response: the header around it carries the language
switcher's CSRF token, which is the reader's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committee import public
from committee.figures_cache import kept
from core import tables
from core.data_version import data_version_current
from core.models import DataVersion
from interventions.models import Policy
from reporting.evidence import evidence_response


def _version() -> tuple[str, object]:
    """The data version's token and when it last moved, in one query."""
    row = DataVersion.objects.filter(pk=1).values_list("token", "bumped_at").first()
    if row is None:
        data_version_current()
        row = DataVersion.objects.filter(pk=1).values_list("token", "bumped_at").first()
    return str(row[0]), row[1]


def throttled(view: Callable) -> Callable:
    """Refuse with 429 (and Retry-After) a client address over the "public" rate."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        throttle = public.PublicRateThrottle()
        if not throttle.allow_request(request, None):
            wait = throttle.wait()
            response = HttpResponse(
                _("Too many requests: wait a minute and try again."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            if wait is not None:
                response["Retry-After"] = str(max(1, int(wait)))
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, name: str, template: str, build: Callable[[], dict | None], title: str):
    """Render `template`'s body from build()'s context once per data version and language;
    later requests wrap the cached body in the page. build() returning None is a 404."""
    token, updated = _version()
    key = f"public-page:v1:{get_language()}:{token}:{name}"

    def rendered() -> dict:
        context = build()
        if context is None:
            return {"missing": True}
        body = render_to_string(template, {**context, "updated": updated}, request=None)
        return {"body": body, "title": str(context.get("title", title))}

    cached = kept(key, rendered)
    if cached.get("missing"):
        raise Http404("No such public page.")
    context = {
        # Our own body as rendered (and escaped) before.
        "body_html": mark_safe(cached["body"]),
        "page_title": cached["title"],
        "updated": updated,
    }
    return render(request, "committee/public/page.html", context)


@require_GET
@throttled
def index(request):
    def build():
        return {"policies": public.policies_overview(), "title": _("Public view")}

    return _page(request, "index", "committee/public/index.html", build, _("Public view"))


@require_GET
@throttled
def policy_detail(request, code: str):
    asked = request.GET.get("page", "1")
    if not asked.isdigit() or int(asked) < 1:
        raise Http404("No such page.")

    def build():
        policy = Policy.objects.filter(code=code).first()
        page = public.policy_page(policy, int(asked)) if policy else None
        if page is None:
            return None
        return {**page, "title": policy.title}

    name = f"policy:{code}:{int(asked)}"
    return _page(request, name, "committee/public/policy.html", build, code)


@require_GET
@throttled
def item_detail(request, item_id: int):
    def build():
        page = public.item_page(item_id)
        if page is None:
            return None
        return {**page, "title": f"{page['item'].policy.code} {page['item'].ref}"}

    return _page(request, f"item:{item_id}", "committee/public/item.html", build, "")


@require_GET
@throttled
def crosswalk(request):
    def build():
        return {"rows": public.crosswalk(), "title": _("NAP points and their successors")}

    return _page(request, "crosswalk", "committee/public/crosswalk.html", build, "")


@require_GET
@throttled
def evidence_download(request, update_id: int, file_id: int):
    """A file marked public, served like every evidence file (reporting.evidence)."""
    evidence = public.public_evidence(update_id, file_id)
    if evidence is None:
        raise Http404("No such public file.")
    return evidence_response(evidence)


def _open_data(fmt: str) -> bytes:
    token, updated = _version()
    key = f"public-open-data:v1:{get_language()}:{token}:{fmt}"
    return kept(key, lambda: _open_data_file(fmt, updated))


def _open_data_file(fmt: str, updated) -> bytes:
    records = public.open_data_rows()
    if fmt == "json":
        return json.dumps(
            {
                "last_updated": updated,
                "note": _("Figures as approved by the agencies."),
                "items": records,
            },
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=1,
        ).encode()
    headers = [str(label) for _name, label in public.OPEN_DATA_COLUMNS]
    rows = [
        [
            "; ".join(value) if isinstance(value, list) else value
            for value in (record[name] for name, _label in public.OPEN_DATA_COLUMNS)
        ]
        for record in records
    ]
    return tables.write_csv(headers, rows)


@require_GET
@throttled
def open_data(request, fmt: str):
    """The public items as CSV (core.tables, formula-safe) or JSON: the pages' content."""
    if fmt not in ("csv", "json"):
        raise Http404("CSV or JSON.")
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(_open_data(fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="nisp-public-items.{fmt}"'
    return response
