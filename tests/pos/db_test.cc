// The SQLite wrapper (pos/core/include/linli/pos/db.h): the statement cache,
// the transaction state, the read snapshot and the commit hook.
#include <doctest/doctest.h>

#include <string>

#include "linli/pos/db.h"
#include "testing.h"

using namespace linli;
using linli::testing::TempDir;

namespace {

std::unique_ptr<Database> OpenScratch(const TempDir& dir) {
  OpenOptions opts;
  opts.create = true;
  auto db = Database::Open(dir.File("scratch.db"), opts);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

}  // namespace

TEST_CASE("Cached keys statements by their text, not by the address of the text") {
  TempDir dir;
  auto db = OpenScratch(dir);
  // One buffer, rewritten in place: the same address holds two different
  // statements in turn, as a string built at run time may.
  std::string sql = "SELECT 1";
  const char* const address = sql.c_str();
  Statement& one = db->Cached(sql.c_str());
  REQUIRE(one.Step());
  CHECK(one.Int(0) == 1);
  one.Reset();
  sql[7] = '2';
  REQUIRE(sql.c_str() == address);
  Statement& two = db->Cached(sql.c_str());
  REQUIRE(two.Step());
  CHECK(two.Int(0) == 2);
  two.Reset();
  // The same text from another buffer is the same cached statement.
  const std::string copy = "SELECT 2";
  CHECK(&db->Cached(copy) == &two);
}

TEST_CASE("InTransaction follows BEGIN, savepoints and the end of a Transaction") {
  TempDir dir;
  auto db = OpenScratch(dir);
  CHECK_FALSE(db->InTransaction());
  {
    Transaction tx(*db);
    CHECK(db->InTransaction());
  }
  CHECK_FALSE(db->InTransaction());
  {
    ReadSnapshot snapshot(*db);
    CHECK(db->InTransaction());
  }
  CHECK_FALSE(db->InTransaction());
}

TEST_CASE("a ReadSnapshot inside a transaction nests and leaves the caller's writes in place") {
  TempDir dir;
  auto db = OpenScratch(dir);
  db->Exec("CREATE TABLE t (x INTEGER)");
  Transaction tx(*db);
  db->Exec("INSERT INTO t VALUES (1)");
  {
    ReadSnapshot snapshot(*db);
    Statement q = db->Prepare("SELECT count(*) FROM t");
    REQUIRE(q.Step());
    CHECK(q.Int(0) == 1);
  }
  CHECK(db->InTransaction());
  tx.Commit();
  Statement q = db->Prepare("SELECT count(*) FROM t");
  REQUIRE(q.Step());
  CHECK(q.Int(0) == 1);
}

TEST_CASE("the commit hook runs after each commit, and a second hook replaces the first") {
  TempDir dir;
  auto db = OpenScratch(dir);
  db->Exec("CREATE TABLE t (x INTEGER)");
  int first = 0, second = 0;
  db->SetCommitHook([&] { ++first; });
  db->Exec("INSERT INTO t VALUES (1)");
  {
    Transaction tx(*db);
    db->Exec("INSERT INTO t VALUES (2)");
    db->Exec("INSERT INTO t VALUES (3)");
    CHECK(first == 1);  // not before the commit
    tx.Commit();
  }
  CHECK(first == 2);
  db->SetCommitHook([&] { ++second; });
  db->Exec("INSERT INTO t VALUES (4)");
  CHECK(first == 2);
  CHECK(second == 1);
}

TEST_CASE("CopyDatabaseToFile refuses a target it cannot create and says which") {
  TempDir dir;
  auto db = OpenScratch(dir);
  const Status st = CopyDatabaseToFile(*db, dir.File("no/such/dir/copy.db"), "scratch to copy");
  CHECK(st.code() == Status::Code::kIoError);
  CHECK(st.message().find("cannot create") != std::string::npos);
}
