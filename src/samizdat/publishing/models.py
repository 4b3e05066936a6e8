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
    """An address that failed to render or to be written; its previous file is still being served.
    The publisher tries it again at `retry_at` (later after each failure); a success clears it."""

    url = models.CharField(max_length=2000, unique=True)
    message = models.TextField()
    happened_at = models.DateTimeField(auto_now=True)
    attempts = models.PositiveIntegerField(default=1)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="empty: not tried again by itself")

    class Meta:
        ordering = ["-happened_at"]

    def __str__(self):
        return self.url


class UnfinishedChange(models.Model):
    """Publishing work a worker has taken and not yet finished: a change (`key` as in
    PublishedSource), the whole site ("*") or some addresses ("urls"). While it works, the worker
    pushes `lease_until` forward; once that has passed without a word (the worker was killed), the
    worker's periodic pass enqueues the work again. Finished, the row is deleted."""

    key = models.CharField(max_length=120, unique=True)
    also = models.JSONField(default=list, help_text="addresses to render besides what the key names now")
    claimed_by = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="the task last enqueued or running for it")
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key
