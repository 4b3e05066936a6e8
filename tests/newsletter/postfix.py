"""A private Postfix (Debian's) on 127.0.0.1 for the tests: the newsroom's relay. It relays every
reader's copy to the test SMTP server (which may refuse some addresses, as a reader's mail host
does), and keeps the delivery-status reports it writes for the bounce address's domain in a Maildir,
where the test reads them. Its settings can be changed mid-test to misbehave the way a real relay
set up wrong does. Needs root (Postfix starts as root and drops to its own user)."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .smtp import free_port

POSTFIX = "/usr/sbin/postfix"

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.courier.example
mydomain = courier.example
myorigin = courier.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:{relay_port}
smtp_dns_support_level = disabled
maillog_file_prefixes = {dir}
maillog_file = {dir}/maillog
virtual_mailbox_domains = courier.example
virtual_mailbox_base = {dir}/mail
virtual_mailbox_maps = static:bounces/
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""

MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def available():
    """Why Postfix can't run here, or None."""
    if not Path(POSTFIX).exists():
        return "Debian's postfix is not installed (scripts/install-test-deps installs it)"
    if os.geteuid() != 0:
        return "Postfix starts as root"
    return None


class Postfix:
    def __init__(self, relay_port):
        self.dir = Path(tempfile.mkdtemp(prefix="samizdat-postfix-"))
        self.dir.chmod(0o755)  # its daemons run as postfix and nobody
        self.port = free_port()
        self.relay_port = relay_port
        self.conf = self.dir / "conf"
        self.conf.mkdir()
        for folder in ("queue", "data", "mail"):
            (self.dir / folder).mkdir()
        shutil.chown(self.dir / "data", "postfix")
        (self.dir / "mail").chmod(0o777)
        self.extra = {}

    def _write(self):
        nobody = 65534
        main = MAIN_CF.format(dir=self.dir, relay_port=self.relay_port, uid=nobody, gid=nobody)
        main += "".join(f"{name} = {value}\n" for name, value in self.extra.items())
        (self.conf / "main.cf").write_text(main)
        (self.conf / "master.cf").write_text(MASTER_CF.format(port=self.port))

    def _postfix(self, *command):
        subprocess.run([POSTFIX, "-c", str(self.conf), *command], check=True, capture_output=True, timeout=60)

    def start(self):
        self._write()
        self._postfix("start")
        return self

    def configure(self, **settings):
        """Change main.cf (e.g. smtpd_sender_restrictions="reject") and reload; {} puts it back."""
        self.extra = {name: value for name, value in settings.items()}
        self._write()
        self._postfix("reload")
        time.sleep(1.5)  # smtpd processes already running finish with the old settings

    def write(self, name, text):
        path = self.dir / name
        path.write_text(text)
        return path

    def stop(self):
        try:
            self._postfix("stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def reports(self, count, seconds=30):
        """The delivery-status reports that reached the bounce address, once there are `count`."""
        folder = self.dir / "mail" / "bounces" / "new"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = sorted(folder.glob("*")) if folder.exists() else []
            if len(found) >= count:
                return [path.read_bytes() for path in found]
            time.sleep(0.2)
        raise AssertionError(f"{count} report(s) expected, {len(found)} arrived; the relay's log:\n{self.log()}")

    def log(self):
        path = self.dir / "maillog"
        return path.read_text()[-3000:] if path.exists() else ""
