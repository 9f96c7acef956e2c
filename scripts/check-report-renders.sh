#!/bin/sh
# Renders an `edgeinfer bench --html` report in headless Chromium to a PNG and prints its size,
# to check by hand that the page draws with no network. Usage:
#   scripts/check-report-renders.sh REPORT.html [OUT.png]
# OUT.png defaults to REPORT.png next to the report. Needs Debian's chromium (apt-get install chromium).
set -eu
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 REPORT.html [OUT.png]" >&2
  exit 2
fi
REPORT=$1
OUT=${2:-${REPORT%.html}.png}
if [ ! -f "$REPORT" ]; then
  echo "no report at $REPORT; write one with: ./edgeinfer bench MODEL --html $REPORT" >&2
  exit 2
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "chromium is not installed; install Debian's package with: apt-get install chromium" >&2
  exit 3
fi
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
URL="file://$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")"
rm -f "$OUT"
timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$PROFILE" --screenshot="$OUT" --window-size=1200,2000 "$URL" \
  >"$PROFILE/chromium.log" 2>&1 || {
  echo "chromium failed to render $REPORT:" >&2
  tail -n 20 "$PROFILE/chromium.log" >&2
  exit 1
}
if [ ! -s "$OUT" ]; then
  echo "chromium wrote no screenshot for $REPORT" >&2
  exit 1
fi
echo "$OUT: $(wc -c <"$OUT" | tr -d ' ') bytes"
