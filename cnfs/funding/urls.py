from django.urls import path

from .views import agreements, contracts, overview, payments

app_name = "funding"

urlpatterns = [
    path("", contracts.structure_overview, name="structure"),
    path("contrats/nouveau/<int:match_pk>/", contracts.contract_create, name="contract_create"),
    path("contrats/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contrats/<int:pk>/contrat.docx", contracts.contract_docx, name="contract_docx"),
    path("conventions/", agreements.agreement_list, name="agreements"),
    path("conventions/nouvelle/<int:structure_pk>/", agreements.agreement_create, name="agreement_create"),
    path("conventions/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("conventions/<int:pk>/signature/", agreements.agreement_sign, name="agreement_sign"),
    path("conventions/<int:pk>/reconventionnement/", agreements.agreement_renew, name="agreement_renew"),
    path("conventions/<int:pk>/convention.docx", agreements.agreement_docx, name="agreement_docx"),
    path("postes/<int:pk>/historique/", agreements.post_history, name="post_history"),
    path("versements/", payments.payments_due, name="payments_due"),
    path("versements/<int:tranche_pk>/", payments.payment_create, name="payment_create"),
    path("national/", overview.national, name="national"),
    path("national/departements.<str:fmt>", overview.national_export, name="national_export"),
    path("territoire/", overview.territory, name="territory"),
]
