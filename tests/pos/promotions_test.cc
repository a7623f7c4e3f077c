#include "linli/pos/promotions.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "linli/pos/clock.h"

namespace linli {
namespace {

const char* kAllTypes = R"({"promotions":[
  {"id":"P1","name":"可乐第二件半价","type":"nth_item_percent","skus":["A001"],"nth":2,"percent":50},
  {"id":"P2","type":"bundle_price","skus":["B001","B002"],"qty":3,"price":"10.00"},
  {"id":"P3","name":"饮料欢乐时光","type":"percent_off","categories":["饮料"],"percent":"12.5",
   "window":{"days":[5,1,2,3,4],"from":"17:00","to":"19:00"}},
  {"id":"P4","type":"fixed_price","skus":["C001"],"price":"¥2.5","starts":"2026-11-01","ends":"2026-11-30"},
  {"id":"P5","type":"buy_x_get_y","buy_skus":["D001"],"buy_qty":2,"get_skus":["D002"],"get_qty":1},
  {"id":"P6","type":"member_price","skus":["E001"],"price":"3"},
  {"id":"P7","type":"buy_x_get_y","buy_categories":["零食"],"buy_qty":1,"get_qty":1,"get_percent":50,
   "members_only":true}
]})";

TEST_CASE("promotions: every type parses") {
  auto r = ParsePromotions(kAllTypes);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const std::vector<Promotion>& p = *r;
  REQUIRE(p.size() == 7);

  CHECK(p[0].type == PromotionType::kNthItemPercent);
  CHECK(p[0].name == "可乐第二件半价");
  CHECK(p[0].nth == 2);
  CHECK(p[0].percent_bp == 5000);
  CHECK(p[0].target.skus == std::vector<std::string>{"A001"});

  CHECK(p[1].type == PromotionType::kBundlePrice);
  CHECK(p[1].name == "P2");  // defaults to the id
  CHECK(p[1].qty == 3);
  CHECK(p[1].price_fen == 1000);

  CHECK(p[2].type == PromotionType::kPercentOff);
  CHECK(p[2].percent_bp == 1250);
  CHECK(p[2].target.categories == std::vector<std::string>{"饮料"});
  REQUIRE(p[2].window.has_value());
  CHECK(p[2].window->days == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(p[2].window->from_minute == 17 * 60);
  CHECK(p[2].window->to_minute == 19 * 60);

  CHECK(p[3].type == PromotionType::kFixedPrice);
  CHECK(p[3].price_fen == 250);
  CHECK(p[3].starts == "2026-11-01");
  CHECK(p[3].ends == "2026-11-30");

  CHECK(p[4].type == PromotionType::kBuyXGetY);
  CHECK(p[4].buy_qty == 2);
  CHECK(p[4].get_qty == 1);
  CHECK(p[4].percent_bp == 10000);  // free by default
  CHECK(p[4].target.skus == std::vector<std::string>{"D001"});
  CHECK(p[4].get_target.skus == std::vector<std::string>{"D002"});

  CHECK(p[5].type == PromotionType::kMemberPrice);
  CHECK(p[5].members_only);
  CHECK(p[5].price_fen == 300);

  CHECK(p[6].percent_bp == 5000);
  CHECK(p[6].members_only);
  CHECK(p[6].get_target.categories == std::vector<std::string>{"零食"});  // same as buy
}

TEST_CASE("promotions: a bare array is accepted") {
  auto r = ParsePromotions(R"([{"id":"X","type":"percent_off","skus":["A"],"percent":5}])");
  REQUIRE(r.ok());
  CHECK(r->size() == 1);
  CHECK(ParsePromotions(R"({"promotions":[]})")->empty());
}

TEST_CASE("promotions: JSON round trip") {
  auto r = ParsePromotions(kAllTypes);
  REQUIRE(r.ok());
  nlohmann::json doc;
  doc["promotions"] = nlohmann::json::array();
  for (const Promotion& p : *r) doc["promotions"].push_back(PromotionToJson(p));
  auto again = ParsePromotions(doc.dump());
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  REQUIRE(again->size() == r->size());
  for (size_t i = 0; i < r->size(); ++i) {
    CAPTURE(i);
    CHECK(PromotionToJson((*again)[i]) == PromotionToJson((*r)[i]));
  }
  CHECK(PromotionToJson((*r)[0])["percent"] == 50);
  CHECK(PromotionToJson((*r)[2])["percent"] == "12.5");
  CHECK(PromotionToJson((*r)[1])["price"] == "10.00");
}

// Each bad file must be refused with a message naming where, what and the value.
TEST_CASE("promotions: errors name the promotion, field and value") {
  struct Case {
    const char* json;
    std::vector<const char*> needles;
  };
  const std::vector<Case> cases = {
      {"{not json", {"not valid JSON"}},
      {R"({"promos":[]})", {"\"promos\""}},
      {R"({"promotions":{}})", {"not a list"}},
      {R"({"promotions":[{"type":"percent_off","skus":["A"],"percent":5}]})",
       {"promotion #1", "\"id\" is missing"}},
      {R"({"promotions":[{"id":"A","type":"percent_off","skus":["A"],"percent":5},
                         {"id":"B","type":"half_off","skus":["A"]}]})",
       {"promotion #2", "id \"B\"", "\"type\"", "half_off"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":150}]})",
       {"promotion #1", "P9", "\"percent\"", "150", "0 and 100"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":0}]})",
       {"\"percent\"", "more than 0"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":12.5}]})",
       {"\"percent\"", "12.5", "string"}},
      {R"({"promotions":[{"id":"P9","type":"fixed_price","skus":["A"],"price":2.5}]})",
       {"\"price\"", "2.5", "\"2.50\""}},
      {R"({"promotions":[{"id":"P9","type":"fixed_price","skus":["A"],"price":"2.505"}]})",
       {"\"price\"", "2.505", "decimals"}},
      {R"({"promotions":[{"id":"P9","type":"fixed_price","skus":["A"]}]})",
       {"\"price\" is missing"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"precent":10}]})",
       {"unknown field \"precent\""}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","percent":10}]})",
       {"P9", "\"skus\"", "\"categories\""}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":"A","percent":10}]})",
       {"\"skus\"", "not a list"}},
      {R"({"promotions":[{"id":"P9","type":"nth_item_percent","skus":["A"],"nth":1,"percent":50}]})",
       {"\"nth\"", "at least 2"}},
      {R"({"promotions":[{"id":"P9","type":"bundle_price","skus":["A"],"qty":"3","price":"10"}]})",
       {"\"qty\"", "whole number"}},
      {R"({"promotions":[{"id":"P9","type":"buy_x_get_y","buy_qty":2,"get_qty":1}]})",
       {"P9", "buy_skus"}},
      {R"({"promotions":[{"id":"P9","type":"buy_x_get_y","skus":["A"],"buy_qty":2,"get_qty":1}]})",
       {"\"skus\"", "does not apply", "buy_x_get_y"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,"price":"1"}]})",
       {"\"price\"", "does not apply"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "window":{"from":"25:00","to":"26:00"}}]})",
       {"\"window.from\"", "25:00", "HH:MM"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "window":{"days":[0,8]}}]})",
       {"\"window.days\"", "1 (Monday) to 7 (Sunday)"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "window":{"from":"17:00","to":"17:00"}}]})",
       {"\"window\"", "from equals to"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "window":{"start":"17:00"}}]})",
       {"window.start"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "starts":"2026-02-30"}]})",
       {"\"starts\"", "2026-02-30", "YYYY-MM-DD"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "starts":"2026-12-01","ends":"2026-11-01"}]})",
       {"ends \"2026-11-01\" is before starts"}},
      {R"({"promotions":[{"id":"P9","type":"percent_off","skus":["A"],"percent":10,
                          "members_only":"yes"}]})",
       {"\"members_only\"", "true or false"}},
      {R"({"promotions":[{"id":"P1","type":"percent_off","skus":["A"],"percent":10},
                         {"id":"P1","type":"percent_off","skus":["B"],"percent":10}]})",
       {"promotion #2", "P1", "unique"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    auto r = ParsePromotions(c.json);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    for (const char* needle : c.needles) {
      CAPTURE(needle);
      CAPTURE(r.status().message());
      CHECK(r.status().message().find(needle) != std::string::npos);
    }
  }
}

TEST_CASE("promotions: local time in the store's zone") {
  struct Case {
    const char* utc;
    const char* zone;
    const char* date;
    int weekday;
    int minute;
  };
  const Case cases[] = {
      {"2026-11-20T10:00:00.000Z", "Asia/Shanghai", "2026-11-20", 5, 18 * 60},
      {"2026-11-20T16:00:00.000Z", "Asia/Shanghai", "2026-11-21", 6, 0},
      {"2026-11-22T15:59:00.000Z", "Asia/Shanghai", "2026-11-22", 7, 23 * 60 + 59},
      {"2026-11-20T10:00:00.000Z", "UTC", "2026-11-20", 5, 10 * 60},
  };
  for (const Case& c : cases) {
    CAPTURE(c.utc);
    auto t = ToLocalTime(ParseUtc(c.utc), c.zone);
    REQUIRE(t.ok());
    CHECK(t->date == c.date);
    CHECK(t->iso_weekday == c.weekday);
    CHECK(t->minute_of_day == c.minute);
  }
  auto bad = ToLocalTime(0, "Nowhere/Town");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("Nowhere/Town") != std::string::npos);
}

TEST_CASE("promotions: PromotionActive checks dates, window and membership") {
  Promotion p;
  p.window = TimeWindow{{6, 7}, 22 * 60, 2 * 60};  // weekend nights, wraps midnight
  p.starts = "2026-11-01";
  p.ends = "2026-11-30";
  struct Case {
    LocalTime when;
    bool member;
    bool members_only;
    bool active;
  };
  const Case cases[] = {
      {{"2026-11-21", 6, 23 * 60}, false, false, true},
      {{"2026-11-22", 7, 60}, false, false, true},
      {{"2026-11-22", 7, 2 * 60}, false, false, false},   // to is exclusive
      {{"2026-11-20", 5, 23 * 60}, false, false, false},  // Friday
      {{"2026-11-21", 6, 12 * 60}, false, false, false},  // midday
      {{"2026-12-05", 6, 23 * 60}, false, false, false},  // after ends
      {{"2026-11-30", 1, 23 * 60}, false, false, false},  // Monday
      {{"2026-11-21", 6, 23 * 60}, false, true, false},
      {{"2026-11-21", 6, 23 * 60}, true, true, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.when.date);
    CAPTURE(c.when.minute_of_day);
    p.members_only = c.members_only;
    CHECK(PromotionActive(p, c.when, c.member) == c.active);
  }
}

TEST_CASE("promotions: targets match by SKU or category") {
  PromotionTarget t{{"A001"}, {"饮料"}};
  CHECK(t.Matches("A001", "零食"));
  CHECK(t.Matches("Z999", "饮料"));
  CHECK_FALSE(t.Matches("Z999", "零食"));
  CHECK_FALSE(t.Matches("Z999", ""));
  CHECK_FALSE(PromotionTarget{}.Matches("A001", "饮料"));
}

}  // namespace
}  // namespace linli
