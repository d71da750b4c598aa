#!/bin/sh
# compare_rbm.sh [ROUNDS]: alternate deepnet rbm --pcd and scikit-learn's
# BernoulliRBM (docs/sklearn_rbm.py) ROUNDS times (default 5), A B A B ...,
# on the same settings: 500 hidden units, mini-batches of 100, learning
# rate 0.1 (both on the mean gradient of a mini-batch), no momentum, no
# weight cost, PCD-1, EPOCHS epochs (default 3) of MNIST's first 50,000
# training images read as probabilities. deepnet's seconds are its
# training alone (train_seconds in its metrics: the steps and the
# updates, not its per-epoch scoring), scikit-learn's the fit call's.
# Prints each pair's seconds per epoch, then the median of the ratios
# scikit-learn/deepnet (how many times faster deepnet trains).
# Needs a deepnet binary in $DEEPNET (default ./deepnet), MNIST in
# ~/.cache/deepnet/mnist and Debian's python3-sklearn; DTYPE (default
# float64, what numpy makes of images/255; or float32) is scikit-learn's
# dtype, PEER_THREADS (default 2) OpenBLAS's threads, WORKERS (default:
# deepnet's, all cores) deepnet's --workers.
set -eu
rounds=${1:-5}
epochs=${EPOCHS:-3}
dn=${DEEPNET:-./deepnet}
peer=$(dirname "$0")/sklearn_rbm.py
tmp=$(mktemp -d)
i=0
while [ $i -lt "$rounds" ]; do
	"$dn" rbm --pcd --hidden 500 --batch 100 --eta 0.1 --momentum 0 --weight-cost 0 --epochs "$epochs" \
		${WORKERS:+--workers "$WORKERS"} --metrics "$tmp/m.jsonl" >/dev/null 2>&1
	a=$(python3 -c 'import json, sys; r = [json.loads(l)["train_seconds"] for l in open(sys.argv[1])]; print(f"{sum(r) / len(r):.3f}")' "$tmp/m.jsonl")
	b=$(OPENBLAS_NUM_THREADS=${PEER_THREADS:-2} /usr/bin/python3 "$peer" --epochs "$epochs" --dtype "${DTYPE:-float64}" \
		2>/dev/null | awk '/^seconds_per_epoch/ {print $2}')
	echo "round=$i deepnet_workers=${WORKERS:-all} seconds_per_epoch=$a sklearn_${DTYPE:-float64}_threads=${PEER_THREADS:-2} seconds_per_epoch=$b"
	echo "$a $b" >>"$tmp/pairs"
	i=$((i + 1))
done
python3 - "$tmp/pairs" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
r = [b / a for a, b in rows]
print(f"deepnet_median={statistics.median(a for a, _ in rows):.3f}s sklearn_median={statistics.median(b for _, b in rows):.3f}s "
      f"median_ratio={statistics.median(r):.2f} ratios={' '.join(f'{x:.2f}' for x in r)}")
PY
rm -rf "$tmp"
