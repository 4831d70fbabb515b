from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from .models import Commune


@login_not_required
def commune_search(request):
    """Autocomplete results for the commune widget (HTMX fragment)."""
    query = request.GET.get("q", "")
    communes = list(Commune.objects.search(query).select_related("departement")) if len(query.strip()) >= 2 else []
    return render(request, "territories/commune_options.html", {"communes": communes, "query": query})
