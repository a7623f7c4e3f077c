#include <doctest/doctest.h>

#include "linli/pos/catalog.h"
#include "linli/pos/inventory.h"
#include "linli/pos/store.h"
#include "testing.h"

using namespace linli;

TEST_CASE("stock is the sum of movements and the cache agrees") {
  linli::testing::TempDir dir;
  auto db = OpenStore(linli::testing::MakeStore(dir));
  SystemClock clock;
  auto rep = ImportCatalogCsv(**db, "sku,name,unit,price\nA1,可乐,pcs,3.5\nK1,苹果,kg,12.8\n", {}, clock);
  REQUIRE(rep.ok());
  REQUIRE(rep->written);

  CHECK(AdjustStock(**db, {"A1", 24000, MovementReason::kReceive, "", ""}, clock)->on_hand_milli == 24000);
  CHECK(AdjustStock(**db, {"A1", 2000, MovementReason::kDamage, "", "破损"}, clock)->on_hand_milli == 22000);
  auto count = AdjustStock(**db, {"A1", 20000, MovementReason::kCount, "", ""}, clock);
  CHECK(count->movement_milli == -2000);
  CHECK(count->on_hand_milli == 20000);
  // Negative stock is allowed and reported.
  CHECK(AdjustStock(**db, {"K1", 1500, MovementReason::kLoss, "", ""}, clock)->on_hand_milli == -1500);

  Statement sum = (*db)->Prepare(
      "SELECT p.sku, (SELECT COALESCE(SUM(qty_milli),0) FROM stock_movements m WHERE m.product_id = p.id), "
      "s.qty_milli FROM products p JOIN stock_on_hand s ON s.product_id = p.id");
  int rows = 0;
  while (sum.Step()) {
    CHECK(sum.Int(1) == sum.Int(2));
    ++rows;
  }
  CHECK(rows == 2);
  auto all = ShowStock(**db, std::nullopt);
  REQUIRE(all->size() == 2);
  CHECK((*all)[1].on_hand_milli == -1500);
}

TEST_CASE("stock adjustments refuse what makes no sense") {
  linli::testing::TempDir dir;
  auto db = OpenStore(linli::testing::MakeStore(dir));
  SystemClock clock;
  REQUIRE(ImportCatalogCsv(**db, "sku,name,price\nA1,可乐,3.5\n", {}, clock)->written);
  CHECK(AdjustStock(**db, {"NOPE", 1000, MovementReason::kReceive, "", ""}, clock).status().IsNotFound());
  CHECK(AdjustStock(**db, {"A1", -1000, MovementReason::kReceive, "", ""}, clock).status().IsInvalidArgument());
  CHECK(AdjustStock(**db, {"A1", -1000, MovementReason::kCount, "", ""}, clock).status().IsInvalidArgument());
  CHECK(AdjustStock(**db, {"A1", 0, MovementReason::kCorrection, "", ""}, clock).status().IsInvalidArgument());
  CHECK(ParseMovementReason("gift").status().message().find("gift") != std::string::npos);
  Statement n = (*db)->Prepare("SELECT count(*) FROM stock_movements");
  n.Step();
  CHECK(n.Int(0) == 0);
}

// Issue 11: `stock adjust --qty 2.5` for a piece item was recorded as 2.5
// pieces; pieces are whole, parts are for weighed goods.
TEST_CASE("stock adjustments of a piece item take whole pieces only, weighed goods take grams") {
  linli::testing::TempDir dir;
  auto db = OpenStore(linli::testing::MakeStore(dir));
  SystemClock clock;
  REQUIRE(ImportCatalogCsv(**db, "sku,name,unit,price\nA1,可乐,pcs,3.5\nK1,苹果,kg,12.8\n", {}, clock)->written);
  for (MovementReason reason : {MovementReason::kReceive, MovementReason::kCount, MovementReason::kCorrection}) {
    auto half = AdjustStock(**db, {"A1", 2500, reason, "", ""}, clock);
    REQUIRE_FALSE(half.ok());
    CHECK(half.status().IsInvalidArgument());
    CHECK(half.status().message().find("whole pieces") != std::string::npos);
    CHECK(half.status().message().find("2.5") != std::string::npos);
  }
  Statement n = (*db)->Prepare("SELECT count(*) FROM stock_movements");
  n.Step();
  CHECK(n.Int(0) == 0);
  CHECK(AdjustStock(**db, {"A1", 3000, MovementReason::kReceive, "", ""}, clock)->on_hand_milli == 3000);
  CHECK(AdjustStock(**db, {"K1", 2500, MovementReason::kReceive, "", ""}, clock)->on_hand_milli == 2500);
}
