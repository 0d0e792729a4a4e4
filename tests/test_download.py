"""download_names against a real HTTP server on 127.0.0.1, good archives and bad."""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import threading
import time
import urllib.request
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from course_utils import names as data
from course_utils.names import DownloadError, download_names, load_names

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "names"


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def good_members() -> dict[str, bytes]:
    members = {f"data/names/{p.name}": p.read_bytes() for p in sorted(SHIPPED.glob("*.txt"))}
    members["data/eng-fra.txt"] = b"Go.\tVa !\n"
    return members


def sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


class Server:
    """Serves ``routes[path] = (status, body, headers)``; counts the requests it gets."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                status, body, headers = server.routes.get(self.path, (404, b"missing", {}))
                self.send_response(status)
                headers = {"Content-Length": str(len(body)), **headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval: shutdown() then returns at once, not after 0.5 s.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def serve(self, path: str, body: bytes, status: int = 200, **headers: str) -> str:
        self.routes[path] = (status, body, headers)
        return self.url(path)


@pytest.fixture
def server():
    srv = Server()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path: to prove nothing changed or stayed behind."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def old_copy(tmp_path: Path) -> Path:
    """A data root whose names folder is damaged, so a download is attempted."""
    shutil.copytree(SHIPPED, tmp_path / "names")
    (tmp_path / "names" / "Korean.txt").write_text("Kim\n", encoding="utf-8")
    return tmp_path


def test_good_zip_replaces_a_damaged_copy(server, old_copy):
    blob = make_zip(good_members())
    url = server.serve("/data.zip", blob)
    folder = download_names(old_copy, url=url, sha256=sha(blob))
    assert folder == old_copy / "names"
    assert snapshot(folder) == snapshot(SHIPPED)
    assert sorted(p.name for p in old_copy.iterdir()) == ["names"]  # no temp files left
    assert len(load_names(old_copy)) == 20070


def test_good_zip_into_an_empty_root(server, tmp_path):
    blob = make_zip(good_members())
    url = server.serve("/data.zip", blob)
    root = tmp_path / "new" / "deeper"
    assert snapshot(download_names(root, url=url, sha256=sha(blob))) == snapshot(SHIPPED)


def test_valid_copy_makes_no_connection(server, tmp_path, monkeypatch):
    shutil.copytree(SHIPPED, tmp_path / "names")

    def refuse(*args, **kwargs):
        raise AssertionError("download_names opened a connection for a valid copy")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    assert download_names(tmp_path, url=server.url("/data.zip")) == tmp_path / "names"
    assert server.requests == 0


def test_default_root_is_the_repository_data_folder(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    assert download_names() == SHIPPED


def test_environment_variable_overrides_the_root(server, tmp_path, monkeypatch):
    shutil.copytree(SHIPPED, tmp_path / "names")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert download_names(url=server.url("/nothing")) == tmp_path / "names"
    assert server.requests == 0


def failing_cases(server: Server) -> dict[str, tuple[str, str | None, str]]:
    """name -> (url, expected zip checksum, words the error must hold)."""
    members = good_members()
    good = make_zip(members)
    evil = make_zip({**members, "data/names/../../evil.txt": b"gotcha"})
    absolute = make_zip({**members, "/etc/evil.txt": b"gotcha"})
    tampered = dict(members)
    tampered["data/names/Greek.txt"] = b"Papadopoulos\n"
    tampered_zip = make_zip(tampered)
    incomplete = {k: v for k, v in members.items() if not k.endswith("Vietnamese.txt")}
    incomplete_zip = make_zip(incomplete)
    return {
        "dot-dot member": (server.serve("/evil.zip", evil), sha(evil), "unsafe member"),
        "absolute member": (server.serve("/abs.zip", absolute), sha(absolute), "unsafe member"),
        "corrupt zip": (
            server.serve("/corrupt.zip", b"PK\x03\x04 garbage"),
            None,
            "not a valid zip",
        ),
        "truncated zip": (
            server.serve("/cut.zip", good[: len(good) // 2]),
            None,
            "not a valid zip",
        ),
        "truncated transfer": (
            server.serve("/short.zip", good[:1000], **{"Content-Length": str(len(good))}),
            None,
            "closed",
        ),
        "wrong zip checksum": (server.serve("/data.zip", good), "0" * 64, "SHA-256"),
        "wrong file checksum": (server.serve("/tampered.zip", tampered_zip), None, "Greek.txt"),
        "missing file": (server.serve("/incomplete.zip", incomplete_zip), None, "Vietnamese.txt"),
        "HTTP 404": (server.url("/missing.zip"), None, "HTTP 404"),
        "HTTP 500": (server.serve("/broken.zip", b"oops", status=500), None, "HTTP 500"),
    }


CASES = [
    "dot-dot member",
    "absolute member",
    "corrupt zip",
    "truncated zip",
    "truncated transfer",
    "wrong zip checksum",
    "wrong file checksum",
    "missing file",
    "HTTP 404",
    "HTTP 500",
]


@pytest.mark.parametrize("case", CASES)
def test_failure_leaves_old_data_intact(server, old_copy, case):
    url, checksum, words = failing_cases(server)[case]
    before = snapshot(old_copy)
    with pytest.raises(DownloadError) as info:
        download_names(old_copy, url=url, sha256=checksum, timeout=5)
    message = str(info.value)
    assert words in message
    assert url in message and data.NAMES_URL in message  # where, and how to get it by hand
    assert snapshot(old_copy) == before  # byte for byte, and no stray file
    assert not (old_copy.parent / "evil.txt").exists()


@pytest.mark.parametrize("case", ["corrupt zip", "HTTP 404"])
def test_failure_into_a_new_root_leaves_no_folder(server, tmp_path, case):
    url, checksum, _ = failing_cases(server)[case]
    with pytest.raises(DownloadError):
        download_names(tmp_path / "new" / "deeper", url=url, sha256=checksum)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ["corrupt zip", "HTTP 404"])
def test_forced_download_failure_keeps_a_valid_copy(server, tmp_path, case):
    shutil.copytree(SHIPPED, tmp_path / "names")
    url, checksum, _ = failing_cases(server)[case]
    with pytest.raises(DownloadError):
        download_names(tmp_path, url=url, sha256=checksum, force=True)
    assert snapshot(tmp_path / "names") == snapshot(SHIPPED)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["names"]


def test_closed_port_fails_fast(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(DownloadError, match="no connection"):
        download_names(tmp_path, url=f"http://127.0.0.1:{port}/data.zip", timeout=10)
    assert time.monotonic() - start < 5
    assert list(tmp_path.iterdir()) == []


def test_silent_server_times_out(tmp_path):
    with socket.socket() as sock:  # accepts the connection, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/data.zip"
        with pytest.raises(DownloadError, match="in time"):
            download_names(tmp_path, url=url, timeout=0.5)
    assert list(tmp_path.iterdir()) == []


def test_bad_timeout_is_refused(tmp_path):
    with pytest.raises(ValueError, match="timeout"):
        download_names(tmp_path, timeout=0)


def test_load_names_content():
    pairs = load_names()
    assert len(pairs) == 20070
    languages = [lang for _, lang in pairs]
    assert sorted(set(languages)) == list(dict.fromkeys(languages))  # grouped, sorted
    assert len(set(languages)) == 18
    names = {name for name, _ in pairs}
    assert "Slusarski" in names  # 'Ślusàrski' transliterated
    assert all(name.isascii() and name for name in names)


def test_failed_swap_puts_the_old_folder_back(server, old_copy, monkeypatch):
    blob = make_zip(good_members())
    url = server.serve("/data.zip", blob)
    before = snapshot(old_copy)
    real_rename = Path.rename

    def rename(self, target):
        if self.name == "names" and self.parent.name.startswith(".names-download-"):
            raise OSError("disk full")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(DownloadError, match="disk full"):
        download_names(old_copy, url=url, sha256=sha(blob))
    assert snapshot(old_copy) == before
