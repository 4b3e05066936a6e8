"""The CPU one DKIM signature costs, on a message of an edition's size: dkimpy (pure-Python RSA, how
samizdat signed before) against samizdat.newsletter.dkim (OpenSSL through `cryptography`).

    .venv/bin/python -m bench.dkim_cost

bench/newsletter.py runs this too and keeps the figures with its own (bench/results/newsletter.*).
"""

import sys
import time

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from samizdat.newsletter.dkim import DKIM_HEADERS, signature

HEADERS = (
    b"Content-Type: multipart/alternative;\r\n boundary=\"===============1234567890123456789==\"\r\n"
    b"MIME-Version: 1.0\r\nSubject: The Week: the port, the council and the trams\r\n"
    b"From: The Week <week@courier.example>\r\nTo: reader4711@example.org\r\nDate: Fri, 04 Dec 2026 07:00:00 +0000\r\n"
    b"Message-ID: <edition-12.4711@courier.example>\r\nList-Id: The Week <the-week.courier.example>\r\n"
    b"List-Unsubscribe: <https://courier.example/newsletter/unsubscribe/abcdefghijklmnopqrstuvwxyz/>\r\n"
    b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nReply-To: letters@courier.example\r\n"
)
LINE = b"The harbour board met on Tuesday and agreed, after  a long debate, to   rebuild the pier. \r\n"


def message(size=13_580):
    return HEADERS + b"\r\n" + LINE * (size // len(LINE))


def per_message_ms(sign, raw, seconds=2.0):
    """CPU milliseconds per signature, over about `seconds` of signing."""
    sign(raw)  # parse the key, warm up
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for _ in range(10):
            sign(raw)
        count += 10
    return (time.process_time() - started) * 1000 / count


def signing_cost(seconds=2.0):
    raw = message()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    present = [name for name in DKIM_HEADERS if name + b":" in raw.lower()]
    costs = {
        "dkimpy rsa-sha256 2048 (before)": per_message_ms(
            lambda m: dkim.sign(m, b"mail", b"courier.example", pem, include_headers=present), raw, seconds),
        "OpenSSL rsa-sha256 2048 (now)": per_message_ms(lambda m: signature(m, rsa_key, "courier.example", "mail"), raw, seconds),
        "OpenSSL ed25519-sha256 (now)": per_message_ms(lambda m: signature(m, ed_key, "courier.example", "mail"), raw, seconds),
        # What the rest of a signature (canonicalising, hashing, the header field) adds to these:
        "RSA-2048 key operation alone": per_message_ms(lambda m: rsa_key.sign(m[:1000], padding.PKCS1v15(), hashes.SHA256()), raw, seconds),
        "Ed25519 key operation alone": per_message_ms(lambda m: ed_key.sign(m[:32]), raw, seconds),
    }
    return {"message_bytes": len(raw), "cpu_ms_per_signature": {name: round(ms, 3) for name, ms in costs.items()}}


if __name__ == "__main__":
    result = signing_cost(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
    print(f"One signature of a {result['message_bytes']:,}-byte message, CPU time:")
    for name, ms in result["cpu_ms_per_signature"].items():
        print(f"  {name:34} {ms:.3f} ms")
