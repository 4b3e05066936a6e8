from .pages import (  # noqa: F401
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    Correction,
    HomePage,
    SectionPage,
)
from .people import Agency, Author  # noqa: F401
