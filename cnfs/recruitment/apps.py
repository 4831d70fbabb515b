from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "cnfs.recruitment"
    label = "recruitment"
    verbose_name = "Mises en relation et recrutements"
