"""Broadsheet's own CI (.github/workflows/ci.yml, .ci/run, .pre-commit-config.yaml): valid, and
running the one test command the README gives, then the checks CONTRIBUTING.md lists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CI = REPO / ".github" / "workflows" / "ci.yml"
# ci.yml, and the publish workflow `init` ships (the only copy of it).
WORKFLOWS = [CI, REPO / "builder" / "scaffold" / "github" / "workflows" / "publish.yml"]
CHECKS = ["ruff check", "ruff format --check", "mypy builder", "lint-imports --no-cache"]


def readme_test_command() -> str:
    """The command under the README's "Run the tests", which CI must run as it is."""
    after = (REPO / "README.md").read_text(encoding="utf-8").split("Run the tests", 1)[1]
    block = re.search(r"```sh\n(.*?)\n```", after, re.S)
    assert block, "README: no ```sh block after 'Run the tests'"
    return block[1].strip()


@pytest.fixture(scope="module")
def steps() -> list[dict]:
    data = yaml.safe_load(CI.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as True; GitHub reads it as "on".
    assert set(data.pop(True)) == {"push", "pull_request"}
    [job] = data["jobs"].values()
    assert re.fullmatch(r"python:3\.11-\w+", job["container"])  # Debian, Python 3.11
    return job["steps"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: str(path.relative_to(REPO)))
def test_workflow_is_valid_for_github(workflow: Path):
    # check-jsonschema's vendored copy of the workflow schema: no network needed.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_ci_installs_chromium_runs_the_readme_tests_then_every_check(steps):
    runs = [step.get("run", "") for step in steps]
    assert steps[0]["uses"] == "actions/checkout@v4"
    chromium = next(i for i, run in enumerate(runs) if "apt-get install" in run)
    assert runs[chromium].split()[-1] == "chromium"
    tests = runs.index(readme_test_command())
    assert chromium < tests
    assert runs[tests + 1 :] == CHECKS
    # Every check reports even when the tests failed.
    assert all(step["if"] == "${{ !cancelled() }}" for step in steps[tests + 1 :])


def test_ci_script_runs_exactly_the_readme_test_command():
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_test_command() == "pip install -e '.[test]' && python -m pytest -n 2"
    assert [line for line in lines if "pytest" in line] == [readme_test_command()]


def test_pre_commit_runs_the_ci_checks_with_the_installed_tools():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"  # nothing downloaded; the versions the test extra installed
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert list(hooks) == ["ruff", "ruff-format", "mypy", "lint-imports"]
    assert {hook["language"] for hook in hooks.values()} == {"system"}
    assert hooks["mypy"]["entry"] == "mypy builder"
    assert hooks["lint-imports"]["entry"] == "lint-imports --no-cache"
    assert not hooks["mypy"]["pass_filenames"] and not hooks["lint-imports"]["pass_filenames"]
