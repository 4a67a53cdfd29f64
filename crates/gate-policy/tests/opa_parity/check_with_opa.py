#!/usr/bin/env python3
"""Replays the conformance cases (cases/*.yaml) against the real OPA engine.

OPA v1.20.2 comes as a Go shared library in the `opa-golib-python-bindings` 0.4.4 wheel:

    python3 -m venv /tmp/opa-venv
    /tmp/opa-venv/bin/pip install --no-deps --ignore-requires-python \
        opa-golib-python-bindings==0.4.4 pyyaml
    /tmp/opa-venv/bin/python crates/gate-policy/tests/opa_parity/check_with_opa.py

What it cannot check, and says so per case:
- `rego: v0` cases: the bindings parse Rego v1 only;
- `strict: false` cases that OPA answers with a builtin error: the bindings force strict builtin
  errors, while conftest (and gate by default) make the expression undefined instead. They are
  counted as "non-strict" when the case expects a value or undefined.

Prints one line per disagreement and a summary; exits 1 when any case disagrees.
"""

import json
import pathlib
import sys

import yaml
from opa_bindings import OpaEngine, OpaError, OpaUndefinedError


def normalize(value):
    """Sets come back as arrays in either engine's order: compare arrays sorted."""
    if isinstance(value, list):
        items = [normalize(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    return value


def run_opa(case):
    """("value", v) | ("undefined", None) | ("error", message)."""
    engine = OpaEngine()
    try:
        engine.add_policy("policy.rego", case["policy"])
        query = case.get("query", "data.main.deny")
        path = query.removeprefix("data").lstrip(".")
        return ("value", engine.eval_document(path, case.get("input", {})))
    except OpaUndefinedError:
        return ("undefined", None)
    except OpaError as error:
        return ("error", str(error))
    finally:
        engine.close()


def main():
    cases_dir = pathlib.Path(__file__).parent / "cases"
    agree = disagree = skipped = non_strict = 0
    for path in sorted(cases_dir.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            name = f"{path.stem}/{case['name']}"
            if case.get("rego", "v1") == "v0":
                skipped += 1
                print(f"skip  {name}: Rego v0 (the bindings parse v1 only)")
                continue
            if "expect" in case:
                expected = ("value", case["expect"])
            elif case.get("undefined"):
                expected = ("undefined", None)
            else:
                expected = ("error", case["error"])
            actual = run_opa(case)
            if expected[0] == "error" and actual[0] == "error":
                ok = True
            elif expected[0] == actual[0] == "value":
                ok = normalize(expected[1]) == normalize(actual[1])
            else:
                ok = expected[0] == actual[0]
            if ok:
                agree += 1
            elif (
                not case.get("strict", False)
                and actual[0] == "error"
                and ("eval_builtin_error" in actual[1] or "eval_type_error" in actual[1])
            ):
                non_strict += 1
                print(f"nonstrict {name}: OPA (strict) says {actual[1]!r}")
            else:
                disagree += 1
                print(f"DIFF  {name}: expected {expected}, OPA gives {actual}")
    print(
        f"{agree} agree, {disagree} disagree, {non_strict} builtin errors in non-strict mode "
        f"(conftest's behaviour, not checkable), {skipped} Rego v0 skipped"
    )
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
