"""Flask-CORS 6.0.5's own test suite against ``flask_respkit.compat.flask_cors``.

``tests/flask_cors_suite`` holds Flask-CORS's ``tests/decorator`` and
``tests/extension`` (with their ``base_test.py``) from its sdist, with only
``from flask_cors import *`` changed to the shim (see the README there). The
project's normal run does not collect them; this module runs them in a pytest
subprocess, with the project's settings, and expects exactly the shim's four
deliberate deviations (docs/migrating-flask-cors.rst) to fail and everything
else to pass. The real Flask-CORS gives 88 passed, 1 skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "flask_cors_suite"
UPSTREAM_IMPORT = "from flask_cors import *\n"
SHIM_IMPORT = "from flask_respkit.compat.flask_cors import *\n"

#: SHA-256 of each file in the Flask-CORS 6.0.5 sdist (``tests/...``; the
#: package's ``tests/__init__.py`` is this folder's ``__init__.py``).
UPSTREAM_SHA256 = {
    "LICENSE": "134a20d852c0cf9e0f3c228767921b76f4bfc4af4a2fc7c4cc90f6b4fd407b5c",
    "__init__.py": "3b9c953961ec04f8432601c74d2b298861b234abf8da998d83bcfedf276dd474",
    "base_test.py": "cbec21da286bae28adbe6dda0b9926a7fb3ea0d43379279bda4d4cc7376c1903",
    "decorator/__init__.py": (
        "6906705deeef4412a1617752190f063aa308ef87049557340f03f8d1a9adaa8d"
    ),
    "decorator/test_allow_headers.py": (
        "ee11a554040539019e4e3d84782c02d9035de637eaa37fe4f1ff148d242c3cdc"
    ),
    "decorator/test_credentials.py": (
        "9b3273bcee3024d9c2350fe898ba794321293c15224091be8bc1d7d3db3e5a58"
    ),
    "decorator/test_duplicate_headers.py": (
        "0e78dc5f900b7769de53f73ee99b8a69e778c3f0a3ba8216378fc9ca561e04f9"
    ),
    "decorator/test_exception_interception.py": (
        "1a406adc590752e8dd0bfdd224b35557886a16a2d84351958e4e20dbaf524ef7"
    ),
    "decorator/test_expose_headers.py": (
        "8db7ee111ea24bec445e84b173fad7c1daa837b5432cf149c791bd4c67d6c1b2"
    ),
    "decorator/test_max_age.py": (
        "07bb436b81c672122b100a12e3ae9892a5d30d647d04580cfdb8953b532ee92f"
    ),
    "decorator/test_methods.py": (
        "e12c0ec1bb4b5be15c935772678ffec3f001e3a39f7ac1c5e0b9d4e069feeb4a"
    ),
    "decorator/test_options.py": (
        "0bcc32d0e9cbbc5db6811fcf008df041fac8e3ff6082526d12865e07b990a4ca"
    ),
    "decorator/test_origins.py": (
        "5be8c0589f8079ba3bd1e285361a69a67ba144be0733489475bc136b24030436"
    ),
    "decorator/test_private_network_headers.py": (
        "a111d88840fd1d2f312e0b864be3682e501d7074a5fe8dc8a21a97c4be8fe8b4"
    ),
    "decorator/test_vary_header.py": (
        "4ddb8650a7f25d046392f40ec476ca228203d41c49dc2a559399d5f9d0f7353b"
    ),
    "decorator/test_w3.py": (
        "3f9e409fd0d36f07d55233d5c5d798c5e47cef88616c469c9677eebe15982eaf"
    ),
    "extension/__init__.py": (
        "e52e91daee75cc3292b52d0577a6a9d18f819024487dec1f377771dfa4ca1188"
    ),
    "extension/test_app_extension.py": (
        "5bd615cb74594291ed04a90fdb4306b661715cfb9cbb83b4652b90e4a5c983a1"
    ),
    "extension/test_blueprint.py": (
        "9c134f8f6ab8cd80ee7ac6c711ea83b81d44f8d6e3a5b26750d0cb0e9da8b2a6"
    ),
}
#: Our own files in the folder.
OWN_FILES = {"README.md", "conftest.py", "ruff.toml"}

#: The deliberate deviations (docs/migrating-flask-cors.rst): test id → the
#: assertion that fails, as the failure reports it.
DELIBERATE = {
    # credentials with "*" origins: ValueError at the first request (a 500),
    # where Flask-CORS echoes every origin with credentials
    "decorator/test_credentials.py::SupportsCredentialsCase"
    "::test_credentials_supported": "AssertionError: None != 'true'",
    # origin regexes must match the whole origin, not a prefix
    "decorator/test_origins.py::OriginsTestCase::test_regex_list": (
        "AssertionError: 'http://a.example.com.com' != None"
    ),
    "extension/test_app_extension.py::AppExtensionRegexp::test_regex_list": (
        "AssertionError: 'http://a.example.com.com' != None"
    ),
    # Vary: Origin whenever the answer depends on Origin, one listed origin too
    "decorator/test_vary_header.py::VaryHeaderTestCase::test_consistent_origin": (
        "AssertionError: True is not false"
    ),
}
#: Skipped by Flask-CORS itself (about Flask before 1.1), in its own run too.
SKIPPED = {
    "decorator/test_exception_interception.py::NoExceptionInterceptionTestCase"
    "::test_acl_uncaught_exception_500"
}
PASSED_COUNT = 84  # Flask-CORS's own run: 88 passed, 1 skipped


class Recorder:
    """A pytest plugin noting each test's outcome (and failure text) by id."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}
        self.failures: dict[str, str] = {}

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.outcomes[report.nodeid] = "collection error"
            self.failures[report.nodeid] = str(report.longrepr)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        key = report.nodeid.partition("flask_cors_suite/")[2] or report.nodeid
        if report.failed:
            self.outcomes[key] = "failed" if report.when == "call" else "error"
            self.failures[key] = str(report.longrepr)
        elif report.skipped:
            self.outcomes.setdefault(key, "skipped")
        elif report.when == "call":
            self.outcomes.setdefault(key, "passed")


def run_suite_here(out: str) -> int:
    """Run the vendored suite in this process; write the outcomes to ``out``."""
    recorder = Recorder()
    code = pytest.main(
        ["-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT), str(SUITE)],
        plugins=[recorder],
    )
    result = {"outcomes": recorder.outcomes, "failures": recorder.failures}
    Path(out).write_text(json.dumps(result), "utf-8")
    return int(code)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, t.Any]:
    """The outcomes of the vendored suite, run once in a pytest subprocess."""
    out = tmp_path_factory.mktemp("flask_cors_suite") / "outcomes.json"
    env = {**os.environ, "RESPKIT_FLASK_CORS_SUITE": "1"}
    proc = subprocess.run(
        [sys.executable, __file__, str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.exists(), proc.stdout + proc.stderr
    result: dict[str, t.Any] = json.loads(out.read_text("utf-8"))
    result["returncode"] = proc.returncode
    result["output"] = proc.stdout + proc.stderr
    return result


def test_vendored_files_are_upstream_but_for_the_import_line() -> None:
    files = {
        p.relative_to(SUITE).as_posix()
        for p in SUITE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert files == set(UPSTREAM_SHA256) | OWN_FILES
    changed = 0
    for name, digest in UPSTREAM_SHA256.items():
        text = (SUITE / name).read_bytes().decode("utf-8")
        changed += text.count(SHIM_IMPORT)
        assert UPSTREAM_IMPORT not in text, name  # every one is rewritten
        upstream = text.replace(SHIM_IMPORT, UPSTREAM_IMPORT).encode("utf-8")
        assert hashlib.sha256(upstream).hexdigest() == digest, name
    assert changed == 15


def test_only_the_deliberate_deviations_fail(suite: dict[str, t.Any]) -> None:
    outcomes = suite["outcomes"]
    broken = {k: v for k, v in outcomes.items() if v not in ("passed", "skipped")}
    assert set(broken) == set(DELIBERATE), suite["output"]
    assert set(broken.values()) == {"failed"}
    for test, assertion in DELIBERATE.items():
        assert assertion in suite["failures"][test], suite["failures"][test]
    assert suite["returncode"] == 1  # pytest's "some tests failed"


def test_everything_else_passes(suite: dict[str, t.Any]) -> None:
    outcomes = suite["outcomes"]
    assert {k for k, v in outcomes.items() if v == "skipped"} == SKIPPED
    passed = [k for k, v in outcomes.items() if v == "passed"]
    assert len(passed) == PASSED_COUNT, suite["output"]
    assert len(outcomes) == PASSED_COUNT + len(DELIBERATE) + len(SKIPPED)


def test_the_suite_is_not_collected_by_the_normal_run() -> None:
    env = {k: v for k, v in os.environ.items() if k != "RESPKIT_FLASK_CORS_SUITE"}
    args = ["-p", "no:cacheprovider", "--collect-only", "-q", str(SUITE)]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "no tests collected" in proc.stdout, proc.stdout + proc.stderr


if __name__ == "__main__":
    sys.exit(run_suite_here(sys.argv[1]))
