"""The GitHub publish workflow `init` ships: the triggers and steps a site's CI depends on.

There is one copy, the scaffold's; Broadsheet's own CI is ci.yml.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from builder.commands.init import FILES, SCAFFOLD

REPO = Path(__file__).resolve().parents[3]
WORKFLOW = SCAFFOLD / "github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the bare key `on` as True; GitHub reads it as "on".
    data["on"] = data.pop(True)
    return data


def _index(steps: list[dict], predicate) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert len(found) == 1, found
    return found[0]


def test_triggers_push_to_main_daily_schedule_and_manual_runs(workflow):
    on = workflow["on"]
    assert on["push"] == {"branches": ["main"]}
    assert len(on["schedule"]) == 1
    minute, hour, day, month, weekday = on["schedule"][0]["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*")  # every day
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    assert "workflow_dispatch" in on


def test_permissions_allow_pages_deployment(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_build_job_steps_in_order(workflow):
    steps = workflow["jobs"]["build"]["steps"]

    def uses(action: str):
        return lambda step: step.get("uses", "").split("@")[0] == action

    def runs(pattern: str):
        return lambda step: re.search(pattern, step.get("run", "")) is not None

    order = [
        _index(steps, uses("actions/checkout")),
        _index(steps, uses("actions/setup-python")),
        _index(steps, runs(r"pip install")),
        _index(steps, uses("actions/cache")),
        _index(steps, runs(r"^broadsheet build --strict$")),
        _index(steps, runs(r"^broadsheet check$")),
        _index(steps, uses("actions/upload-pages-artifact")),
    ]
    assert order == sorted(order)
    assert steps[order[1]]["with"]["python-version"] == "3.11"
    # The cache and output/: a warm build reuses the pages its inputs did not change.
    assert steps[order[3]]["with"]["path"].split() == [".broadsheet-cache", "output"]
    assert steps[order[3]]["with"]["restore-keys"].strip() == "broadsheet-${{ runner.os }}-"
    assert steps[order[6]]["with"]["path"] == "output/"
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_deploy_job_deploys_the_uploaded_site(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["steps"][0]["id"] == "deployment"


def _install_step(workflow: dict) -> dict:
    return next(s for s in workflow["jobs"]["build"]["steps"] if "pip install" in s.get("run", ""))


def test_install_step_installs_the_sites_requirements_and_no_package_by_name(workflow):
    run = _install_step(workflow)["run"]
    pip = [line.strip() for line in run.splitlines() if "pip " in line]
    assert pip == ["pip install -r requirements.txt"]
    assert "env" not in workflow  # no Broadsheet named in the workflow itself


@pytest.mark.parametrize("installed", [True, False])
def test_install_step_fails_with_an_annotation_when_nothing_installs_broadsheet(
    workflow, tmp_path, installed
):
    """requirements.txt holding only comments (CI cannot reach the editor's copy)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("pip", "broadsheet") if installed else ("pip",):
        (bin_dir / name).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / name).chmod(0o755)
    run = subprocess.run(
        [shutil.which("bash") or "bash", "-e", "-c", _install_step(workflow)["run"]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        timeout=30,
    )
    if installed:
        assert (run.returncode, run.stdout) == (0, "")
    else:
        assert run.returncode == 1
        assert run.stdout == (
            "::error file=requirements.txt::requirements.txt installs no "
            "Broadsheet: name the one to install (its comments say how)\n"
        )


def test_there_is_one_copy_of_the_template_and_init_ships_it():
    assert not (REPO / ".github" / "workflows" / "publish.yml").exists()
    assert FILES["github/workflows/publish.yml"] == ".github/workflows/publish.yml"
    assert WORKFLOW.is_file()
