// A store database restored from an old backup (issue 7): it takes a new
// epoch, the hub accepts the new epoch linked to the local head (PROTOCOL.md
// §6.4), and no sale made after the restore is lost — whether the restore
// went through `linli restore` or the file was copied back by hand (caught
// by the journal head sidecar at OpenStore, restore_guard.h).
#include <doctest/doctest.h>

#include <filesystem>

#include "linli/pos/restore_guard.h"
#include "sync_fault_util.h"

namespace linli::sync_fault {
namespace {

namespace fs = std::filesystem;

int64_t HubSalesFen(Hub& hub, const std::string& code) {
  auto j = hub.store->Sales(*hub.store->OrgId("LL"), "2000-01-01", "2100-01-01", "store");
  REQUIRE(j.ok());
  for (const json& r : (*j)["rows"]) {
    if (r["key"] == code) return r["sales_fen"].get<int64_t>();
  }
  return 0;
}

json StoreRow(Hub& hub, const std::string& code) {
  auto j = hub.store->Stores(*hub.store->OrgId("LL"), hub.clock.NowMs());
  REQUIRE(j.ok());
  for (const json& s : (*j)["stores"]) {
    if (s["code"] == code) return s;
  }
  return json::object();
}

void CopyOver(const std::string& from, const std::string& to) {
  fs::remove(to + "-wal");
  fs::remove(to + "-shm");
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

TEST_CASE("sync under faults: linli restore from an old backup takes a new epoch, the hub accepts it and no new sale is lost") {
  SystemClock clock;
  Hub hub(clock);
  hub.Org("LL");
  hub.Product("LL", "A001", 350);
  Till till("S001", clock);
  till.Enroll(hub.Url(), hub.AddStore("LL", "S001"));
  till.SyncClean();

  int64_t total = 0;
  for (int i = 0; i < 4; ++i) total += till.Sell({{"A001", 1}});
  till.SyncClean();
  // An online backup while the till is open.
  const std::string backup = till.dir.File("backup-1.db");
  auto r = testing::RunLinli("backup --db '" + till.path + "' --to '" + backup + "'");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(testing::RunLinli("backup --db '" + till.path + "' --to '" + backup + "'").exit_code != 0);  // never overwrites
  const int64_t backup_seq = JournalHead(*till.db)->seq;
  // Business goes on after the backup, and reaches the hub.
  for (int i = 0; i < 3; ++i) total += till.Sell({{"A001", 2}});
  till.SyncClean();
  const int64_t lost_head = JournalHead(*till.db)->seq;
  REQUIRE(lost_head > backup_seq);

  // The disk dies; the till is restored from the backup with the command.
  till.Close();
  r = testing::RunLinli("restore --db '" + till.path + "' --from '" + backup + "' --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json rep = json::parse(r.out);
  CHECK(rep["old_epoch"] == 1);
  CHECK(rep["new_epoch"] == 2);
  CHECK(rep["head_seq"] == backup_seq);
  till.Open();
  CHECK(LoadDevice(*till.db)->epoch == 2);
  CHECK(JournalHead(*till.db)->seq == backup_seq);

  // New sales before the next sync: they must not collide with the seqs the
  // hub already holds from epoch 1.
  int64_t after = 0;
  for (int i = 0; i < 3; ++i) after += till.Sell({{"A001", 3}});
  total += after;
  till.SyncClean();
  CheckHubHolds(hub.path, till, /*exact=*/false);  // the hub also keeps epoch 1's lost tail
  auto heads = hub.store->Heads(till.DeviceId());
  REQUIRE(heads.ok());
  REQUIRE(heads->size() == 2);
  CHECK((*heads)[0].epoch == 1);
  CHECK((*heads)[0].head_seq == lost_head);
  CHECK((*heads)[1].epoch == 2);
  CHECK((*heads)[1].first_seq == backup_seq + 1);
  CHECK((*heads)[1].head_seq == JournalHead(*till.db)->seq);
  // Every sale ever made is at HQ: the ones the restore lost locally, and
  // the new ones.
  CHECK(HubSalesFen(hub, "S001") == total);
  json row = StoreRow(hub, "S001");
  CHECK(row["forks"] == 0);
  CHECK(row["quarantined"] == 0);
  CHECK(row["devices"][0]["epochs"].size() == 2);
  CheckProjectionsRebuild(*hub.store);
}

TEST_CASE("sync under faults: a database file copied back from an old backup is caught at open and takes a new epoch") {
  SystemClock clock;
  Hub hub(clock);
  hub.Org("LL");
  hub.Product("LL", "A001", 350);
  Till till("S002", clock);
  till.Enroll(hub.Url(), hub.AddStore("LL", "S002"));
  till.SyncClean();
  int64_t total = 0;
  for (int i = 0; i < 3; ++i) total += till.Sell({{"A001", 1}});
  till.SyncClean();

  // A backup by plain file copy, with the till closed.
  till.Close();
  const std::string backup = till.dir.File("copy.db");
  fs::copy_file(till.path, backup);
  till.Open();
  CHECK(LoadDevice(*till.db)->epoch == 1);  // reopening the same file is not a restore
  const int64_t backup_seq = JournalHead(*till.db)->seq;
  for (int i = 0; i < 4; ++i) total += till.Sell({{"A001", 1}});
  SUBCASE("the lost sales had reached the hub") { till.SyncClean(); }
  SUBCASE("the lost sales had not reached the hub") {}
  const auto mark = ReadHeadSidecar(till.path);
  REQUIRE(mark.has_value());
  CHECK(mark->seq == JournalHead(*till.db)->seq);  // the sidecar follows every commit

  // The file is put back by hand.
  till.Close();
  CopyOver(backup, till.path);
  till.Open();
  auto dev = LoadDevice(*till.db);
  CHECK(dev->epoch == 2);
  CHECK(GetConfig(*till.db, "restore_detected").has_value());
  // Sell before syncing: these events continue from the restored head in
  // epoch 2, so they cannot be mistaken for (or refused as) forks.
  int64_t after = 0;
  for (int i = 0; i < 2; ++i) after += till.Sell({{"A001", 5}});
  CHECK(JournalHead(*till.db)->seq == backup_seq + 2);
  CHECK(JournalHead(*till.db)->epoch == 2);
  till.SyncClean();
  CheckHubHolds(hub.path, till, /*exact=*/false);
  json row = StoreRow(hub, "S002");
  CHECK(row["forks"] == 0);
  CHECK(row["quarantined"] == 0);
  // The new sales are at HQ.
  CHECK(HubSalesFen(hub, "S002") >= after);
  // Opening again changes nothing.
  till.Close();
  till.Open();
  CHECK(LoadDevice(*till.db)->epoch == 2);
  CheckProjectionsRebuild(*hub.store);
}

}  // namespace
}  // namespace linli::sync_fault
