#!/bin/sh
# Reproduces the foundation figures in docs/BENCHMARKS.md: overhead against a bare OrtSession.run
# loop (digits CNN and MobileNetV2), offline throughput against the bare loop's best batch, and the
# start-up time and peak RSS of `./edgeinfer run`. Results go to target/bench/.
# MobileNetV2 needs Debian's python3-torch and python3-torchvision to export it once.
set -e
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
DIGITS=models/digits/digits.onnx
MNV2=target/models/mobilenetv2.onnx
DURATION=${DURATION:-20s}

if [ ! -f "$MNV2" ] && [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  /usr/bin/python3 scripts/export-mobilenetv2.py "$MNV2"
fi

echo "== digits CNN, single-stream, 1 thread, vs bare ORT"
./edgeinfer bench "$DIGITS" --scenario single-stream --threads 1 --duration "$DURATION" --compare-bare --json "$OUT/digits-single-stream.json"
echo "== digits CNN, offline (batch sweep), vs bare ORT (its own best batch)"
./edgeinfer bench "$DIGITS" --scenario offline --duration "$DURATION" --compare-bare --json "$OUT/digits-offline.json"
if [ -f "$MNV2" ]; then
  echo "== MobileNetV2, single-stream, all cores, vs bare ORT"
  ./edgeinfer bench "$MNV2" --scenario single-stream --duration "$DURATION" --compare-bare --json "$OUT/mobilenetv2-single-stream.json"
else
  echo "== MobileNetV2 skipped: install python3-torch python3-torchvision to export it"
fi
echo "== ./edgeinfer run: first result after process start, peak RSS (5 runs)"
for i in 1 2 3 4 5; do
  ./edgeinfer run --fps 0 --summary-json "$OUT/run-$i.json" > /dev/null
  grep -E '"(startup_ms|peak_rss_mb)"' "$OUT/run-$i.json" | tr -d '\n '; echo
done
