#include "linli/pos/undo_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <vector>

namespace linli {
namespace {

constexpr int kSqliteConstraint = 19;  // SQLITE_CONSTRAINT (primary code); sqlite3.h stays in core

struct TableShape {
  std::vector<std::string> columns;
  std::string image_sql;  // json_object('c1', c1, …)
};

bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The columns of `table`, read once per process (the schema is the binary's).
const TableShape& ShapeOf(Database& db, const std::string& table) {
  static std::mutex mu;
  static std::map<std::string, TableShape> shapes;
  std::lock_guard lock(mu);
  auto it = shapes.find(table);
  if (it != shapes.end()) return it->second;
  if (!IsIdentifier(table)) throw DbError(1, "undo log: bad table name " + table);
  TableShape shape;
  Statement info = db.Prepare("SELECT name FROM pragma_table_info(?)");
  info.Bind(1, table);
  while (info.Step()) shape.columns.push_back(info.Text(0));
  if (shape.columns.empty()) throw DbError(1, "undo log: no table " + table);
  shape.image_sql = "json_object(";
  for (size_t i = 0; i < shape.columns.size(); ++i) {
    shape.image_sql += (i ? ", '" : "'") + shape.columns[i] + "', " + shape.columns[i];
  }
  shape.image_sql += ")";
  return shapes.emplace(table, std::move(shape)).first->second;
}

// "k1 = json_extract(?N, '$.k1') AND …" for the key's columns.
std::string KeyWhere(const nlohmann::json& key, int param) {
  std::string where;
  for (const auto& item : key.items()) {
    if (!IsIdentifier(item.key())) throw DbError(1, "undo log: bad key column " + item.key());
    where += (where.empty() ? "" : " AND ") + item.key() + " = json_extract(?" + std::to_string(param) + ", '$." +
             item.key() + "')";
  }
  return where;
}

// Puts one saved image back. A row that other facts now refer to (a product
// sold meanwhile) cannot be removed and is kept.
void Replay(Database& db, const std::string& table, const std::string& key_text,
            const std::optional<std::string>& before) {
  const nlohmann::json key = nlohmann::json::parse(key_text);
  if (!IsIdentifier(table)) throw DbError(1, "undo log: bad table name " + table);
  try {
    if (!before) {
      db.Cached("DELETE FROM " + table + " WHERE " + KeyWhere(key, 1)).Bind(1, key_text).Run();
      return;
    }
    const nlohmann::json image = nlohmann::json::parse(*before);
    std::string cols, vals, set, conflict;
    for (const auto& item : image.items()) {
      if (!IsIdentifier(item.key())) throw DbError(1, "undo log: bad column " + item.key());
      cols += (cols.empty() ? "" : ", ") + item.key();
      vals += (vals.empty() ? "" : ", ") + std::string("json_extract(?1, '$.") + item.key() + "')";
      if (!key.contains(item.key())) set += (set.empty() ? "" : ", ") + item.key() + " = excluded." + item.key();
    }
    for (const auto& item : key.items()) conflict += (conflict.empty() ? "" : ", ") + item.key();
    db.Cached("INSERT INTO " + table + " (" + cols + ") VALUES (" + vals + ") ON CONFLICT (" + conflict + ") " +
              (set.empty() ? std::string("DO NOTHING") : "DO UPDATE SET " + set))
        .Bind(1, *before)
        .Run();
  } catch (const DbError& e) {
    if ((e.code() & 0xff) != kSqliteConstraint) throw;
  }
}

// Undoes op `op_id` newest entry first, `rows_per_tx` entries per transaction.
Status RollbackOp(Database& db, int64_t op_id, int rows_per_tx) {
  while (true) {
    bool more = false;
    Status st = Guard([&] {
      Transaction tx(db);
      Statement s = db.Prepare("SELECT seq, tbl, key, before FROM undo_log WHERE op_id = ? ORDER BY seq DESC LIMIT ?");
      s.Bind(1, op_id).Bind(2, static_cast<int64_t>(rows_per_tx));
      int64_t lowest = -1;
      while (s.Step()) {
        lowest = s.Int(0);
        Replay(db, s.Text(1), s.Text(2), s.OptText(3));
      }
      if (lowest >= 0) {
        db.Prepare("DELETE FROM undo_log WHERE op_id = ? AND seq >= ?").Bind(1, op_id).Bind(2, lowest).Run();
        more = true;
      } else {
        db.Prepare("DELETE FROM undo_ops WHERE id = ?").Bind(1, op_id).Run();
      }
      tx.Commit();
    });
    if (!st.ok()) return st;
    if (!more) return Status::Ok();
  }
}

// Clears the entries of operations that are no longer in undo_ops.
Status CollectGarbage(Database& db) {
  while (true) {
    int removed = 0;
    Status st = Guard([&] {
      Transaction tx(db);
      db.Prepare(
            "DELETE FROM undo_log WHERE (op_id, seq) IN (SELECT op_id, seq FROM undo_log "
            "WHERE op_id NOT IN (SELECT id FROM undo_ops) LIMIT 2000)")
          .Run();
      removed = db.Changes();
      tx.Commit();
    });
    if (!st.ok()) return st;
    if (removed == 0) return Status::Ok();
  }
}

// -1 for a database without a file (":memory:"): nothing else can share it.
// Throws nothing; returns -2 when a live process holds the lock.
int TryLock(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:") return -1;
  const std::string path = db_path + "-undo.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;  // a read-only directory: no other writer either
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -2;
  }
  return fd;
}

void Unlock(int fd) {
  if (fd >= 0) ::close(fd);  // closing releases the flock
}

}  // namespace

Status RecoverUndoOps(Database& db) {
  bool pending = false, garbage = false;
  Status st = Guard([&] {
    Statement ops = db.Prepare("SELECT 1 FROM undo_ops LIMIT 1");
    pending = ops.Step();
    Statement log = db.Prepare("SELECT 1 FROM undo_log LIMIT 1");
    garbage = log.Step();
  });
  if (!st.ok() || (!pending && !garbage)) return st;
  const int fd = TryLock(db.path());
  if (fd == -2) return Status::Ok();  // a live operation: not ours to touch
  std::vector<int64_t> ids;
  st = Guard([&] {
    Statement s = db.Prepare("SELECT id FROM undo_ops ORDER BY id DESC");
    while (s.Step()) ids.push_back(s.Int(0));
  });
  for (int64_t id : ids) {
    if (st.ok()) st = RollbackOp(db, id, 1000);
  }
  if (st.ok()) st = CollectGarbage(db);
  Unlock(fd);
  return st;
}

Result<std::unique_ptr<UndoOp>> UndoOp::Begin(Database& db, const std::string& what, const Clock& clock) {
  const int fd = TryLock(db.path());
  if (fd == -2) {
    return Status::Unavailable("另一个导入正在进行，请等它结束后再试 / another import is running on " + db.path() +
                               "; wait for it to finish and try again");
  }
  // Left by a dead process: undone before anything new starts. We hold the
  // lock, so RecoverUndoOps' own attempt would fail; roll back directly.
  std::vector<int64_t> stale;
  int64_t id = 0;
  Status st = Guard([&] {
    Statement s = db.Prepare("SELECT id FROM undo_ops ORDER BY id DESC");
    while (s.Step()) stale.push_back(s.Int(0));
  });
  for (int64_t old : stale) {
    if (st.ok()) st = RollbackOp(db, old, 1000);
  }
  if (st.ok()) st = CollectGarbage(db);
  if (st.ok()) {
    st = Guard([&] {
      Transaction tx(db);
      db.Prepare("INSERT INTO undo_ops (what, started_at) VALUES (?, ?)").Bind(1, what).Bind(2, FormatUtc(clock.NowMs())).Run();
      id = db.LastInsertRowId();
      tx.Commit();
    });
  }
  if (!st.ok()) {
    Unlock(fd);
    return st;
  }
  return std::unique_ptr<UndoOp>(new UndoOp(db, id, fd));
}

UndoOp::~UndoOp() {
  if (!done_) (void)Rollback();
  Unlock(lock_fd_);
}

void UndoOp::Save(const std::string& table, const nlohmann::json& key) {
  const TableShape& shape = ShapeOf(db_, table);
  const std::string key_text = key.dump();
  db_.Cached("INSERT INTO undo_log (op_id, seq, tbl, key, before) VALUES (?1, ?2, ?3, ?4, (SELECT " +
             shape.image_sql + " FROM " + table + " WHERE " + KeyWhere(key, 4) + "))")
      .Bind(1, id_)
      .Bind(2, ++seq_)
      .Bind(3, table)
      .Bind(4, key_text)
      .Run();
}

void UndoOp::SaveAbsent(const std::string& table, const nlohmann::json& key) {
  (void)ShapeOf(db_, table);  // a known table
  db_.Cached("INSERT INTO undo_log (op_id, seq, tbl, key, before) VALUES (?, ?, ?, ?, NULL)")
      .Bind(1, id_)
      .Bind(2, ++seq_)
      .Bind(3, table)
      .Bind(4, key.dump())
      .Run();
}

Status UndoOp::Commit(const std::function<void()>& also) {
  Status st = Guard([&] {
    Transaction tx(db_);
    db_.Prepare("DELETE FROM undo_ops WHERE id = ?").Bind(1, id_).Run();
    if (also) also();
    tx.Commit();
  });
  if (!st.ok()) return st;
  done_ = true;
  return CollectGarbage(db_);  // an interruption here leaves only garbage
}

Status UndoOp::Rollback(int rows_per_tx) {
  Status st = RollbackOp(db_, id_, rows_per_tx);
  if (st.ok()) done_ = true;
  return st;
}

}  // namespace linli
