"""Mail backends for the delivery tests: an SMTP server that is down, and one that takes its time."""

import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class DownBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)
