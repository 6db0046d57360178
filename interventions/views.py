"""Pages that read the plan alone: the home page and the policy overview.

Pages that show the plan with its progress (the item list, an item's page, the crosswalk) are
reporting's.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from interventions.models import Policy
from interventions.selectors import policies_with_counts


@login_required
def home(request):
    return render(request, "core/home.html", {"policies": policies_with_counts()})


@login_required
def policy_detail(request, code: str):
    policy = get_object_or_404(Policy.objects.select_related("issuing_body"), code=code)
    themes = policy.themes.select_related("parent").order_by("position")
    return render(
        request,
        "interventions/policy_detail.html",
        {"policy": policy, "themes": themes, "committees": policy.committees.all()},
    )
