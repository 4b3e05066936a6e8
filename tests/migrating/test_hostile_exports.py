"""Hostile WordPress exports are refused in one line, with exit code 1 and nothing written."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samizdat.news.models import ArticlePage

from .wxr import export, item

pytestmark = [pytest.mark.django_db]

BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
"""


def hostile(tmp_path, prologue):
    body = export(item(1, "&d;" if "ENTITY d" in prologue else "&secret;", name="evil"), item(2, "Fine", name="fine"))
    path = tmp_path / "export.xml"
    path.write_text(prologue + body.split("\n", 1)[1], encoding="utf-8")
    return path


@pytest.mark.parametrize("prologue", [BOMB, EXTERNAL], ids=["entity-expansion", "external-entity"])
def test_hostile_export_is_refused_and_nothing_is_written(tmp_path, prologue):
    with pytest.raises(CommandError) as refused:
        call_command("import_wordpress", str(hostile(tmp_path, prologue)), "--no-progress")
    assert refused.value.returncode == 1
    assert "refused" in str(refused.value) and "\n" not in str(refused.value)
    assert not ArticlePage.objects.exists()


def test_broken_xml_at_the_end_is_found_before_anything_is_written(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(export(item(1, "Fine", name="fine")).replace("</channel>", ""), encoding="utf-8")
    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_wordpress", str(path), "--no-progress")
    assert not ArticlePage.objects.exists()


def test_samizdat_import_wordpress_exits_with_one_line_and_code_one(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "samizdat.cli", "import", "wordpress", str(hostile(tmp_path, BOMB)), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().count("\n") == 0
    assert "entity expansion" in completed.stderr
