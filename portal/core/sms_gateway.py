"""SMS gateways, chosen by ``SMS_PROVIDER``: ``log`` (development, tests) or ``http``.

The HTTP gateway speaks the RPC style of the Chinese cloud SMS services (Aliyun
``SendSms``; Tencent and others accept the same shape behind a small adapter): a
form POST of the number, sign name, template code and template parameters, signed with
HMAC-SHA1 over the sorted, percent-encoded parameters with the access key secret.
Every call has a timeout. Errors never quote the number or the template parameters.
"""
import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from portal.config import SMS_TEMPLATE_SETTINGS as TEMPLATE_SETTINGS
from portal.config import sms_config_problems as check_config

log = logging.getLogger(__name__)

# Gateway answers that say the request itself is wrong: trying again cannot help.
PERMANENT_CODES = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL", "isv.INVALID_PARAMETERS", "isv.PARAM_LENGTH_LIMIT", "isv.BLACK_KEY_CONTROL_LIMIT",
    "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch",
})
MAX_ANSWER_BYTES = 64 * 1024


class SmsError(Exception):
    """A send failed; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class LogGateway:
    """Development and tests: the log is the delivery channel (masked number, never the text)."""

    def send(self, number: str, masked: str, template: str, params: dict) -> str:
        message_id = f"log-{uuid.uuid4().hex[:12]}"
        log.info("sms %s sent to %s (template %s)", message_id, masked, template)
        return message_id


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as the RPC signature wants it (space %20, * %2A, ~ kept)."""
    return quote(str(value), safe="~")


def rpc_signature(params: dict, secret: str, method: str = "POST") -> str:
    """The HMAC-SHA1 signature of an RPC-style request (Aliyun signature version 1.0)."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class HttpGateway:
    """Aliyun-style ``SendSms`` over HTTPS, signed; configured from the environment."""

    def __init__(self, config):
        self.url = config["SMS_API_URL"]
        self.key_id = config["SMS_ACCESS_KEY_ID"]
        self.secret = config["SMS_ACCESS_KEY_SECRET"]
        self.sign_name = config["SMS_SIGN_NAME"]
        self.templates = {name: config[key] for name, key in TEMPLATE_SETTINGS.items()}
        self.region = config.get("SMS_REGION") or "cn-hangzhou"
        self.timeout = float(config.get("SMS_TIMEOUT") or 10)

    def request_params(self, number: str, template: str, params: dict) -> dict:
        fields = {
            "AccessKeyId": self.key_id, "Action": "SendSms", "Format": "JSON", "PhoneNumbers": number,
            "RegionId": self.region, "SignName": self.sign_name, "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0", "TemplateCode": self.templates[template],
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
        }
        return {**fields, "Signature": rpc_signature(fields, self.secret)}

    def send(self, number: str, masked: str, template: str, params: dict) -> str:
        body = urlencode(self.request_params(number, template, params)).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - scheme checked
                status, raw = response.status, response.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read(MAX_ANSWER_BYTES)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"gateway unreachable: {type(reason).__name__}") from None
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SmsError(f"gateway answered HTTP {status} without JSON", permanent=False) from None
        code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
        if status == 200 and code == "OK":
            return str(answer.get("BizId") or answer.get("RequestId") or "")
        detail = str(answer.get("Message", ""))[:200] if isinstance(answer, dict) else ""
        raise SmsError(f"gateway refused (HTTP {status}, {code or 'no code'}): {detail}",
                       permanent=code in PERMANENT_CODES)


def provider(config):
    """The gateway the configuration names."""
    problems = check_config(config)
    if problems:
        raise SmsError("; ".join(problems))
    return HttpGateway(config) if (config.get("SMS_PROVIDER") or "log").lower() == "http" else LogGateway()
