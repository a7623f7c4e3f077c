// The audit log read back (audit.h): filters by store-local dates, user and
// action, newest first (issue 12, `linli audit list`).
#include <doctest/doctest.h>

#include "linli/pos/audit.h"
#include "linli/pos/store.h"
#include "testing.h"

using namespace linli;

namespace {

struct Log {
  linli::testing::TempDir dir;
  std::unique_ptr<Database> db = std::move(OpenStore(linli::testing::MakeStore(dir))).value();

  void Add(const std::string& action, const std::string& user, const std::string& approver, int64_t at_ms) {
    RecordAudit(*db, {action, user, approver, "原因", "1", "2"}, FormatUtc(at_ms));
  }

  std::vector<int64_t> Ids(const AuditFilter& f) {
    auto rows = ListAudit(*db, f);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    std::vector<int64_t> ids;
    for (const AuditEntry& e : *rows) ids.push_back(e.id);
    return ids;
  }
};

AuditFilter Filter(std::string from, std::string to, std::string user = "", std::string action = "") {
  AuditFilter f;
  f.from = std::move(from);
  f.to = std::move(to);
  f.user = std::move(user);
  f.action = std::move(action);
  return f;
}

// 2026-11-21 in Shanghai (UTC+8) runs from 2026-11-20T16:00Z to 2026-11-21T16:00Z.
const int64_t kDay21Start = UtcMsOf(2026, 11, 20, 16, 0, 0);

}  // namespace

TEST_CASE("audit: rows come back newest first with UTC and local times") {
  Log l;
  l.Add("no_sale", "1001", "", kDay21Start + 1000);
  l.Add("price_override", "1001", "2001", kDay21Start + 2000);
  auto rows = ListAudit(*l.db, {});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  const AuditEntry& e = rows->at(0);
  CHECK(e.record.action == "price_override");
  CHECK(e.record.user_id == "1001");
  CHECK(e.record.approved_by == "2001");
  CHECK(e.record.reason == "原因");
  CHECK(e.record.before == "1");
  CHECK(e.record.after == "2");
  CHECK(e.occurred_at == "2026-11-20T16:00:02.000Z");
  CHECK(e.local_time == "2026-11-21 00:00:02");
  CHECK(rows->at(1).record.approved_by == "");
}

TEST_CASE("audit: --from and --to are store-local dates, both inclusive") {
  Log l;
  l.Add("a", "1001", "", kDay21Start - 1);              // id 1: 20th, 23:59:59.999 local
  l.Add("a", "1001", "", kDay21Start);                  // id 2: 21st, midnight local
  l.Add("a", "1001", "", kDay21Start + 86'400'000 - 1); // id 3: 21st, last moment
  l.Add("a", "1001", "", kDay21Start + 86'400'000);     // id 4: 22nd
  CHECK(l.Ids(Filter("2026-11-21", "2026-11-21")) == std::vector<int64_t>{3, 2});
  CHECK(l.Ids(Filter("2026-11-21", "")) == std::vector<int64_t>{4, 3, 2});
  CHECK(l.Ids(Filter("", "2026-11-20")) == std::vector<int64_t>{1});
  AuditFilter utc = Filter("2026-11-21", "2026-11-21");
  utc.timezone = "UTC";  // the same rows on a UTC day: the zone decides
  CHECK(l.Ids(utc) == std::vector<int64_t>{4, 3});
}

TEST_CASE("audit: --user matches who did it or who approved it; --action matches exactly") {
  Log l;
  l.Add("price_override", "1001", "2001", kDay21Start);
  l.Add("config_set", "2001", "", kDay21Start + 1);
  l.Add("no_sale", "1002", "", kDay21Start + 2);
  CHECK(l.Ids(Filter("", "", "2001")) == std::vector<int64_t>{2, 1});
  CHECK(l.Ids(Filter("", "", "1002")) == std::vector<int64_t>{3});
  CHECK(l.Ids(Filter("", "", "", "config_set")) == std::vector<int64_t>{2});
  CHECK(l.Ids(Filter("", "", "2001", "no_sale")).empty());
}

TEST_CASE("audit: bad dates name the option") {
  Log l;
  auto r = ListAudit(*l.db, Filter("2026-11-31", ""));
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message().find("--from") != std::string::npos);
  r = ListAudit(*l.db, Filter("", "21/11/2026"));
  CHECK(r.status().message().find("--to") != std::string::npos);
  r = ListAudit(*l.db, Filter("2026-11-22", "2026-11-21"));
  CHECK(r.status().message().find("after --to") != std::string::npos);
}
