"""A local HTTP server on 127.0.0.1 standing in for an email service's API (Mailgun's messages
endpoint, which django-anymail's Mailgun backend posts to): it records each call as the service
would receive it and answers as the service does, or with an error chosen by the test.

`copies(call)` does what the service does with a batch: each reader's own message, their merge
fields (`%recipient.KEY%`) filled in from the call's recipient-variables."""

import json
import re
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class Call:
    path: str
    fields: list  # (name, value) in the order posted; "to" comes once per reader
    status: int = 200  # what the service answered

    def values(self, name):
        return [value for key, value in self.fields if key == name]

    def value(self, name):
        [value] = self.values(name)
        return value


@dataclass
class Copy:
    """One reader's message, as the service sends it out."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict


def form_fields(content_type, body):
    if content_type.startswith("multipart/form-data"):
        message = message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=policy.HTTP)
        return [(part.get_param("name", header="content-disposition"), part.get_payload(decode=True).decode())
                for part in message.iter_parts()]
    return parse_qsl(body.decode(), keep_blank_values=True)


class EmailService:
    def __init__(self):
        self.calls = []
        self.answer = (200, {"id": "<queued@mg.courier.example>", "message": "Queued. Thank you."})
        self.invalid = set()  # addresses the service calls invalid: a call carrying one answers 400, whole
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                call = Call(self.path, form_fields(self.headers.get("Content-Type", ""), body))
                service.calls.append(call)
                status, answer = service.answer
                if service.invalid & set(call.values("to")):
                    status, answer = 400, {"message": "to parameter is not a valid address. please check documentation"}
                call.status = status
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass  # the test output needn't list every call

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def copies(self):
        """Every reader's message from every call the service took, merge fields filled in as it would."""
        made = []
        for call in self.calls:
            if call.status >= 300:
                continue
            variables = json.loads(call.value("recipient-variables"))
            for to in call.values("to"):
                mine = variables[to]

                def fill(text):
                    return re.sub(r"%recipient\.([^%]+)%", lambda match: str(mine[match.group(1)]), text)

                headers = {key[2:]: fill(value) for key, value in call.fields if key.startswith("h:")}
                made.append(Copy(to, fill(call.value("subject")), fill(call.value("text")), fill(call.value("html")), headers))
        return made
