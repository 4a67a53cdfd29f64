#!/usr/bin/env python3
"""Writes the small, committed files of the hostile-input corpus into tests/hostile/cases/.

Each case is a directory named after what it shows; cases.toml says how gate is run on it and
what it must answer. Big inputs (hundreds of MB) are not here: the harness
(crates/gate-cli/tests/hostile.rs) generates them at test time.

Deterministic: the same files on every run (garbage bytes come from a fixed SHA-256 chain).
Python 3 standard library only. `--check` compares instead of writing (exit 1 on a difference).
"""

import hashlib
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

BOM = b"\xef\xbb\xbf"

# One deny rule on `kind`: a document with `kind: Bad` fails, anything else passes.
POLICY = b"""package main

deny contains msg if {
\tinput.kind == "Bad"
\tmsg := "kind Bad is not allowed"
}
"""

# An OSV record for urllib3 2.0.6 (a real advisory, shortened).
URLLIB3_RECORD = b"""{
  "id": "GHSA-v845-jxx5-vc9f",
  "modified": "2023-10-17T00:00:00Z",
  "summary": "Cookie request header isn't stripped during cross-origin redirects",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N"}],
  "affected": [{
    "package": {"ecosystem": "PyPI", "name": "urllib3"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.7"}]}]
  }]
}
"""

REQUIREMENTS = b"urllib3==2.0.6\n"

LCOV = b"SF:app.py\nDA:1,1\nDA:2,0\nend_of_record\n"

COBERTURA = b"""<?xml version="1.0" ?>
<coverage line-rate="0.5" branch-rate="0" version="7.6.1">
\t<packages><package name="app"><classes>
\t\t<class name="app.py" filename="app.py" line-rate="0.5">
\t\t\t<lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
\t\t</class>
\t</classes></package></packages>
</coverage>
"""

GATE_TOML = b"""[coverage]
reports = ["coverage.lcov"]
fail-under = 10
"""


def garbage(size, seed):
    """`size` bytes that look like nothing: a SHA-256 chain, so every run writes the same."""
    out = bytearray()
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


def link(target):
    """A symbolic link (committed as one) instead of file contents."""
    return ("link", target)


def cases():
    """{case name: {relative path: bytes or link(target)}}."""
    invalid_utf8 = b"kind: \xff\xfe\xc3\x28 Bad\n"
    billion_laughs = b"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for previous, name in zip("abcdefgh", "bcdefghi"):
        refs = ",".join(["*" + previous] * 9)
        billion_laughs += f"{name}: &{name} [{refs}]\n".encode()
    billion_laughs += b"kind: Bad\n"
    xml_bomb = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    previous = "lol"
    for n in range(1, 10):
        refs = "".join(f"&{previous};" for _ in range(10))
        xml_bomb += f' <!ENTITY lol{n} "{refs}">\n'.encode()
        previous = f"lol{n}"
    xml_external = (
        b'<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    )
    policy_dir = {"policy/deny.rego": POLICY}
    db = {"db/GHSA-v845-jxx5-vc9f.json": URLLIB3_RECORD}
    return {
        # Defect 1: a BOM must not hide the first key from the rules.
        "policy-yaml-bom-fails-like-without": {**policy_dir, "input.yaml": BOM + b"kind: Bad\n"},
        "policy-yaml-without-bom-fails": {**policy_dir, "input.yaml": b"kind: Bad\n"},
        "policy-json-bom-fails-like-without": {**policy_dir, "input.json": BOM + b'{"kind": "Bad"}\n'},
        "policy-toml-bom-fails-like-without": {**policy_dir, "input.toml": BOM + b'kind = "Bad"\n'},
        "policy-stdin-yaml-bom-fails-like-without": {**policy_dir, "stdin.yaml": BOM + b"kind: Bad\n"},
        "policy-parse-yaml-bom": {"input.yaml": BOM + b"kind: Bad\n"},
        # Defect 2: a device behind a committed link is read with a cap, not to the end.
        "policy-input-link-to-dev-zero": {**policy_dir, "input.yaml": link("/dev/zero")},
        "policy-data-link-to-dev-zero": {
            **policy_dir, "input.yaml": b"kind: Good\n", "data.json": link("/dev/zero"),
        },
        "policy-policy-link-to-dev-zero": {"policy/deny.rego": link("/dev/zero"), "input.yaml": b"kind: Good\n"},
        # Contract cases that already held.
        "policy-yaml-billion-laughs": {**policy_dir, "input.yaml": billion_laughs},
        "policy-xml-entity-expansion": {
            **policy_dir, "input.xml": xml_bomb + b"]>\n<kind>&lol9;</kind>\n",
        },
        "policy-xml-external-entity": {**policy_dir, "input.xml": xml_external + b"<kind>&xxe;</kind>\n"},
        "policy-empty-yaml": {**policy_dir, "input.yaml": b""},
        "policy-yaml-binary-garbage": {**policy_dir, "input.yaml": garbage(4096, "yaml")},
        "policy-json-binary-garbage": {**policy_dir, "input.json": garbage(4096, "json")},
        "policy-yaml-invalid-utf8": {**policy_dir, "input.yaml": invalid_utf8},
        "policy-json-truncated": {**policy_dir, "input.json": b'{"kind": "Bad", "spec": {"replicas": [1, 2'},
        "policy-xml-truncated": {**policy_dir, "input.xml": b'<?xml version="1.0"?>\n<kind>Bad</ki'},
        # Issue 14's parsers: code and deep nesting end in an error naming the file, not a crash.
        "policy-jsonnet-runaway-recursion": {**policy_dir, "input.jsonnet": b"local f(x) = f(x + 1);\nf(0)\n"},
        "policy-cue-deep-lists": {**policy_dir, "input.cue": b"a: " + b"[" * 100000 + b"]" * 100000 + b"\n"},
        "policy-groovy-operator-chain": {**policy_dir, "Jenkinsfile": b"x = a" + b".b" * 100000 + b"\n"},
        "policy-hocon-long-key-path": {**policy_dir, "input.hocon": b"a" + b".b" * 100000 + b" = 1\n"},
        "policy-rego-binary-garbage": {"policy/deny.rego": garbage(4096, "rego"), "input.yaml": b"kind: Bad\n"},
        "policy-missing-input": {**policy_dir},
        "policy-no-policy-directory": {"input.yaml": b"kind: Bad\n"},
        "policy-parse-closed-stdout": {"input.yaml": b"kind: Bad\nitems: [1, 2, 3]\n"},
        # Closed standard output must not turn a failure into a pass (found with this corpus).
        "policy-test-closed-stdout-keeps-failure": {**policy_dir, "input.yaml": b"kind: Bad\n"},
        "coverage-check-closed-stdout-keeps-error": {
            "coverage.lcov": LCOV, "pr.diff": b"this is not a diff\nat all\n",
        },
        "supply-audit-closed-stdout-keeps-failure": {**db, "requirements.txt": REQUIREMENTS},
        # Generated at test time into these directories (see cases.toml).
        "policy-test-json-100000-deep": {**policy_dir},
        "policy-parse-yaml-10000-deep": {},
        "policy-yaml-16-mib-line": {**policy_dir},
        "policy-yaml-1e6-keys": {**policy_dir},
        "supply-requirements-1e6-lines": {**db},
        "supply-zip-bomb-database": {"requirements.txt": REQUIREMENTS},
        # Item 4 (pending): recursion in a function must be refused, not overflow the stack.
        "policy-recursive-function": {
            "policy/deny.rego": b"""package main

f(x) := y if {
\ty := f(x)
}

deny contains msg if {
\tf(input.kind) == "Bad"
\tmsg := "unreachable"
}
""",
            "input.yaml": b"kind: Bad\n",
        },
        # Item 14 (pending): a policy that asks for gigabytes or minutes hits a budget.
        "policy-numbers-range-4e8": {
            "policy/deny.rego": b"""package main

deny contains msg if {
\tcount(numbers.range(1, 4e8)) > 0
\tmsg := "counted"
}
""",
            "input.yaml": b"kind: Good\n",
        },
        "policy-comprehension-3000-by-3000": {
            "policy/deny.rego": b"""package main

deny contains msg if {
\tpairs := [[i, j] | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000)]
\tcount(pairs) > 0
\tmsg := "paired"
}
""",
            "input.yaml": b"kind: Good\n",
        },
        # Defects 9-12 and the coverage inputs.
        "coverage-precision-65536": {"coverage.lcov": LCOV},
        "coverage-diff-hunk-at-line-4294967295": {
            "coverage.lcov": LCOV,
            "pr.diff": b"+++ b/app.py\n@@ -0,0 +4294967295,2 @@\n+one\n+two\n",
        },
        "coverage-diff-not-a-diff": {"coverage.lcov": LCOV, "pr.diff": b"this is not a diff\nat all\n"},
        "coverage-diff-cut-off-hunk": {
            "coverage.lcov": LCOV, "pr.diff": b"+++ b/app.py\n@@ -0,0 +1,3 @@\n+one\n+two\n",
        },
        "coverage-diff-link-to-dev-zero": {"coverage.lcov": LCOV, "pr.diff": link("/dev/zero")},
        "coverage-diff-binary-garbage": {"coverage.lcov": LCOV, "pr.diff": garbage(4096, "diff")},
        "coverage-jacoco-branch-counts-near-u32-max": {
            "jacoco.xml": b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<report name="big"><package name="p"><sourcefile name="A.java">
<line nr="1" mi="0" ci="1" mb="4294967295" cb="4294967295"/>
<line nr="2" mi="0" ci="1" mb="4294967295" cb="4294967295"/>
<line nr="3" mi="0" ci="1" mb="3000000000" cb="3000000000"/>
</sourcefile></package></report>
""",
        },
        "coverage-lcov-negative-count": {"coverage.lcov": b"SF:app.py\nDA:1,1\nDA:2,-5\nend_of_record\n"},
        "coverage-lcov-negative-branch-count": {
            "coverage.lcov": b"SF:app.py\nDA:1,1\nBRDA:1,0,0,-1\nBRDA:1,0,1,1\nend_of_record\n",
        },
        "coverage-cobertura-entity-expansion": {
            "coverage.xml": xml_bomb + b"]>\n<coverage><packages><package name=\"&lol9;\"/></packages></coverage>\n",
        },
        "coverage-cobertura-external-entity": {
            "coverage.xml": xml_external + b"<coverage><packages><package name=\"&xxe;\"/></packages></coverage>\n",
        },
        "coverage-cobertura-truncated": {"coverage.xml": COBERTURA[: len(COBERTURA) // 2]},
        "coverage-xml-binary-garbage": {"coverage.xml": garbage(4096, "cobertura")},
        "coverage-lcov-binary-garbage": {"coverage.lcov": garbage(4096, "lcov")},
        "coverage-json-truncated": {"coverage.json": b'{"meta": {"version": "7.6.1"}, "files": {"app.py": {"execu'},
        "coverage-lcov-invalid-utf8": {"coverage.lcov": b"SF:app\xff\xfe.py\nDA:1,1\nend_of_record\n"},
        "coverage-empty-lcov": {"coverage.lcov": b""},
        "coverage-empty-xml": {"coverage.xml": b""},
        "coverage-report-link-to-dev-zero": {"coverage.lcov": link("/dev/zero")},
        "coverage-report-is-a-directory": {"coverage.lcov/README": b"a directory, not a report\n"},
        "coverage-missing-report": {"README": b"no report here\n"},
        "coverage-report-closed-stdout": {"coverage.xml": COBERTURA},
        # Supply: defect 2 (devices), defect 7 (links in the database), and the contract cases.
        "supply-requirements-constraint-dev-zero": {
            **db, "requirements.txt": b"-c /dev/zero\nurllib3==2.0.6\n",
        },
        "supply-requirements-link-to-dev-zero": {**db, "requirements.txt": link("/dev/zero")},
        "supply-advisory-link-inside-database": {
            "db/records/GHSA-v845-jxx5-vc9f.json": link("../store/GHSA-v845-jxx5-vc9f.json"),
            "db/store/GHSA-v845-jxx5-vc9f.json": URLLIB3_RECORD,
            "requirements.txt": REQUIREMENTS,
        },
        "supply-advisory-link-outside-database": {
            "db/GHSA-v845-jxx5-vc9f.json": link("../outside/GHSA-v845-jxx5-vc9f.json"),
            "outside/GHSA-v845-jxx5-vc9f.json": URLLIB3_RECORD,
            "requirements.txt": REQUIREMENTS,
        },
        "supply-advisory-link-to-dev-zero": {
            "db/GHSA-v845-jxx5-vc9f.json": link("/dev/zero"), "requirements.txt": REQUIREMENTS,
        },
        "supply-missing-database": {"requirements.txt": REQUIREMENTS},
        "supply-database-zip-binary-garbage": {"db.zip": garbage(4096, "zip"), "requirements.txt": REQUIREMENTS},
        "supply-advisory-record-truncated": {
            "db/GHSA-v845-jxx5-vc9f.json": URLLIB3_RECORD[: len(URLLIB3_RECORD) // 2],
            "requirements.txt": REQUIREMENTS,
        },
        "supply-advisory-record-binary-garbage": {
            "db/GHSA-v845-jxx5-vc9f.json": garbage(4096, "osv"), "requirements.txt": REQUIREMENTS,
        },
        "supply-package-lock-truncated": {
            **db, "package-lock.json": b'{"name": "app", "lockfileVersion": 3, "packages": {"": {"na',
        },
        "supply-cargo-lock-binary-garbage": {**db, "Cargo.lock": garbage(4096, "cargo")},
        "supply-requirements-invalid-utf8": {**db, "requirements.txt": b"urllib3==2.0.6\n\xff\xfe==1.0\n"},
        "supply-empty-requirements": {**db, "requirements.txt": b""},
        "supply-empty-directory": {**db, "project/README": b"no lockfile here\n"},
        # Release and gate.toml: defect 2 and the contract cases.
        "release-lint-message-file-link-to-dev-zero": {"COMMIT_EDITMSG": link("/dev/zero")},
        "release-lint-message-file-binary-garbage": {"COMMIT_EDITMSG": garbage(4096, "commit")},
        "release-lint-message-file-invalid-utf8": {"COMMIT_EDITMSG": b"feat: caf\xe9 au lait\n"},
        "release-lint-message-file-missing": {"README": b"no message here\n"},
        "release-lint-message-file-is-a-directory": {"COMMIT_EDITMSG/README": b"a directory\n"},
        "check-gate-toml-link-to-dev-zero": {"gate.toml": link("/dev/zero"), "coverage.lcov": LCOV},
        "check-config-flag-link-to-dev-zero": {"gate.toml": link("/dev/zero"), "coverage.lcov": LCOV},
        "check-gate-toml-binary-garbage": {"gate.toml": garbage(4096, "toml"), "coverage.lcov": LCOV},
        "check-gate-toml-empty": {"gate.toml": b"", "coverage.lcov": LCOV},
        "check-gate-toml-bom": {"gate.toml": BOM + GATE_TOML, "coverage.lcov": LCOV},
        "check-gate-toml-is-a-directory": {"gate.toml/README": b"a directory\n", "coverage.lcov": LCOV},
    }


def write(root):
    for name, files in sorted(cases().items()):
        for path, contents in sorted(files.items()):
            target = os.path.join(root, name, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if isinstance(contents, tuple):
                os.symlink(contents[1], target)
            else:
                with open(target, "wb") as f:
                    f.write(contents)


def snapshot(root):
    """{relative path: ("link", target) or bytes} of everything under root."""
    found = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            key = os.path.relpath(path, root)
            if os.path.islink(path):
                found[key] = ("link", os.readlink(path))
            else:
                with open(path, "rb") as f:
                    found[key] = f.read()
    return found


def main():
    destination = os.path.join(HERE, "cases")
    if sys.argv[1:] == ["--check"]:
        with tempfile.TemporaryDirectory() as scratch:
            write(scratch)
            if snapshot(scratch) != snapshot(destination):
                print("tests/hostile/cases differs from generate.py: run it again", file=sys.stderr)
                return 1
        return 0
    if sys.argv[1:]:
        print("usage: generate.py [--check]", file=sys.stderr)
        return 2
    shutil.rmtree(destination, ignore_errors=True)
    write(destination)
    return 0


if __name__ == "__main__":
    sys.exit(main())
