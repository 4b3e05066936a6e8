from django.db import models


class PasswordResetRequest(models.Model):
    """A password-reset email asked for, kept an hour to count them (staff/throttling.py).

    Both keys are keyed hashes: the table holds neither the email address nor the client's IP.
    """

    account = models.CharField(max_length=64, db_index=True)
    client = models.CharField(max_length=64, db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
