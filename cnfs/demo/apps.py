from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demonstration data (`manage.py seed_demo`, `demo_accounts`), written through the apps' real services and
    workflows so that its history and journal are the ones the app writes."""

    name = "cnfs.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
