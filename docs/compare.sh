#!/bin/sh
# compare.sh PRESET BATCH [ROUNDS]: alternate deepnet bench and the PyTorch
# peer (A B A B ...) ROUNDS times (default 5) and print each pair's
# images/s, then the median of the ratios deepnet/PyTorch.
# Needs a deepnet binary in $DEEPNET (default ./deepnet) and MNIST in
# ~/.cache/deepnet/mnist. PEER_THREADS (default 2, the peer's default) sets
# PyTorch's threads; PEER_IMAGES (default 8000) its timed images.
set -eu
preset=$1 batch=$2 rounds=${3:-5}
dn=${DEEPNET:-./deepnet}
peer=$(dirname "$0")/../../shared/bench/pytorch_nielsen.py
[ -f "$peer" ] || peer=/work/shared/bench/pytorch_nielsen.py
out=$(mktemp)
i=0
while [ $i -lt "$rounds" ]; do
	a=$("$dn" bench --preset "$preset" --batch "$batch" --images 20000 2>/dev/null | awk '/^train_images_per_sec/ {print $2}')
	b=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$peer" --data ~/.cache/deepnet/mnist \
		--preset "$preset" --batch "$batch" --time "${PEER_IMAGES:-8000}" \
		--threads "${PEER_THREADS:-2}" 2>/dev/null | awk '/^train_images_per_sec/ {print $2}')
	echo "$preset batch=$batch round=$i deepnet=$a pytorch=$b"
	echo "$a $b" >>"$out"
	i=$((i + 1))
done
python3 - "$out" "$preset" "$batch" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
r = [a / b for a, b in rows]
print(f"{sys.argv[2]} batch={sys.argv[3]} deepnet_median={statistics.median(a for a, _ in rows):.0f} "
      f"pytorch_median={statistics.median(b for _, b in rows):.0f} median_ratio={statistics.median(r):.2f} "
      f"ratios={' '.join(f'{x:.2f}' for x in r)}")
PY
rm -f "$out"
