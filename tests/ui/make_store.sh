#!/usr/bin/env bash
# Makes the demo store the counter's end-to-end tests run on:
#   make_store.sh LINLI_BIN DB SOURCE_DIR
set -euo pipefail
L=$1 DB=$2 SRC=$3
rm -f "$DB" "$DB-wal" "$DB-shm"
$L init --db "$DB" --store-code S001 --name "邻里便利店" >/dev/null
$L user add --db "$DB" --id 1001 --name 张三 --role cashier --pin 1234 >/dev/null
$L user add --db "$DB" --id 9001 --name 李店长 --role manager --pin 9999 >/dev/null
$L user add --db "$DB" --id 9999 --name 王老板 --role owner --pin 8888 >/dev/null
$L catalog import --db "$DB" "$SRC/packaging/demo/catalog.csv" >/dev/null
# Without the time-windowed promotion (水果晚市, 19:00-22:00 store time): the
# scenarios check exact totals, which must not depend on when the test runs.
# Time windows have their own tests in tests/pos/promotions_test.cc.
grep -v '"window"' "$SRC/packaging/demo/promotions.json" > "$DB.promotions.json"
$L promo import --db "$DB" "$DB.promotions.json" >/dev/null
rm -f "$DB.promotions.json"
# Quick keys (快捷键) for goods without a barcode, as a shop would set them.
$L config set --db "$DB" quick_keys '[{"category":"面包","sku":"MB0001","label":"天然酵母面包"},{"category":"面包","sku":"MB0002"},{"category":"鸡蛋","sku":"LY0023","label":"鸡蛋 30枚"},{"category":"水果","sku":"SG0001"},{"category":"水果","sku":"SG0002"},{"category":"水果","sku":"SG0003"},{"category":"水果","sku":"SG0004"},{"category":"水果","sku":"SG0005"}]' --user 9001 --pin 9999 >/dev/null
