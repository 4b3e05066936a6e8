from django.db import models


class PublishedSource(models.Model):
    """The addresses a page or snippet was shown at when it was last published. When it changes or
    goes, these are rendered again along with where it is shown now, so nothing keeps a stale copy."""

    key = models.CharField(max_length=120, unique=True, help_text='"app_label.model:pk"')
    urls = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key


class PublishingProblem(models.Model):
    """An address that failed to render; its previous file is still being served."""

    url = models.CharField(max_length=2000, unique=True)
    message = models.TextField()
    happened_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-happened_at"]

    def __str__(self):
        return self.url
