"""Staff find authors and agencies by name in the admin, whatever they type."""

import pytest
from django.contrib.auth.models import User

from samizdat.news.models import Agency, Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("editor", "editor@courier.example", "pw"))


@pytest.fixture
def people(db):
    Author.objects.create(name="Ana Petrova", slug="ana-petrova")
    Author.objects.create(name="Борис Ильин", slug="boris-ilin")
    Agency.objects.create(name="Northwind Wire")


def test_an_author_is_found_by_name_in_the_admin(client, editor, people):
    found = client.get("/admin/snippets/news/author/", {"q": "Petrova"})
    assert found.status_code == 200
    page = found.content.decode()
    assert "Ana Petrova" in page and "Борис Ильин" not in page
    cyrillic = client.get("/admin/snippets/news/author/", {"q": "Ильин"}).content.decode()
    assert "Борис Ильин" in cyrillic and "Ana Petrova" not in cyrillic


def test_an_agency_is_found_by_name_in_the_admin(client, editor, people):
    page = client.get("/admin/snippets/news/agency/", {"q": "northwind"}).content.decode()
    assert "Northwind Wire" in page


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "name:ana", "x" * 500, "\u0301\u200b", "ana)"])
@pytest.mark.parametrize("listing", ["/admin/snippets/news/author/", "/admin/pages/search/"])
def test_odd_searches_in_the_admin_give_a_list_not_an_error(client, editor, people, listing, query):
    assert client.get(listing, {"q": query}).status_code == 200
