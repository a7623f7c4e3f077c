// A small RAII layer over SQLite (DESIGN §5).
//
// Database owns one connection opened in WAL mode with synchronous=FULL and
// foreign keys on. Statement wraps a prepared statement. Transaction begins on
// construction and rolls back in its destructor unless Commit() succeeded.
//
// Inside pos the step-by-step calls throw DbError so that multi-statement work
// reads straight; every public service catches it at its boundary (Guard) and
// returns a Status whose message a shopkeeper can act on (disk full, busy…).
// Destructors never throw. A Database is used by one thread at a time.
//
// SQLite is wrapped here only: no other file of the product includes
// <sqlite3.h> or sees a sqlite3*. What callers need beyond statements (the
// transaction state, a read snapshot, a hook after each commit, the online
// backup) is a call below. Fault tests and benchmarks that must reach beneath
// the wrapper use the visibly named TEST_raw_handle().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "linli/pos/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace linli {

class DbError : public std::runtime_error {
 public:
  DbError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }  // SQLite extended result code

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);  // throws DbError
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& BindBlob(int i, const void* data, size_t size);
  Statement& BindNull(int i);
  Statement& Bind(int i, const std::optional<int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }
  Statement& Bind(int i, const std::optional<std::string>& v) { return v ? Bind(i, *v) : BindNull(i); }

  // Advances; true while a row is available. Throws DbError on failure.
  bool Step();
  // Runs to completion (for INSERT/UPDATE/DELETE) and resets.
  void Run();
  // Resets for reuse and clears bindings.
  void Reset();

  // Columns are 0-based, as in SQLite.
  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  bool IsNull(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  std::optional<std::string> OptText(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct OpenOptions {
  bool create = false;          // create the file if missing
  bool read_only = false;
  const char* vfs = nullptr;    // test hook: a fault-injecting VFS by name
  bool synchronous_full = true; // FULL unless a test asks for NORMAL
};

class Database {
 public:
  // Opens and configures the connection. NotFound when the file is missing and
  // create is false; IoError when it cannot be opened.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, const OpenOptions& opts);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void Exec(std::string_view sql);                // throws DbError
  // The noexcept twin of Exec, for destructors and cleanup paths: false when
  // the statement failed (the error is not reported further).
  bool TryExec(std::string_view sql) noexcept;
  Statement Prepare(std::string_view sql);        // throws DbError
  // A prepared statement kept for the life of the connection, reset on
  // return. Keyed by the SQL text itself (copied), so any string may be
  // passed, also one built at run time: the same text always gets the same
  // statement, and another text at a reused address never gets a stale one.
  Statement& Cached(std::string_view sql);        // throws DbError
  int64_t LastInsertRowId() const;
  int Changes() const;
  // True while a transaction (or a savepoint) is open on this connection.
  bool InTransaction() const;
  const std::string& path() const { return path_; }

  // Calls `hook` after every commit on this connection, once SQLite has
  // released the write lock (SQLite's WAL hook; so only in WAL mode). A WAL
  // hook replaces SQLite's automatic checkpoint, so the wrapper does that
  // work first: a checkpoint once the WAL holds 1,000 frames. `hook` must be
  // callable and must not throw. A second call replaces the hook (and destroys the first); the hook
  // lives as long as the connection. A later `PRAGMA wal_autocheckpoint` on
  // the connection removes it, as in SQLite.
  void SetCommitHook(std::function<void()> hook);

  // For fault tests and benchmarks only (the VFS, raw-SQLite baselines, a
  // connection flag a test must set): the connection beneath the wrapper.
  // Product code never calls it.
  sqlite3* TEST_raw_handle() { return db_; }

 private:
  friend Status CopyDatabase(Database& src, Database& dst, const std::string& what);
  friend Status CopyDatabaseToFile(Database& src, const std::string& to, const std::string& what);
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> cache_;
  std::unique_ptr<std::function<void()>> commit_hook_;
};

// Copies src's main database into dst's with SQLite's online backup API, in
// bounded steps (a busy source is retried for about a minute): consistent even
// while another connection writes. `what` names the copy in the IoError
// returned when it fails, e.g. "a.db into b.db".
Status CopyDatabase(Database& src, Database& dst, const std::string& what);

// The same into a new file at `to`, opened as a plain SQLite file (no
// pragmas: the copy keeps the source's settings) and closed again. IoError
// when `to` cannot be created or the copy fails; a failed copy may leave a
// partial file at `to` for the caller to remove.
Status CopyDatabaseToFile(Database& src, const std::string& to, const std::string& what);

// A read snapshot that works whether or not the caller is already in a
// transaction: a SAVEPOINT outside one begins a deferred transaction (no lock
// until the first read; in WAL mode it never blocks writers), inside one it
// nests. Released on every path, never rolled back into the caller's work:
// use it only around reads.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db);  // throws DbError
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
};

class Transaction {
 public:
  // BEGIN IMMEDIATE: takes the write lock now so a busy database fails here.
  explicit Transaction(Database& db);  // throws DbError
  ~Transaction();                       // rolls back unless committed
  void Commit();                        // throws DbError; then rolled back by dtor
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Database& db_;
  bool done_ = false;
};

// Translates a DbError into a Status a person can act on: a full disk, a
// read-only file, a locked database and corruption each get their own words.
Status DbErrorToStatus(const DbError& e);

// Runs f(), turning a DbError into a Status. f returns void or Status.
template <typename F>
Status Guard(F&& f) {
  try {
    if constexpr (std::is_same_v<decltype(f()), Status>) {
      return f();
    } else {
      f();
      return Status::Ok();
    }
  } catch (const DbError& e) {
    return DbErrorToStatus(e);
  }
}

}  // namespace linli
