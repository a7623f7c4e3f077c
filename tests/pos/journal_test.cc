#include "linli/pos/journal.h"

#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "linli/pos/crypto.h"
#include "linli/pos/restore_guard.h"
#include "linli/pos/store.h"
#include "testing.h"

namespace linli {
namespace {

using nlohmann::json;
using testing::MakeStore;
using testing::TempDir;

constexpr int64_t kT0 = 1795000000000;  // 2026-11-18T…Z

struct Fixture {
  TempDir dir;
  std::string path = MakeStore(dir);
  std::unique_ptr<Database> db = std::move(OpenStore(path).value());
  FakeClock clock{kT0};

  // Appends one event in its own transaction and commits it.
  JournalEntry Append(const std::string& type, const json& payload) {
    JournalEntry e;
    Status st = Guard([&]() -> Status {
      Transaction tx(*db);
      Result<JournalEntry> r = AppendJournal(*db, type, 1, payload, clock);
      if (!r.ok()) return r.status();
      e = *r;
      tx.Commit();
      return Status::Ok();
    });
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    clock.Advance(1000);
    return e;
  }

  // Appends n sale events, seq 1..n.
  void AppendSales(int n) {
    for (int i = 1; i <= n; ++i) {
      Append("sale", {{"total_fen", 100 * i}, {"lines", json::array({{{"sku", "690"}, {"qty_milli", 1000}}})}});
    }
  }

  // Raw SQL as an attacker with the file would run it: the guard triggers
  // go first, since anyone can drop them.
  void Tamper(const std::string& sql) {
    db->Exec("DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete;");
    db->Exec(sql);
  }

  int64_t Count() {
    Statement st = db->Prepare("SELECT count(*) FROM journal");
    st.Step();
    return st.Int(0);
  }
};

// Inserts `e` as a raw row (a forger's INSERT).
void InsertRaw(Database& db, const JournalEntry& e) {
  db.Prepare("INSERT INTO journal (seq, event_id, type, type_version, epoch, occurred_at, payload, "
             "prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, e.seq)
      .Bind(2, e.event_id)
      .Bind(3, e.type)
      .Bind(4, e.type_version)
      .Bind(5, e.epoch)
      .Bind(6, e.occurred_at)
      .BindBlob(7, e.payload.data(), e.payload.size())
      .BindBlob(8, e.prev_hash.data(), e.prev_hash.size())
      .BindBlob(9, e.hash.data(), e.hash.size())
      .BindBlob(10, e.signature.data(), e.signature.size())
      .Run();
}

// Builds a well-formed, correctly chained event after `prev`, signed with
// `private_key` (the device's own key, or a forger's).
JournalEntry Forge(const DeviceIdentity& dev, const JournalEntry& prev, const std::string& private_key,
                   const std::string& payload) {
  JournalEntry e;
  e.seq = prev.seq + 1;
  e.event_id = NewUuidV7(kT0 + 999999);
  e.type = "refund";
  e.type_version = 1;
  e.epoch = dev.epoch;
  e.occurred_at = FormatUtc(kT0 + 999999);
  e.payload = payload;
  e.prev_hash = prev.hash;
  e.hash = ComputeJournalHash(dev.device_id, e);
  e.signature = Ed25519Sign(private_key, e.hash).value();
  return e;
}

void CheckBad(const JournalVerifyReport& r, int64_t first_bad_seq, const std::string& reason) {
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == first_bad_seq);
  CHECK_MESSAGE(r.reason == reason, "reason was: " << r.reason);
}

TEST_CASE("journal: appends across transactions form a verified chain") {
  Fixture f;
  const DeviceIdentity dev = LoadDevice(*f.db).value();
  f.AppendSales(3);
  JournalEntry e4 = f.Append("stock.move", {{"sku", "690"}, {"qty_milli", -500}, {"note", "报损"}});

  CHECK(e4.seq == 4);
  CHECK(e4.type == "stock.move");
  CHECK(e4.type_version == 1);
  CHECK(e4.epoch == dev.epoch);
  CHECK(e4.occurred_at == FormatUtc(kT0 + 3000));
  CHECK(e4.payload == "{\"note\":\"报损\",\"qty_milli\":-500,\"sku\":\"690\"}");
  CHECK(e4.hash.size() == 32);
  CHECK(e4.signature.size() == 64);
  CHECK(e4.hash == ComputeJournalHash(dev.device_id, e4));
  CHECK(Ed25519Verify(dev.public_key, e4.hash, e4.signature));

  Result<std::vector<JournalEntry>> all = ReadJournal(*f.db, 0, 100);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  CHECK((*all)[0].prev_hash == JournalGenesisHash());
  for (size_t i = 1; i < all->size(); ++i) {
    CHECK((*all)[i].seq == static_cast<int64_t>(i + 1));
    CHECK((*all)[i].prev_hash == (*all)[i - 1].hash);
    CHECK((*all)[i].event_id != (*all)[i - 1].event_id);
  }
  CHECK((*all)[3].payload == e4.payload);
  CHECK((*all)[3].signature == e4.signature);

  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_MESSAGE(r.ok, r.reason);
  CHECK(r.count == 4);
  CHECK(r.head_seq == 4);
  CHECK(r.head_hash_hex == HexEncode(e4.hash));
  CHECK(r.first_bad_seq == 0);
  CHECK(r.reason.empty());

  Result<JournalEntry> head = JournalHead(*f.db);
  REQUIRE(head.ok());
  CHECK(head->seq == 4);
  CHECK(head->hash == e4.hash);
  CHECK(head->event_id == e4.event_id);
}

TEST_CASE("journal: several events in one transaction") {
  Fixture f;
  Status st = Guard([&]() -> Status {
    Transaction tx(*f.db);
    for (int i = 0; i < 3; ++i) {
      Result<JournalEntry> r = AppendJournal(*f.db, "sale", 1, {{"i", i}}, f.clock);
      if (!r.ok()) return r.status();
      CHECK(r->seq == i + 1);
    }
    tx.Commit();
    return Status::Ok();
  });
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(VerifyJournal(*f.db).ok);
  CHECK(VerifyJournal(*f.db).count == 3);
}

TEST_CASE("journal: the chain survives closing and reopening the store") {
  Fixture f;
  f.AppendSales(2);
  f.db.reset();
  f.db = std::move(OpenStore(f.path).value());
  f.AppendSales(1);
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_MESSAGE(r.ok, r.reason);
  CHECK(r.count == 3);
}

TEST_CASE("journal: a rolled-back transaction leaves no row and no gap") {
  Fixture f;
  f.AppendSales(2);
  {
    Transaction tx(*f.db);
    Result<JournalEntry> r = AppendJournal(*f.db, "sale", 1, {{"total_fen", 999}}, f.clock);
    REQUIRE(r.ok());
    CHECK(r->seq == 3);
    // No Commit: the sale failed (say the printer check refused it).
  }
  CHECK(f.Count() == 2);
  CHECK(JournalHead(*f.db)->seq == 2);
  JournalEntry e3 = f.Append("sale", {{"total_fen", 300}});
  CHECK(e3.seq == 3);
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_MESSAGE(r.ok, r.reason);
  CHECK(r.count == 3);
}

TEST_CASE("journal: append refuses to run outside a transaction") {
  Fixture f;
  Result<JournalEntry> r = AppendJournal(*f.db, "sale", 1, {{"total_fen", 1}}, f.clock);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kFailedPrecondition);
  CHECK(f.Count() == 0);
}

TEST_CASE("journal: bad type, version and payload are refused") {
  Fixture f;
  Transaction tx(*f.db);
  auto refused = [&](const std::string& type, int version, const json& payload) {
    Result<JournalEntry> r = AppendJournal(*f.db, type, version, payload, f.clock);
    CHECK_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    return r.status().message();
  };
  refused("", 1, json::object());
  refused("Sale", 1, json::object());
  refused("sale@1", 1, json::object());
  refused("1sale", 1, json::object());
  refused(std::string(65, 'a'), 1, json::object());
  refused("sale", 0, json::object());
  CHECK(refused("sale", 1, json::array()).find("JSON object") != std::string::npos);
  const std::string msg = refused("sale", 2, {{"lines", json::array({{{"price", 3.5}}})}});
  CHECK(msg.find("sale@2") != std::string::npos);
  CHECK(msg.find("$.lines[0].price") != std::string::npos);
  CHECK(f.Count() == 0);
  CHECK(AppendJournal(*f.db, "shift.close_2", 1, json::object(), f.clock).ok());
}

TEST_CASE("journal: the schema refuses updates and deletes") {
  Fixture f;
  f.AppendSales(2);
  CHECK_THROWS_AS(f.db->Exec("UPDATE journal SET type = 'void' WHERE seq = 1"), DbError);
  CHECK_THROWS_AS(f.db->Exec("DELETE FROM journal WHERE seq = 2"), DbError);
  CHECK(VerifyJournal(*f.db).ok);
}

TEST_CASE("journal: empty journal") {
  Fixture f;
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK(r.ok);
  CHECK(r.count == 0);
  CHECK(r.head_seq == 0);
  CHECK(r.head_hash_hex == std::string(64, '0'));
  Result<JournalEntry> head = JournalHead(*f.db);
  REQUIRE(head.ok());
  CHECK(head->seq == 0);
  CHECK(head->hash == JournalGenesisHash());
  CHECK(ReadJournal(*f.db, 0, 10)->empty());
}

TEST_CASE("journal: ReadJournal pages after a seq") {
  Fixture f;
  f.AppendSales(5);
  Result<std::vector<JournalEntry>> page = ReadJournal(*f.db, 1, 2);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 2);
  CHECK((*page)[0].seq == 2);
  CHECK((*page)[1].seq == 3);
  page = ReadJournal(*f.db, 3, 100);
  REQUIRE(page->size() == 2);
  CHECK((*page)[1].seq == 5);
  CHECK(ReadJournal(*f.db, 5, 10)->empty());
  CHECK(ReadJournal(*f.db, -1, 10).status().IsInvalidArgument());
  CHECK(ReadJournal(*f.db, 0, 0).status().IsInvalidArgument());
}

TEST_CASE("journal: a new epoch is carried by later events") {
  Fixture f;
  f.AppendSales(2);
  f.db->Exec("UPDATE device SET epoch = epoch + 1 WHERE id = 1");  // a restore
  JournalEntry e = f.Append("sale", {{"total_fen", 1}});
  CHECK(e.epoch == 2);
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_MESSAGE(r.ok, r.reason);
}

TEST_CASE("journal: verify works inside the caller's transaction") {
  Fixture f;
  f.AppendSales(2);
  Transaction tx(*f.db);
  REQUIRE(AppendJournal(*f.db, "sale", 1, {{"total_fen", 5}}, f.clock).ok());
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_MESSAGE(r.ok, r.reason);
  CHECK(r.count == 3);
  tx.Commit();
}

// ---- tampering ----

TEST_CASE("journal tamper: a payload byte edited in place") {
  Fixture f;
  f.AppendSales(5);
  // total_fen 300 -> 900 in seq 3.
  f.Tamper("UPDATE journal SET payload = CAST(replace(CAST(payload AS TEXT), '300', '900') AS BLOB) "
           "WHERE seq = 3");
  CHECK(ReadJournal(*f.db, 2, 1)->at(0).payload.find("900") != std::string::npos);
  CheckBad(VerifyJournal(*f.db), 3, "seq 3: payload or fields changed (hash mismatch)");
}

TEST_CASE("journal tamper: a middle row deleted") {
  Fixture f;
  f.AppendSales(5);
  f.Tamper("DELETE FROM journal WHERE seq = 3");
  CheckBad(VerifyJournal(*f.db), 3, "seq 3 missing (gap after 2)");
}

TEST_CASE("journal tamper: the last row deleted is caught by the head checkpoint") {
  Fixture f;
  f.AppendSales(5);
  f.Tamper("DELETE FROM journal WHERE seq = 5");
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 5);
  CHECK(r.reason.rfind("seq 5 missing", 0) == 0);
  CHECK(r.count == 4);
  CHECK_FALSE(JournalHead(*f.db).ok());  // the head names a row that is gone
}

TEST_CASE("journal tamper: the last two rows deleted and the head rolled back") {
  // Without the private key the attacker cannot forge, but can roll the
  // checkpoint back to an earlier row: the chain is then consistent. This is
  // what the hub's signed checkpoint (DESIGN §6) exists for; locally the
  // journal still verifies, and this test pins that limit down.
  Fixture f;
  f.AppendSales(5);
  const JournalEntry e3 = ReadJournal(*f.db, 2, 1)->at(0);
  f.Tamper("DELETE FROM journal WHERE seq >= 4");
  f.db->Prepare("UPDATE journal_head SET seq = 3, hash = ? WHERE id = 1")
      .BindBlob(1, e3.hash.data(), e3.hash.size())
      .Run();
  CHECK(VerifyJournal(*f.db).ok);
  CHECK(VerifyJournal(*f.db).head_seq == 3);
}

// Issue 11: with the hub's signed checkpoint kept in the file (an enrolled,
// synced till), the same cut is found: journal verify names the seq, and the
// next open takes a new epoch so new sales never reuse the deleted seqs.
TEST_CASE("journal tamper: a tail cut back below the hub's kept checkpoint is found, and the till takes a new epoch") {
  Fixture f;
  f.AppendSales(18);
  const JournalEntry e17 = ReadJournal(*f.db, 16, 1)->at(0);
  const JournalEntry e18 = ReadJournal(*f.db, 17, 1)->at(0);
  // What the sync agent keeps after the hub acknowledged seq 18.
  f.db->Prepare(
         "UPDATE sync_state SET checkpoint_epoch = 1, checkpoint_seq = 18, checkpoint_hash = ?, "
         "checkpoint_sig = zeroblob(64), checkpoint_at = '2026-11-18T08:00:00.000Z', pushed_epoch = 1, "
         "pushed_seq = 18 WHERE id = 1")
      .BindBlob(1, e18.hash.data(), e18.hash.size())
      .Run();
  REQUIRE(VerifyJournal(*f.db).ok);
  CHECK(VerifyJournal(*f.db).hub_checkpoint_seq == 18);

  f.Tamper("DELETE FROM journal WHERE seq = 18");
  f.db->Prepare("UPDATE journal_head SET seq = 17, hash = ? WHERE id = 1")
      .BindBlob(1, e17.hash.data(), e17.hash.size())
      .Run();
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 18);
  CHECK(r.reason.find("the hub signed event 18") != std::string::npos);

  // Reopened (no sidecar help: it is deleted too), the till takes epoch 2.
  f.db.reset();
  std::filesystem::remove(HeadSidecarPath(f.path));
  f.db = std::move(OpenStore(f.path).value());
  CHECK(LoadDevice(*f.db)->epoch == 2);
  CHECK(GetConfig(*f.db, "restore_detected").value_or("").find("\"checkpoint_seq\":18") != std::string::npos);
  // A sale now is epoch 2 at seq 18, which the hub accepts as a new branch.
  const JournalEntry next = f.Append("sale", {{"total_fen", 1}});
  CHECK(next.seq == 18);
  CHECK(next.epoch == 2);
}

// The same-epoch event the hub signed at that seq, replaced by another.
TEST_CASE("journal tamper: another event at the seq the hub signed is found") {
  Fixture f;
  f.AppendSales(3);
  const std::string other(32, '\x5a');
  f.db->Prepare(
         "UPDATE sync_state SET checkpoint_epoch = 1, checkpoint_seq = 3, checkpoint_hash = ?, "
         "checkpoint_sig = zeroblob(64), checkpoint_at = '2026-11-18T08:00:00.000Z' WHERE id = 1")
      .BindBlob(1, other.data(), other.size())
      .Run();
  JournalVerifyReport r = VerifyJournal(*f.db);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 3);
  CHECK(r.reason.find("differs from the event the hub signed") != std::string::npos);
}

TEST_CASE("journal tamper: two rows' seq values swapped") {
  Fixture f;
  f.AppendSales(5);
  f.Tamper("UPDATE journal SET seq = 1000 WHERE seq = 2;"
           "UPDATE journal SET seq = 2 WHERE seq = 4;"
           "UPDATE journal SET seq = 4 WHERE seq = 1000;");
  CheckBad(VerifyJournal(*f.db), 2, "seq 2: prev_hash does not link to seq 1");
}

TEST_CASE("journal tamper: two rows' payloads swapped") {
  Fixture f;
  f.AppendSales(5);
  f.Tamper("UPDATE journal SET payload = CASE seq WHEN 2 THEN (SELECT payload FROM journal WHERE seq = 4) "
           "ELSE (SELECT payload FROM journal WHERE seq = 2) END WHERE seq IN (2, 4)");
  CheckBad(VerifyJournal(*f.db), 2, "seq 2: payload or fields changed (hash mismatch)");
}

TEST_CASE("journal tamper: a row's type changed") {
  Fixture f;
  f.AppendSales(5);
  f.Tamper("UPDATE journal SET type = 'void' WHERE seq = 4");
  CheckBad(VerifyJournal(*f.db), 4, "seq 4: payload or fields changed (hash mismatch)");
}

TEST_CASE("journal tamper: a row's type version, time, epoch or event id changed") {
  for (const char* sql : {"UPDATE journal SET type_version = 2 WHERE seq = 2",
                          "UPDATE journal SET type_version = 4294967297 WHERE seq = 2",
                          "UPDATE journal SET occurred_at = '2026-01-01T00:00:00.000Z' WHERE seq = 2",
                          "UPDATE journal SET epoch = 7 WHERE seq = 2",
                          "UPDATE journal SET event_id = '01900000-0000-7000-8000-000000000000' WHERE seq = 2"}) {
    CAPTURE(sql);
    Fixture f;
    f.AppendSales(3);
    f.Tamper(sql);
    CheckBad(VerifyJournal(*f.db), 2, "seq 2: payload or fields changed (hash mismatch)");
  }
}

TEST_CASE("journal tamper: a forged row signed with another key replaces a row") {
  Fixture f;
  f.AppendSales(5);
  const DeviceIdentity dev = LoadDevice(*f.db).value();
  const JournalEntry e2 = ReadJournal(*f.db, 1, 1)->at(0);
  const std::string forger_key = GenerateEd25519()->private_key;
  JournalEntry forged = Forge(dev, e2, forger_key, "{\"total_fen\":-5000}");
  f.Tamper("DELETE FROM journal WHERE seq = 3");
  InsertRaw(*f.db, forged);
  CheckBad(VerifyJournal(*f.db), 3, "seq 3: signature invalid");
}

TEST_CASE("journal tamper: a forged row appended with another key, head updated") {
  Fixture f;
  f.AppendSales(5);
  const DeviceIdentity dev = LoadDevice(*f.db).value();
  const JournalEntry head = JournalHead(*f.db).value();
  JournalEntry forged = Forge(dev, head, GenerateEd25519()->private_key, "{\"total_fen\":1}");
  InsertRaw(*f.db, forged);
  f.db->Prepare("UPDATE journal_head SET seq = 6, hash = ? WHERE id = 1")
      .BindBlob(1, forged.hash.data(), forged.hash.size())
      .Run();
  CheckBad(VerifyJournal(*f.db), 6, "seq 6: signature invalid");
}

TEST_CASE("journal tamper: an extra row past the head checkpoint") {
  // Even a row signed with the device's own key (say, written by a rogue
  // tool that read the key) is caught when it bypassed AppendJournal.
  Fixture f;
  f.AppendSales(5);
  const DeviceIdentity dev = LoadDevice(*f.db).value();
  const JournalEntry head = JournalHead(*f.db).value();
  InsertRaw(*f.db, Forge(dev, head, dev.private_key, "{\"total_fen\":1}"));
  CheckBad(VerifyJournal(*f.db), 6,
           "seq 6: row beyond the head checkpoint (seq 5) was added outside Linli");
}

TEST_CASE("journal tamper: the head checkpoint's hash changed") {
  Fixture f;
  f.AppendSales(3);
  f.db->Exec("UPDATE journal_head SET hash = zeroblob(32) WHERE id = 1");
  CheckBad(VerifyJournal(*f.db), 3, "seq 3: does not match the head checkpoint's hash");
}

TEST_CASE("journal tamper: a signature replaced by another row's") {
  Fixture f;
  f.AppendSales(3);
  f.Tamper("UPDATE journal SET signature = (SELECT signature FROM journal WHERE seq = 1) WHERE seq = 2");
  CheckBad(VerifyJournal(*f.db), 2, "seq 2: signature invalid");
}

TEST_CASE("journal tamper: a prev_hash rewritten") {
  Fixture f;
  f.AppendSales(3);
  f.Tamper("UPDATE journal SET prev_hash = zeroblob(32) WHERE seq = 3");
  CheckBad(VerifyJournal(*f.db), 3, "seq 3: prev_hash does not link to seq 2");
}

// ---- byte layout (pos/journal/JOURNAL_FORMAT.md §3) ----

TEST_CASE("journal format: hash input bytes are as documented") {
  JournalEntry e;
  e.seq = 258;
  e.event_id = "E";
  e.type = "sale";
  e.type_version = 1;
  e.epoch = 2;
  e.occurred_at = "T";
  e.payload = "{}";
  e.prev_hash = std::string(32, '\x11');
  const std::string input = JournalHashInput("dev", e);
  std::string expected = "linli/journal/v1";
  expected += std::string("\0\0\0\x20", 4) + std::string(32, '\x11');  // prev_hash
  expected += std::string("\0\0\0\x03", 4) + "dev";                   // device_id
  expected += std::string("\0\0\0\0\0\0\0\x02", 8);                   // epoch
  expected += std::string("\0\0\0\0\0\0\x01\x02", 8);                 // seq 258
  expected += std::string("\0\0\0\x06", 4) + "sale@1";                // type@version
  expected += std::string("\0\0\0\x01", 4) + "E";                     // event_id
  expected += std::string("\0\0\0\x01", 4) + "T";                     // occurred_at
  expected += std::string("\0\0\0\x02", 4) + "{}";                    // payload
  CHECK(HexEncode(input) == HexEncode(expected));
  CHECK(ComputeJournalHash("dev", e) == Sha256(expected));
  // Test vector for other implementations (the hub), also in JOURNAL_FORMAT.md.
  CHECK(HexEncode(ComputeJournalHash("dev", e)) ==
        "9b205898c26b5fdd6eb0fac3c49644def7f3820715c8ff2335997ce6fc5f2521");
}

}  // namespace
}  // namespace linli
