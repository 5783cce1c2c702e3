"""pip-audit over the pinned dependencies (pyproject.toml: the project's and every extra's), failing
on a known vulnerability that has a fix.

pip-audit asks a vulnerability service over the network: PyPI's JSON API per release (the default)
or OSV (``PIP_AUDIT_VULNERABILITY_SERVICE=osv``, and ``PIP_AUDIT_OSV_URL`` for a mirror of OSV's
data inside a deployment's network). Where none answers (a machine that reaches the package index
only, as this one), pip-audit does not fail: it reports every dependency as "not found on PyPI"
and exits 0. So these tests read its JSON report: a dependency that was not audited is never taken
as clean. When no dependency could be audited at all, the live audit is skipped and says why,
unless ``HUB_REQUIRE_DEPENDENCY_AUDIT=1`` (set it in a CI that has the network), where that is a
failure.

That the audit fails on a known vulnerability is shown on every machine: pip-audit runs for real
against a stand-in OSV service (``tests/security/osv_standin.py``) that knows Django's advisory
CVE-2021-31542, with the same reading of its report: Django 3.2.0 fails, 3.2.1 passes.
"""

import json
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.security.osv_standin import DJANGO_3_2_0_ADVISORY, matching, osv_standin

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("HUB_REQUIRE_DEPENDENCY_AUDIT") == "1"
KNOWN_VULNERABLE = "Django==3.2.0"  # CVE-2021-31542 and many more, all fixed in later 3.2 releases


@dataclass(frozen=True)
class Audit:
    fixable: dict[str, list[str]]  # "name==version" -> "ID (fixed in ...)" for each vulnerability with a fix
    not_audited: dict[str, str]  # name -> why pip-audit could not audit it


def pinned_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        pins += extra
    return sorted({pin.split(";")[0].strip() for pin in pins if "==" in pin})


def audit(requirements: list[str], tmp_path: Path, *, osv_url: str | None = None) -> Audit:
    """pip-audit's verdict on ``requirements``: from the service the environment names, or from the
    OSV-compatible service at ``osv_url``."""
    listing = tmp_path / "requirements.txt"
    listing.write_text("\n".join(requirements) + "\n")
    # --no-deps --disable-pip: exactly these pins, nothing resolved or installed.
    command = [sys.executable, "-m", "pip_audit", "-r", str(listing), "--no-deps", "--disable-pip",
               "--progress-spinner", "off", "--format", "json", "--timeout", "30"]  # fmt: skip
    if osv_url is not None:
        command += ["--vulnerability-service", "osv", "--osv-url", osv_url, "--cache-dir", str(tmp_path / "cache")]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if not completed.stdout.strip():
        pytest.fail(f"pip-audit gave no report (exit {completed.returncode}): {completed.stderr[-2000:]}")
    report = json.loads(completed.stdout)
    fixable: dict[str, list[str]] = {}
    not_audited: dict[str, str] = {}
    for dependency in report["dependencies"]:
        if "skip_reason" in dependency:
            not_audited[dependency["name"]] = dependency["skip_reason"]
            continue
        for vulnerability in dependency.get("vulns", []):
            if vulnerability.get("fix_versions"):
                fixable.setdefault(f"{dependency['name']}=={dependency['version']}", []).append(
                    f"{vulnerability['id']} (fixed in {', '.join(vulnerability['fix_versions'])})"
                )
    return Audit(fixable=fixable, not_audited=not_audited)


def require_an_audit(result: Audit, requirements: list[str]) -> None:
    if len(result.not_audited) < len(requirements):
        assert result.not_audited == {}, f"dependencies pip-audit could not audit: {result.not_audited}"
        return
    reason = next(iter(result.not_audited.values()), "no report")
    message = f"no vulnerability service answered pip-audit from this machine ({reason})"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


def test_the_pins_are_read_from_pyproject():
    pins = pinned_requirements()
    assert "pip-audit==2.10.1" in pins and any(pin.startswith("Django==") for pin in pins)


def test_no_pinned_dependency_has_a_known_vulnerability_with_a_fix(tmp_path):
    requirements = pinned_requirements()
    result = audit(requirements, tmp_path)
    require_an_audit(result, requirements)
    assert result.fixable == {}, "upgrade to a fixed version: " + json.dumps(result.fixable, indent=2)


def test_a_known_vulnerable_pin_fails_the_audit(tmp_path):
    """The same against the live service (skipped where none answers, as the test above)."""
    result = audit([KNOWN_VULNERABLE], tmp_path)
    require_an_audit(result, [KNOWN_VULNERABLE])
    assert "django==3.2.0" in {name.lower() for name in result.fixable}


def test_a_pin_with_a_known_advisory_fails_the_audit_and_its_fixed_release_passes(tmp_path):
    with osv_standin([DJANGO_3_2_0_ADVISORY]) as osv_url:
        vulnerable = audit([KNOWN_VULNERABLE, "pip-audit==2.10.1"], tmp_path, osv_url=osv_url)
        fixed = audit(["Django==3.2.1", "pip-audit==2.10.1"], tmp_path, osv_url=osv_url)
    assert vulnerable.not_audited == {} and fixed.not_audited == {}
    assert vulnerable.fixable == {"django==3.2.0": ["CVE-2021-31542 (fixed in 2.2.21, 3.0.15, 3.1.9, 3.2.1)"]}
    assert fixed.fixable == {}


def test_the_stand_in_answers_as_osv_does_for_ranges():
    assert matching([DJANGO_3_2_0_ADVISORY], "Django", "3.2.0")
    assert matching([DJANGO_3_2_0_ADVISORY], "django", "2.2.20")
    assert not matching([DJANGO_3_2_0_ADVISORY], "Django", "2.2.21")
    assert not matching([DJANGO_3_2_0_ADVISORY], "Django", "3.2.1")
    assert not matching([DJANGO_3_2_0_ADVISORY], "Django", "5.2.19")
    assert not matching([DJANGO_3_2_0_ADVISORY], "flask", "3.2.0")
