"""Fill in deploy/nginx/samizdat.conf; used by docs/deploy.md's example, the nginx test and the bench."""

from pathlib import Path

from samizdat.publishing.serving import nginx_headers

TEMPLATE = Path(__file__).with_name("samizdat.conf")


def site_config(*, app, listen, public_dir, static_root, media_root, security_headers, server_name="_"):
    text = TEMPLATE.read_text()
    for name, value in {
        "APP": app,
        "SECURITY_HEADERS": security_headers,
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "PUBLIC_DIR": public_dir,
        "STATIC_ROOT": str(static_root).rstrip("/"),
        "MEDIA_ROOT": str(media_root).rstrip("/"),
    }.items():
        text = text.replace(f"@{name}@", str(value))
    return text


def standalone_config(folder, **site):
    """A whole nginx.conf that runs unprivileged in `folder` (pid, logs, temp files), for tests."""
    import os

    folder = Path(folder)
    headers = folder / "security-headers.conf"
    headers.write_text(nginx_headers())  # what `samizdat security_headers` prints
    (folder / "site.conf").write_text(site_config(security_headers=headers, **site))
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = f"""{user}daemon off;
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # nginx's default, as on a distribution's nginx.conf: our server block must turn it off.
    access_log {folder / 'access.log'};
    sendfile on;
    keepalive_requests 100000;
{temp}
    include {folder / 'site.conf'};
}}
"""
    path = folder / "nginx.conf"
    path.write_text(conf)
    return path
