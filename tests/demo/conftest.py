# The demo tests share the news tests' module-wide uploads folder.
from tests.news.conftest import shared_media  # noqa: F401
