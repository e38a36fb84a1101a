"""Adapters that deliver one alert to one group: WeCom and DingTalk group robots, an SMS gateway, e-mail.

Each adapter speaks the channel's documented API and raises ``SendFailed`` with a reason an officer
can act on; the outbox decides whether to retry. Message shapes:

- WeCom group robot (企业微信群机器人): POST the robot's webhook URL with
  ``{"msgtype": "markdown", "markdown": {"content": …}}``; success is ``{"errcode": 0}``.
- DingTalk custom robot (钉钉自定义机器人): POST the webhook URL (``access_token`` in it) with
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; a robot with the 加签 security
  setting gets ``timestamp`` (ms) and ``sign`` = Base64(HmacSHA256(secret, "timestamp\\nsecret"));
  success is ``{"errcode": 0}``.
- SMS gateway (generic HTTP): POST ``Settings.prevention_sms_url`` with ``{"to", "text", "id"}``,
  ``Authorization: Bearer <prevention_sms_token>`` and ``Idempotency-Key: <id>``; any 2xx is success.
- E-mail: SMTP to ``prevention_smtp_host:prevention_smtp_port`` from ``prevention_smtp_from``.
"""

import base64
import hashlib
import hmac
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import quote_plus

import httpx

from fanzha.core.config import get_settings
from fanzha.prevention.models import Channel

TIMEOUT_S = 10.0
SMS_MAX_CHARS = 500


class SendFailed(Exception):
    """The channel did not accept the message; ``str`` says why (stored on the delivery)."""


@dataclass(frozen=True)
class Message:
    key: str  # stable per delivery: lets a gateway drop a repeat
    title: str
    text: str


def _robot_reply(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise SendFailed(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise SendFailed("机器人返回的不是 JSON") from exc
    if not isinstance(body, dict) or body.get("errcode") != 0:
        raise SendFailed(f"机器人返回错误：{body}")


def _wecom(client: httpx.Client, address: str, secret: str | None, message: Message) -> None:
    content = f"## {message.title}\n{message.text}"
    _robot_reply(client.post(address, json={"msgtype": "markdown", "markdown": {"content": content}}))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def _dingtalk(client: httpx.Client, address: str, secret: str | None, message: Message) -> None:
    url = address
    if secret:
        ts = int(time.time() * 1000)
        url += f"{'&' if '?' in url else '?'}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
    text = f"### {message.title}\n{message.text}"
    body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
    _robot_reply(client.post(url, json=body))


def _sms(client: httpx.Client, address: str, secret: str | None, message: Message) -> None:
    settings = get_settings()
    if not settings.prevention_sms_url:
        raise SendFailed("短信网关未配置：请设置 FANZHA_PREVENTION_SMS_URL")
    headers = {"Idempotency-Key": message.key}
    if settings.prevention_sms_token:
        headers["Authorization"] = f"Bearer {settings.prevention_sms_token}"
    text = f"{message.title}：{message.text}"[:SMS_MAX_CHARS]
    response = client.post(settings.prevention_sms_url, json={"to": address, "text": text, "id": message.key},
                           headers=headers)  # fmt: skip
    if not response.is_success:
        raise SendFailed(f"短信网关返回 HTTP {response.status_code}")


def _email(client: httpx.Client, address: str, secret: str | None, message: Message) -> None:
    settings = get_settings()
    if not settings.prevention_smtp_host:
        raise SendFailed("邮件服务器未配置：请设置 FANZHA_PREVENTION_SMTP_HOST")
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = settings.prevention_smtp_from
    mail["To"] = address
    mail["Message-ID"] = f"<{message.key}@fanzha>"
    mail.set_content(message.text)
    try:
        with smtplib.SMTP(
            settings.prevention_smtp_host, settings.prevention_smtp_port, timeout=TIMEOUT_S
        ) as smtp:
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"邮件发送失败：{exc}") from exc


_ADAPTERS = {Channel.WECOM: _wecom, Channel.DINGTALK: _dingtalk, Channel.SMS: _sms, Channel.EMAIL: _email}


def send(client: httpx.Client, channel: Channel, address: str, secret: str | None, message: Message) -> None:
    """Deliver ``message``; raises ``SendFailed`` (network errors included) when it was not accepted."""
    try:
        _ADAPTERS[channel](client, address, secret, message)
    except httpx.HTTPError as exc:
        raise SendFailed(f"网络错误：{type(exc).__name__}") from exc
