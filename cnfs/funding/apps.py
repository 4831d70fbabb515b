from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "cnfs.funding"
    label = "funding"
    verbose_name = "Financement : dossier de subvention, contrat, convention et versements"

    def ready(self):
        from . import receivers  # noqa: F401  (opens and cancels the grant file with the hire request)
