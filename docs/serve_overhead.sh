#!/usr/bin/env bash
# What train --serve costs: alternating runs of the same training without
# and with --serve (a page, curl, following its events throughout), each
# timed whole by /usr/bin/time: wall seconds and CPU seconds (user +
# system). Usage: docs/serve_overhead.sh [DEEPNET] [PAIRS] (a deepnet
# binary, by default one built from this tree; 6 pairs).
set -u
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$(mktemp -d)/deepnet
  go build -o "$bin" "$(dirname "$0")/../cmd/deepnet"
fi
pairs=${2:-6}
tmp=$(mktemp -d)
args=(train --preset relu --epochs 2 --seed 1)
for i in $(seq "$pairs"); do
  for mode in plain serve; do
    extra=()
    [ $mode = serve ] && extra=(--serve 127.0.0.1:0)
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$bin" "${args[@]}" "${extra[@]}" > "$tmp/out" 2>/dev/null &
    pid=$!
    if [ $mode = serve ]; then
      url=""
      while [ -z "$url" ]; do sleep 0.2; url=$(grep -o 'http://[0-9.:]*/' "$tmp/out" | head -1); done
      curl -sN "${url}api/events" > /dev/null &
    fi
    wait $pid
    read -r e u s < "$tmp/time"
    echo "$mode $i wall $e cpu $(echo "$u + $s" | bc)"
  done
done
