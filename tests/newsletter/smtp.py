"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), which can also misbehave: answer 4xx
or 5xx to chosen recipients, or drop the connection, the way real mail servers do; and refuse the
way a misconfigured Postfix does (a wrong password, a refused sender or greeting name, content
refused, relaying denied), so the tests can tell a reader's bounce from a fault of the send."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list
    raw: bytes
    mail_options: list = field(default_factory=list)
    helo: str = ""

    @property
    def message(self):
        return message_from_bytes(self.raw, policy=policy.default)

    def part(self, content_type):
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        return None


@dataclass
class Behaviour:
    """What the server does with some recipients. Counts are how many times to misbehave."""

    refuse_for_good: set = field(default_factory=set)  # 550 at RCPT
    try_later: dict = field(default_factory=dict)  # address → times to answer 451 at RCPT
    drop_after: int | None = None  # drop the connection on the nth DATA (once)
    refuse_content: set = field(default_factory=set)  # 554 after the message's content
    # Faults of the send, not of any reader (what Postfix answers when it is set up wrong, or we are):
    password: str | None = None  # AUTH required (530 at MAIL without it), and only this password (535)
    refuse_sender: str | None = None  # the answer to every MAIL FROM
    refuse_every_recipient: str | None = None  # the answer to every RCPT TO ("554 5.7.1 Relay access denied")
    refuse_every_content: str | None = None  # the answer after every message's content
    drop_every_data: bool = False  # the connection dropped at every DATA
    helo_names: set | None = None  # greeting names accepted; others refused at RCPT (504 5.5.2)


class Handler:
    def __init__(self):
        self.received = []
        self.behaviour = Behaviour()
        self.lock = threading.Lock()
        self.data_count = 0
        self.dropped = 0
        self.connections = 0
        self.logins = 0
        self.pipelining = True
        self.eight_bit_mime = True  # False: a host without 8BITMIME (nor SMTPUTF8, which needs it): a relay must send it 7-bit

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands in order whatever way they arrive; saying so lets clients
        # (samizdat's sender among them) pipeline, as they would with Postfix.
        session.host_name = hostname
        self.connections += 1  # one greeting per connection
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        if not self.eight_bit_mime:
            responses = [line for line in responses if line[4:] not in ("8BITMIME", "SMTPUTF8")]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.behaviour.password is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if self.behaviour.refuse_sender:
            return self.behaviour.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins += 1
        ok = self.behaviour.password is not None and auth_data.password.decode() == self.behaviour.password
        return AuthResult(success=ok, handled=False)  # the server answers 235, or 535 5.7.8

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.behaviour.helo_names is not None and session.host_name not in self.behaviour.helo_names:
            return f"504 5.5.2 <{session.host_name}>: Helo command rejected: Host not found"
        if self.behaviour.refuse_every_recipient:
            return self.behaviour.refuse_every_recipient
        if address in self.behaviour.refuse_for_good:
            return "550 5.1.1 No such user here"
        if self.behaviour.try_later.get(address, 0) > 0:
            self.behaviour.try_later[address] -= 1
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_count += 1
            drop = self.behaviour.drop_after is not None and self.data_count == self.behaviour.drop_after
        if drop or self.behaviour.drop_every_data:
            self.dropped += 1
            server.transport.close()
            return "421 closing"
        if set(envelope.rcpt_tos) & self.behaviour.refuse_content:
            return "554 5.6.0 Message content rejected"
        if self.behaviour.refuse_every_content:
            return self.behaviour.refuse_every_content
        with self.lock:
            self.received.append(Received(
                envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content,
                list(envelope.mail_options), session.host_name,
            ))
        return "250 Message accepted"

    def to(self, address):
        return [message for message in self.received if address in message.recipients]


class SMTPServer:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port,
            authenticator=self.handler.authenticate, auth_require_tls=False,
        )

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def received(self):
        return self.handler.received

    @property
    def behaviour(self):
        return self.handler.behaviour

    def to(self, address):
        return self.handler.to(address)
