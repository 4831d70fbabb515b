from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cnfs.notifications"
    label = "notifications"
    verbose_name = "Notifications"
