#!/usr/bin/env bash
# chromium-pdf.sh IN.html OUT.pdf
# Prints an HTML page to PDF with Debian's headless Chromium, one process per
# document, the way browser-based invoicing tools render invoices. Same flags
# as the team's shared chromium-pdf tool; used by BenchmarkChromium when that
# tool is not installed. Needs: chromium (apt-get install -y chromium).
set -eu
in=$(realpath "${1:?usage: chromium-pdf.sh IN.html OUT.pdf}")
out=$(realpath -m "${2:?usage: chromium-pdf.sh IN.html OUT.pdf}")
ud=$(mktemp -d)
trap 'rm -rf "$ud"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$ud" --no-pdf-header-footer --print-to-pdf="$out" "file://$in" >/dev/null 2>&1
[ -s "$out" ]
