from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from interventions.selectors import policies_with_counts


@login_required
def home(request):
    return render(request, "core/home.html", {"policies": policies_with_counts()})
