"""Demo API tokens, issued and revoked through the real services: ANCT's "Jetons d'API" page has a live token
scoped to the Auvergne départements and a revoked one. Their keys are not kept (as in production): ANCT issues a new
one from the page to try the API."""

from cnfs.api import tokens
from cnfs.api.models import ApiScope, ApiToken
from cnfs.territories.models import Departement

PARTNER = "Région Auvergne-Rhône-Alpes (démonstration)"
FORMER = "Observatoire régional du numérique (démonstration)"


def seed_api(*, anct) -> None:
    if ApiToken.objects.filter(partner=PARTNER).exists():
        return
    auvergne = list(Departement.objects.filter(code__in=["03", "15", "43", "63"]))
    tokens.issue(partner=PARTNER, scopes=[ApiScope.FUNNEL], departements=auvergne, by=anct)
    former, _ = tokens.issue(partner=FORMER, scopes=[ApiScope.FUNNEL, ApiScope.ACTIVITY], by=anct)
    tokens.revoke(former, by=anct)
