"""A TCP relay whose network can be cut without closing anything: the way a classroom's Wi-Fi
drops. While cut, bytes stop flowing both ways and new connections hang; nothing sends FIN or
RST, so only the application's own checks can notice (a browser's socket stays "open").
Restoring drops the relayed connections of before the cut, as a changed network path would.

Written with the standard library: no well-kept package offers a pausable relay.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from tests.support.server import free_port


class BlackholeRelay:
    def __init__(self, target_port: int, port: int = 0) -> None:
        self.port = port or free_port()
        self._target = target_port
        self._cut = threading.Event()
        self._epoch = 0  # bumped on restore: older connections close
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self) -> None:
        self._cut.set()

    def restore(self) -> None:
        with self._lock:
            self._epoch += 1
        self._cut.clear()

    def close(self) -> None:
        self._closed = True
        self._cut.clear()
        # shutdown wakes the thread blocked in accept(); close alone would leave it listening
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _wait_while_cut(self, epoch: int) -> bool:
        """Hold traffic while cut; False when this connection belongs to an older network."""
        while self._cut.is_set() and not self._closed:
            time.sleep(0.02)
        with self._lock:
            return self._epoch == epoch and not self._closed

    def _relay(self, client: socket.socket) -> None:
        with self._lock:
            epoch = self._epoch
        if not self._wait_while_cut(epoch):
            # a connection made during the cut: it never got through
            with contextlib.suppress(OSError):
                client.close()
            return
        with self._lock:
            epoch = self._epoch
        try:
            upstream = socket.create_connection(("127.0.0.1", self._target))
        except OSError:
            client.close()
            return
        with self._lock:
            self._sockets += [client, upstream]
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(src, dst, epoch), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, epoch: int) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not self._wait_while_cut(epoch) or not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.close()


@contextlib.contextmanager
def blackhole_relay(target_port: int, port: int = 0) -> Iterator[BlackholeRelay]:
    relay = BlackholeRelay(target_port, port)
    try:
        yield relay
    finally:
        relay.close()
