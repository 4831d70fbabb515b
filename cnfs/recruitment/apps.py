from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "cnfs.recruitment"
    label = "recruitment"
    verbose_name = "Mises en relation et recrutements"

    def ready(self):
        from . import (
            invitations,  # noqa: F401  (connects the receiver of the structure's activation)
            receivers,  # noqa: F401  (connects the reactions to what happens to a candidate)
        )
