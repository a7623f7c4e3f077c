#!/usr/bin/env bash
# End-to-end tests of linli-counter: the real window, under Xvfb with Mesa's
# software OpenGL, driven by a replay script (tests/ui/replays/*.replay).
#
#   run_e2e.sh SCENARIO COUNTER_BIN LINLI_BIN WORK_DIR [WIDTHxHEIGHT]
#
# The window is 1280x800 (the demo's size) unless a size is given; the
# counter runs at --ui-scale 1 either way.
#
# Scenarios:
#   checkout  sign in, open the shift, three items (one a weighed label), cash;
#             checks the committed sale in the database, the printed receipt
#             and the screenshots
#   cjk       Chinese product names drawn glyph for glyph as the font renders
#             them (the counter compares the screen with the font atlas)
#   prompts   typing into pre-filled boxes replaces them; amounts past the
#             bounds ask to confirm (float, quantity, pay-in)
#   day       a whole day: sell, suspend/resume, payment code, refund with a
#             manager PIN, pay-in, X report, close with a count, Z report
#   fit       every screen and prompt fits the window: nothing cut off or
#             hidden, touch targets 44 px high, 付款 primary and 清空/删除行
#             muted (expect-fit, expect-tone); run at each size shops have
set -euo pipefail
SCENARIO=$1 COUNTER=$2 L=$3 SIZE=${5:-1280x800}
WORK=$4/$1
[[ $# -ge 5 ]] && WORK=$4/$1-$SIZE
[[ $SIZE =~ ^([0-9]+)x([0-9]+)$ ]] || { echo "e2e $SCENARIO: size must be WIDTHxHEIGHT, not '$SIZE'" >&2; exit 2; }
WIDTH=${BASH_REMATCH[1]} HEIGHT=${BASH_REMATCH[2]}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)

fail() { echo "e2e $SCENARIO: FAIL: $*" >&2; exit 1; }
command -v xvfb-run >/dev/null || fail "xvfb-run is missing (apt-get install xvfb xauth)"

rm -rf "$WORK"
mkdir -p "$WORK/shots" "$WORK/spool"
DB=$WORK/store.db
"$HERE/make_store.sh" "$L" "$DB" "$SRC"

# Receipt numbers carry the store-local business date.
TODAY=$(TZ=Asia/Shanghai date +%Y%m%d)
sed "s/@DATE@/$TODAY/g" "$HERE/replays/$SCENARIO.replay" > "$WORK/script.replay"

export LIBGL_ALWAYS_SOFTWARE=1
rc=0
xvfb-run -a -s "-screen 0 ${WIDTH}x${HEIGHT}x24" \
  "$COUNTER" --db "$DB" --replay "$WORK/script.replay" --screenshots "$WORK/shots" \
  --report "$WORK/report.jsonl" --printer "spool:$WORK/spool" --scale fake --lang zh_CN \
  --width "$WIDTH" --height "$HEIGHT" --ui-scale 1 > "$WORK/counter.log" 2>&1 || rc=$?
cat "$WORK/counter.log"
[[ $rc -eq 0 ]] || fail "linli-counter exited $rc (report: $WORK/report.jsonl)"
grep -q '"check":"failure"' "$WORK/report.jsonl" && fail "replay checks failed"

# Every screenshot is a real picture, and no two screens look the same.
check_shots() {
  local n=0
  for f in "$WORK"/shots/*.png; do
    [[ $(head -c 8 "$f" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$f is not a PNG"
    [[ $(stat -c %s "$f") -gt 15000 ]] || fail "$f looks blank ($(stat -c %s "$f") bytes)"
    n=$((n + 1))
  done
  local distinct
  distinct=$(md5sum "$WORK"/shots/*.png | cut -d' ' -f1 | sort -u | wc -l)
  [[ $distinct -eq $n ]] || fail "only $distinct distinct screenshots of $n"
  echo "screenshots: $n, all distinct"
}

# The text checks passed: glyphs present, screen matches the font rendering.
check_text() {
  local want=$1 got
  got=$(grep -c '"check":"text".*"pass":true' "$WORK/report.jsonl" || true)
  [[ $got -eq $want ]] || fail "expected $want passing text checks, got $got"
  grep '"check":"text"' "$WORK/report.jsonl" | grep -q '"missing_glyphs":0' || fail "missing glyphs"
  grep '"check":"text"' "$WORK/report.jsonl" | sed 's/.*"correlation":\([0-9.]*\).*"text":"\([^"]*\)".*/  text check "\2": correlation \1/'
}

q() { sqlite3 -batch -noheader "$DB" "$1"; }

case $SCENARIO in
  checkout)
    check_shots
    check_text 1
    receipt=$(grep '"file":"04-change.png"' "$WORK/report.jsonl" | sed 's/.*"last_receipt":"\([^"]*\)".*/\1/')
    [[ $receipt == S001-$TODAY-0001 ]] || fail "unexpected receipt number '$receipt'"
    show=$("$L" sale show --db "$DB" "$receipt" --json)
    grep -q -- '"kind": "sale"' <<<"$show" || fail "sale not committed"
    grep -q -- '"sku": "YL0001"' <<<"$show" || fail "cola missing"
    grep -q -- '"sku": "YL0002"' <<<"$show" || fail "water missing"
    grep -q -- '"sku": "SG0001"' <<<"$show" || fail "weighed apples missing"
    grep -q -- '"qty_milli": 1200' <<<"$show" || fail "apples should weigh 1.200 kg"
    grep -q -- '"total_fen": 2086' <<<"$show" || fail "total should be 20.86"
    grep -q -- '"change_fen": 7914' <<<"$show" || fail "change from 100 should be 79.14"
    grep -q -- '"method": "cash"' <<<"$show" || fail "tender should be cash"
    "$L" journal verify --db "$DB" >/dev/null || fail "journal does not verify"
    jobs=$(ls "$WORK/spool" | wc -l)
    [[ $jobs -ge 2 ]] || fail "expected the drawer kick and the receipt in the spool, found $jobs jobs"
    echo "sale $receipt committed: 3 lines, 20.86, change 79.14; $jobs print jobs"
    ;;
  cjk)
    check_shots
    check_text 3
    ;;
  day)
    check_shots
    [[ $(q "select count(*) from sales where kind='sale'") -eq 3 ]] || fail "expected 3 sales: $(q 'select kind, receipt_no from sales')"
    [[ $(q "select count(*) from sales where kind='refund'") -eq 1 ]] || fail "expected 1 refund"
    [[ $(q "select l.qty_milli from sale_lines l join sales s on s.id = l.sale_id where s.receipt_no like '%-0001'") -eq 2000 ]] ||
      fail "the rescanned cola should be one line of 2"
    [[ $(q "select l.qty_milli from sale_lines l join sales s on s.id = l.sale_id where s.kind = 'refund'") -eq 1000 ]] ||
      fail "one cola of the two should have been refunded"
    [[ $(q "select count(*) from sale_tenders where method='payment_code'") -ge 1 ]] || fail "no payment-code tender"
    [[ $(q "select count(*) from shifts where closed_at is not null") -eq 1 ]] || fail "shift not closed"
    [[ $(q "select float_fen from shifts") -eq 30000 ]] || fail "float should be 300.00"
    [[ $(q "select counted_cash_fen from shifts") -eq 32650 ]] || fail "counted should be 326.50"
    [[ $(q "select count(*) from cash_movements where kind='pay_in'") -eq 1 ]] || fail "pay-in missing"
    # The water was scanned second but, suspended and resumed, sold third.
    [[ $(q "select s.id from sales s join sale_lines l on l.sale_id = s.id where l.sku = 'YL0002'") -eq 3 ]] ||
      fail "the suspended sale (water) should have been resumed and sold third"
    "$L" journal verify --db "$DB" >/dev/null || fail "journal does not verify"
    reports=$(q "select count(*) from print_jobs where kind='report'")
    [[ $reports -ge 2 ]] || fail "expected X and Z reports printed, found $reports"
    echo "day: 3 sales, 1 refund, shift closed with count 326.50, $reports reports printed"
    ;;
  prompts)
    check_shots
    [[ $(q "select float_fen from shifts") -eq 20000 ]] || fail "float should be 200.00, got $(q 'select float_fen from shifts')"
    [[ $(q "select qty_milli from sale_lines where sku = 'YL0001'") -eq 3000 ]] ||
      fail "F2 then 3 should sell 3, got $(q "select qty_milli from sale_lines where sku = 'YL0001'")"
    [[ $(q "select qty_milli from sale_lines where sku = 'YL0002'") -eq 150000 ]] ||
      fail "150 confirmed should sell 150, got $(q "select qty_milli from sale_lines where sku = 'YL0002'")"
    [[ $(q "select amount_fen from cash_movements where kind = 'pay_in'") -eq 600000 ]] ||
      fail "the confirmed pay-in should be 6000.00, got $(q "select amount_fen from cash_movements")"
    [[ $(q "select count(*) from cash_movements") -eq 1 ]] || fail "one pay-in only"
    echo "prompts: float 200.00, qty 3 and 150 (confirmed), pay-in 6000.00 (confirmed)"
    ;;
  fit)
    check_shots
    # Every expect-fit and expect-tone of the replay ran and passed.
    for check in fit tone; do
      want=$(grep -c "^expect-$check\b" "$HERE/replays/fit.replay")
      got=$(grep -c "\"check\":\"$check\".*\"pass\":true" "$WORK/report.jsonl" || true)
      [[ $got -eq $want ]] || fail "expected $want passing $check checks at $SIZE, got $got"
    done
    check_text 2
    # The member typed in Chinese at the counter is saved as typed.
    [[ $(q "select name from members where phone = '13800138000'") == "张阿姨" ]] ||
      fail "the member added at the counter should be 张阿姨, got $(q 'select name from members')"
    # 删除行 and 清空 asked; Esc kept the lines, Enter voided only the last
    # (Coca-Cola 零度): 5 lines scanned, 4 sold for 24.36.
    [[ $(q "select count(*) from sale_lines where sale_id = 1") -eq 4 ]] ||
      fail "the first sale should have 4 lines, has $(q 'select sku from sale_lines where sale_id = 1')"
    [[ $(q "select count(*) from sale_lines where sale_id = 1 and sku = 'YL0004'") -eq 0 ]] || fail "the voided line was sold"
    [[ $(q "select total_fen from sales where id = 1") -eq 2436 ]] || fail "the first sale should be 24.36"
    echo "fit at $SIZE: $want tone checks, $(grep -c '"check":"fit"' "$WORK/report.jsonl") screens and prompts fit"
    ;;
  *) fail "unknown scenario" ;;
esac
echo "e2e $SCENARIO: OK"
