"""An editor's path through the admin: write, submit, approve, publish, schedule."""

from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from samizdat.news.models import ArticlePage
from tests.factories import make_article, make_author, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def staff(username, group):
    user = User.objects.create_user(username, password="correct horse battery")
    user.groups.add(Group.objects.get(name=group))
    return user


def article_form(title, author, tags="port, city council", **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": extra.pop("slug", "cranes-return"),
            "standfirst": "The harbour's cranes are working again after a week of silence.",
            "dateline": "Lindenport",
            "lead_image_caption": "",
            "lead_image_credit": "",
            "credit_line": "",
            "body": streamfield([("paragraph", rich_text("<p>Dockers returned on Monday.</p>"))]),
            "article_authors": inline_formset([{"author": str(author.pk)}]),
            "corrections": inline_formset([]),
            "tags": tags,
            "comments": inline_formset([]),
            **extra,
        }
    )


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk])


def test_newsroom_groups_exist_with_the_right_powers():
    writers, editors, admins = (Group.objects.get(name=n) for n in ["Writers", "Editors", "Administrators"])
    page_perms = lambda group: set(group.page_permissions.values_list("permission__codename", flat=True))  # noqa: E731
    assert "publish_page" not in page_perms(writers)
    assert {"add_page", "change_page"} <= page_perms(writers)
    assert {"add_page", "change_page", "publish_page"} <= page_perms(editors)
    assert "bulk_delete_page" in page_perms(admins)
    assert writers.permissions.filter(codename="access_admin").exists()
    assert editors.permissions.filter(codename="change_author").exists()


def test_moderation_workflow_is_on_and_editors_approve():
    workflow = Workflow.objects.get(active=True)
    tasks = [task.specific for task in workflow.tasks.all()]
    assert [group.name for group in tasks[0].groups.all()] == ["Editors"]
    assert workflow.workflow_pages.filter(page__depth=1).exists()


def test_writer_cannot_publish_but_can_submit_and_editor_approval_publishes(client):
    section = make_section("News")
    author = make_author("Irina Volkova")
    related = make_article(section, "Port strike enters second week", tags=["port"])
    writer, editor = staff("writer", "Writers"), staff("editor", "Editors")

    client.force_login(writer)
    response = client.post(add_url(section), {**article_form("Cranes return", author), "action-publish": "1"})
    article = ArticlePage.objects.get(slug="cranes-return")
    assert not article.live, "a writer's publish click must not publish"

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        {**article_form("Cranes return", author), "action-submit": "1"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_workflow_state is not None and not article.live
    assert client.get("/news/cranes-return/").status_code == 404

    client.force_login(editor)
    task_state = article.current_workflow_state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk]),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.live and article.published_at is not None

    client.logout()
    assert "Cranes return" in client.get("/").content.decode()
    assert "Cranes return" in client.get("/news/").content.decode()
    assert "Cranes return" in [e.title for e in feedparser.parse(client.get("/rss.xml").content).entries]
    assert "Cranes return" in [e.title for e in feedparser.parse(client.get("/news/rss.xml").content).entries]
    assert "Cranes return" in client.get(related.url).content.decode()  # in Read more of the related article


def test_editor_publishes_directly_and_the_article_is_everywhere(client):
    section = make_section("Business")
    author = make_author("Tomas Brandt")
    client.force_login(staff("editor", "Editors"))
    response = client.post(
        add_url(section), {**article_form("Shipyard hires", author, slug="shipyard-hires"), "action-publish": "1"}
    )
    assert response.status_code == 302
    client.logout()
    page = client.get("/business/shipyard-hires/").content.decode()
    assert "Shipyard hires" in page and 'href="/authors/tomas-brandt/"' in page
    assert "Shipyard hires" in client.get("/authors/tomas-brandt/").content.decode()
    assert "Shipyard hires" in client.get("/tags/port/").content.decode()


def test_scheduled_article_goes_live_when_publish_scheduled_runs(client):
    section = make_section("News")
    author = make_author("Irina Volkova")
    client.force_login(staff("editor", "Editors"))
    go_live = timezone.now() + timedelta(hours=2)
    client.post(
        add_url(section),
        {
            **article_form("Night ferry resumes", author, slug="night-ferry"),
            "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "1",
        },
    )
    client.logout()
    article = ArticlePage.objects.get(slug="night-ferry")
    assert not article.live
    assert client.get("/news/night-ferry/").status_code == 404
    assert "Night ferry resumes" not in client.get("/").content.decode()

    call_command("publish_scheduled")  # not yet due
    assert client.get("/news/night-ferry/").status_code == 404

    # Time passes: move the stored go-live moment two hours back instead of waiting.
    revision = article.scheduled_revision
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=past)
    call_command("publish_scheduled")
    assert client.get("/news/night-ferry/").status_code == 200
    assert "Night ferry resumes" in client.get("/").content.decode()
