"""The package as users get it: a wheel, installed in a fresh venv, run outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, STRICT

LINKS = "site:\n  domain: go.example.com\nlinks:\n  gh: https://github.com/acme\n  优惠: https://a.example/\n"


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_wheel_installs_and_builds_elsewhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    try:
        import setuptools  # noqa: F401
        import wheel as _wheel  # noqa: F401
    except ImportError:
        if STRICT:
            raise
        pytest.skip("building a wheel needs setuptools and wheel (the test command installs them)")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        timeout=300,
    )
    wheel = next(wheels.glob("shortlinks-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/templates/redirect.html" in names
    assert "generator/templates/redirect.js" in names

    # A fresh venv with nothing of this checkout: the wheel and its declared
    # dependencies come in the way a user installs them.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    py = venv / "bin" / "python"
    run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], timeout=600)

    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "links.yaml").write_text(LINKS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    shortlinks = venv / "bin" / "shortlinks"
    result = run(
        [str(shortlinks), "build", "--now", "2026-11-25T00:00:00Z"], cwd=work, env=env, timeout=120
    )
    assert result.stdout.startswith("Built _site/:")
    assert (work / "_site" / "gh.html").read_text().count("https://github.com/acme") >= 3
    assert (work / "_site" / "优惠.html").is_file()
    # and it was the installed copy that ran, not this checkout
    where = run(
        [str(py), "-c", "import generator, sys; print(generator.__file__)"], cwd=work, env=env
    )
    assert str(ROOT) not in where.stdout
    run([str(py), "-m", "generator", "check"], cwd=work, env=env)
