"""The package's shape: the import contracts in pyproject.toml hold, and nothing slips past them.

`lint-imports` checks the contracts from the import statements it finds. These tests run it
(so a layering mistake fails the suite, not only CI), pin what the contracts rely on (imports
inside functions count), and catch what it cannot see: a module loaded by name at run time.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "builder"
CONTRACTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]
BY_ID = {contract["id"]: contract for contract in CONTRACTS}


def test_the_contracts_are_all_there():
    # A contract dropped from pyproject.toml would otherwise just stop being checked.
    assert sorted(BY_ID) == ["acyclic", "cli", "commands", "layers"]
    assert BY_ID["layers"]["layers"] == [
        "cli",
        "commands",
        "pipeline | preview",
        "run",
        "warm",
        "render | site | read",
        "cache | write | config_docs",
        "state",
        "config",
        "core",
    ]
    assert BY_ID["layers"]["exhaustive"] is True


# Violations in the tree today, each as lint-imports prints it (line numbers dropped). Each is
# being mended; until then its contract's test is an expected failure, and any *other* violation
# of the same contract still fails. Delete an entry when its fix lands (the test says so).
KNOWN_VIOLATIONS: dict[str, set[str]] = {}


def lint_imports(contract: str) -> subprocess.CompletedProcess[str]:
    """Run `lint-imports` on one contract of this checkout (not an installed copy)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command as main; main()",
            "--no-cache",
            "--no-logo",
            "--contract",
            contract,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def violations(report: str) -> set[str]:
    """The `- importer -> imported` lines of a lint-imports report, without their counts."""
    broken = report.partition("Broken contracts")[2]
    return {
        re.sub(r" \((l\.[\d, ]+|\d+ imports?)\)$", "", line[2:])
        for line in broken.splitlines()
        if line.startswith("- ") and " -> " in line
    }


@pytest.mark.parametrize("contract", sorted(BY_ID))
def test_contract_is_kept(contract: str):
    """layers: imports point down; commands: independent; cli: imported by nothing;
    acyclic: no cycles between the children of any package (subpackages and modules alike)."""
    run = lint_imports(contract)
    report = run.stdout + run.stderr
    known = KNOWN_VIOLATIONS.get(contract)
    if run.returncode == 0:
        assert "Contracts: 1 kept, 0 broken." in run.stdout, report
        assert not known, f"fixed: delete KNOWN_VIOLATIONS[{contract!r}] = {known}"
    elif known and violations(report) == known:
        pytest.xfail(f"known violations, being mended: {sorted(known)}")
    else:
        pytest.fail(report)


def test_every_command_module_is_in_the_independence_contract():
    # The independence contract names its modules; a new command must be added there to be held
    # to it. `common` (options, the closing line) and `progress` (the terminal display) are the
    # shared helpers, not commands.
    children = {
        path.stem if path.is_file() else path.name
        for path in (PACKAGE / "commands").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    declared = {module.removeprefix("builder.commands.") for module in BY_ID["commands"]["modules"]}
    assert children == declared | {"common", "progress"}


def test_imports_inside_functions_and_for_type_checking_are_in_the_graph(tmp_path, monkeypatch):
    # The contracts mean "never imports", not "never imports at load time": a lazy import to keep
    # start-up cheap is still a dependency. This pins that grimp (lint-imports' graph) sees them.
    probe = tmp_path / "layerprobe"
    probe.mkdir()
    (probe / "__init__.py").write_text("")
    (probe / "low.py").write_text(
        textwrap.dedent("""\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from layerprobe import typed


        def later():
            import layerprobe.high
            from layerprobe import deep
        """)
    )
    for name in ("high", "typed", "deep"):
        (probe / f"{name}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("layerprobe", cache_dir=None)
    assert graph.find_modules_directly_imported_by("layerprobe.low") == {
        "layerprobe.high",
        "layerprobe.typed",
        "layerprobe.deep",
    }


# Calls that turn a string into a module. Those in NAMED take the module's name first: a literal
# naming a module outside builder is fine; anything else could be a builder module. Those in
# BY_PATH load a file as a module, which no import graph can follow.
NAMED = {"import_module", "__import__", "find_spec", "run_module", "resolve_name"}
BY_PATH = {"spec_from_file_location", "run_path", "SourceFileLoader"}


def dynamic_imports(source: str) -> list[tuple[int, int, str]]:
    """(line, column, call) of each call in `source` that may load a builder module by string."""
    tree = ast.parse(source)
    aliases = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if (alias.name in NAMED | BY_PATH)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else aliases.get(func.id, func.id)
            if isinstance(func, ast.Name)
            else None
        )
        if name in BY_PATH:
            found.append((node.lineno, node.col_offset, name))
        elif name in NAMED:
            first = node.args[0] if node.args else None
            literal = (
                first.value
                if isinstance(first, ast.Constant) and isinstance(first.value, str)
                else None
            )
            if (
                literal is None
                or literal.startswith(".")
                or literal.split(".")[0].split(":")[0] == "builder"
            ):
                found.append((node.lineno, node.col_offset, name))
    return sorted(found)


def test_no_module_loads_a_builder_module_by_string():
    problems = [
        f"{path.relative_to(REPO)}:{line}:{col}: error: {call}() loads a module by name; "
        "import it with an import statement so lint-imports sees the dependency"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, col, call in dynamic_imports(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        'import importlib\nimportlib.import_module("builder.cli")',
        'import importlib\nimportlib.import_module(".pages", "builder.render")',
        'from importlib import import_module as load\nload(f"builder.commands.{name}")',
        '__import__("builder.pipeline")',
        "import importlib.util\nimportlib.util.find_spec(name)",
        'import pkgutil\npkgutil.resolve_name("builder.write:MARKER")',
        "import runpy\nrunpy.run_path(path)",
    ],
)
def test_dynamic_import_detector_flags(source: str):
    assert len(dynamic_imports(source)) == 1


def test_dynamic_import_detector_allows_third_party_names_and_plain_imports():
    assert (
        dynamic_imports(
            textwrap.dedent("""\
        import importlib
        import builder.cli
        from builder.render import pages
        yaml = importlib.import_module("yaml")
        pages.import_module_list()
        """)
        )
        == []
    )
