"""The production environment docs/deploy.md gives passes `samizdat check --deploy` silently, turns
HTTPS on, and the embedded run's defaults leave it all off. Read from the docs, so the two can't drift."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_DOC = ROOT / "docs/deploy.md"
SHOWN = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_PROXY_SSL_HEADER"]


def production_environment(tmp_path):
    """The block under "## Production settings", a fresh key filled in and its paths moved into tmp_path."""
    section = DEPLOY_DOC.read_text().split("## Production settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    environment = {}
    for line in block.splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            environment[name] = value
    assert environment["SECRET_KEY"] == ""  # the docs must not hand out a key everyone knows
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {name: value.replace("/srv/samizdat", str(tmp_path)) for name, value in environment.items()}


def samizdat(arguments, environment):
    clean = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return subprocess.run([sys.executable, "-m", "samizdat.cli", *arguments], env={**clean, **environment},
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def settings_in(environment):
    code = f"from django.conf import settings; print(__import__('json').dumps({{n: getattr(settings, n) for n in {SHOWN!r}}}))"
    result = samizdat(["shell", "-c", code], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_silent_with_the_production_settings_the_docs_give(tmp_path):
    environment = production_environment(tmp_path)
    assert environment["TRUSTED_PROXIES"] == "127.0.0.1"  # what our nginx config needs
    result = samizdat(["check", "--deploy", "--fail-level", "WARNING"], environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_an_https_site_address_turns_on_the_redirect_hsts_and_secure_cookies(tmp_path):
    assert settings_in(production_environment(tmp_path)) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_the_embedded_run_on_plain_http_turns_none_of_it_on(tmp_path):
    assert settings_in({"SAMIZDAT_VAR_DIR": str(tmp_path)}) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        # Without a trusted proxy, anyone could claim https with X-Forwarded-Proto.
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_check_deploy_still_warns_when_the_site_is_not_on_https(tmp_path):
    environment = {**production_environment(tmp_path), "SITE_URL": "http://news.example.org"}
    result = samizdat(["check", "--deploy"], environment)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr  # no HSTS, no redirect
