"""Errors as RFC 9457 problem details (application/problem+json), in French, for every API error."""

import json

from django.http import HttpResponse

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    429: "Trop de requêtes",
    500: "Erreur interne",
}


def problem(request, status: int, detail: str, *, errors=None, headers=None) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else None,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
