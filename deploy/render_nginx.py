"""Render deploy/nginx/portal.conf.template into an nginx site configuration.

    python3 deploy/render_nginx.py --server-name portal.example.gov.cn \
        --app 10.0.0.11:8000 --app 10.0.0.12:8000 \
        --cert /etc/letsencrypt/live/portal.example.gov.cn/fullchain.pem \
        --key /etc/letsencrypt/live/portal.example.gov.cn/privkey.pem \
        --static /srv/portal/app/static > /etc/nginx/sites-available/portal

The production-stack tests (tests/stack/) call render() with their own ports and paths.
Standard library only: it runs with the system's python3.
"""
import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "portal.conf.template"


def render(*, server_name: str, apps: list[str], cert: str, key: str, static_root: str,
           log_dir: str = "/var/log/nginx", http_listen: str = "80", https_listen: str = "443") -> str:
    """Fill in the template; every placeholder must be replaced."""
    https_port = https_listen.rsplit(":", 1)[-1]
    values = {
        "APP_SERVERS": "\n".join(f"    server {app};" for app in apps),
        "SERVER_NAME": server_name,
        "SSL_CERTIFICATE": cert,
        "SSL_CERTIFICATE_KEY": key,
        "STATIC_ROOT": static_root.rstrip("/"),
        "LOG_DIR": log_dir.rstrip("/"),
        "HTTP_LISTEN": http_listen,
        "HTTPS_LISTEN": https_listen,
        "HTTPS_PORT_SUFFIX": "" if https_port == "443" else f":{https_port}",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    leftover = re.findall(r"@[A-Z_]+@", text)
    if leftover:
        raise ValueError(f"unfilled placeholders: {leftover}")
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--app", action="append", required=True, help="host:port of a gunicorn node (repeat)")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--static", required=True, help="the release's static/ folder")
    parser.add_argument("--log-dir", default="/var/log/nginx")
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--https-listen", default="443")
    args = parser.parse_args(argv)
    sys.stdout.write(render(server_name=args.server_name, apps=args.app, cert=args.cert, key=args.key,
                            static_root=args.static, log_dir=args.log_dir, http_listen=args.http_listen,
                            https_listen=args.https_listen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
