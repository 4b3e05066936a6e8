"""Django's SMTP email backend, plus SMTP PIPELINING (RFC 2920) when the server offers it.

    EMAIL_BACKEND=samizdat.newsletter.smtp.EmailBackend

Sending one message takes four round trips with Django's backend (MAIL, RCPT, DATA, the body);
with pipelining the envelope goes in one write, so two. `send_run`, which the newsletter's outbox
uses for a run of messages, also writes the end of one message and the envelope of the next
together (RFC 2920 lets message content lead a group), so one. Every answer is still read and
checked, and errors are the same smtplib exceptions, so callers can't tell the two apart except by
speed. Servers without PIPELINING, and messages to several recipients, go one command at a time.

Built on public APIs only: Django's backend for the connection (`open`, `close`, `connection`),
smtplib's `send`, `getreply`, `rset`, `sendmail` and `quoteaddr` for the protocol, and the
connection's socket for TCP_QUICKACK (`acknowledge_at_once`, on Linux).
"""

import ipaddress
import re
import smtplib
import socket
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"
QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only
PIPELINED, PLAINLY, REFUSED, FAILED = "pipelined", "plainly", "refused", "failed"
LINE_STARTING_WITH_A_DOT = re.compile(rb"^\.", re.M)


def ehlo_name():
    """EMAIL_EHLO_NAME, else the site's host name; an IP address as an address literal (RFC 5321
    4.1.3), which is what a server expects when there is no name."""
    name = settings.EMAIL_EHLO_NAME or urlsplit(settings.SITE_URL).hostname or ""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name.encode("idna").decode("ascii") if name and not name.isascii() else (name or None)
    return f"[IPv6:{address}]" if address.version == 6 else f"[{address}]"


class Greeting:
    """smtplib's client, greeting the server with our name rather than the machine's."""

    def __init__(self, host="", port=0, local_hostname=None, **kwargs):
        super().__init__(host, port, local_hostname=ehlo_name() or local_hostname, **kwargs)


class SMTP(Greeting, smtplib.SMTP):
    pass


class SMTP_SSL(Greeting, smtplib.SMTP_SSL):
    pass


def dot_stuffed(message):
    """Lines starting with a dot get another (RFC 5321 4.5.2), so none reads as the end of DATA."""
    return LINE_STARTING_WITH_A_DOT.sub(b"..", message)


class EmailBackend(smtp.EmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.run_lock = threading.RLock()
        self.senders = {}  # the same sender for a whole newsletter: parsed once, not 100,000 times

    @property
    def connection_class(self):
        return SMTP_SSL if self.use_ssl else SMTP

    def send_messages(self, email_messages):
        """As Django's: the number sent; an error raised unless fail_silently."""
        email_messages = [message for message in email_messages if message.recipients()]
        if not email_messages:
            return 0  # Django's backend sends nothing for a message without recipients, silently
        with self.run_lock:
            opened = self.open()
            if not self.connection or opened is None:
                return 0
            try:
                results = self.send_run(email_messages)
            finally:
                if opened:
                    self.close()
        errors = [result for result in results if result is not None]
        if errors and not self.fail_silently:
            raise errors[0]
        return len(results) - len(errors)

    def send_run(self, email_messages):
        """Send the messages one after another on this connection. Returns one result per message
        sent or tried: None when the server took it, else the smtplib (or socket) exception.

        Each message is prepared (its bytes made, signed when DKIM is on) while the server is
        still reading the one before: the signature's CPU overlaps the server's work, instead of
        holding back the end of the previous message until it is done.

        After a connection error the list stops early: the message in flight, and the one whose
        end went with its envelope, get that error; the caller reopens for the rest."""
        results = [None] * len(email_messages)
        waiting, waiting_end = None, b""  # the message whose end is written with the next envelope
        index, ahead = 0, None
        with self.run_lock:
            try:
                self.open()
                self.connection.ehlo_or_helo_if_needed()  # Django leaves it to the first message
                for index, message in enumerate(email_messages):
                    way, prepared = ahead or self.way_to_send(message)
                    ahead = None
                    if way is REFUSED:
                        results[index] = prepared
                        continue
                    if way is FAILED:
                        raise prepared
                    if way is PLAINLY:
                        self.finish(waiting, waiting_end, results)
                        waiting, waiting_end = None, b""
                        results[index] = outcome(self.send_plainly, message)
                        continue
                    envelope, body = prepared
                    self.connection.send(waiting_end + envelope)
                    acknowledge_at_once(self.connection)
                    if index + 1 < len(email_messages):
                        ahead = self.way_to_send(email_messages[index + 1])
                    if waiting is not None:
                        results[waiting] = outcome(check_end, self.connection)
                    waiting, waiting_end = None, b""
                    results[index] = outcome(check_envelope, self.connection)
                    if results[index] is None:
                        waiting, waiting_end = index, body
                self.finish(waiting, waiting_end, results)
            except OSError as error:  # the connection is lost (smtplib's errors are OSErrors too)
                for in_flight in {index, waiting} - {None}:
                    results[in_flight] = error
                return results[: index + 1]
        return results

    def way_to_send(self, email_message):
        """(PIPELINED, (envelope, body)), (PLAINLY, None), (REFUSED, why) for a message that can't
        be sent, or (FAILED, error) for an error raised when its turn comes (a DKIM key that can't
        be used), not while the message before it is still waiting for its answers."""
        if not email_message.recipients():
            return REFUSED, ValueError("a message without recipients")
        if not self.can_pipeline(email_message):
            return PLAINLY, None
        try:
            return PIPELINED, self.prepared(email_message)
        except (ValueError, UnicodeError) as error:  # an address it can't take
            return REFUSED, error
        except Exception as error:
            return FAILED, error

    def send_plainly(self, email_message):
        """One command at a time, as Django does, but from the message's own return path and
        saying BODY=8BITMIME when the message needs it and the server offers it (RFC 6152):
        without it an 8-bit body is a protocol violation."""
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(return_path_of(email_message), encoding)
        recipients = [sanitize_address(address, encoding) for address in email_message.recipients()]
        message = email_message.message().as_bytes(linesep="\r\n")
        self.connection.sendmail(from_email, recipients, message, mail_options=self.body_option(message))

    def body_option(self, message):
        if self.connection.has_extn("8bitmime") and not message.isascii():
            return ["BODY=8BITMIME"]
        return []

    def finish(self, waiting, waiting_end, results):
        """Send the last message's end alone and record its answer."""
        if waiting is not None:
            self.connection.send(waiting_end)
            results[waiting] = outcome(check_end, self.connection)

    def can_pipeline(self, email_message):
        connection = self.connection
        return len(email_message.recipients()) == 1 and connection.does_esmtp and connection.has_extn("pipelining")

    def prepared(self, email_message):
        """The envelope (MAIL, RCPT, DATA in one write) and the body with its end marker."""
        encoding = email_message.encoding or "utf-8"
        [recipient] = email_message.recipients()
        if not (recipient.isascii() and "<" not in recipient):
            recipient = sanitize_address(recipient, encoding)
        message = email_message.message().as_bytes(linesep="\r\n")
        size = f" SIZE={len(message)}" if self.connection.has_extn("size") else ""
        body_type = "".join(f" {option}" for option in self.body_option(message))
        envelope = (
            f"MAIL FROM:{self.envelope_sender(email_message, encoding)}{size}{body_type}\r\n"
            f"RCPT TO:{quoted(recipient)}\r\nDATA\r\n"
        )
        body = dot_stuffed(message) if message.startswith(b".") or b"\n." in message else message
        if not body.endswith(CRLF):
            body += CRLF
        return envelope.encode(), body + b"." + CRLF

    def envelope_sender(self, email_message, encoding):
        if getattr(email_message, "return_path", None):
            return quoted(email_message.return_path)  # a return path of our own, plain ASCII
        from_email = email_message.from_email
        if (from_email, encoding) not in self.senders:
            self.senders[(from_email, encoding)] = quoted(sanitize_address(from_email, encoding))
        return self.senders[(from_email, encoding)]


def return_path_of(email_message):
    """The envelope sender: the message's own return path (VERP, bounce_reports.py) if it has one,
    else its From address, as in Django."""
    return getattr(email_message, "return_path", None) or email_message.from_email


def acknowledge_at_once(connection):
    """Have the kernel acknowledge the server's next reply as it arrives, not on its delayed-ACK
    timer (40 ms on Linux). A server may answer one message's end and the next envelope in two
    writes: Postfix's smtpd reads 4 KiB at a time and sends what it has answered whenever it must
    read again, so when a 4 KiB boundary falls inside the next envelope, "250 queued" goes first
    and "250, 250, 354" after it. Nagle's algorithm holds the second write until the first is
    acknowledged, and this client, waiting for the 354 with nothing to send, would acknowledge it
    only when the timer runs out: 40 ms a message, for every copy of an edition of such a size
    (docs/newsletter.md, "Speed"). TCP_QUICKACK is not permanent (tcp(7)), so it is set again
    after each write."""
    if QUICKACK is not None and connection.sock is not None:
        try:
            connection.sock.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
        except OSError:
            pass  # not a TCP socket: nothing is delayed


def check_envelope(connection):
    """Read the answers to MAIL, RCPT and DATA; on a refusal, leave the connection ready for
    the next message and raise what smtplib would have."""
    mail_code, mail_answer = connection.getreply()
    rcpt_code, rcpt_answer = connection.getreply()
    data_code, data_answer = connection.getreply()
    if data_code == 354 and (mail_code != 250 or rcpt_code not in (250, 251)):
        # The server took DATA although the envelope failed: end the empty message.
        connection.send(b"." + CRLF)
        connection.getreply()
    if mail_code != 250:
        connection.rset()
        raise smtplib.SMTPSenderRefused(mail_code, mail_answer, "")
    if rcpt_code not in (250, 251):
        connection.rset()
        raise smtplib.SMTPRecipientsRefused({"": (rcpt_code, rcpt_answer)})
    if data_code != 354:
        connection.rset()
        raise smtplib.SMTPDataError(data_code, data_answer)


def check_end(connection):
    code, answer = connection.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)


def outcome(send, *args):
    """None if it went through, else the server's refusal. A lost connection is raised."""
    try:
        send(*args)
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPException as error:  # (an OSError too, but the connection still stands)
        return error
    return None


def quoted(address):
    """<address> for the envelope; smtplib's quoteaddr parses it again, which costs more than
    everything else per message once the address is known to be a plain one."""
    if address and "<" not in address and " " not in address and '"' not in address:
        return f"<{address}>"
    return smtplib.quoteaddr(address)
