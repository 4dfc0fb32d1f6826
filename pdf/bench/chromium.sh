#!/usr/bin/env bash
# chromium.sh [COUNT]
# Side-by-side comparison of PDF speed against a browser: renders the benchmark invoice with
# maroto (200 times, median) and, written as HTML (pdf/testdata/
# invoice.html.tmpl), prints it COUNT times (default 10) with headless
# Chromium, one process per document; prints both medians and the ratio.
# Needs: chromium (apt-get install -y chromium). Run from anywhere.
set -eu
cd "$(dirname "$0")/../.."
count=${1:-10}
CGO_ENABLED=0 go test ./pdf/ -run '^$' -bench '^BenchmarkChromium$' -benchtime "${count}x" -count 1
