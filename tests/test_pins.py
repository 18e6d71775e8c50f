"""Every dependency is pinned: each direct one in requirements*.txt, and every package .venv holds in
constraints.txt, which the installs are made under."""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)$")


def _pins(name: str) -> dict[str, str]:
    lines = [line.strip() for line in (ROOT / name).read_text("utf-8").splitlines()]
    wanted = [line for line in lines if line and not line.startswith(("#", "-r "))]
    pins = {m.group(1).lower().replace("_", "-"): m.group(2) for line in wanted if (m := PIN.match(line))}
    assert len(pins) == len(wanted), f"{name}: unpinned lines {[w for w in wanted if not PIN.match(w)]}"
    return pins


def test_direct_dependencies_are_pinned_to_the_versions_the_constraints_hold():
    constraints = _pins("constraints.txt")
    for name in ("requirements.txt", "requirements-dev.txt"):
        for package, version in _pins(name).items():
            assert constraints.get(package) == version, f"{name}: {package}=={version}, constraints.txt: {constraints.get(package)}"


def test_the_installed_packages_are_the_pinned_ones():
    for package, version in _pins("constraints.txt").items():
        assert metadata.version(package) == version, package
