// An operation too big for one short transaction that must still be
// all-or-nothing (issue 11: a 100,000-row catalogue import applied in short
// transactions so that no sale waits on it).
//
// Before the operation changes a row it saves the row's before-image with
// Save(), in the same transaction as the change (schema/store/0007). Each
// short transaction therefore commits its changes together with their undo.
// Commit() ends the operation with one tiny transaction (its undo_ops row is
// deleted: from then on nothing undoes it); Rollback() replays the saved
// images newest first, in short transactions, each consuming its entries, so
// a rollback interrupted in turn resumes where it stopped.
//
// A process killed mid-operation leaves its undo_ops row behind. The next
// OpenStore (writable) — or the next Begin — rolls it back, provided no live
// process holds the operation's lock: an flock on FILE-undo.lock, held from
// Begin to Commit/Rollback and released by the kernel when its holder dies.
// So a live import in one process is never undone by a `linli` command
// opened in another.
//
// What it does not guard against: another writer changing the same rows
// between the operation's transactions (the rollback puts the before-images
// back over them). The catalogue import is the only user; HQ's feed runs in
// the sync agent, which the shopkeeper does not run during an import.
//
// Thread safety: as Database. Tables saved must have a primary key given in
// `key` and no BLOB columns (the images are JSON).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

class UndoOp {
 public:
  // Starts an operation described by `what` ("catalog import products.csv").
  // First rolls back an operation left by a dead process. Unavailable when a
  // live one holds the lock ("another import is running"). Call outside any
  // transaction.
  static Result<std::unique_ptr<UndoOp>> Begin(Database& db, const std::string& what, const Clock& clock);

  // Rolls back unless Commit() or Rollback() succeeded (errors are not
  // reported: the entries stay for the next open), then releases the lock.
  ~UndoOp();
  UndoOp(const UndoOp&) = delete;
  UndoOp& operator=(const UndoOp&) = delete;

  // Saves the current row of `table` whose primary key is `key` (column →
  // value), or that there is none. MUST be called inside the caller's open
  // transaction, before the row changes. Throws DbError.
  void Save(const std::string& table, const nlohmann::json& key);
  // Records that the row `key` of `table` did not exist before (the caller
  // has just inserted it and only now knows its id): undone by deleting it.
  // Inside the same transaction as the insert. Throws DbError.
  void SaveAbsent(const std::string& table, const nlohmann::json& key);

  // Ends the operation: one short transaction; then clears its entries in
  // short transactions (garbage; an interruption there undoes nothing).
  // `also`, when set, runs inside that one transaction (the final switch,
  // e.g. making new products visible). Must NOT be called inside a transaction.
  Status Commit(const std::function<void()>& also = {});

  // Undoes everything saved, newest first, in transactions of about
  // `rows_per_tx` entries.
  Status Rollback(int rows_per_tx = 1000);

  int64_t id() const { return id_; }

 private:
  UndoOp(Database& db, int64_t id, int lock_fd) : db_(db), id_(id), lock_fd_(lock_fd) {}
  Database& db_;
  int64_t id_;
  int lock_fd_;
  int64_t seq_ = 0;
  bool done_ = false;
};

// Rolls back every operation a dead process left unfinished (see above) and
// clears finished operations' leftover entries. OK when there is nothing to
// do or a live process holds the lock (its operation is not touched). Called
// by OpenStore on every writable open; outside any transaction.
Status RecoverUndoOps(Database& db);

}  // namespace linli
