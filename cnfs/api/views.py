import uuid
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role

from . import tokens
from .forms import TokenForm
from .models import ApiToken
from .v1 import api

PAGE_SIZE = 25


def _parameters(operation) -> list[dict]:
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        kinds = [schema.get("type")] + [option.get("type") for option in schema.get("anyOf", [])]
        rows.append(
            {
                "name": parameter["name"],
                "required": parameter.get("required", False),
                "type": ", ".join(kind for kind in kinds if kind and kind != "null"),
                "description": parameter.get("description") or schema.get("description", ""),
                "pattern": schema.get("pattern")
                or next((o.get("pattern") for o in schema.get("anyOf", []) if o.get("pattern")), ""),
            }
        )
    return rows


@login_not_required
def documentation(request):
    """The API's documentation, drawn from its own OpenAPI document (no login)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "token": bool(operation.get("security")),
                    "parameters": _parameters(operation),
                    "statuses": sorted(operation.get("responses", {})),
                    "anchor": operation.get("operationId", path),
                }
            )
    return render(
        request,
        "api/documentation.html",
        {"title": "API publique", "info": schema["info"], "operations": operations},
    )


@role_required(Role.ANCT)
def token_list(request):
    form = TokenForm(request.POST or None, initial={"submission_key": uuid.uuid4()})
    issued_key = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = None
        if data["expires_on"]:
            expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
        try:
            token, issued_key = tokens.issue(
                partner=data["partner"],
                scopes=data["scopes"],
                departements=data["departements"],
                expires_at=expires_at,
                by=request.user,
                submission_key=data["submission_key"],
            )
        except tokens.AlreadyIssued as already:
            messages.warning(
                request,
                f"Ce formulaire avait déjà émis le jeton {already.token.prefix}… pour {already.token.partner} : "
                "aucun second jeton n'est émis. Sa clé n'est affichée qu'une fois ; si elle n'a pas été copiée, "
                "révoquez ce jeton et émettez-en un nouveau.",
            )
            return redirect("api:tokens")
        messages.success(
            request,
            f"Jeton émis pour {token.partner}. Copiez la clé maintenant : elle ne sera plus affichée.",
        )
        form = TokenForm(initial={"submission_key": uuid.uuid4()})
    page = Paginator(
        ApiToken.objects.prefetch_related("departements").order_by("-issued_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "api/token_list.html",
        {"title": "Jetons d'API", "form": form, "page": page, "issued_key": issued_key},
        status=200 if request.method == "GET" or form.is_valid() or issued_key else 400,
    )


@require_POST
@role_required(Role.ANCT)
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    if token.revoked_at is None:
        tokens.revoke(token, by=request.user)
        messages.success(request, f"Le jeton {token.prefix}… de {token.partner} est révoqué.")
    else:
        messages.info(request, "Ce jeton était déjà révoqué.")
    return redirect("api:tokens")
