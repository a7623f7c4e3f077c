#include "linli/pos/db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cstdio>

namespace linli {
namespace {

[[noreturn]] void Throw(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DbError(db ? sqlite3_extended_errcode(db) : rc, msg);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) Throw(db, rc, "prepare \"" + std::string(sql.substr(0, 80)) + "\"");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }

Statement& Statement::Bind(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  return *this;
}

Statement& Statement::Bind(int i, std::string_view v) {
  int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  return *this;
}

Statement& Statement::BindBlob(int i, const void* data, size_t size) {
  int rc = sqlite3_bind_blob(stmt_, i, data, static_cast<int>(size), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  return *this;
}

Statement& Statement::BindNull(int i) {
  int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string context = std::string("step \"") + std::string(sqlite3_sql(stmt_)).substr(0, 80) + "\"";
  sqlite3_reset(stmt_);
  Throw(db_, rc, context);
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
}

std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::optional<int64_t> Statement::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

namespace {

// A store database holds the device's private key, a hub database its
// signing key: neither may be readable by other users. A new file is made
// 0600 before SQLite opens it (SQLite gives -wal and -shm the database
// file's mode); an existing one readable by others is tightened, with a
// warning, and so are its -wal and -shm.
void ProtectDatabaseFile(const std::string& path, bool create) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (!create || errno != ENOENT) return;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    return;
  }
  for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
    struct stat fst;
    if (::stat(f.c_str(), &fst) != 0 || !S_ISREG(fst.st_mode) || (fst.st_mode & 077) == 0) continue;
    if (::chmod(f.c_str(), fst.st_mode & 0700) == 0) {
      std::fprintf(stderr,
                   "linli: warning: %s was readable by other users (mode %03o); it holds a private key, so it "
                   "is now %03o. Keep database files and their backups private.\n",
                   f.c_str(), static_cast<unsigned>(fst.st_mode & 0777), static_cast<unsigned>(fst.st_mode & 0700));
    }
  }
}

constexpr int kBusyTimeoutMs = 5000;

// The busy handler of every connection (Open): sleep 2 ms and retry, until
// 5 s have passed since this lock attempt began (`count` 0 starts it).
int BusyRetry(void*, int count) {
  thread_local std::chrono::steady_clock::time_point started;
  const auto now = std::chrono::steady_clock::now();
  if (count == 0) started = now;
  if (now - started >= std::chrono::milliseconds(kBusyTimeoutMs)) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return 1;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, const OpenOptions& opts) {
  ProtectDatabaseFile(path, opts.create && !opts.read_only);
  int flags = opts.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (opts.create && !opts.read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, opts.vfs);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if (rc == SQLITE_CANTOPEN && !opts.create) {
      return Status::NotFound("cannot open store database " + path + " (" + msg +
                              "); check the path, or create one with `linli init`");
    }
    return Status::IoError("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Database> out(new Database(db, path));
  Status st = Guard([&] {
    // A writer that finds the database locked retries every 2 ms for up to
    // 5 s. SQLite's own busy_timeout backs off to 100 ms sleeps, so a sale
    // waiting behind a chunked catalogue import (catalog.h) kept missing the
    // short gaps between its transactions and waited ~0.5 s (import_bench).
    sqlite3_busy_handler(db, &BusyRetry, nullptr);
    out->Exec("PRAGMA foreign_keys=ON");
    if (!opts.read_only) out->Exec("PRAGMA journal_mode=WAL");
    out->Exec(opts.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    // Reading the schema catches a file that is not a database at all.
    out->Exec("SELECT count(*) FROM sqlite_schema");
  });
  if (!st.ok()) {
    return Status(st.code() == Status::Code::kCorruption
                      ? Status::Corruption(path + " is not a Linli database or is damaged: " +
                                           st.message())
                      : st);
  }
  return out;
}

Database::~Database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

bool Database::TryExec(std::string_view sql) noexcept {
  try {
    const std::string s(sql);
    return sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  } catch (...) {  // std::bad_alloc from the copy
    return false;
  }
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

namespace {

// After every commit (SQLite calls it once the write lock is released).
// Installing a WAL hook replaces SQLite's auto-checkpoint hook, so this does
// what that one did (checkpoint at 1000 frames) first.
int OnWalCommit(void* arg, sqlite3* db, const char* name, int frames) {
  if (frames >= 1000) sqlite3_wal_checkpoint(db, name);
  (*static_cast<std::function<void()>*>(arg))();
  return SQLITE_OK;
}

}  // namespace

void Database::SetCommitHook(std::function<void()> hook) {
  auto next = std::make_unique<std::function<void()>>(std::move(hook));
  sqlite3_wal_hook(db_, OnWalCommit, next.get());
  commit_hook_ = std::move(next);  // the previous hook is no longer called
}

void Database::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DbError(sqlite3_extended_errcode(db_), msg);
  }
}

Statement Database::Prepare(std::string_view sql) { return Statement(db_, sql); }

Statement& Database::Cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto stmt = std::make_unique<Statement>(db_, sql);
    it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  } else {
    it->second->Reset();
  }
  return *it->second;
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

Transaction::Transaction(Database& db) : db_(db) { db_.Cached("BEGIN IMMEDIATE").Run(); }

Transaction::~Transaction() {
  if (!done_) {
    // A failed COMMIT may already have rolled back; ignore the error then.
    db_.TryExec("ROLLBACK");
  }
}

void Transaction::Commit() {
  db_.Cached("COMMIT").Run();
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) { db_.Exec("SAVEPOINT linli_read_snapshot"); }

// Nothing was written, so releasing cannot lose work, and a failure leaves
// nothing to undo.
ReadSnapshot::~ReadSnapshot() { db_.TryExec("RELEASE linli_read_snapshot"); }

namespace {

std::string BackupError(sqlite3* db, int rc) {
  return std::string(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

Status Backup(sqlite3* src, sqlite3* dst, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) return Status::IoError("cannot start copying " + what + ": " + BackupError(dst, SQLITE_ERROR));
  int rc = SQLITE_OK;
  for (int i = 0; i < 1'000'000; ++i) {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (i > 10'000) break;
      sqlite3_sleep(5);
      continue;
    }
    if (rc != SQLITE_OK) break;
  }
  const int fin = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || fin != SQLITE_OK) {
    return Status::IoError("copying " + what + " failed: " + BackupError(dst, fin != SQLITE_OK ? fin : rc));
  }
  return Status::Ok();
}

}  // namespace

Status CopyDatabase(Database& src, Database& dst, const std::string& what) {
  return Backup(src.db_, dst.db_, what);
}

Status CopyDatabaseToFile(Database& src, const std::string& to, const std::string& what) {
  ProtectDatabaseFile(to, true);  // a backup holds the same key
  sqlite3* dst = nullptr;
  const int rc = sqlite3_open_v2(to.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = BackupError(dst, rc);
    sqlite3_close(dst);
    return Status::IoError("cannot create " + to + ": " + msg);
  }
  Status st = Backup(src.db_, dst, what);
  sqlite3_close(dst);
  return st;
}

Status DbErrorToStatus(const DbError& e) {
  // A failed fsync leaves the outcome unknown, so "nothing was saved" would be
  // wrong: SQLite rolls the transaction back in memory, but its WAL frames,
  // commit marker included, are already in the file, and a restart before the
  // next write recovers them, whole (tests/fault/disk_full_test.cc opens a
  // crash copy after each refused commit to show it). A retry on the same
  // connection rewrites those frames, so it records the change once.
  if (e.code() == SQLITE_IOERR_FSYNC || e.code() == SQLITE_IOERR_DIR_FSYNC) {
    return Status::IoError("the disk reported an error while saving (" + std::string(e.what()) +
                           "); it may or may not have been kept. Check the disk, then try again: a retry "
                           "on this till records it once; after a restart, look for it first");
  }
  switch (e.code() & 0xff) {
    case SQLITE_FULL:
      return Status::IoError("the disk is full (" + std::string(e.what()) +
                             "); nothing was saved. Free some space and try again");
    case SQLITE_IOERR:
      return Status::IoError("the disk reported an error (" + std::string(e.what()) +
                             "); nothing was saved. Check the disk and try again");
    case SQLITE_READONLY:
      return Status::IoError("the database is read-only (" + std::string(e.what()) +
                             "); check the file's permissions");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is busy in another program (" +
                                 std::string(e.what()) + "); try again in a moment");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption("the database is damaged (" + std::string(e.what()) +
                                "); restore it from a backup");
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(std::string("a constraint was violated: ") + e.what());
    default:
      return Status::IoError(std::string("database error: ") + e.what());
  }
}

}  // namespace linli
