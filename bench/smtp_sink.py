"""A counting SMTP sink for benchmarks: accepts every message on 127.0.0.1 and forgets it.

    python -m bench.smtp_sink PORT

Speaks just enough SMTP for smtplib and Django's backend (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT) and one verb of its own, XCOUNT, which answers the number of messages accepted so far and
how many distinct recipients there were. Runs in its own process so it has a core to itself.
"""

import asyncio
import sys

COUNT = 0
RECIPIENTS = set()


class Session(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        self.rcpts = []
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data):
        global COUNT
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    # Keep only the tail that could hold the end marker.
                    if len(self.buffer) > 8:
                        self.buffer = self.buffer[-8:]
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                COUNT += 1
                RECIPIENTS.update(self.rcpts)
                self.rcpts = []
                self.transport.write(b"250 OK queued\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2 :]
            self.command(line)

    def command(self, line):
        verb = line[:4].upper()
        if verb in (b"EHLO",):
            self.transport.write(b"250-sink\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 52428800\r\n")
        elif verb == b"HELO":
            self.transport.write(b"250 sink\r\n")
        elif verb == b"MAIL":
            self.rcpts = []
            self.transport.write(b"250 OK\r\n")
        elif verb == b"RCPT":
            self.rcpts.append(line[8:].strip(b" <>"))
            self.transport.write(b"250 OK\r\n")
        elif verb == b"DATA":
            self.in_data = True
            self.buffer = b"\r\n" + self.buffer  # an empty message ends at once with ".\r\n"
            self.transport.write(b"354 go ahead\r\n")
        elif verb == b"XCOU":
            self.transport.write(f"250 {COUNT} {len(RECIPIENTS)}\r\n".encode())
        elif verb == b"QUIT":
            self.transport.write(b"221 bye\r\n")
            self.transport.close()
        else:  # RSET, NOOP and anything else
            self.transport.write(b"250 OK\r\n")


async def serve(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Session, "127.0.0.1", port, backlog=512)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def count(port):
    """(messages accepted, distinct recipients) from a running sink."""
    import smtplib

    with smtplib.SMTP("127.0.0.1", port) as client:
        code, answer = client.docmd("XCOUNT")
    messages, recipients = answer.decode().split()
    return int(messages), int(recipients)


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
