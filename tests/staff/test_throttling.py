"""Guessing passwords and flooding reset emails: refused with a clear page, counted without keeping IPs."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.staff.helpers import PASSWORD, sign_in_with_password, staff_member

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"


def test_the_eleventh_sign_in_after_ten_wrong_passwords_is_refused_with_a_clear_message():
    user = staff_member()
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(9):
        response = sign_in_with_password(guesser, user, password=f"guess-{attempt}")
        assert response.status_code == 200, attempt
        assert "Your username and password didn" in response.content.decode()
    tenth = sign_in_with_password(guesser, user, password="guess-9")
    assert tenth.status_code == 429  # told at once, rather than at the next try

    response = sign_in_with_password(guesser, user)  # the eleventh, with the right password: too late
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many wrong passwords" in page
    assert "locked after 10 wrong passwords. Try again in 30 minutes." in page
    assert "Traceback" not in page and "axes" not in page.lower()
    assert guesser.get("/admin/").status_code == 302  # not signed in


def test_the_lock_is_for_that_account_from_that_client_only():
    user, colleague = staff_member(), staff_member("pavel")
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(11):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")

    elsewhere = Client(REMOTE_ADDR="198.51.100.5")
    assert sign_in_with_password(elsewhere, user).status_code == 302
    assert sign_in_with_password(guesser, colleague).status_code == 302


def test_the_lock_ends_after_the_lockout_minutes():
    user = staff_member()
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(10):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")
    assert sign_in_with_password(guesser, user).status_code == 429

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time.replace(year=2000))
    assert sign_in_with_password(guesser, user).status_code == 302


def test_no_raw_ip_address_is_kept_in_the_database(capsys):
    user = staff_member()
    guesser = Client(REMOTE_ADDR=CLIENT_IP)
    for attempt in range(11):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")
    sign_in_with_password(Client(REMOTE_ADDR=CLIENT_IP), user)
    Client(REMOTE_ADDR=CLIENT_IP).post("/admin/password_reset/", {"email": user.email})

    call_command("dumpdata", format="json", stdout=None)
    everything = capsys.readouterr().out
    assert '"model": "axes.accessattempt"' in everything  # the attempts were counted
    assert CLIENT_IP not in everything
    assert PASSWORD not in everything and "guess-3" not in everything


def test_password_reset_emails_are_capped_per_address():
    user = staff_member()
    for n in range(3):
        response = Client(REMOTE_ADDR=f"198.51.100.{n}").post("/admin/password_reset/", {"email": user.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3

    response = Client(REMOTE_ADDR="198.51.100.9").post("/admin/password_reset/", {"email": user.email.upper()})
    assert response.status_code == 429
    assert "Password-reset emails were asked for too often" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_capped_per_client_without_saying_which_accounts_exist():
    staff_member("irina")
    flooder = Client(REMOTE_ADDR=CLIENT_IP)
    answers = [flooder.post("/admin/password_reset/", {"email": email}).status_code
               for email in ["nobody@courier.example", "irina@courier.example", "nemo@courier.example"]]
    assert answers == [302, 302, 302]  # the same answer for an account and for no account

    for email in ["irina@courier.example", "nobody-else@courier.example"]:
        response = flooder.post("/admin/password_reset/", {"email": email})
        assert response.status_code == 429
        assert "No email was sent" in response.content.decode()
    assert len(mail.outbox) == 1
