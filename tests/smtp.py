"""A small SMTP server for the tests that deliver real mail: it accepts every message and records it (its
recipient and Message-ID); `hold_after` makes it stop answering after that many messages until `release()`, so a
test can kill a consumer while a delivery is in flight."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server: SMTPServer = self.server.owner  # type: ignore[attr-defined]
        self.reply("220 test SMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 test")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go ahead")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                if server.received(bytes(data)):
                    server.gate.wait(60)
                self.reply("250 accepted")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SMTPServer:
    def __init__(self, hold_after: int | None = None):
        self.messages: list[tuple[str, str]] = []  # (To, Message-ID)
        self.lock = threading.Lock()
        self.hold_after = hold_after
        self.gate = threading.Event()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.owner = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.held = threading.Event()

    def received(self, data: bytes) -> bool:
        """Record a message; True if its answer is to be held."""
        msg = email.message_from_bytes(data, policy=email.policy.default)
        with self.lock:
            self.messages.append((str(msg["To"]), str(msg["Message-ID"])))
            if self.hold_after is not None and len(self.messages) >= self.hold_after:
                self.held.set()
                return True
        return False

    def release(self) -> None:
        self.hold_after = None
        self.gate.set()

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)
