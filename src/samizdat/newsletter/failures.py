"""What a failed message means: one reader's bounce, a reason to try again, or a fault of the send.

Fail safe: only a refusal that is clearly about one recipient's address (a 5xx to RCPT TO with an
enhanced status 5.1.x or 5.2.x, RFC 3463, or an email service's per-recipient rejection) is that
reader's bounce. Authentication, TLS, the server's greeting, policy refusals about the sender, the
client or its HELO name (5.7.x, 5.5.x, even when a server gives them at RCPT), a 5xx to MAIL FROM
or after DATA, and anything we don't recognise are faults of the *edition*: the send pauses and a
person is told; no reader is suppressed for them (listmonk's `OnError` / `Stop` split).

Each failure carries words for the editor who will read them in the admin, with the server's own
answer, any address in it left out.
"""

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.utils.translation import gettext as _

# The kinds of failure, from the reader's side to ours.
BOUNCE = "bounce"  # this address is refused for good: suppress it
TEMPORARY = "temporary"  # try this reader again later (4xx, greylisting, a dropped connection)
UNDELIVERED = "undelivered"  # refused for good, but not clearly the address's fault: not suppressed
EDITION = "edition"  # a fault of the send itself: pause the edition, suppress nobody

_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


@dataclass(frozen=True)
class Failure:
    kind: str
    detail: str  # short, for the delivery record: "550 5.1.1 No such user here"
    explanation: str = ""  # for an edition fault: what happened and what to check, for the editor
    about_the_send: bool = False  # temporary, and not about any reader: a dropped connection, a 4xx to MAIL FROM

    @property
    def is_final(self):
        return self.kind in (BOUNCE, UNDELIVERED)


def server_answer(code, text):
    """"550 5.1.1 No such user here": the code and the server's words, without any address in
    them (logs and the admin must not carry readers' addresses)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = _ADDRESS.sub(_("<address>"), " ".join(str(text or "").split()))
    return f"{code} {text}".strip()[:200]


def enhanced_status(text):
    """(class, subject, detail) of an RFC 3463 status at the start of a server's answer, or None."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    match = _ENHANCED.match(str(text or "").strip())
    return tuple(int(part) for part in match.groups()) if match else None


def classify(error):
    """The Failure an exception from an email backend stands for. The order matters: django-anymail's
    errors are also ValueErrors or OSErrors (through requests), and smtplib's are OSErrors."""
    if isinstance(error, AnymailRecipientsRefused):
        return Failure(BOUNCE, "refused by the email service")
    if isinstance(error, AnymailAPIError) and error.status_code is None and isinstance(error.__cause__, OSError):
        # The service could not be reached (anymail wraps the network error).
        return Failure(TEMPORARY, "the email service could not be reached", _(
            "The email service could not be reached for any message ({error}). Check the network, then resume."
        ).format(error=type(error.__cause__).__name__), about_the_send=True)
    if isinstance(error, AnymailAPIError) and ((error.status_code or 0) >= 500 or error.status_code == 429):
        # 429: too many requests, slow down and try again (a service's rate limit, not a refusal).
        return Failure(TEMPORARY, f"the email service answered {error.status_code}", _(
            "The email service kept failing ({status}) for every message. Check its status page, then resume."
        ).format(status=error.status_code), about_the_send=True)
    if isinstance(error, AnymailError):
        status = getattr(error, "status_code", None)
        return Failure(EDITION, f"email service error {status or ''}".strip(), _(
            "The email service refused the send ({status}). Check the ANYMAIL settings, the API key "
            "and that the sender's domain is verified with the service."
        ).format(status=status or type(error).__name__))
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _recipient_refused(*next(iter(error.recipients.values()), (0, b"")))
    if isinstance(error, smtplib.SMTPSenderRefused) and error.smtp_code == 530:
        return _refused(error.smtp_code, error.smtp_error, _(
            "The mail server wants samizdat to log in first ({answer}). Set EMAIL_HOST_USER and "
            "EMAIL_HOST_PASSWORD."
        ))
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _refused(error.smtp_code, error.smtp_error, _(
            "The mail server refused the newsletter's sender address ({answer}). Check the newsletter's "
            "From address and that the mail server may send for its domain."
        ))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Failure(EDITION, server_answer(error.smtp_code, error.smtp_error), _(
            "The mail server refused samizdat's login ({answer}). Check EMAIL_HOST_USER and "
            "EMAIL_HOST_PASSWORD."
        ).format(answer=server_answer(error.smtp_code, error.smtp_error)))
    if isinstance(error, smtplib.SMTPHeloError):
        return Failure(EDITION, server_answer(error.smtp_code, error.smtp_error), _(
            "The mail server refused samizdat's greeting ({answer}). Set EMAIL_EHLO_NAME to a host "
            "name the server accepts."
        ).format(answer=server_answer(error.smtp_code, error.smtp_error)))
    if isinstance(error, smtplib.SMTPDataError):
        return _refused(error.smtp_code, error.smtp_error, _(
            "The mail server refused the edition's content ({answer}). Its words may tell what it "
            "objects to; test the edition with \"Send a test to me\"."
        ))
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Failure(EDITION, "not supported", _(
            "The mail server does not offer what the settings ask for ({error}): check EMAIL_USE_TLS, "
            "EMAIL_USE_SSL and the login settings."
        ).format(error=error))
    if isinstance(error, (ssl.SSLError, ssl.CertificateError)):
        return Failure(EDITION, "TLS failed", _(
            "Could not set up an encrypted connection to the mail server ({error}). Check EMAIL_HOST, "
            "EMAIL_PORT, EMAIL_USE_TLS and EMAIL_USE_SSL."
        ).format(error=type(error).__name__))
    if isinstance(error, smtplib.SMTPConnectError):
        return _refused(error.smtp_code, error.smtp_error, _("The mail server refused the connection ({answer})."))
    if isinstance(error, smtplib.SMTPResponseException):
        return _refused(error.smtp_code, error.smtp_error, _("The mail server answered {answer}."))
    if isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, socket.gaierror)):
        # Worth another try for the readers in flight; a server that fails every time pauses the
        # send (the Outbox counts these in a row).
        return Failure(TEMPORARY, f"connection failed ({type(error).__name__})", connection_explanation(error), about_the_send=True)
    if isinstance(error, (ValueError, UnicodeError)):
        # Django's backends raise these for an address they can't put in an envelope.
        return Failure(UNDELIVERED, "an address the mail server can't take")
    # Anything else (a DKIM key that can't be read, an SMTPException without a code...) is ours.
    return Failure(EDITION, type(error).__name__, _(
        "Sending failed with an error samizdat doesn't recognise ({error}). Nobody was suppressed; "
        "look at the worker's log, then resume."
    ).format(error=type(error).__name__))


def connection_explanation(error=None):
    where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return _(
        "Could not keep a connection to the mail server at {where} ({error}): it failed every time. "
        "Check that it runs and that EMAIL_HOST and EMAIL_PORT are right."
    ).format(where=where, error=type(error).__name__ if error else _("connection lost"))


def _recipient_refused(code, text):
    answer = server_answer(code, text)
    if not 500 <= code < 600:
        return Failure(TEMPORARY, answer)
    status = enhanced_status(text)
    if (status and status[1:] in ((1, 7), (1, 8))) or "sender address" in answer.lower():
        # X.1.7 and X.1.8 are about the *sender's* address (RFC 3463), as is Postfix's "Sender
        # address rejected", whatever status it carries.
        return Failure(EDITION, answer, _(
            "The mail server refused the newsletter's sender address ({answer}). Check the newsletter's "
            "From address, and that its domain exists and the mail server may send for it."
        ).format(answer=answer))
    if status and status[1] in (1, 2):
        return Failure(BOUNCE, answer)  # 5.1.x bad address, 5.2.x mailbox
    if status and status[1] in (5, 7):
        # Policy or protocol: about the sender, the client or its HELO, whatever the step.
        return Failure(EDITION, answer, _(
            "The mail server refused the edition on policy grounds ({answer}). This is about the "
            "sender, samizdat's login or its greeting name (EMAIL_EHLO_NAME), not the readers."
        ).format(answer=answer))
    return Failure(UNDELIVERED, answer)


def _refused(code, text, explanation):
    """A refusal of the connection, the sender or the content: never about one reader. "Later" is
    tried again, but counts toward NEWSLETTER_CONNECTION_FAILURES in a row (a relay whose disk is
    full says 452 to every MAIL FROM, for hours)."""
    answer = server_answer(code, text)
    if 400 <= (code or 0) < 500:
        return Failure(TEMPORARY, answer, _(
            "The mail server kept answering \"{answer}\" (try again later) to every message. "
        ).format(answer=answer) + explanation.format(answer=answer), about_the_send=True)
    return Failure(EDITION, answer, explanation.format(answer=answer))


def too_many_refused(refused, tried):
    """The circuit breaker: refusals past NEWSLETTER_PAUSE_RATIO of those tried (and at least
    NEWSLETTER_PAUSE_MIN_REFUSALS of them) say the server, not the list, is at fault."""
    return refused >= settings.NEWSLETTER_PAUSE_MIN_REFUSALS and refused > tried * settings.NEWSLETTER_PAUSE_RATIO


def breaker_explanation(refused, tried, last):
    return _(
        "{refused} of {tried} readers were refused ({percent:.0f}%, over the limit of {limit:.0f}%), "
        "the last with \"{last}\". A mail server refusing that many usually has a fault of its own, "
        "so the send is paused and this batch's addresses were not suppressed. If these addresses "
        "are really gone, resume and tick \"The refusals are real\"."
    ).format(refused=refused, tried=tried, percent=100 * refused / max(tried, 1),
             limit=100 * settings.NEWSLETTER_PAUSE_RATIO, last=last)
