"""A mirror's page signs readers up in place, and a stranger's page can't read our answer: the
browser itself enforces the signup's Access-Control-Allow-Origin."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samizdat.newsletter.models import Newsletter, Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

READ_THE_ANSWER = """async (url) => {
  const body = new URLSearchParams({email: "reader@example.org", newsletter: "the-week"});
  try {
    const response = await fetch(url, {method: "POST", body: body, headers: {Accept: "application/json"}});
    return (await response.json()).message;
  } catch (error) {
    return "the browser kept the answer from this page";
  }
}"""


@pytest.fixture
def other_site():
    """Another origin (its own port on 127.0.0.1): a mirror's address, or a stranger's."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>Another site</title><p>Another site</p>")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def the_week():
    return Newsletter.objects.create(name="The Week", slug="the-week", promoted=True)


def answer_read_from(chromium, page_url, signup_url):
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(page_url)
        return page.evaluate(READ_THE_ANSWER, signup_url)
    finally:
        context.close()


def test_a_mirrors_page_reads_the_signup_answer(chromium, live_server, settings, other_site, the_week):
    settings.SITE_URL, settings.MIRROR_URLS = live_server.url, [other_site + "/"]
    message = answer_read_from(chromium, other_site + "/", live_server.url + "/newsletter/signup/")
    assert "check your inbox" in message
    assert Subscriber.objects.filter(email="reader@example.org").exists()


def test_a_strangers_page_cannot_read_the_signup_answer(chromium, live_server, settings, other_site, the_week):
    settings.SITE_URL, settings.MIRROR_URLS = live_server.url, ["https://mirror.example/"]
    message = answer_read_from(chromium, other_site + "/", live_server.url + "/newsletter/signup/")
    assert message == "the browser kept the answer from this page"
