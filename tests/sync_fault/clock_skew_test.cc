// A till whose clock is a day off (issue 7): its requests still pass the
// hub's ±5 min timestamp window (the agent signs with the hub's time, learnt
// from Linli-Hub-Time), its events keep the till's own clock, and the hub
// stores and applies them but flags them in /v1/hq/stores (PROTOCOL.md §3.1).
#include <doctest/doctest.h>

#include <httplib.h>

#include "linli/pos/crypto.h"
#include "sync_fault_util.h"

namespace linli::sync_fault {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

json HqStores(Hub& hub) {
  httplib::Client c("127.0.0.1", hub.server->port());
  auto login = c.Post(sync::kPathHqLogin, json({{"org", "LL"}, {"name", "alice"}, {"password", "alice-pass"}}).dump(),
                      "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  const std::string token = json::parse(login->body)["token"];
  auto res = c.Get(sync::kPathHqStores, {{"Authorization", "Bearer " + token}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->has_header(sync::kHeaderHubTime));
  return json::parse(res->body);
}

TEST_CASE("sync under faults: a till clock skewed by ±24 h syncs, its events are flagged, not refused") {
  SystemClock hub_clock;
  Hub hub(hub_clock);
  hub.Org("LL");
  hub.Product("LL", "A001", 350);
  REQUIRE(hub.store->AddUser("LL", "alice", "viewer", *HashSecret("alice-pass", 10), hub_clock.NowMs()).ok());

  const int64_t now = hub_clock.NowMs();
  FakeClock ahead(now + kDay), behind(now - kDay), right(now);
  Till a("S001", ahead), b("S002", behind), c("S003", right);
  for (Till* t : {&a, &b, &c}) {
    t->Enroll(hub.Url(), hub.AddStore("LL", t->code));
    sync::SyncReport r = t->agent->SyncOnce();
    REQUIRE_MESSAGE(r.status.ok(), t->code << ": " << r.status.ToString());
  }
  int64_t sold_a = 0, sold_b = 0;
  for (int i = 0; i < 3; ++i) {
    sold_a += a.Sell({{"A001", 1}});
    sold_b += b.Sell({{"A001", 2}});
    c.Sell({{"A001", 1}});
    for (FakeClock* k : {&ahead, &behind, &right}) k->Advance(1'000);
  }
  for (Till* t : {&a, &b, &c}) t->SyncClean();
  sync::SyncReport ra = a.agent->SyncOnce(), rb = b.agent->SyncOnce();
  CHECK(std::llabs(ra.clock_offset_ms + kDay) < 60'000);  // the hub is a day behind the till
  CHECK(std::llabs(rb.clock_offset_ms - kDay) < 60'000);

  // A new agent (a restarted `linli sync`) knows no offset yet: its first
  // request is refused as stale, it learns the hub's clock and signs again.
  sync::SyncAgent fresh(*a.db, *a.transport, ahead);
  sync::SyncReport rf = fresh.SyncOnce();
  CHECK_MESSAGE(rf.status.ok(), rf.status.ToString());

  // Stored, applied, and flagged.
  for (Till* t : {&a, &b, &c}) CheckHubHolds(hub.path, *t, /*exact=*/true);
  auto sales = hub.store->Sales(*hub.store->OrgId("LL"), "2000-01-01", "2100-01-01", "store");
  REQUIRE(sales.ok());
  std::map<std::string, int64_t> fen;
  for (const json& r : (*sales)["rows"]) fen[r["key"]] = r["sales_fen"];
  CHECK(fen["S001"] == sold_a);
  CHECK(fen["S002"] == sold_b);
  json stores = HqStores(hub);
  std::map<std::string, json> by_code;
  for (const json& s : stores["stores"]) by_code[s["code"]] = s;
  const int64_t events_a = JournalHead(*a.db)->seq, events_b = JournalHead(*b.db)->seq;
  CHECK(by_code["S001"]["clock_skewed"] == true);
  CHECK(std::llabs(by_code["S001"]["clock_skew_ms"].get<int64_t>() - kDay) < 60'000);
  CHECK(by_code["S001"]["clock_skewed_events"] == events_a);
  CHECK(by_code["S001"]["devices"][0]["clock_skewed"] == true);
  CHECK(by_code["S002"]["clock_skewed"] == true);
  CHECK(std::llabs(by_code["S002"]["clock_skew_ms"].get<int64_t>() + kDay) < 60'000);
  CHECK(by_code["S002"]["clock_skewed_events"] == events_b);
  CHECK(by_code["S003"]["clock_skewed"] == false);
  CHECK(by_code["S003"]["clock_skewed_events"] == 0);
  for (const char* code : {"S001", "S002", "S003"}) {
    CHECK(by_code[code]["quarantined"] == 0);
    CHECK(by_code[code]["flagged"] == 0);  // skew is its own flag; the events applied
  }
  // The events keep the till's own clock.
  const auto hub_a = HubEvents(hub.path, a.DeviceId());
  REQUIRE_FALSE(hub_a.empty());
  CHECK(ParseUtc(hub_a.back().e.occurred_at) > now + kDay - 60'000);
}

TEST_CASE("sync under faults: without the offset a skewed till is refused, and told the hub's time") {
  SystemClock clock;
  Hub hub(clock);
  hub.Org("LL");
  Till a("S001", clock);
  a.Enroll(hub.Url(), hub.AddStore("LL", "S001"));
  auto dev = LoadDevice(*a.db);
  httplib::Client c("127.0.0.1", hub.server->port());
  auto h = *sync::SignRequest(dev->private_key, dev->device_id, "GET", sync::kPathHwm, "", clock.NowMs() - kDay);
  auto res = c.Get(sync::kPathHwm, {{sync::kHeaderProtocol, h.protocol}, {sync::kHeaderDevice, h.device},
                                    {sync::kHeaderTimestamp, h.timestamp}, {sync::kHeaderNonce, h.nonce},
                                    {sync::kHeaderSignature, h.signature}});
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(json::parse(res->body)["error"] == sync::kErrStaleTimestamp);
  const std::string hub_time = res->get_header_value(sync::kHeaderHubTime);
  REQUIRE_FALSE(hub_time.empty());
  CHECK(std::llabs(std::stoll(hub_time) - clock.NowMs()) < 60'000);
}

}  // namespace
}  // namespace linli::sync_fault
