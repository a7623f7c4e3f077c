#!/usr/bin/env bash
# Regenerates docs/screenshots/: the counter's main screens at 1280x800, as
# tests/ui/replays/fit.replay leaves them (the demo store of make_store.sh,
# zh_CN, --ui-scale 1), shrunk to indexed PNGs by shrink_png.py.
#
#   tests/ui/screenshots.sh COUNTER_BIN LINLI_BIN
#
# e.g. tests/ui/screenshots.sh build/ui/linli-counter build/cli/linli
set -euo pipefail
COUNTER=$1 L=$2
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
OUT=$SRC/docs/screenshots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$HERE/run_e2e.sh" fit "$COUNTER" "$L" "$WORK" 1280x800 > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; exit 1; }
mkdir -p "$OUT"
for shot in signin checkout payment refund shift search help members quickkeys manage; do
  python3 "$HERE/shrink_png.py" "$WORK/fit-1280x800/shots/$shot.png" "$OUT/$shot.png"
done
du -ch "$OUT"/*.png | tail -1
