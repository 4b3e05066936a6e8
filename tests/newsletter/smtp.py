"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), which can also misbehave: answer 4xx
or 5xx to chosen recipients, or drop the connection, the way real mail servers do."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list
    raw: bytes

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


class Handler:
    def __init__(self):
        self.received = []
        self.behaviour = Behaviour()
        self.lock = threading.Lock()
        self.data_count = 0
        self.dropped = 0
        self.connections = 0
        self.pipelining = True

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands in order whatever way they arrive; saying so lets clients
        # (samizdat's sender among them) pipeline, as they would with Postfix.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
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
        if drop:
            self.dropped += 1
            server.transport.close()
            return "421 closing"
        if set(envelope.rcpt_tos) & self.behaviour.refuse_content:
            return "554 5.6.0 Message content rejected"
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted"

    def to(self, address):
        return [message for message in self.received if address in message.recipients]


class SMTPServer:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

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
