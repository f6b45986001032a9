"""The file-based e-mail backend, slowed down so that a test can kill a worker mid-batch, most
likely while it holds a claimed e-mail it has not sent yet."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0.3")))
        return super().send_messages(email_messages)
