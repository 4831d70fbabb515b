import re

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cnfs.core.text import strip_control_characters

from .models import Commune, PostalCode

_NAME = re.compile(r"^[\w-]{1,80}$")
MIN_LENGTH = 2
MAX_RESULTS = 10


@require_GET
@login_not_required
def commune_search(request):
    """Suggestions for the commune widget (HTMX fragment).

    The text is read from `q`, or from the parameter named by `field` (HTMX sends the input under the form
    field's name); `target` is the widget id, used to build the option ids.
    """
    field = request.GET.get("field", "")
    target = request.GET.get("target", "")
    target = target if _NAME.match(target) else "commune"
    query = request.GET.get("q")
    if query is None and _NAME.match(field):
        query = request.GET.get(field, "")
    if "\x00" in (query or ""):
        return HttpResponseBadRequest("Recherche invalide : elle contient un caractère nul.")
    query = strip_control_characters(query or "", multiline=False).strip()[:100]
    communes = []
    searched = len(query) >= MIN_LENGTH
    if searched:
        communes = list(
            Commune.objects.search(query, limit=MAX_RESULTS)
            .select_related("departement")
            .prefetch_related(Prefetch("postal_codes", queryset=PostalCode.objects.order_by("code")))
        )
    context = {"communes": communes, "query": query, "target": target, "searched": searched}
    return render(request, "territories/commune_options.html", context)
