from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "cnfs.funding"
    label = "funding"
    verbose_name = "Financement : dossier de subvention, contrat, convention et versements"
