"""Building the e-mail and keeping addresses out of what the adapter reports and logs."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid, parseaddr

from shared.contracts import OutboundMessage

ADDRESS = re.compile(r"<?[^\s<>@,;:\"']+@[^\s<>@,;:\"']+>?")
HIDDEN = "<alamat>"
MAX_DETAIL = 500
# The RFC 5322 line limit: at 78, Python moves a long ASCII subject whole onto a continuation
# line, which readers then show with a leading space.
SMTP_POLICY = SMTP.clone(max_line_length=998)


def scrub(text: str) -> str:
    """The text with every e-mail address replaced (an SMTP error may repeat the recipient)."""
    return ADDRESS.sub(HIDDEN, text)[:MAX_DETAIL]


def flatten(mail: EmailMessage) -> bytes:
    """The bytes on the wire (CRLF line ends, long headers kept on one line)."""
    return mail.as_bytes(policy=SMTP_POLICY)


def envelope_sender(mail: EmailMessage) -> str:
    """The bare address of the From header (MAIL FROM)."""
    return parseaddr(str(mail["From"]))[1]


def build(message: OutboundMessage, sender: str, recipient: str) -> EmailMessage:
    """A MIME e-mail: plain text, and the HTML part when there is one."""
    mail = EmailMessage(policy=SMTP_POLICY)
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
