#!/usr/bin/env python3
"""Static checks for logferry's Terraform and IAM policy templates.

Called by run.sh inside the pinned venv; one subcommand per check. Each prints
its problems (one per line) and exits non-zero if there are any. Keep the
output short: run.sh shows it only when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

# The only two interpolation forms the templates may use. Terraform's
# templatefile() understands far more; the Rust emulator tests render the same
# files with a tiny renderer, so anything beyond these two would diverge. The
# check itself renders with Terraform (render_policies.sh), not with a copy.
# A third, literal form: $${aws:...}, templatefile()'s escape for an IAM
# policy variable such as ${aws:PrincipalAccount}, which renders as itself
# (archive-bucket-policy.json.tpl fences each account into its partition
# with it).
PLACEHOLDER = re.compile(r"(?<!\$)\$\{([^}]*)\}")
IAM_POLICY_VARIABLE = re.compile(r"\$\$\{([^}]*)\}")
IAM_POLICY_VARIABLE_NAME = re.compile(r"^aws:[A-Za-z]+$")
STRING_FORM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)$")
LIST_FORM = re.compile(r"^jsonencode\(([A-Za-z_][A-Za-z0-9_]*)\)$")

MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
NEEDS_VALIDATION = re.compile(r"(_account_ids?|_arns?|_prefix)$")


def unquote(name: str) -> str:
    """python-hcl2 8.x keeps the quotes of block labels and string literals."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1]
    return name


def tf_files(infra: Path) -> list[Path]:
    return sorted(p for p in infra.rglob("*.tf") if ".terraform" not in p.parts)


def check_parse(infra: Path) -> list[str]:
    import hcl2  # python-hcl2, from the isolated --target dir

    problems = []
    files = tf_files(infra)
    for path in files:
        try:
            with path.open(encoding="utf-8") as handle:
                hcl2.load(handle)
        except Exception as err:  # the parser raises lark errors of many kinds
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            problems.append(f"{path.relative_to(infra.parent)}: {first_line}")
    if not files:
        problems.append("no .tf files found under infra/")
    print(f"{len(files)} files")
    return problems


def check_conventions(infra: Path) -> list[str]:
    import hcl2

    problems = []
    # Empty directories are skipped: git does not track them, so they are
    # not modules, just leftovers in a work tree.
    modules = sorted(p for p in (infra / "modules").iterdir() if p.is_dir() and any(p.iterdir()))
    for module in modules:
        rel = module.relative_to(infra.parent)
        for name in MODULE_FILES:
            if not (module / name).is_file():
                problems.append(f"{rel}: missing {name}")
        # variables.tf, and variables_<topic>.tf where one file would pass
        # the house limit of about 400 lines.
        for variables_tf in sorted(module.glob("variables*.tf")):
            problems += variable_problems(hcl2, variables_tf, f"{rel}/{variables_tf.name}")
    print(f"{len(modules)} modules")
    return problems


def variable_problems(hcl2, variables_tf: Path, rel: str) -> list[str]:
    problems = []
    try:
        with variables_tf.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle)
    except Exception:
        return problems  # reported by the parse check
    for block in parsed.get("variable", []):
        for raw_name, body in block.items():
            name = unquote(raw_name)
            where = f"{rel}: variable {name}"
            if "type" not in body:
                problems.append(f"{where} has no type")
            description = unquote(str(body.get("description", ""))).strip()
            if not description:
                problems.append(f"{where} has no description")
            if NEEDS_VALIDATION.search(name) and not body.get("validation"):
                problems.append(f"{where} needs a validation block")
    return problems


def template_syntax(template: str, values: dict, source: str) -> list[str]:
    """Only ${name} (a string) and ${jsonencode(name)} (a list of strings) may
    appear, plus $${aws:Name} (an IAM policy variable, rendered as
    ${aws:Name}): the Rust emulator tests render these files with a tiny
    renderer that knows nothing else. Rendering itself is Terraform's (render_policies.sh)."""
    problems = []
    if "%{" in template:
        problems.append(f"{source}: template directives (%{{...}}) are not allowed")
    for match in IAM_POLICY_VARIABLE.finditer(template):
        if not IAM_POLICY_VARIABLE_NAME.match(match.group(1)):
            problems.append(f"{source}: $${{{match.group(1)}}} is not an aws:* IAM policy variable")
    for match in PLACEHOLDER.finditer(template):
        expr = match.group(1).strip()
        string_name = STRING_FORM.match(expr)
        list_name = LIST_FORM.match(expr)
        if string_name:
            if not isinstance(values.get(string_name.group(1)), str):
                problems.append(f"{source}: ${{{string_name.group(1)}}} needs a string in sample-vars.json")
        elif list_name:
            value = values.get(list_name.group(1))
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append(
                    f"{source}: ${{jsonencode({list_name.group(1)})}} needs a list of strings in sample-vars.json"
                )
        else:
            problems.append(f"{source}: unsupported placeholder ${{{expr}}}")
    return problems


def render_with_terraform(policies: Path) -> tuple[dict[str, str], list[str]]:
    """The rendered text of every template, from Terraform's templatefile()."""
    script = Path(__file__).with_name("render_policies.sh")
    result = subprocess.run(
        ["bash", str(script), "--raw", str(policies)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHON": sys.executable},
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        return {}, lines or [f"render_policies.sh failed (exit {result.returncode})"]
    return json.loads(result.stdout), []


def load_allowlist(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))
    for entry in entries:
        missing = {"template", "issue", "detail_contains", "reason"} - entry.keys()
        if missing or not str(entry.get("reason", "")).strip():
            raise SystemExit(
                f"{path.name}: every entry needs template, issue, detail_contains and a reason: {entry}"
            )
    return entries


def check_policies(infra: Path) -> list[str]:
    from parliament import analyze_policy_string

    policies = infra / "policies"
    problems = []
    values = json.loads((policies / "sample-vars.json").read_text(encoding="utf-8"))
    allowlist = load_allowlist(Path(__file__).with_name("parliament-allowlist.json"))
    used = set()
    templates = sorted(policies.glob("*.json.tpl"))
    syntax = {path.name: template_syntax(path.read_text(encoding="utf-8"), values, path.name) for path in templates}
    for template_problems in syntax.values():
        problems += template_problems
    all_rendered, render_problems = render_with_terraform(policies)
    problems += render_problems
    if render_problems:
        print(f"{len(templates)} templates, not rendered")
        return problems
    for path in templates:
        if syntax[path.name]:
            continue
        if path.name not in all_rendered:
            problems.append(f"{path.name}: not rendered by render_policies.sh")
            continue
        rendered = all_rendered[path.name]
        try:
            json.loads(rendered)
        except json.JSONDecodeError as err:
            problems.append(f"{path.name}: rendered text is not JSON: {err}")
            continue
        analyzed = analyze_policy_string(rendered, include_community_auditors=True)
        for finding in analyzed.findings:
            detail = finding.detail if isinstance(finding.detail, str) else json.dumps(finding.detail)
            context = f"{detail} {json.dumps(finding.location, default=str)}"
            hits = [
                i for i, entry in enumerate(allowlist)
                if entry["template"] == path.name
                and entry["issue"] == finding.issue
                and entry["detail_contains"] in context
            ]
            if hits:
                used.update(hits)
                continue
            problems.append(f"{path.name}: parliament {finding.issue}: {detail or context}")
    for i, entry in enumerate(allowlist):
        if i not in used:
            problems.append(f"parliament-allowlist.json: stale entry {entry['template']} {entry['issue']} (remove it)")
    print(f"{len(templates)} templates (rendered by terraform)")
    return problems


CHECKS = {"parse": check_parse, "conventions": check_conventions, "policies": check_policies}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("--infra", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    problems = CHECKS[args.check](args.infra.resolve())
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
