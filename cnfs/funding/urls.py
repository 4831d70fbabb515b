"""Mounted at the site root (config/urls.py): the structure's files live in the structure space, the Banque des
Territoires' queue in its own, ANCT's hires in progress next to recruitment, contracts, agreements, payments and the
funding overviews under /financement/."""

from django.urls import path

from . import life_urls
from .views import agreements, contracts, files, overview, payments

app_name = "funding"

urlpatterns = [
    path("structure/dossiers/", files.file_list, name="file_list"),
    path("structure/dossiers/<int:pk>/", files.file_detail, name="file_detail"),
    path("structure/dossiers/<int:pk>/transmettre/", files.transmit, name="transmit"),
    path(
        "structure/dossiers/<int:pk>/modele-deliberation.docx",
        files.deliberation_docx,
        name="deliberation_docx",
    ),
    path("dossiers/<int:pk>/pieces/<slug:kind>/", files.document_download, name="document"),
    path("banque-des-territoires/dossiers/", files.queue, name="queue"),
    path("banque-des-territoires/dossiers/<int:pk>/", files.review, name="review"),
    path("recrutement/en-cours/", files.hire_requests, name="hire_requests"),
    path("recrutement/en-cours/<int:match_pk>/arreter/", files.stop_hire, name="stop_hire"),
    path("financement/", contracts.structure_overview, name="structure"),
    path("financement/contrats/nouveau/<int:match_pk>/", contracts.contract_create, name="contract_create"),
    path("financement/contrats/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("financement/contrats/<int:pk>/contrat.docx", contracts.contract_docx, name="contract_docx"),
    path("financement/conventions/", agreements.agreement_list, name="agreements"),
    path(
        "financement/conventions/nouvelle/<int:structure_pk>/",
        agreements.agreement_create,
        name="agreement_create",
    ),
    path("financement/conventions/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("financement/conventions/<int:pk>/signature/", agreements.agreement_sign, name="agreement_sign"),
    path(
        "financement/conventions/<int:pk>/reconventionnement/",
        agreements.agreement_renew,
        name="agreement_renew",
    ),
    path(
        "financement/conventions/<int:pk>/convention.docx", agreements.agreement_docx, name="agreement_docx"
    ),
    path("financement/versements/", payments.payments_due, name="payments_due"),
    path("financement/versements/<int:tranche_pk>/", payments.payment_create, name="payment_create"),
    path("financement/national/", overview.national, name="national"),
    path("financement/national/departements.<str:fmt>", overview.national_export, name="national_export"),
    path("financement/territoire/", overview.territory, name="territory"),
    *life_urls.urlpatterns,
]
