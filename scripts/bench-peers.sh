#!/bin/sh
# The peer comparison: EdgeInfer against DJL's ONNX Runtime engine (what a Java user would pick
# instead) and a bare OrtSession.run loop (the zero-overhead bound), on the digits CNN and on
# MobileNetV2, single-stream (batch 1, 1 intra-op thread, p50/p90/p99) and offline (batches 1, 8,
# 32 and 128 on all cores, each engine at its best). Engines run in interleaved rounds so machine
# noise falls on all three alike. Tables go to stdout, JSON to target/bench/peers-*.json.
# MobileNetV2 needs Debian's python3-torch and python3-torchvision to export it once.
# About 5 minutes on 2 cores; ROUNDS_SCALE=2 doubles the rounds.
set -e
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
OUT=target/bench
DIGITS=models/digits/digits.onnx
MNV2=target/models/mobilenetv2.onnx
CORES=$(nproc 2>/dev/null || echo 1)
SCALE=${ROUNDS_SCALE:-1}

echo "== building the peers module"
./mvnw -q -Dmaven.test.skip=true -pl peers -am package
CLASSPATH="peers/target/classes:$(cat peers/target/classpath.txt)"  # written by the package phase
mkdir -p "$OUT"

compare() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
    -cp "$CLASSPATH" dev.edgeinfer.peers.PeerComparison "$@"
}

echo "== machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $CORES cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== digits CNN, single-stream, 1 thread"
compare "$DIGITS" --label digits --shape 1,8,8 --scenario single-stream --threads 1 \
  --rounds $((5 * SCALE)) --duration 2s --warmup 1s --json "$OUT/peers-digits-single-stream.json"
echo "== digits CNN, offline, $CORES threads"
compare "$DIGITS" --label digits --shape 1,8,8 --scenario offline --threads "$CORES" --batches 1,8,32,128 \
  --rounds $((5 * SCALE)) --duration 1s --warmup 500ms --json "$OUT/peers-digits-offline.json"

if [ ! -f "$MNV2" ] && [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  /usr/bin/python3 scripts/export-mobilenetv2.py "$MNV2"
fi
if [ -f "$MNV2" ]; then
  echo "== MobileNetV2, single-stream, 1 thread"
  compare "$MNV2" --label mobilenetv2 --shape 3,224,224 --scenario single-stream --threads 1 \
    --rounds $((5 * SCALE)) --duration 3s --warmup 1s --json "$OUT/peers-mobilenetv2-single-stream.json"
  echo "== MobileNetV2, offline, $CORES threads"
  compare "$MNV2" --label mobilenetv2 --shape 3,224,224 --scenario offline --threads "$CORES" --batches 1,8,32,128 \
    --rounds $((3 * SCALE)) --duration 2500ms --warmup 1s --json "$OUT/peers-mobilenetv2-offline.json"
else
  echo "== MobileNetV2 skipped: $MNV2 is missing and /usr/bin/python3 has no torchvision to export it (install python3-torch python3-torchvision)"
fi
