#!/bin/sh
# Inference speed, deepnet against ONNX Runtime (onnxruntime-node, CPU, 2
# threads) on the same network: for each preset P, deepnet bench --infer
# writes the network it times (random weights) as ONNX, then the two run
# alternately ROUNDS times (deepnet, ORT, deepnet, ORT...) and the median
# images per second of each, at batch 1 and 64, is printed.
#
#     go build -o /tmp/dn ./cmd/deepnet
#     (cd onnx/testdata/ort && ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci)
#     DEEPNET=/tmp/dn sh docs/compare_infer.sh "relu dropout best" 5 5000
set -eu
cd "$(dirname "$0")/.."
DEEPNET=${DEEPNET:-deepnet}
PRESETS=${1:-"relu dropout best"}
ROUNDS=${2:-5}
IMAGES=${3:-5000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "| preset | deepnet batch 1 | ORT batch 1 | deepnet batch 64 | ORT batch 64 |"
echo "| --- | --- | --- | --- | --- |"
for p in $PRESETS; do
  $DEEPNET bench --infer --preset "$p" --images 64 --onnx "$tmp/$p.onnx" >/dev/null
  for r in $(seq "$ROUNDS"); do
    $DEEPNET bench --infer --preset "$p" --images "$IMAGES" >>"$tmp/$p.dn"
    ORT_THREADS=2 node onnx/testdata/ort/bench.js "$tmp/$p.onnx" "$IMAGES" >>"$tmp/$p.ort"
  done
  row="| $p"
  for b in 1 64; do
    for f in dn ort; do
      row="$row | $(grep "infer_batch${b}_images_per_sec" "$tmp/$p.$f" | awk '{print $2}' | median)"
    done
  done
  echo "$row |"
done
