#!/bin/sh
# The TFLite import check: fetches real .tflite models from npm (MediaPipe packages, Apache-2.0),
# converts each with the tflite module, runs the conversion in ONNX Runtime and the original in
# TensorFlow Lite's own interpreter (the JNI build on Maven Central, with and without XNNPACK) on
# the same seeded random input, and prints one Markdown row per model: max abs / relative error,
# the interpreter's own XNNPACK-vs-reference difference as a noise floor, and median latency of
# each engine. Engines run in interleaved rounds, so load from other processes falls on all alike.
# Usage: scripts/check-tflite.sh [THREADS] [ROUNDS] [RUNS_PER_ROUND] [extra .tflite files...]
# Needs npm (only to fetch the models, once) and Maven Central; nothing is fetched at run time.
set -e
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
THREADS=${1:-1}
ROUNDS=${2:-7}
RUNS=${3:-10}
[ $# -gt 3 ] && shift 3 || set --
WORK=target/tflite-check
mkdir -p "$WORK"

for package in @mediapipe/face_detection@0.4.1657300184 @mediapipe/hands@0.4.1675469240 \
    @mediapipe/pose@0.5.1675469404 @mediapipe/objectron@0.4.1675468480 \
    @mediapipe/selfie_segmentation@0.1.1675465747; do
  dir="$WORK/$(echo "$package" | tr '@/' '__')"
  if [ ! -d "$dir" ]; then
    echo "== fetching $package from npm" >&2
    tgz=$(cd "$WORK" && npm pack --silent "$package" 2>/dev/null | tail -n 1)
    mkdir -p "$dir" && tar xzf "$WORK/$tgz" -C "$dir" && rm "$WORK/$tgz"
  fi
done
MODELS=$(find "$WORK" -name '*.tflite' \
  \( -name 'face_detection_*' -o -name 'hand_landmark_*' -o -name 'pose_landmark_lite*' \
     -o -name 'pose_landmark_full*' -o -name 'object_detection_3d_cup*' -o -name 'selfie_*' \) | sort)

echo "== building the tflite module and its test harness" >&2
./mvnw -q -pl tflite -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$WORK/classpath.txt" -Dmdep.includeScope=test >&2
echo "== machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $THREADS thread(s), $ROUNDS interleaved rounds of $RUNS runs per engine"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
  -cp "tflite/target/test-classes:tflite/target/classes:$(cat "$WORK/classpath.txt")" \
  dev.edgeinfer.tflite.TfliteCheck "$THREADS" "$ROUNDS" "$RUNS" $MODELS "$@" 2>/dev/null
