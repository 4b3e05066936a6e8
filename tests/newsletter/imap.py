"""A private Dovecot (Debian's) on 127.0.0.1 serving one Maildir over IMAP: the bounce mailbox a
newsroom's relay delivers reports to, which the worker reads. One user, `bounces`, password
`secret`, no TLS (loopback only). Needs root, as Dovecot does to start."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .smtp import free_port

DOVECOT = "/usr/sbin/dovecot"

CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={dir}/home
}}
mail_location = maildir:{maildir}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def available():
    if not Path(DOVECOT).exists():
        return "Debian's dovecot-imapd is not installed (scripts/install-test-deps installs it)"
    if os.geteuid() != 0:
        return "Dovecot starts as root"
    return None


class Dovecot:
    def __init__(self, maildir):
        self.dir = Path(tempfile.mkdtemp(prefix="samizdat-dovecot-"))
        self.dir.chmod(0o755)
        for folder in ("run", "state", "home"):
            (self.dir / folder).mkdir()
        (self.dir / "home").chmod(0o777)
        self.maildir = Path(maildir)
        self.port = free_port()
        self.conf = self.dir / "dovecot.conf"
        self.conf.write_text(CONF.format(dir=self.dir, maildir=self.maildir, port=self.port))

    @property
    def url(self):
        return f"imap://bounces:secret@127.0.0.1:{self.port}/INBOX"

    def start(self):
        # Its daemon would hold captured pipes open: its words go to its log.
        subprocess.run([DOVECOT, "-c", str(self.conf)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        deadline = time.monotonic() + 10
        while not (self.dir / "log").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def stop(self):
        try:
            subprocess.run([DOVECOT, "-c", str(self.conf), "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
