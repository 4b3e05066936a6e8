"""One person's data: `samizdat privacy export` lists every row the site holds about an address;
`samizdat privacy erase` leaves no trace of it in the database, keeps the accounts adding up, and
keeps the person off the newsletter for good."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from wagtail.models import ModelLogEntry

from samizdat.newsletter import subscriptions
from samizdat.newsletter.importing import import_subscribers
from samizdat.newsletter.models import Delivery, Edition, Newsletter, Subscriber, Suppression
from samizdat.newsletter.deliveries import progress_of
from samizdat.newsletter.tasks import send_test_task
from samizdat.support.models import Donation, RecurringDonation
from samizdat.support.reports import revenue_report

pytestmark = pytest.mark.django_db(transaction=False)

EMAIL = "Zelda.Quorn@Example.org"
LOCAL_PART = "zelda.quorn"
NAME = "Zelda Quorn"


def database_text():
    """Every row of every table, as text, lower case: what a copy of the database would give away."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found.extend(f"{table}: {row}" for row in cursor.fetchall())
    return "\n".join(found).lower()


@pytest.fixture
def person(settings):
    """A reader who subscribed, got an edition, gave once and monthly, and whose address is in a
    task row and the admin's history."""
    week = Newsletter.objects.create(name="The Week", slug="the-week")
    subscriptions.sign_up(EMAIL, week)
    subscriber = Subscriber.objects.get(email=EMAIL.lower())
    subscription = subscriber.subscriptions.get()
    subscriptions.confirm(subscription.pk, timezone.now())
    edition = Edition.objects.create(newsletter=week, subject="Harbour news", status=Edition.SENT, sent_at=timezone.now())
    Delivery.objects.create(edition=edition, subscriber=subscriber, status=Delivery.SENT, sent_at=timezone.now())
    Delivery.objects.create(
        edition=edition, status=Delivery.SENT, sent_at=timezone.now(),
        subscriber=Subscriber.objects.create(email="someone.else@example.org"),
    )
    recurring = RecurringDonation.objects.create(
        provider="stripe", provider_subscription_id="sub_z", amount=1000, currency="EUR", frequency="monthly",
        email=EMAIL, name=NAME,
    )
    Donation.objects.create(amount=1000, currency="EUR", frequency="monthly", provider="stripe", status="paid",
                            provider_payment_id="pi_z1", email=EMAIL, name=NAME, recurring=recurring)
    Donation.objects.create(amount=2500, currency="EUR", provider="stripe", status="paid",
                            provider_payment_id="pi_z2", email=EMAIL.lower(), name=NAME)
    Donation.objects.create(amount=700, currency="EUR", provider="stripe", status="paid",
                            provider_payment_id="pi_other", email="other@example.org", name="Other Donor")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_test_task.enqueue(edition.pk, EMAIL.lower())
    staff = User.objects.create_superuser("chief", "chief@example.org", "pw")
    ModelLogEntry.objects.log_action(subscriber, "wagtail.edit", user=staff)
    return subscriber


def run(*args):
    out = io.StringIO()
    call_command("privacy", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_lists_every_row_the_site_holds_about_the_person(person):
    exported = json.loads(run("export", EMAIL))
    newsletter, revenue, site = (exported["sections"][name] for name in ("Newsletter", "Reader revenue", "Site"))
    assert [s["email"] for s in newsletter["subscribers"]] == [EMAIL.lower()]
    consent = newsletter["subscriptions"][0]
    assert consent["status"] == "active" and "The Week" in consent["consent_text"] and consent["consent_at"]
    assert [d["edition"] for d in newsletter["deliveries"]] == ["Harbour news"]
    assert sorted(d["amount"] for d in revenue["donations"]) == [1000, 2500]
    assert {d["name"] for d in revenue["donations"]} == {NAME}
    assert [r["provider_subscription_id"] for r in revenue["recurring donations"]] == ["sub_z"]
    assert [t["task"] for t in site["background tasks"]] == ["samizdat.newsletter.tasks.send_test_task"]
    assert site["admin history"] and site["staff accounts"] == []
    assert "someone.else" not in json.dumps(exported) and "other@example.org" not in json.dumps(exported)


def test_export_to_a_file_is_readable_by_its_owner_only(person, tmp_path):
    target = tmp_path / "zelda.json"
    run("export", EMAIL, "--output", str(target))
    assert json.loads(target.read_text())["email"] == EMAIL.lower()
    assert target.stat().st_mode & 0o077 == 0


def test_erase_without_yes_changes_nothing(person):
    said = run("erase", EMAIL)
    assert "Nothing was changed" in said and "2 donations" in said
    assert LOCAL_PART in database_text()


def test_after_erasure_no_trace_of_the_address_is_left_in_the_database(person):
    assert LOCAL_PART in database_text()
    run("erase", EMAIL, "--yes")
    text = database_text()
    assert LOCAL_PART not in text
    assert "quorn" not in text  # nor the name
    assert "someone.else@example.org" in text and "other@example.org" in text  # others untouched
    assert Delivery.objects.count() == 1


def test_after_erasure_the_revenue_report_still_adds_up(person):
    before = revenue_report()
    run("erase", EMAIL, "--yes")
    after = revenue_report()
    assert [(r.currency, r.year_total, r.recurring_revenue, r.active_donors) for r in after] == \
        [(r.currency, r.year_total, r.recurring_revenue, r.active_donors) for r in before]
    assert after[0].year_total == 1000 + 2500 + 700
    assert Donation.objects.filter(email="", name="").count() == 2


def test_an_erased_person_is_never_signed_up_or_imported_again(person, settings):
    run("erase", EMAIL, "--yes")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    week = Newsletter.objects.get()
    subscriptions.sign_up(EMAIL.upper(), week)
    assert not Subscriber.objects.filter(email=EMAIL.lower()).exists()
    report = import_subscribers(f"email\n{EMAIL}\n".encode(), week, consent_text="old list")
    assert report.taken == [] and "erased" in report.refused[0][2]
    assert not Subscriber.objects.filter(email=EMAIL.lower()).exists()
    # The list holds a hash, never the address.
    erased = Suppression.objects.get(reason=Suppression.ERASED)
    assert erased.email.endswith("@erased.invalid") and LOCAL_PART not in erased.email


def test_the_counts_of_an_edition_survive_the_erasure_of_a_reader(person):
    assert progress_of(Edition.objects.get())["sent"] == 2
    run("erase", EMAIL, "--yes")
    assert progress_of(Edition.objects.get())["sent"] == 2


def test_an_address_that_is_not_one_is_refused_clearly():
    with pytest.raises(CommandError, match="not an email address"):
        run("export", "nobody")


def test_export_and_erasure_are_in_the_admin_history_without_the_address(person):
    run("export", EMAIL)
    run("erase", EMAIL, "--yes")
    entries = ModelLogEntry.objects.filter(action__startswith="samizdat.privacy.")
    assert sorted(e.action for e in entries) == ["samizdat.privacy.erase", "samizdat.privacy.export"]
    assert all(LOCAL_PART not in f"{e.label} {e.data}".lower() for e in entries)


def test_an_unsubscribed_reader_left_alone_by_erasure_of_someone_else(person):
    other = Subscriber.objects.get(email="someone.else@example.org")
    run("erase", EMAIL, "--yes")
    assert Subscriber.objects.filter(pk=other.pk).exists()
    assert timezone.now() - other.created_at < timedelta(minutes=5)


def test_rows_staff_typed_with_capitals_are_found_and_erased(settings):
    """The admin stores an address as typed: "Ana@Example.org" is the same reader."""
    Subscriber.objects.create(email="Ana.Typed@Example.org")
    Suppression.objects.create(email="Ana.Typed@Example.org", reason=Suppression.COMPLAINED)

    exported = json.loads(run("export", "ana.typed@example.org"))
    newsletter = exported["sections"]["Newsletter"]
    assert [s["email"] for s in newsletter["subscribers"]] == ["Ana.Typed@Example.org"]
    assert [s["reason"] for s in newsletter["suppressions"]] == [Suppression.COMPLAINED]

    run("erase", "ana.typed@example.org", "--yes")
    assert "ana.typed" not in database_text()
