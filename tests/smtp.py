"""A real SMTP server for the tests, on 127.0.0.1 (aiosmtpd), that keeps what it accepts
and refuses what a test tells it to."""

from __future__ import annotations

import email
import logging
import socket
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

# aiosmtpd logs every command it reads at INFO: a failing test's output would be all SMTP.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: accepts every message, except for the addresses in
    ``refused`` (their message answered with that SMTP reply)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: dict[str, str] = {}

    async def handle_DATA(self, server, session, envelope) -> str:
        for address in envelope.rcpt_tos:
            if address.lower() in self.refused:
                return self.refused[address.lower()]
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].lower() == address.lower()]


class SMTPServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()
