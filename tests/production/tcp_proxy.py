"""A loopback TCP proxy in front of PostgreSQL that a test can cut, hang and restore.

The shared PostgreSQL server of the machine is never stopped: the portal talks to it
through this proxy, and "the database went away" is the proxy closing every connection
and refusing new ones (like a killed server), or accepting and never answering (like a
hung server or a dropped network).
"""
import socket
import threading


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.mode = "forward"  # forward | refuse | hang
        self.lock = threading.Lock()
        self.pairs: list[socket.socket] = []
        self.listener: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listen()

    def _listen(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        self.listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            with self.lock:
                self.pairs.append(client)
                mode = self.mode
            if mode == "hang":
                continue  # keep it open, say nothing
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append(server)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _drop_all(self) -> None:
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for s in pairs:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _stop_listening(self) -> None:
        if self.listener:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            self.listener.close()
            self.listener = None

    def refuse(self) -> None:
        """The server is gone: every connection drops, new ones are refused."""
        with self.lock:
            self.mode = "refuse"
        self._stop_listening()
        self._drop_all()

    def hang(self) -> None:
        """The server hangs: connections drop, new ones are accepted and never answered."""
        self.refuse()
        with self.lock:
            self.mode = "hang"
        self._listen()

    def restore(self) -> None:
        """The server is back."""
        self._stop_listening()
        self._drop_all()
        with self.lock:
            self.mode = "forward"
        self._listen()

    def close(self) -> None:
        self.refuse()
