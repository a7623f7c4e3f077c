// Every hub endpoint checked across tenants (issue 7, "Hostile input"):
// org X's HQ user is refused on (or sees nothing of) org Y's data, and store
// S's device key is refused on store T's. The cases are a table keyed by
// "METHOD path"; the test walks hub::RouteTable() — the list the server
// registers its handlers from — and FAILS for any route without a case, so a
// new endpoint cannot land without its cross-tenant check.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <set>

#include "hub/hub_fixture.h"
#include "linli/hub/server.h"

namespace linli::hub::testing {
namespace {

// Two organisations: LL with stores S001 (device s) and S002 (device t), XX
// with store Y001 (device y). alice is LL's admin, bob XX's. Each org has its
// own catalogue and store-specific rows; each device has pushed a chain.
struct Tenants {
  HubFixture f{/*insecure_http=*/true};
  TestDevice s, t, y;
  std::string alice, bob;

  Tenants() {
    REQUIRE(f.Enroll(s, f.token_a_) == 200);
    REQUIRE(f.Enroll(t, f.token_b_) == 200);
    REQUIRE(f.Enroll(y, f.token_y_) == 200);
    alice = f.Login("LL", "alice", "alice-pass");
    bob = f.Login("XX", "bob", "bob-pass-1");
    Post(alice, sync::kPathHqProducts, {{"sku", "L001"}, {"name", "LL-ONLY-PRODUCT"}, {"tax_rate_bp", 1300}});
    Post(alice, sync::kPathHqPrices, {{"sku", "L001"}, {"price_fen", 4321}, {"effective_from", "2026-01-01"}, {"store", "S001"}});
    Post(alice, sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "receipt_footer"}, {"value", "S001-ONLY-CONFIG"}});
    Post(bob, sync::kPathHqProducts, {{"sku", "X001"}, {"name", "XX-ONLY-PRODUCT"}, {"tax_rate_bp", 1300}});
    Post(bob, sync::kPathHqStoreConfig, {{"store", "Y001"}, {"key", "receipt_footer"}, {"value", "Y001-ONLY-CONFIG"}});
    const std::vector<std::pair<TestDevice*, const char*>> chains = {{&s, "L001"}, {&t, "L001"}, {&y, "X001"}};
    for (auto [dev, sku] : chains) {
      auto r = f.Push(*dev, {dev->Next("sale", Sale(sku, 1000, 500)), dev->Next("sale", Sale(sku, 2000, 900))});
      REQUIRE(r);
      REQUIRE(r->status == 200);
    }
    // A product store S001 made at its till (product_edit@1).
    const json till_product = {{"action", "add"}, {"sku", "NLL-TILL-ONLY"}, {"name", "LL-TILL-PRODUCT"},
                               {"unit", "pcs"},   {"price_fen", 100},       {"user", "2001"},
                               {"occurred_at", "2026-11-21T07:00:00.000Z"}};
    auto r = f.Push(s, {s.Next("product_edit", till_product)});
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  void Post(const std::string& token, const char* path, const json& body) {
    auto r = f.HqPost(token, path, body);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, path << ": " << r->body);
  }
  // The device's whole change feed, as the text the hub sent.
  std::string Feed(const TestDevice& d) {
    auto r = f.Signed(d, "GET", std::string(sync::kPathChanges) + "?cursor=0&limit=1000");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return r->body;
  }
  static bool Has(const std::string& body, const std::string& what) { return body.find(what) != std::string::npos; }
};

using Case = std::function<void(Tenants&)>;

// One entry per route in hub::RouteTable().
std::map<std::string, Case> Cases() {
  std::map<std::string, Case> c;
  c["GET /v1/health"] = [](Tenants& x) {
    auto r = x.f.Client()->Get(sync::kPathHealth);
    REQUIRE(r);
    CHECK(r->status == 200);
    for (const std::string& secret : {std::string("S001"), std::string("Y001"), std::string("LL-ONLY"), x.s.id, x.y.id}) {
      CHECK_FALSE(Tenants::Has(r->body, secret));
    }
  };
  c["POST /v1/sync/enroll"] = [](Tenants& x) {
    // Store S's device cannot move itself into org XX's store with XX's token.
    const std::string token = *x.f.store_->NewEnrolToken("XX", "Y001", x.f.clock_.NowMs());
    CHECK(x.f.Enroll(x.s, token) != 200);
    auto dev = x.f.store_->FindDevice(x.s.id);
    REQUIRE(dev.ok());
    CHECK(dev->store_code == "S001");
    CHECK(dev->org_code == "LL");
    // Nor can T's key take S's device id.
    TestDevice impostor;
    impostor.id = x.s.id;
    CHECK(x.f.Enroll(impostor, *x.f.store_->NewEnrolToken("LL", "S002", x.f.clock_.NowMs())) != 200);
  };
  c["GET /v1/sync/hwm"] = [](Tenants& x) {
    auto r = x.f.Signed(x.s, "GET", sync::kPathHwm, "", /*claimed_id=*/x.t.id);
    REQUIRE(r);
    CHECK(r->status == 401);
    r = x.f.Signed(x.s, "GET", sync::kPathHwm, "", /*claimed_id=*/x.y.id);
    REQUIRE(r);
    CHECK(r->status == 401);
    r = x.f.Signed(x.s, "GET", sync::kPathHwm);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    json j = json::parse(r->body);
    CHECK(j["device_id"] == x.s.id);
    CHECK_FALSE(Tenants::Has(r->body, x.t.id));
    CHECK(j["epochs"][0]["head_hash_hex"] == HexEncode(x.s.head));
  };
  c["POST /v1/sync/push"] = [](Tenants& x) {
    auto heads_t = *x.f.store_->Heads(x.t.id);
    auto heads_y = *x.f.store_->Heads(x.y.id);
    TestDevice t_copy = x.t;  // T's next events, properly signed by T
    std::vector<JournalEntry> t_events = {t_copy.Next("sale", Sale("L001", 1000, 1))};
    // S's key, T's device id in the body.
    auto r = x.f.Signed(x.s, "POST", sync::kPathPush, PushBody(x.t.id, t_events));
    REQUIRE(r);
    CHECK(r->status == 403);
    // S's key claiming to be T.
    r = x.f.Signed(x.s, "POST", sync::kPathPush, PushBody(x.t.id, t_events), /*claimed_id=*/x.t.id);
    REQUIRE(r);
    CHECK(r->status == 401);
    // T's events smuggled in under S's own id: refused (hash and signature
    // are bound to T's id and key), stored nowhere.
    r = x.f.Signed(x.s, "POST", sync::kPathPush, PushBody(x.s.id, t_events));
    REQUIRE(r);
    CHECK(r->status == 422);
    // S's key, org XX's device.
    TestDevice y_copy = x.y;
    r = x.f.Signed(x.s, "POST", sync::kPathPush, PushBody(x.y.id, {y_copy.Next("sale", Sale("X001", 1000, 1))}),
                   /*claimed_id=*/x.y.id);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(x.f.store_->Heads(x.t.id)->back().head_seq == heads_t.back().head_seq);
    CHECK(x.f.store_->Heads(x.y.id)->back().head_seq == heads_y.back().head_seq);
  };
  c["POST /v1/sync/fork"] = [](Tenants& x) {
    // A "fork" of T's chain at T's head seq, signed by T: only T may send it.
    TestDevice t_copy = x.t;
    t_copy.seq -= 1;
    std::vector<JournalEntry> t_fork = {t_copy.Next("sale", Sale("L001", 7000, 7))};
    auto r = x.f.Signed(x.s, "POST", sync::kPathFork, PushBody(x.t.id, t_fork));
    REQUIRE(r);
    CHECK(r->status == 403);
    r = x.f.Signed(x.s, "POST", sync::kPathFork, PushBody(x.t.id, t_fork), /*claimed_id=*/x.t.id);
    REQUIRE(r);
    CHECK(r->status == 401);
    r = x.f.Signed(x.s, "POST", sync::kPathFork, PushBody(x.s.id, t_fork));  // T's event under S's id
    REQUIRE(r);
    CHECK(r->status == 422);
    TestDevice y_copy = x.y;
    y_copy.seq -= 1;
    r = x.f.Signed(x.s, "POST", sync::kPathFork, PushBody(x.y.id, {y_copy.Next("sale", Sale("X001", 1000, 1))}),
                   /*claimed_id=*/x.y.id);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(x.f.store_->Forks(x.t.id)->empty());
    CHECK(x.f.store_->Forks(x.y.id)->empty());
    CHECK(x.f.store_->Forks(x.s.id)->empty());
  };
  c["GET /v1/sync/changes"] = [](Tenants& x) {
    const std::string fs = x.Feed(x.s), ft = x.Feed(x.t), fy = x.Feed(x.y);
    CHECK(Tenants::Has(fs, "LL-ONLY-PRODUCT"));
    CHECK(Tenants::Has(fs, "S001-ONLY-CONFIG"));
    CHECK_FALSE(Tenants::Has(fs, "XX-ONLY"));
    CHECK_FALSE(Tenants::Has(fs, "Y001-ONLY"));
    CHECK_FALSE(Tenants::Has(ft, "S001-ONLY-CONFIG"));  // another store of the same org
    CHECK_FALSE(Tenants::Has(ft, "4321"));              // S001's own price
    CHECK_FALSE(Tenants::Has(fy, "LL-ONLY"));
    CHECK_FALSE(Tenants::Has(fy, "S001-ONLY"));
    auto r = x.f.Signed(x.s, "GET", std::string(sync::kPathChanges) + "?cursor=0", "", /*claimed_id=*/x.y.id);
    REQUIRE(r);
    CHECK(r->status == 401);
  };
  c["POST /v1/hq/login"] = [](Tenants& x) {
    auto r = x.f.Client()->Post(sync::kPathHqLogin, json({{"org", "LL"}, {"name", "bob"}, {"password", "bob-pass-1"}}).dump(),
                                "application/json");
    REQUIRE(r);
    CHECK(r->status == 401);
    r = x.f.Client()->Post(sync::kPathHqLogin, json({{"org", "XX"}, {"name", "alice"}, {"password", "alice-pass"}}).dump(),
                           "application/json");
    REQUIRE(r);
    CHECK(r->status == 401);
  };
  c["GET /v1/hq/stores"] = [](Tenants& x) {
    auto r = x.f.HqGet(x.bob, sync::kPathHqStores);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(Tenants::Has(r->body, "Y001"));
    for (const std::string& other : {std::string("S001"), std::string("S002"), x.s.id, x.t.id}) {
      CHECK_FALSE(Tenants::Has(r->body, other));
    }
  };
  c["GET /v1/hq/stock"] = [](Tenants& x) {
    auto r = x.f.HqGet(x.bob, std::string(sync::kPathHqStock) + "?sku=L001&store=S001");
    REQUIRE(r);
    CHECK(r->status == 404);
    // Without a store: every store of bob's organisation (PROTOCOL.md §8),
    // and L001 is LL's product, so XX's one store holds none of it.
    r = x.f.HqGet(x.bob, std::string(sync::kPathHqStock) + "?sku=L001");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json all = json::parse(r->body);
    CHECK(all["total_milli"] == 0);
    REQUIRE(all["stores"].size() == 1);
    CHECK(all["stores"][0]["code"] == "Y001");
    CHECK(all["stores"][0]["on_hand_milli"] == 0);
    r = x.f.HqGet(x.alice, std::string(sync::kPathHqStock) + "?sku=X001&store=Y001");
    REQUIRE(r);
    CHECK(r->status == 404);
  };
  c["GET /v1/hq/store_products"] = [](Tenants& x) {
    auto r = x.f.HqGet(x.bob, std::string(sync::kPathHqStoreProducts) + "?store=S001");
    REQUIRE(r);
    CHECK(r->status == 404);
    r = x.f.HqGet(x.bob, sync::kPathHqStoreProducts);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(json::parse(r->body)["products"].empty());
    CHECK_FALSE(Tenants::Has(r->body, "LL-TILL-PRODUCT"));
    // Alice, of LL, does see it: the case can fail.
    r = x.f.HqGet(x.alice, sync::kPathHqStoreProducts);
    REQUIRE(r);
    CHECK(Tenants::Has(r->body, "LL-TILL-PRODUCT"));
  };
  c["GET /v1/hq/sales"] = [](Tenants& x) {
    for (const char* group : {"store", "sku", "day", "category"}) {
      auto r = x.f.HqGet(x.bob, std::string(sync::kPathHqSales) + "?from=2000-01-01&to=2100-01-01&group=" + group);
      REQUIRE(r);
      REQUIRE(r->status == 200);
      CHECK_FALSE(Tenants::Has(r->body, "S00"));
      CHECK_FALSE(Tenants::Has(r->body, "L001"));
    }
    // LL's day totals hold only LL's sales: 500 + 900 from each of S and T.
    auto r = x.f.HqGet(x.alice, std::string(sync::kPathHqSales) + "?from=2000-01-01&to=2100-01-01&group=day");
    REQUIRE(r);
    int64_t total = 0;
    const json body = json::parse(r->body);
    for (const json& row : body["rows"]) total += row["sales_fen"].get<int64_t>();
    CHECK_MESSAGE(total == 2 * (500 + 900), r->body);
  };
  // Catalogue edits land in the caller's organisation only, and may not
  // name another organisation's store.
  auto edit_case = [](const char* path, json body) {
    return [path, body](Tenants& x) {
      auto r = x.f.HqPost(x.bob, path, body);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK_FALSE(Tenants::Has(x.Feed(x.s), "XX-HACK"));
      CHECK_FALSE(Tenants::Has(x.Feed(x.t), "XX-HACK"));
      CHECK(Tenants::Has(x.Feed(x.y), "XX-HACK"));
    };
  };
  c["POST /v1/hq/products"] = edit_case(sync::kPathHqProducts, {{"sku", "L001"}, {"name", "XX-HACK"}, {"tax_rate_bp", 0}});
  c["POST /v1/hq/categories"] = edit_case(sync::kPathHqCategories, {{"name", "XX-HACK-CAT"}});
  c["POST /v1/hq/tax_classes"] = edit_case(sync::kPathHqTaxClasses, {{"name", "XX-HACK-TAX"}, {"rate_bp", 0}});
  c["POST /v1/hq/promotions"] = edit_case(sync::kPathHqPromotions, {{"code", "XX-HACK-PROMO"}, {"type", "percent_off"}, {"skus", {"X001"}}, {"percent", 99}});
  c["POST /v1/hq/prices"] = [](Tenants& x) {
    auto r = x.f.HqPost(x.bob, sync::kPathHqPrices,
                        {{"sku", "L001"}, {"price_fen", 1}, {"effective_from", "2026-01-01"}, {"store", "S001"}});
    REQUIRE(r);
    CHECK(r->status == 404);
    r = x.f.HqPost(x.bob, sync::kPathHqPrices, {{"sku", "L001"}, {"price_fen", 987654}, {"effective_from", "2026-01-01"}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK_FALSE(Tenants::Has(x.Feed(x.s), "987654"));
    CHECK(Tenants::Has(x.Feed(x.y), "987654"));
  };
  c["POST /v1/hq/store_config"] = [](Tenants& x) {
    auto r = x.f.HqPost(x.bob, sync::kPathHqStoreConfig, {{"store", "S001"}, {"key", "k"}, {"value", "XX-HACK"}});
    REQUIRE(r);
    CHECK(r->status == 404);
    r = x.f.HqPost(x.alice, sync::kPathHqStoreConfig, {{"store", "Y001"}, {"key", "k"}, {"value", "LL-HACK"}});
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK_FALSE(Tenants::Has(x.Feed(x.s), "XX-HACK"));
    CHECK_FALSE(Tenants::Has(x.Feed(x.y), "LL-HACK"));
  };
  c["GET /v1/verify"] = [](Tenants& x) {
    // Anyone may ask, so no credential widens the answer, and the receipt
    // number is looked up in the QR's own store only: every store here holds
    // a receipt "S001-1" (the fixture's sales), Y001 in another organisation.
    auto ask = [&](const std::string& store, const httplib::Headers& h = {}) {
      const std::string qr = "LINLI1|" + store + "|S001-1|500|2026-11-21T07:30:00.000Z|000000000000";
      auto r = x.f.Client()->Get(
          (std::string(sync::kPathVerify) + "?q=" + httplib::detail::encode_query_param(qr)).c_str(), h);
      REQUIRE(r);
      CHECK(r->status == 200);
      return r->body;
    };
    const std::string y = ask("Y001");
    CHECK(Tenants::Has(y, "别家店"));
    const std::string s = ask("S001");
    const std::string s_as_alice = ask("S001", {{"Authorization", "Bearer " + x.alice}});
    CHECK(json::parse(s)["store_name"] == "幸福路店");
    CHECK(json::parse(s_as_alice) == json::parse(s));
    for (const std::string& body : {y, s, s_as_alice}) {
      for (const std::string& secret : {x.s.id, x.t.id, x.y.id, std::string("L001"), std::string("X001")}) {
        CHECK_FALSE(Tenants::Has(body, secret));
      }
    }
    CHECK_FALSE(Tenants::Has(y, "幸福路店"));
    CHECK_FALSE(Tenants::Has(s, "别家店"));
  };
  return c;
}

TEST_CASE("cross-tenant: every hub route has a case in the table, and no table case names a route the hub lacks") {
  const auto cases = Cases();
  std::set<std::string> routes;
  for (const Route& r : RouteTable()) {
    const std::string key = r.method + " " + r.path;
    routes.insert(key);
    CHECK_MESSAGE(cases.count(key) == 1, "hub route " << key
                                                      << " has no cross-tenant case in tests/sync_fault/cross_tenant_test.cc");
  }
  for (const auto& [key, fn] : cases) CHECK_MESSAGE(routes.count(key) == 1, "stale case for " << key);
}

TEST_CASE("cross-tenant: org X's user and store S's key are refused on org Y's and store T's data, route by route") {
  Tenants x;
  const auto cases = Cases();
  for (const Route& r : RouteTable()) {
    const std::string key = r.method + " " + r.path;
    auto it = cases.find(key);
    if (it == cases.end()) continue;  // reported by the test above
    INFO("route " << key);
    it->second(x);
    // Whatever the route, the wrong kind of credential is refused: a device
    // key on an HQ route, an HQ session on a device route.
    if (r.auth == "hq") {
      auto res = x.f.Signed(x.s, r.method, r.path, r.method == "POST" ? "{}" : "");
      REQUIRE(res);
      CHECK(res->status == 401);
    } else if (r.auth == "device") {
      auto res = r.method == "GET" ? x.f.HqGet(x.alice, r.path) : x.f.HqPost(x.alice, r.path, json::object());
      REQUIRE(res);
      CHECK((res->status == 400 || res->status == 401 || res->status == 426));
    }
  }
}

}  // namespace
}  // namespace linli::hub::testing
