"""Pages that read the plan: the policy overview, the item list and an item's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from interventions.api.renderers import CSVRenderer
from interventions.export import ITEM_TABLE_COLUMNS, item_table_rows
from interventions.filters import PlanItemFilter
from interventions.models import Policy
from interventions.selectors import (
    audit_trail,
    item_for_page,
    items_for_list,
    nap_crosswalk,
    policies_with_counts,
)
from nisp_tracker.pagination import PageFirstPaginator
from reporting import permissions
from reporting.forms import CommentForm

PAGE_SIZE = 50


@login_required
def home(request):
    return render(request, "core/home.html", {"policies": policies_with_counts()})


@login_required
def item_list(request):
    filterset = PlanItemFilter(request.GET or None, queryset=items_for_list())
    items = filterset.qs if filterset.is_valid() else filterset.queryset
    if request.GET.get("format") == "csv":
        return _items_csv(items)
    page = PageFirstPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interventions/item_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def _items_csv(items) -> HttpResponse:
    table = {"columns": ITEM_TABLE_COLUMNS, "rows": item_table_rows(items)}
    response = HttpResponse(CSVRenderer().render(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nisp-tracker-items.csv"'
    return response


@login_required
def item_detail(request, item_id: int):
    item = get_object_or_404(item_for_page(request.user), pk=item_id)
    context = {
        "item": item,
        "can_draft": permissions.can_draft(request.user, item),
        "can_comment": permissions.can_comment(request.user),
        "comment_form": CommentForm(),
        "audit": audit_trail(item),
    }
    return render(request, "interventions/item_detail.html", context)


@login_required
def policy_detail(request, code: str):
    policy = get_object_or_404(Policy.objects.select_related("issuing_body"), code=code)
    themes = policy.themes.select_related("parent").order_by("position")
    return render(
        request,
        "interventions/policy_detail.html",
        {"policy": policy, "themes": themes, "committees": policy.committees.all()},
    )


@login_required
def crosswalk(request):
    return render(request, "interventions/crosswalk.html", {"rows": nap_crosswalk()})
