"""The editors' side: the weekly draft, preview, a test to oneself, approval for the slot or now,
live progress, and the command line."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.utils import timezone

from samizdat.newsletter import deliveries, drafts, schedule
from samizdat.newsletter.models import Edition
from tests.factories import make_article, make_section

from .conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@courier.example", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def stories():
    section = make_section("News")
    return [make_article(section, f"Story {n}", minutes_ago=60 * 24 * n + 5) for n in range(10)]  # one a day


def test_a_new_week_brings_a_draft_filled_with_the_weeks_newest_stories(the_week, breaking, stories):
    [draft] = drafts.ensure_weekly_drafts()
    assert draft.newsletter == the_week and draft.status == Edition.DRAFT  # not the alerts
    titles = [link.article.title for link in draft.articles.order_by("sort_order")]
    assert titles == [f"Story {n}" for n in range(7)]  # the last seven days, newest first
    assert all(link.text == link.article.standfirst for link in draft.articles.all())  # blurb defaults
    assert drafts.ensure_weekly_drafts() == []  # one a week


def test_a_draft_takes_only_stories_since_the_last_edition(the_week, stories):
    Edition.objects.create(newsletter=the_week, subject="Last week", status=Edition.SENT,
                           sent_at=timezone.now() - datetime.timedelta(days=2, hours=12))
    [draft] = drafts.ensure_weekly_drafts()
    assert [link.article.title for link in draft.articles.order_by("sort_order")] == ["Story 0", "Story 1", "Story 2"]


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime.datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN), datetime.datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)),  # Wednesday
        (datetime.datetime(2026, 11, 27, 8, 59, tzinfo=BERLIN), datetime.datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)),  # Friday, just before
        (datetime.datetime(2026, 11, 27, 9, 1, tzinfo=BERLIN), datetime.datetime(2026, 12, 4, 9, 0, tzinfo=BERLIN)),  # just after
        (datetime.datetime(2026, 3, 25, 12, 0, tzinfo=BERLIN), datetime.datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN)),  # summer time starts on Sunday
    ],
)
def test_the_next_slot_is_friday_nine_in_the_newsrooms_time_zone(the_week, settings, now, expected):
    settings.TIME_ZONE = "Europe/Berlin"
    with timezone.override(BERLIN):  # activate() would leave Berlin on for every later test in the process
        assert schedule.next_slot(the_week, now) == expected


def test_an_approved_edition_waits_for_its_slot_then_goes_out(smtp, the_week, stories):
    subscribe(the_week, "reader@example.org")
    [draft] = drafts.ensure_weekly_drafts()
    schedule.approve(draft)
    draft.refresh_from_db()
    assert draft.status == Edition.APPROVED and draft.scheduled_at == schedule.next_slot(the_week)
    assert schedule.send_due(now=draft.scheduled_at - datetime.timedelta(minutes=1)) == []
    assert smtp.received == []
    assert schedule.send_due(now=draft.scheduled_at) == [draft.pk]
    draft.refresh_from_db()
    assert draft.status == Edition.SENT and len(smtp.received) == 1


def test_an_empty_edition_cant_be_approved(the_week):
    edition = Edition.objects.create(newsletter=the_week, subject="Nothing")
    with pytest.raises(schedule.SendingError, match="empty"):
        schedule.approve(edition)


def test_the_admin_previews_html_and_plain_text(client, editor, the_week, stories):
    [draft] = drafts.ensure_weekly_drafts()
    page = client.get(f"/admin/newsletter/editions/{draft.pk}/")
    assert page.status_code == 200 and "Approve for the next slot" in page.content.decode()
    html = client.get(f"/admin/newsletter/editions/{draft.pk}/preview.html")
    assert html["Content-Type"].startswith("text/html") and "Story 0" in html.content.decode()
    assert "%%samizdat" not in html.content.decode()
    text = client.get(f"/admin/newsletter/editions/{draft.pk}/preview.txt")
    assert text["Content-Type"].startswith("text/plain") and "Story 6" in text.content.decode()
    listing = client.get("/admin/snippets/newsletter/edition/")
    assert listing.status_code == 200 and "Preview and send" in listing.content.decode()


def test_send_a_test_to_me(client, editor, smtp, the_week, stories):
    subscribe(the_week, "reader@example.org")
    [draft] = drafts.ensure_weekly_drafts()
    client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "test"})
    [mail] = smtp.received
    assert mail.recipients == ["editor@courier.example"]
    assert mail.message["Subject"].startswith("[Test] ")
    draft.refresh_from_db()
    assert draft.status == Edition.DRAFT  # a test is not a send


def test_approve_and_send_now_from_the_admin_then_watch_progress(client, editor, smtp, the_week, stories):
    subscribe(the_week, *[f"r{n}@example.org" for n in range(5)])
    [draft] = drafts.ensure_weekly_drafts()
    response = client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "send_now"})
    assert response.status_code == 302
    progress = client.get(f"/admin/newsletter/editions/{draft.pk}/progress.json").json()
    assert progress | {"rate": 0} == {"status": "sent", "status_label": "Sent", "total": 5, "sent": 5, "failed": 0,
                                      "skipped": 0, "cancelled": 0, "waiting": 0, "rate": 0, "pause_reason": "",
                                      "next_retry": None}
    assert len(smtp.received) == 5
    # Sent is sent: approving again or editing is refused with a message, not an error.
    again = client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "send_now"}, follow=True)
    assert "sent only once" in again.content.decode()
    edit = client.get(f"/admin/snippets/newsletter/edition/edit/{draft.pk}/")
    assert edit.status_code == 302
    assert len(smtp.received) == 5


def test_approving_for_the_slot_and_taking_it_back(client, editor, the_week, stories):
    [draft] = drafts.ensure_weekly_drafts()
    client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "approve"})
    draft.refresh_from_db()
    assert draft.status == Edition.APPROVED
    client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "unapprove"})
    draft.refresh_from_db()
    assert draft.status == Edition.DRAFT and draft.scheduled_at is None
    assert client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "nonsense"}).status_code == 302
    assert client.get(f"/admin/newsletter/editions/{draft.pk}/action/").status_code == 405
    assert client.get("/admin/newsletter/editions/999999/").status_code == 404


def test_writers_may_not_send(client, the_week, stories):
    writer = User.objects.create_user("writer", "w@courier.example", "pw")
    writer.groups.add(Group.objects.get(name="Writers"))
    client.force_login(writer)
    [draft] = drafts.ensure_weekly_drafts()
    assert client.post(f"/admin/newsletter/editions/{draft.pk}/action/", {"action": "send_now"}).status_code in (302, 403)
    draft.refresh_from_db()
    assert draft.status == Edition.DRAFT


def test_editors_group_may_run_the_newsletter(client, the_week, stories):
    user = User.objects.create_user("ed", "ed@courier.example", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    [draft] = drafts.ensure_weekly_drafts()
    assert client.get(f"/admin/newsletter/editions/{draft.pk}/").status_code == 200
    assert client.get("/admin/newsletter/import/").status_code == 200


def test_the_command_sends_with_a_progress_bar(smtp, the_week, stories):
    subscribe(the_week, *[f"r{n}@example.org" for n in range(30)])
    [draft] = drafts.ensure_weekly_drafts()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="is a draft"):
        call_command("newsletter", "send", str(draft.pk), stdout=out, stderr=err)
    call_command("newsletter", "send", str(draft.pk), "--progress", "--approve", stdout=out, stderr=err)
    assert f"Edition {draft.pk}: sent; 30 of 30 sent" in out.getvalue()
    assert len(smtp.received) == 30
    with pytest.raises(CommandError, match="sent only once"):
        call_command("newsletter", "send", str(draft.pk), stdout=out, stderr=err)
    with pytest.raises(CommandError, match="no edition 424242"):
        call_command("newsletter", "send", "424242", stdout=out, stderr=err)


def test_the_progress_bar_counts_to_the_total(smtp, the_week, stories):
    from samizdat.core.progress import ProgressBar

    subscribe(the_week, *[f"r{n}@example.org" for n in range(12)])
    [draft] = drafts.ensure_weekly_drafts()
    Edition.objects.filter(pk=draft.pk).update(status=Edition.APPROVED, scheduled_at=timezone.now())
    schedule.start_send(draft.pk, enqueue=False)
    stream = io.StringIO()
    bar = ProgressBar(12, "Sending", stream=stream)
    for batch in deliveries.unfinished_batches(draft.pk):
        schedule.send_batch(draft.pk, batch, progress=bar)
    assert "12/12 100%" in stream.getvalue()


def test_with_the_database_queue_an_approved_edition_is_queued_for_its_slot(settings, the_week, stories):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    [draft] = drafts.ensure_weekly_drafts()
    schedule.approve(draft)
    draft.refresh_from_db()
    [queued] = DBTaskResult.objects.filter(task_path__endswith="send_edition_task")
    assert queued.run_after == draft.scheduled_at  # the worker picks it up then, not before
    assert queued.args_kwargs["args"] == [draft.pk]


def test_resume_takes_back_a_dead_senders_claims_and_finishes(smtp, the_week, stories, settings):
    subscribe(the_week, *[f"r{n}@example.org" for n in range(20)])
    [draft] = drafts.ensure_weekly_drafts()
    Edition.objects.filter(pk=draft.pk).update(status=Edition.APPROVED, scheduled_at=timezone.now())
    schedule.start_send(draft.pk, enqueue=False)
    # A sender claimed a chunk and died before sending it.
    dead = deliveries.claim(draft.pk, 0, "dead-sender")
    assert len(dead) == settings.NEWSLETTER_CHUNK_SIZE
    assert schedule.resume(draft.pk) == [0]  # its lease has not run out: those ten wait
    assert len(smtp.received) == 10
    assert Edition.objects.get(pk=draft.pk).status == Edition.SENDING
    settings.NEWSLETTER_LEASE_SECONDS = 0
    schedule.resume(draft.pk)
    assert sorted(r for m in smtp.received for r in m.recipients) == sorted(f"r{n}@example.org" for n in range(20))
    assert Edition.objects.get(pk=draft.pk).status == Edition.SENT
