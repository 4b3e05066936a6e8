"""Edition emails for each reader, cheaply, and the confirmation email.

An edition's message is built once per batch with placeholders; each reader's copy is that message
with their address, links and Message-ID substituted into the bytes. The result is a Django
EmailMessage, so every email backend takes it: SMTP and the file outbox use the prepared bytes,
django-anymail's services read the (equally substituted) subject, body and headers.

A signed message is 7-bit (seven_bit.py). In its quoted-printable parts each placeholder stands on
a (soft) line of its own, marked QUOTED, and the reader's value is encoded in its place, so the
lines stay within 76 characters and an "=" in a value can't be read as an escape.
"""

import re
from datetime import datetime, timezone
from email.header import Header
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from samizdat.core.links import absolute_url, site_domain
from samizdat.core.models import newsroom_name

from .addresses import address
from .dkim import dkim_sign, signing
from .return_paths import return_path
from .rendering import PREFERENCES, UNSUBSCRIBE
from .seven_bit import quoted_printable, to_seven_bit
from .tokens import confirm_token, preferences_token, unsubscribe_token

RECIPIENT = "samizdat-recipient@samizdat.invalid"
MESSAGE_ID = "%%samizdat:message-id%%"
QUOTED = "%%samizdat:quoted-printable%%"  # before a placeholder: its value goes in quoted-printable
_PLACEHOLDERS = re.compile(rb"(?:%%samizdat:quoted-printable%%)?(?:samizdat-recipient@samizdat\.invalid|%%samizdat:[a-z-]+%%)")


class PreparedMessage(EmailMultiAlternatives):
    """An EmailMessage whose bytes may be made in advance, DKIM-signed when configured. Signed as
    the backend sends it, so that a key that can't be used pauses the edition like any other
    failure of the send."""

    raw = None  # unsigned

    def message(self):
        if self.raw is None:
            self.raw = self.unsigned_bytes()
        return RawMessage(dkim_sign(self.raw))

    def unsigned_bytes(self, encode=quoted_printable):
        """The message's bytes before signing: 7-bit when it is to be signed, its 8-bit parts made
        quoted-printable through `encode`."""
        mime = super().message()
        if not str(self.subject).isascii():
            # Django folds an encoded subject after an empty "Subject:" line when its first encoded
            # word won't fit beside the name, and mail programs then read it with a leading space.
            # A Header that knows its name starts on that line.
            mime.replace_header("Subject", Header(str(self.subject), "utf-8", header_name="Subject"))
        if signing():
            to_seven_bit(mime, encode)
        return mime.as_bytes(linesep="\r\n")


class RawMessage:
    """What Django's SMTP and file backends ask of a message: its bytes."""

    def __init__(self, raw):
        self.raw = raw

    def as_bytes(self, linesep="\n", **kwargs):
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def as_string(self, **kwargs):
        return self.as_bytes(**kwargs).decode("utf-8", "replace")

    def get_charset(self):
        return None


def sender(newsletter):
    return formataddr((newsletter.from_name or newsroom_name(), newsletter.from_email or settings.DEFAULT_FROM_EMAIL))


def list_id(newsletter, domain):
    """`The Week <the-week.courier.example>` (RFC 2919): a name that isn't ASCII is encoded as a
    phrase (RFC 2047); the id in angle brackets never is."""
    namespace = f"{newsletter.slug}.{domain.encode('idna').decode('ascii') if not domain.isascii() else domain}"
    return formataddr((newsletter.name, namespace), charset="utf-8")


def mail_domain(newsletter):
    address = newsletter.from_email or settings.DEFAULT_FROM_EMAIL
    return settings.NEWSLETTER_DKIM_DOMAIN or address.rpartition("@")[2] or site_domain() or "localhost"


class EditionMessages:
    """Makes each reader's copy of one edition from one prepared message."""

    def __init__(self, edition, subject, html, text):
        self.edition = edition
        self.newsletter = edition.newsletter
        # Readers' links name pages in the newsletter's edition (/ru/newsletter/...).
        self.language = self.newsletter.language
        self.domain = mail_domain(self.newsletter)
        self.subject, self.html, self.text = subject, html, text
        # Worked out here, once: readers' copies are made in sending threads that don't touch the database.
        self.from_email = sender(self.newsletter)
        self.reply_to = [self.newsletter.reply_to] if self.newsletter.reply_to else None
        headers = {
            "Message-ID": MESSAGE_ID,
            "Date": format_datetime(datetime.now(timezone.utc)),  # "+0000", not "-0000" (RFC 5322 3.3)
            "List-Id": list_id(self.newsletter, self.domain),
            "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        self.headers = headers
        prototype = self._message(RECIPIENT, headers, text, html)
        template = prototype.unsigned_bytes(encode=quoted_printable_keeping_placeholders)
        # If encoding ever split a placeholder (a very long line), fall back to building each copy.
        self.fast = all(marker.encode() in template for marker in (RECIPIENT, MESSAGE_ID, UNSUBSCRIBE, PREFERENCES))
        # The message cut at its placeholders once: each copy is then a join, not a search.
        pieces = _PLACEHOLDERS.split(template)
        markers = [m.decode() for m in _PLACEHOLDERS.findall(template)]
        self.pieces = [piece for pair in zip(pieces, markers) for piece in pair] + [pieces[-1]]
        # (index in pieces, placeholder, whether its value is encoded as quoted-printable)
        self.slots = [(2 * n + 1, marker.removeprefix(QUOTED), marker.startswith(QUOTED)) for n, marker in enumerate(markers)]

    def _message(self, to, headers, text, html):
        message = PreparedMessage(
            subject=self.subject,
            body=text,
            from_email=self.from_email,
            to=[to],
            reply_to=self.reply_to,
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        return message

    def values(self, delivery_id, subscriber_id):
        return {
            MESSAGE_ID: f"<edition-{self.edition.pk}.{delivery_id}@{self.domain}>",
            UNSUBSCRIBE: absolute_url(address(self.language, "unsubscribe", unsubscribe_token(subscriber_id, self.newsletter.pk))),
            PREFERENCES: absolute_url(address(self.language, "preferences", preferences_token(subscriber_id))),
        }

    def for_reader(self, email, delivery_id, subscriber_id):
        values = self.values(delivery_id, subscriber_id)

        def fill(text):
            for marker, value in values.items():
                text = text.replace(marker, value)
            return text

        headers = {name: fill(value) for name, value in self.headers.items()}
        message = self._message(email, headers, fill(self.text), fill(self.html))
        # Read by samizdat's SMTP backend only: django-anymail's services refuse `envelope_sender`.
        message.return_path = return_path(delivery_id)
        if self.fast and email.isascii():
            values[RECIPIENT] = email
            pieces = self.pieces[:]
            for index, marker, quoted in self.slots:
                value = values[marker].encode()
                pieces[index] = quoted_printable(value) if quoted else value
            message.raw = b"".join(pieces)
        return message


def quoted_printable_keeping_placeholders(data):
    """Quoted-printable with each placeholder whole, alone on a soft line and marked QUOTED."""
    pieces = _PLACEHOLDERS.split(data)
    encoded = [quoted_printable(pieces[0])]
    for marker, piece in zip(_PLACEHOLDERS.findall(data), pieces[1:]):
        encoded += [b"=\r\n", QUOTED.encode() + marker, b"=\r\n", quoted_printable(piece)]
    return b"".join(encoded)


def confirmation_message(subscription):
    """The confirmation email, in the newsletter's language whoever sends it (the worker has none)."""
    newsletter = subscription.newsletter
    with translation.override(newsletter.language):
        context = {
            "newsletter": newsletter,
            "newsroom": newsroom_name(),
            "confirm_url": absolute_url(address(newsletter.language, "confirm", confirm_token(subscription.pk))),
        }
        message = PreparedMessage(
            subject=gettext("Confirm your subscription to %(name)s") % {"name": newsletter.name},
            body=render_to_string("newsletter/email/confirm.txt", context),
            from_email=sender(newsletter),
            to=[subscription.subscriber.email],
            reply_to=[newsletter.reply_to] if newsletter.reply_to else None,
        )
        message.attach_alternative(render_to_string("newsletter/email/confirm.html", context), "text/html")
    return message
