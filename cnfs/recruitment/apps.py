from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "cnfs.recruitment"
    label = "recruitment"
    verbose_name = "Mises en relation et recrutements"

    def ready(self):
        from . import (
            invitations,  # noqa: F401  (connects the receiver of the structure's activation)
            workflow,  # noqa: F401 — connects the reaction to a candidate available again
        )
