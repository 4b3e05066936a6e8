"""DKIM: every email the site sends is signed when a key is set, and the signature verifies at the
reader's mail host (dkimpy stands in for it here) whatever the message looks like, after the SMTP
trip and after a relay rewraps its headers; a key that can't be used pauses the edition, saying so."""

import base64
import re
import subprocess
import time

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.core import mail
from django.core.checks import run_checks

from samizdat.newsletter import schedule
from samizdat.newsletter.dkim import dkim_sign
from samizdat.newsletter.messages import PreparedMessage
from samizdat.newsletter.models import Edition, Suppression

from . import postfix
from .conftest import subscribe

pytestmark = pytest.mark.django_db

SELECTOR, DOMAIN = "mail2026", "courier.example"


def use_key(settings, path):
    settings.NEWSLETTER_DKIM_PRIVATE_KEY = str(path)
    settings.NEWSLETTER_DKIM_SELECTOR = SELECTOR
    settings.NEWSLETTER_DKIM_DOMAIN = DOMAIN


def dns_answering(record):
    def dns(name, timeout=5):
        return record if name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode() else None

    return dns


@pytest.fixture
def dkim_key(tmp_path, settings):
    """An RSA key, made with openssl as docs/newsletter.md says; returns its DNS record."""
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True, capture_output=True).stdout
    use_key(settings, key)
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def tags(raw):
    field = re.match(rb"DKIM-Signature:(.*?)\r\n(?![ \t])", raw, re.S).group(1)
    return dict(tag.strip().split(b"=", 1) for tag in re.sub(rb"\s+", b"", field).split(b";") if tag)


def test_editions_are_dkim_signed_and_the_signature_verifies(smtp, the_week, dkim_key):
    subscribe(the_week, "ana@example.org", "bø@example.org")
    edition = Edition.objects.create(newsletter=the_week, subject="Signed, sealed", intro="Hello.")
    schedule.approve(edition, send_now=True)
    assert len(smtp.received) == 2
    dns = dns_answering(dkim_key)
    for received in smtp.received:
        assert received.raw.startswith(b"DKIM-Signature:")
        assert dkim.verify(received.raw, dnsfunc=dns)
        tampered = received.raw.replace(b"Hello.", b"Hullo.")
        assert not dkim.verify(tampered, dnsfunc=dns)


def test_an_edition_signs_its_sender_subject_date_and_unsubscribe_headers(smtp, the_week, dkim_key):
    subscribe(the_week, "ana@example.org")
    schedule.approve(Edition.objects.create(newsletter=the_week, subject="Signed", intro="Hello."), send_now=True)
    signed = tags(smtp.received[0].raw)
    assert signed[b"h"].split(b":") == [
        b"from", b"to", b"subject", b"date", b"message-id", b"list-id", b"list-unsubscribe",
        b"list-unsubscribe-post", b"reply-to", b"mime-version", b"content-type",
    ]
    assert (signed[b"a"], signed[b"c"], signed[b"d"], signed[b"s"]) == (b"rsa-sha256", b"relaxed/relaxed", DOMAIN.encode(), SELECTOR.encode())


LONG = ("The council's budget, line by line: what the port, the schools and the trams will cost next year " * 3).strip()
SHAPES = {
    "plain text": dict(subject="Plain", body="Good morning.\n"),
    "HTML and text": dict(subject="Both", body="Good morning.\n", html="<p>Good <b>morning</b>.</p>\n"),
    "a long subject, folded": dict(subject=LONG, body="Long.\n"),
    "a subject that isn't ASCII": dict(subject="Grüße aus Łódź — die Woche 🗞", body="Tschüß.\n", html="<p>Tschüß.</p>"),
    "trailing blank lines": dict(subject="Blank", body="Good morning.\n\n\n\n\n"),
    "an empty body": dict(subject="Empty", body=""),
    "lines that start with dots": dict(subject="Dots", body=".\n..\n.hidden\nmiddle\n.\nend\n"),
    "spaces at line ends and inside": dict(subject="Spaces  and\ttabs", body="Good   morning.   \nSee\tyou. \t\n"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_the_signature_of_any_message_verifies_after_the_smtp_trip(smtp, dkim_key, shape):
    parts = SHAPES[shape]
    message = PreparedMessage(
        subject=parts["subject"], body=parts["body"], from_email="The Week <week@courier.example>", to=["ana@example.org"],
        reply_to=["letters@courier.example"], headers={"List-Id": f"The Week, {LONG} <the-week.courier.example>"},
    )
    if "html" in parts:
        message.attach_alternative(parts["html"], "text/html")
    mail.get_connection().send_messages([message])
    received = smtp.received[0]
    assert dkim.verify(received.raw, dnsfunc=dns_answering(dkim_key)), shape
    assert received.message["Subject"] == parts["subject"]


def test_a_relay_that_rewraps_headers_and_trims_line_ends_leaves_the_signature_valid(dkim_key):
    raw = (
        b"From: The Week <week@courier.example>\r\nTo: ana@example.org\r\n"
        b"Subject: A subject folded\r\n\t over  two lines \r\n"
        b"Date: Fri, 04 Dec 2026 07:00:00 +0000\r\nX-Not-Signed: whatever\r\n"
        b"\r\nGood morning.  \r\n\r\nSee you.\r\n\r\n"
    )
    signed = dkim_sign(raw)
    dns = dns_answering(dkim_key)
    assert dkim.verify(signed, dnsfunc=dns)
    relayed = signed.replace(b"folded\r\n\t over  two", b"folded over two").replace(b"morning.  \r\n", b"morning.\r\n")
    relayed = relayed.replace(b"X-Not-Signed: whatever", b"X-Not-Signed: changed") + b"\r\n"
    assert dkim.verify(relayed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"See you.", b"See me."), dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"over  two", b"under two"), dnsfunc=dns)


RUSSIAN = dict(subject="Неделя: порт и трамваи", intro="Доброе утро. Вот что было важно в Линденпорте на этой неделе.")


def test_a_signed_edition_in_russian_is_7_bit_and_reads_as_written(smtp, the_week, dkim_key):
    """RFC 6376 5.3: a relay without 8BITMIME would rewrite an 8-bit body and break the signature."""
    subscribe(the_week, "ana@example.org", "bø@example.org")
    schedule.approve(Edition.objects.create(newsletter=the_week, **RUSSIAN), send_now=True)
    assert len(smtp.received) == 2
    for received in smtp.received:
        assert received.raw.isascii() and "BODY=8BITMIME" not in received.mail_options
        assert dkim.verify(received.raw, dnsfunc=dns_answering(dkim_key))
        body = received.raw.partition(b"\r\n\r\n")[2]
        assert max(len(line) for line in body.split(b"\r\n")) <= 76  # quoted-printable's limit (RFC 2045)
        text, html = received.part("text/plain"), received.part("text/html")
        assert received.message["Subject"] == RUSSIAN["subject"]
        assert RUSSIAN["intro"] in text and RUSSIAN["intro"] in html
        unsubscribe = str(received.message["List-Unsubscribe"]).strip(" <>")
        assert f"Unsubscribe: {unsubscribe}" in text and f'href="{unsubscribe}"' in html  # the reader's own link, whole


def test_an_unsigned_edition_stays_8_bit(smtp, the_week):
    subscribe(the_week, "ana@example.org")
    schedule.approve(Edition.objects.create(newsletter=the_week, **RUSSIAN), send_now=True)
    [received] = smtp.received
    assert RUSSIAN["intro"].encode() in received.raw and "BODY=8BITMIME" in received.mail_options


@pytest.mark.skipif(postfix.available() is not None, reason=str(postfix.available()))
def test_a_relay_to_a_host_without_8bitmime_leaves_the_signature_of_a_russian_edition_valid(smtp, the_week, dkim_key, settings):
    """Postfix rewrites an 8-bit message as quoted-printable for such a host; a 7-bit one it passes on as it is."""
    smtp.handler.eight_bit_mime = False
    relay = postfix.Postfix(relay_port=smtp.port).start()
    try:
        settings.EMAIL_PORT = relay.port
        readers = [f"reader{n}@example.org" for n in range(3)]
        subscribe(the_week, *readers)
        edition = Edition.objects.create(newsletter=the_week, **RUSSIAN)
        schedule.approve(edition, send_now=True)
        deadline = time.monotonic() + 30
        while len(smtp.received) < len(readers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(smtp.received) == len(readers), relay.log()
    finally:
        relay.stop()
    for received in smtp.received:
        assert received.raw.startswith(b"Received:")  # it went through Postfix
        assert dkim.verify(received.raw, dnsfunc=dns_answering(dkim_key))
        assert RUSSIAN["intro"] in received.part("text/plain")


def test_the_key_may_be_given_as_its_pem_text_instead_of_a_path(dkim_key, settings):
    with open(settings.NEWSLETTER_DKIM_PRIVATE_KEY) as file:
        settings.NEWSLETTER_DKIM_PRIVATE_KEY = file.read()
    signed = dkim_sign(b"From: week@courier.example\r\nTo: ana@example.org\r\nSubject: Hi\r\n\r\nHello.\r\n")
    assert dkim.verify(signed, dnsfunc=dns_answering(dkim_key))


def test_an_ed25519_key_signs_as_rfc_8463_says(smtp, the_week, tmp_path, settings):
    key = ed25519.Ed25519PrivateKey.generate()
    path = tmp_path / "ed25519.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    use_key(settings, path)
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    subscribe(the_week, "ana@example.org")
    schedule.approve(Edition.objects.create(newsletter=the_week, subject="Short keys", intro="Hello."), send_now=True)
    raw = smtp.received[0].raw
    assert tags(raw)[b"a"] == b"ed25519-sha256"
    assert dkim.verify(raw, dnsfunc=dns_answering(b"v=DKIM1; k=ed25519; p=" + base64.b64encode(public)))


@pytest.mark.parametrize("key", ["missing", "not a key", "a public key"])
def test_a_key_that_cant_be_used_pauses_the_edition_and_says_so(smtp, the_week, tmp_path, settings, key):
    path = tmp_path / "dkim.pem"
    if key == "not a key":
        path.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    elif key == "a public key":
        public = ed25519.Ed25519PrivateKey.generate().public_key()
        path.write_bytes(public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    use_key(settings, path)
    subscribe(the_week, "ana@example.org", "bo@example.org")
    edition = Edition.objects.create(newsletter=the_week, subject="Unsigned", intro="Hello.")
    schedule.approve(edition, send_now=True)
    edition.refresh_from_db()
    assert edition.status == Edition.PAUSED, edition.get_status_display()
    assert "DKIM" in edition.pause_reason, edition.pause_reason
    assert smtp.received == [] and not Suppression.objects.exists()


def test_check_warns_when_dkim_is_half_set_up(settings):
    settings.NEWSLETTER_DKIM_PRIVATE_KEY = "/etc/samizdat/dkim.pem"
    settings.NEWSLETTER_DKIM_DOMAIN, settings.NEWSLETTER_DKIM_SELECTOR = "courier.example", ""
    [warning] = [m for m in run_checks() if m.id == "samizdat.newsletter.W002"]
    assert "NEWSLETTER_DKIM_SELECTOR missing" in warning.msg and "unsigned" in warning.msg
    settings.NEWSLETTER_DKIM_SELECTOR = "mail2026"
    assert not [m for m in run_checks() if m.id == "samizdat.newsletter.W002"]
