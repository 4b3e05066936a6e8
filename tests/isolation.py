"""A pytest plugin, loaded before Django (-p in pyproject): keep the test run's files (database, secret key, uploads) out of the developer's var/."""

import os
import tempfile

os.environ.setdefault("SAMIZDAT_VAR_DIR", tempfile.mkdtemp(prefix="samizdat-test-var-"))
# Tests sign staff in with a password (force_login, the browser's login form); tests/staff/ turn the
# second factor on where it is what they test.
os.environ.setdefault("STAFF_REQUIRE_2FA", "false")
