"""Building the e-mail and keeping addresses out of what the adapter reports and logs."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import make_msgid

from shared.contracts import OutboundMessage

ADDRESS = re.compile(r"<?[^\s<>@,;:\"']+@[^\s<>@,;:\"']+>?")
HIDDEN = "<alamat>"
MAX_DETAIL = 500


def scrub(text: str) -> str:
    """The text with every e-mail address replaced (an SMTP error may repeat the recipient)."""
    return ADDRESS.sub(HIDDEN, text)[:MAX_DETAIL]


def build(message: OutboundMessage, sender: str, recipient: str) -> EmailMessage:
    """A MIME e-mail: plain text, and the HTML part when there is one."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(f"{message.notification_id}.{message.attempt}", "lapor")
    mail["X-Lapor-Tracking-Id"] = message.tracking_id
    mail["X-Lapor-Notification-Id"] = str(message.notification_id)
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail
