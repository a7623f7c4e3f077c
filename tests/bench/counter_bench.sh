#!/usr/bin/env bash
# Frame times of linli-counter with a 200-line cart and the search open over
# 100,000 products, under Xvfb with Mesa's software OpenGL. Prints the median
# and p99 per case; a benchmark, not a timed test.
#
#   tests/bench/counter_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
L=$B/cli/linli
C=$B/ui/linli-counter
W=${LINLI_BENCH_DIR:-$B/counter-bench}
N=${LINLI_BENCH_PRODUCTS:-100000}
mkdir -p "$W"
DB=$W/store.db
if [[ ! -f $DB || ! -f $W/barcodes.txt ]]; then
  rm -f "$DB"*
  # 100,000 products: Chinese names from a few hundred characters, EAN-13
  # codes with check digits, every tenth sold by weight.
  awk -v n="$N" 'BEGIN {
    split("可口 百事 农夫 康师傅 统一 娃哈哈 蒙牛 伊利 光明 旺旺 达利 徐福记 三只松鼠 良品 好丽友 乐事 奥利奥 雀巢 海天 李锦记 老干妈 金龙鱼 福临门 鲁花 五粮 青岛 雪花 燕京 红牛 王老吉", brand, " ");
    split("矿泉水 可乐 绿茶 红茶 方便面 牛奶 酸奶 饼干 薯片 瓜子 面包 酱油 醋 食用油 大米 面粉 啤酒 果汁 咖啡 巧克力 糖果 火腿肠 鸡蛋 苹果 香蕉 橙子 西瓜 葡萄 白菜 土豆", item, " ");
    print "sku,barcode,name,category,unit,price,cost,tax_rate,plu";
    for (i = 1; i <= n; i++) {
      body = sprintf("69%010d", i);
      s = 0;
      for (k = 1; k <= 12; k++) s += substr(body, k, 1) * ((k % 2) ? 1 : 3);
      code = body ((10 - s % 10) % 10);
      kg = (i % 10 == 0);
      name = brand[i % 30 + 1] item[int(i / 30) % 30 + 1] " " (i % 997) (kg ? "" : "g");
      printf "B%06d,%s,%s,百货,%s,%d.%02d,1.00,13,%s\n", i, kg ? "" : code, name, kg ? "kg" : "pcs",
             1 + i % 50, i % 100, kg ? sprintf("%05d", i / 10 % 100000) : "";
      if (!kg && i % 97 == 1) print code > "/dev/stderr";
    }
  }' > "$W/catalog.csv" 2> "$W/barcodes.txt"
  $L init --db "$DB" --store-code B001 --name "压测店" >/dev/null
  $L user add --db "$DB" --id 1001 --name 张三 --role cashier --pin 1234 >/dev/null
  echo "importing $N products…"
  $L catalog import --db "$DB" "$W/catalog.csv" >/dev/null
fi
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1280x800x24" \
  "$C" --db "$DB" --bench --bench-barcodes "$W/barcodes.txt" --bench-lines 200 --bench-query 可乐 \
  --bench-frames "${LINLI_BENCH_FRAMES:-200}" --printer none --scale none --ui-scale 1
