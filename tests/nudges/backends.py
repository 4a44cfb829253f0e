"""An in-memory email backend that fails on demand, for the retry rules; the real SMTP
path is exercised against a real server in test_worker.py."""

from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    fail_with: BaseException | None = None

    def send_messages(self, messages):
        if FailingBackend.fail_with is not None:
            raise FailingBackend.fail_with
        return super().send_messages(messages)
