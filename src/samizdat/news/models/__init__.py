from .article import ArticleAuthor, ArticlePage, ArticleTag, Correction  # noqa: F401
from .index_pages import HomePage, SectionPage  # noqa: F401
from .people import Agency, Author  # noqa: F401
