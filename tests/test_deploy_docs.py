"""docs/deploy.md and the production-stack tests use one nginx file: no copy in the docs can drift."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()


def test_the_deployment_guide_points_at_the_tested_nginx_file_and_holds_no_copy():
    assert "deploy/nginx/portal.conf.template" in DEPLOY and "deploy/render_nginx.py" in DEPLOY
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY, re.S)
    assert not blocks, "an nginx block in docs/deploy.md would drift from the file the tests run"
    stack = (ROOT / "tests" / "stack" / "conftest.py").read_text()
    assert "from render_nginx import render" in stack


def test_the_render_command_of_the_guide_fills_every_placeholder():
    out = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), "--server-name", "portal.example.gov.cn",
         "--app", "127.0.0.1:8001", "--app", "127.0.0.1:8002", "--cert", "/c.pem", "--key", "/k.pem",
         "--static", "/srv/portal/app/static"], capture_output=True, text=True, check=True).stdout
    assert not re.search(r"@[A-Z_]+@", out)
    assert "server 127.0.0.1:8001;" in out and "server 127.0.0.1:8002;" in out
    assert "listen 443 ssl http2;" in out and "return 301 https://$host$request_uri;" in out
    # The log format must never name the client, the referrer or the query string.
    log_format = re.search(r"log_format portal_private (.*?);", out).group(1)
    for leak in ("$remote_addr", "$http_referer", "$http_user_agent", "$request_uri", "$args", "$request "):
        assert leak not in log_format
