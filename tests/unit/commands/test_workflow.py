"""The GitHub publish workflow: the triggers and steps a site's CI depends on, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
SCAFFOLD = REPO / "builder" / "scaffold" / "github" / "workflows" / "publish.yml"


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
    assert workflow["permissions"] == {"contents": "read", "pages": "write",
                                       "id-token": "write"}


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
    assert steps[order[3]]["with"]["path"] == ".broadsheet-cache"
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


def test_install_step_uses_the_checkout_only_in_broadsheets_own_repository(workflow):
    install = next(s for s in workflow["jobs"]["build"]["steps"]
                   if "pip install" in s.get("run", ""))
    test = re.search(r"grep -qs '(.+?)' pyproject\.toml", install["run"])
    assert test is not None
    assert re.search(test.group(1), (REPO / "pyproject.toml").read_text(), re.M)
    assert 'pip install "$BROADSHEET"' in install["run"]
    assert workflow["env"]["BROADSHEET"] == "broadsheet"


def test_the_template_init_ships_is_this_file():
    assert SCAFFOLD.read_bytes() == WORKFLOW.read_bytes()
