"""Development mail: emails printed to the console and kept on disk for a browser page.

With ``DEBUG`` on and no SMTP server, every process (web, worker) writes each message
it sends to ``DEV_MAIL_DIR`` as an ``.eml`` file as well as printing it, so the quick
start's mail page can list what the worker sent. Never used in production: the page
answers 404 unless ``DEBUG`` is on.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone

KEEP = 200  # messages kept on disk; the oldest go first


class ConsoleAndStoreBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        folder = Path(settings.DEV_MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            # Time first, so the names sort oldest to newest; the uuid keeps two
            # processes writing in the same microsecond apart.
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            (folder / name).write_bytes(message.message().as_bytes(linesep="\n"))
        for old in sorted(folder.glob("*.eml"))[:-KEEP]:
            old.unlink(missing_ok=True)
        return sent


@dataclass(frozen=True)
class StoredEmail:
    id: str
    sent_at: datetime
    subject: str
    sender: str
    to: str
    headers: list[tuple[str, str]]
    text: str
    html: str


def _read(path: Path) -> StoredEmail:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, ParsedMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    stamp = path.stem.split("-", 1)[0]
    return StoredEmail(
        id=path.stem,
        sent_at=datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC),
        subject=str(parsed.get("Subject", "")),
        sender=str(parsed.get("From", "")),
        to=str(parsed.get("To", "")),
        headers=[(k, str(v)) for k, v in parsed.items()],
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
    )


def stored_emails(limit: int = 50) -> list[StoredEmail]:
    """The newest stored emails first."""
    folder = Path(settings.DEV_MAIL_DIR)
    if not folder.is_dir():
        return []
    return [_read(p) for p in sorted(folder.glob("*.eml"), reverse=True)[:limit]]


def stored_email(email_id: str) -> StoredEmail | None:
    # The id is a file name this module made; anything else is not looked up.
    if not email_id.replace("-", "").isalnum():
        return None
    path = Path(settings.DEV_MAIL_DIR) / f"{email_id}.eml"
    return _read(path) if path.is_file() else None
