#!/bin/sh
# Reproduces the server figures in docs/BENCHMARKS.md with the project's own tools: `edgeinfer serve`
# on loopback, driven by `edgeinfer bench --url`, against `edgeinfer bench FILE` in process, all in
# one session so the ratios see the same machine noise.
#   1. added p50 latency of REST (binary tensors) and gRPC over in-process, digits CNN, single-stream,
#      rounds interleaved;
#   2. p50/p99 under Poisson load at several rates (REST, gRPC, in process), from the scheduled time;
#   3. the peak rate whose p99 stays under 10 ms with 64 concurrent clients, with and without
#      dynamic batching (same server, two models).
# Results go to target/bench/server/. ROUNDS, DURATION and RATES can be overridden.
set -e
cd "$(dirname "$0")/.."
OUT=target/bench/server
REPO=$OUT/repository
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
RATES=${RATES:-"500 1000 2000 4000"}
HTTP_PORT=${HTTP_PORT:-18400}
GRPC_PORT=${GRPC_PORT:-18401}
REST=http://127.0.0.1:$HTTP_PORT
GRPC=grpc://127.0.0.1:$GRPC_PORT
DIGITS=models/digits/digits.onnx
rm -rf "$OUT"
mkdir -p "$REPO/digits/1" "$REPO/digits_batched/1"
cp "$DIGITS" "$REPO/digits/1/model.onnx"
cp "$DIGITS" "$REPO/digits_batched/1/model.onnx"
cat > "$REPO/digits_batched/config.json" <<'EOF'
{"max_batch_size": 64, "dynamic_batching": {"max_queue_delay_microseconds": 200}}
EOF

# p50 and p99 (ms) of a bench JSON's latency block
latency() { sed -n '/"latency_ms" : {/,/}/p' "$1" | grep "\"$2\"" | head -1 | sed 's/.*: *//; s/,//'; }
peak() { grep '"peak_qps"' "$1" | sed 's/.*: *//; s/,//'; }

./edgeinfer serve --model-repository "$REPO" --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" \
  > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT INT TERM
i=0
until grep -q "grpc://" "$OUT/serve.log" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 120 ] || ! kill -0 $SERVER 2>/dev/null; then
    echo "error: the server did not start; see $OUT/serve.log" >&2
    exit 1
  fi
  sleep 0.5
done

echo "== 1. single-stream p50 (ms), digits CNN, $ROUNDS interleaved rounds of $DURATION"
printf '%-6s %-12s %-12s %-12s\n' round in-process rest grpc
r=1
while [ $r -le "$ROUNDS" ]; do
  ./edgeinfer bench "$DIGITS" --duration "$DURATION" --json "$OUT/local-$r.json" > /dev/null 2>&1
  ./edgeinfer bench digits --url "$REST" --duration "$DURATION" --json "$OUT/rest-$r.json" > /dev/null 2>&1
  ./edgeinfer bench digits --url "$GRPC" --duration "$DURATION" --json "$OUT/grpc-$r.json" > /dev/null 2>&1
  printf '%-6s %-12s %-12s %-12s\n' "$r" "$(latency "$OUT/local-$r.json" p50)" \
    "$(latency "$OUT/rest-$r.json" p50)" "$(latency "$OUT/grpc-$r.json" p50)"
  r=$((r + 1))
done

echo "== 2. Poisson load: p50 / p99 (ms) from the scheduled time, $DURATION per rate"
printf '%-8s %-22s %-22s %-22s\n' q/s in-process rest grpc
for q in $RATES; do
  ./edgeinfer bench "$DIGITS" --scenario server --target-qps "$q" --duration "$DURATION" \
    --json "$OUT/poisson-local-$q.json" > /dev/null 2>&1
  ./edgeinfer bench digits --url "$REST" --scenario server --target-qps "$q" --duration "$DURATION" \
    --json "$OUT/poisson-rest-$q.json" > /dev/null 2>&1
  ./edgeinfer bench digits --url "$GRPC" --scenario server --target-qps "$q" --duration "$DURATION" \
    --json "$OUT/poisson-grpc-$q.json" > /dev/null 2>&1
  printf '%-8s %-22s %-22s %-22s\n' "$q" \
    "$(latency "$OUT/poisson-local-$q.json" p50) / $(latency "$OUT/poisson-local-$q.json" p99)" \
    "$(latency "$OUT/poisson-rest-$q.json" p50) / $(latency "$OUT/poisson-rest-$q.json" p99)" \
    "$(latency "$OUT/poisson-grpc-$q.json" p50) / $(latency "$OUT/poisson-grpc-$q.json" p99)"
done

echo "== 3. peak q/s with p99 <= 10 ms, 64 concurrent clients over gRPC, without and with dynamic batching"
./edgeinfer bench digits --url "$GRPC" --scenario server --find-peak --workers 64 \
  --duration 16s --json "$OUT/peak-plain.json" --html "$OUT/peak-plain.html" > /dev/null 2>&1
./edgeinfer bench digits_batched --url "$GRPC" --scenario server --find-peak --workers 64 \
  --duration 16s --json "$OUT/peak-batched.json" --html "$OUT/peak-batched.html" > /dev/null 2>&1
echo "without batching: $(peak "$OUT/peak-plain.json") q/s; with dynamic batching: $(peak "$OUT/peak-batched.json") q/s"
echo "JSON and HTML reports: $OUT/"
