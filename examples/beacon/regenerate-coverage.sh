#!/usr/bin/env bash
# Regenerates the committed coverage reports of api/ and worker/ with pytest-cov.
# Needs Python 3.10+ with: pip install 'pytest==8.3.4' 'pytest-cov==6.0.0' 'coverage==7.17.5'
set -euo pipefail
cd "$(dirname "$0")"
for service in api worker; do
    (
        cd "$service"
        rm -f .coverage
        # --cov-fail-under=0: the thresholds are checked by gate from pyproject.toml, not here.
        python3 -m pytest -q -p no:cacheprovider --cov --cov-branch \
            --cov-report=xml:coverage.xml --cov-report=json:coverage.json --cov-fail-under=0
        python3 -m coverage report > coverage-report.txt || true
        rm -f .coverage
    )
done

# The coverage-regression incident: the same API plus a module merged without tests.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r api "$scratch/api"
rm -f "$scratch/api/coverage."* "$scratch/api/coverage-report.txt"
cp incidents/coverage-regression/digest.py "$scratch/api/beacon_api/digest.py"
(
    cd "$scratch/api"
    python3 -m pytest -q -p no:cacheprovider --cov --cov-branch \
        --cov-report=xml:coverage.xml --cov-fail-under=0 >/dev/null
    python3 -m coverage report > coverage-report.txt || true
)
cp "$scratch/api/coverage.xml" incidents/coverage-regression/api-coverage.xml
cp "$scratch/api/coverage-report.txt" incidents/coverage-regression/api-coverage-report.txt
