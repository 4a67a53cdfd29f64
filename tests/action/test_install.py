#!/usr/bin/env python3
"""The action's installer (.github/actions/install.sh) against a fake release on 127.0.0.1.

A local HTTP server plays GitHub's release downloads; the archives hold a shell script named
`gate`. Checked: a good archive is installed and put on PATH, for every runner OS/arch; a
tampered archive, or one SHA256SUMS does not list, installs nothing and fails; refs that are not
release tags fall back to compiling. Needs bash, curl, tar and unzip; no internet.

Run: python3 tests/action/test_install.py
"""

import hashlib
import http.server
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / ".github" / "actions" / "install.sh"
VERSION = "1.2.3"
REPOSITORY = "acme/gate"
FAKE_GATE = "#!/bin/sh\necho 'gate 1.2.3 (fake)'\n"


def tar_gz(top: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text, mode in [("gate", FAKE_GATE, 0o755), ("README.md", "# gate\n", 0o644)]:
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mode = len(data), mode
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_file(top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{top}/gate.exe", FAKE_GATE)
        archive.writestr(f"{top}/README.md", "# gate\n")
    return buffer.getvalue()


TARGETS = {
    ("Linux", "X64"): "x86_64-unknown-linux-musl",
    ("Linux", "ARM64"): "aarch64-unknown-linux-musl",
    ("macOS", "X64"): "x86_64-apple-darwin",
    ("macOS", "ARM64"): "aarch64-apple-darwin",
    ("Windows", "X64"): "x86_64-pc-windows-msvc",
}


def release(tamper: str = "", unlisted: str = "") -> dict:
    """The release's files by name: every archive plus SHA256SUMS (sha256sum's format)."""
    files = {}
    for target in TARGETS.values():
        top = f"gate-v{VERSION}-{target}"
        if "windows" in target:
            files[f"{top}.zip"] = zip_file(top)
        else:
            files[f"{top}.tar.gz"] = tar_gz(top)
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in sorted(files.items())
        if name != unlisted
    )
    files["SHA256SUMS"] = sums.encode()
    if tamper:
        # Same size, one byte different, after SHA256SUMS was written: a swapped download.
        data = bytearray(files[tamper])
        data[-1] ^= 0xFF
        files[tamper] = bytes(data)
    return files


class Server:
    """Serves `files` at /OWNER/REPO/releases/download/vVERSION/NAME; records the requests."""

    def __init__(self, files: dict):
        self.files = files
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                outer.requests.append(self.path)
                prefix = f"/{REPOSITORY}/releases/download/v{VERSION}/"
                name = self.path[len(prefix):] if self.path.startswith(prefix) else None
                data = outer.files.get(name) if name else None
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class InstallTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.tool_cache = self.dir / "toolcache"
        self.github_path = self.dir / "github_path"
        self.github_output = self.dir / "github_output"
        for file in (self.github_path, self.github_output):
            file.write_text("")

    def tearDown(self):
        self.tmp.cleanup()

    def run_install(self, server, runner=("Linux", "X64"), **env):
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.dir),
            "RUNNER_OS": runner[0],
            "RUNNER_ARCH": runner[1],
            "RUNNER_TOOL_CACHE": str(self.tool_cache),
            "GITHUB_OUTPUT": str(self.github_output),
            "GITHUB_PATH": str(self.github_path),
            "GITHUB_SERVER_URL": server.url if server else "http://127.0.0.1:9",
            "GATE_VERSION": "",
            "GATE_ACTION_REF": "",
            "GATE_ACTION_REPOSITORY": "",
            "GITHUB_ACTION_PATH": str(ROOT),
        }
        environment.update(env)
        return subprocess.run(
            ["bash", str(INSTALL)], env=environment, capture_output=True, text=True, timeout=60
        )

    def outputs(self):
        return dict(
            line.split("=", 1) for line in self.github_output.read_text().splitlines() if line
        )

    def assert_installed(self, result, target):
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(self.outputs(), {"installed": "true", "version": VERSION})
        bin_dir = self.tool_cache / "gate" / VERSION / target / "bin"
        self.assertEqual(self.github_path.read_text(), f"{bin_dir}\n")
        exe = "gate.exe" if "windows" in target else "gate"
        run = subprocess.run([str(bin_dir / exe)], capture_output=True, text=True)
        self.assertEqual(run.stdout, "gate 1.2.3 (fake)\n")

    def assert_nothing_installed(self, result, message):
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn(message, result.stderr)
        self.assertEqual(self.github_path.read_text(), "", "nothing goes on PATH")
        self.assertNotIn("installed=true", self.github_output.read_text())
        self.assertFalse((self.tool_cache / "gate").exists(), "no binary is left behind")

    def test_a_good_archive_is_verified_and_installed_for_every_runner(self):
        for runner, target in TARGETS.items():
            with self.subTest(runner=runner):
                self.tearDown()
                self.setUp()
                with Server(release()) as server:
                    result = self.run_install(
                        server, runner, GATE_VERSION=VERSION, GATE_ACTION_REPOSITORY=REPOSITORY
                    )
                self.assert_installed(result, target)
                suffix = ".zip" if "windows" in target else ".tar.gz"
                prefix = f"/{REPOSITORY}/releases/download/v{VERSION}/"
                self.assertEqual(
                    sorted(server.requests),
                    [prefix + "SHA256SUMS", f"{prefix}gate-v{VERSION}-{target}{suffix}"],
                )

    def test_the_version_comes_from_the_action_checkout_path(self):
        action_path = self.dir / "_work" / "_actions" / "acme" / "gate" / f"v{VERSION}"
        with Server(release()) as server:
            # The path wins over github.action_* (an enclosing composite action's values).
            result = self.run_install(
                server,
                GITHUB_ACTION_PATH=str(action_path),
                GATE_ACTION_REF="v9.9.9",
                GATE_ACTION_REPOSITORY="someone/else",
            )
        self.assert_installed(result, "x86_64-unknown-linux-musl")

    def test_the_version_comes_from_the_action_ref(self):
        with Server(release()) as server:
            result = self.run_install(
                server, GATE_ACTION_REF=f"v{VERSION}", GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_installed(result, "x86_64-unknown-linux-musl")

    def test_the_version_input_accepts_a_leading_v(self):
        with Server(release()) as server:
            result = self.run_install(
                server, GATE_VERSION=f"v{VERSION}", GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_installed(result, "x86_64-unknown-linux-musl")

    def test_a_tampered_archive_is_not_installed(self):
        archive = f"gate-v{VERSION}-x86_64-unknown-linux-musl.tar.gz"
        with Server(release(tamper=archive)) as server:
            result = self.run_install(
                server, GATE_VERSION=VERSION, GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_nothing_installed(result, "but SHA256SUMS says")

    def test_a_tampered_windows_archive_is_not_installed(self):
        archive = f"gate-v{VERSION}-x86_64-pc-windows-msvc.zip"
        with Server(release(tamper=archive)) as server:
            result = self.run_install(
                server, ("Windows", "X64"), GATE_VERSION=VERSION, GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_nothing_installed(result, "but SHA256SUMS says")

    def test_an_archive_sha256sums_does_not_list_is_not_installed(self):
        archive = f"gate-v{VERSION}-x86_64-unknown-linux-musl.tar.gz"
        with Server(release(unlisted=archive)) as server:
            result = self.run_install(
                server, GATE_VERSION=VERSION, GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_nothing_installed(result, "has no line for")

    def test_a_missing_release_fails(self):
        with Server(release()) as server:
            result = self.run_install(
                server, GATE_VERSION="9.9.9", GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_nothing_installed(result, "could not download")

    def test_an_unknown_runner_fails(self):
        with Server(release()) as server:
            result = self.run_install(
                server, ("Linux", "ARM"), GATE_VERSION=VERSION, GATE_ACTION_REPOSITORY=REPOSITORY
            )
        self.assert_nothing_installed(result, "no gate release binary for Linux ARM")
        self.assertEqual(server.requests, [])

    def test_a_version_that_is_not_a_release_fails(self):
        result = self.run_install(
            None, GATE_VERSION="1.2.3; rm -rf /", GATE_ACTION_REPOSITORY=REPOSITORY
        )
        self.assert_nothing_installed(result, "is not a release version")

    def test_refs_that_are_not_release_tags_fall_back_to_compiling(self):
        for ref in ["", "main", "v1", "0123456789abcdef0123456789abcdef01234567", "v1.2.3-"]:
            with self.subTest(ref=ref):
                self.tearDown()
                self.setUp()
                # The local `./` action: the path is the workspace, not _actions/OWNER/REPO/REF.
                result = self.run_install(
                    None, GATE_ACTION_REF=ref, GATE_ACTION_REPOSITORY=REPOSITORY if ref else ""
                )
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(self.outputs(), {"installed": "false"})
                self.assertEqual(self.github_path.read_text(), "")


if __name__ == "__main__":
    sys.exit(unittest.main(verbosity=2))
