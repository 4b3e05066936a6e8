"""The suite runs on the database DATABASE_URL names (scripts/run-tests runs it on SQLite and on
PostgreSQL), and that database keeps a newsroom's non-English words intact."""

import os

import pytest
from django.db import connection

from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def expected_vendor():
    url = os.environ.get("DATABASE_URL", "sqlite://")
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else url.split(":", 1)[0]


def test_suite_runs_on_the_database_named_by_database_url():
    assert connection.vendor == expected_vendor()


def test_headlines_and_bylines_in_other_alphabets_survive_the_database(client):
    title = "Łódź: Überstunden im Hafen, «грузчики» бастуют — 港口罢工"
    article = make_article(make_section("Wörld"), title, authors=[make_author("Zoë Ŝtrażnik")])
    html = client.get(article.url).content.decode()
    assert f'<h1 class="headline">{title}</h1>' in html
    assert "Zoë Ŝtrażnik" in html
