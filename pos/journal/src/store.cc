#include "linli/pos/store.h"
#include "linli/pos/undo_log.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "linli/pos/crypto.h"
#include "linli/pos/migrations.h"
#include "linli/pos/restore_guard.h"
#include "linli/pos/text.h"

namespace linli {
namespace {

bool ValidStoreCode(const std::string& code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

// Builds products.pinyin_syllables where migration 0009 left it NULL (SQL
// cannot transliterate). A thousand rows per write transaction, each indexed
// before the lock is taken, so a till sharing the file waits milliseconds.
Status FillMissingSyllables(Database& db) {
  return Guard([&] {
    PinyinIndexer indexer;
    for (;;) {
      std::vector<std::pair<int64_t, std::string>> rows;
      Statement s = db.Prepare("SELECT id, name FROM products WHERE pinyin_syllables IS NULL ORDER BY id LIMIT 1000");
      while (s.Step()) rows.emplace_back(s.Int(0), indexer.Index(s.Text(1)).syllables);
      s.Reset();
      if (rows.empty()) return;
      Transaction tx(db);
      for (const auto& [id, syllables] : rows) {
        db.Cached("UPDATE products SET pinyin_syllables = ? WHERE id = ?").Bind(1, syllables).Bind(2, id).Run();
      }
      tx.Commit();
    }
  });
}

}  // namespace

std::optional<std::string> GetConfig(Database& db, const std::string& key) {
  Statement& st = db.Cached("SELECT value FROM store_config WHERE key = ?");
  st.Bind(1, key);
  std::optional<std::string> value;
  if (st.Step()) value = st.Text(0);
  // Reset now: a statement left mid-step holds a read transaction open,
  // hiding other connections' commits and holding back WAL checkpoints.
  st.Reset();
  return value;
}

void SetConfig(Database& db, const std::string& key, const std::string& value) {
  db.Cached("INSERT INTO store_config (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .Bind(1, key)
      .Bind(2, value)
      .Run();
}

Status InitStore(const std::string& path, const StoreInitOptions& opts, const Clock& clock) {
  if (!ValidStoreCode(opts.store_code)) {
    return Status::InvalidArgument("store code \"" + opts.store_code +
                                   "\" is not valid; use 1–32 letters, digits, '-' or '_', e.g. S001");
  }
  if (opts.name.empty()) return Status::InvalidArgument("store name is empty; give --name, e.g. 邻里便利店");
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0) {
    return Status::AlreadyExists(path + " already exists; Linli will not overwrite a store database. "
                                 "Choose another path or move the old file away first");
  }
  auto keys = GenerateEd25519();
  if (!keys.ok()) return keys.status();
  OpenOptions o;
  o.create = true;
  auto db = Database::Open(path, o);
  if (!db.ok()) return db.status();
  LINLI_RETURN_IF_ERROR(Migrate(**db, StoreMigrations()));
  return Guard([&] {
    Database& d = **db;
    Transaction tx(d);
    const int64_t now = clock.NowMs();
    SetConfig(d, "store_code", opts.store_code);
    SetConfig(d, "store_name", opts.name);
    SetConfig(d, "timezone", opts.timezone);
    d.Prepare("INSERT INTO device (id, device_id, epoch, public_key, private_key, created_at) "
              "VALUES (1, ?, 1, ?, ?, ?)")
        .Bind(1, NewUuidV7(now))
        .BindBlob(2, keys->public_key.data(), keys->public_key.size())
        .BindBlob(3, keys->private_key.data(), keys->private_key.size())
        .Bind(4, FormatUtc(now))
        .Run();
    tx.Commit();
  });
}

Result<std::unique_ptr<Database>> OpenStore(const std::string& path, OpenOptions opts) {
  std::error_code ec;
  if (!opts.create && !std::filesystem::exists(path, ec)) {
    return Status::NotFound("store database " + path +
                            " does not exist; create it with `linli init --db " + path +
                            " --store-code S001 --name 店名`");
  }
  auto db = Database::Open(path, opts);
  if (!db.ok()) return db.status();
  LINLI_RETURN_IF_ERROR(Migrate(**db, StoreMigrations()));
  Status st = Guard([&]() -> Status {
    if (!GetConfig(**db, "store_code")) {
      return Status::FailedPrecondition(path + " is not an initialised Linli store; run `linli init` first");
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  // A file that went back in time (restored from a backup by copying) takes
  // a new epoch before anything can be appended (restore_guard.h).
  if (!opts.read_only) {
    SystemClock clock;
    LINLI_RETURN_IF_ERROR(GuardAgainstRestore(**db, clock));
    // An operation a killed process left half-done (a chunked catalogue
    // import) is rolled back before anyone reads the catalogue (undo_log.h).
    LINLI_RETURN_IF_ERROR(RecoverUndoOps(**db));
    LINLI_RETURN_IF_ERROR(FillMissingSyllables(**db));
  }
  return std::move(db).value();
}

Result<StoreInfo> LoadStoreInfo(Database& db) {
  StoreInfo info;
  Status st = Guard([&] {
    info.store_code = GetConfig(db, "store_code").value_or("");
    info.name = GetConfig(db, "store_name").value_or("");
    info.timezone = GetConfig(db, "timezone").value_or("Asia/Shanghai");
  });
  if (!st.ok()) return st;
  return info;
}

Result<DeviceIdentity> LoadDevice(Database& db) {
  DeviceIdentity id;
  Status st = Guard([&]() -> Status {
    Statement s = db.Prepare("SELECT device_id, epoch, public_key, private_key FROM device WHERE id = 1");
    if (!s.Step()) return Status::FailedPrecondition("this store database has no device key; run `linli init`");
    id.device_id = s.Text(0);
    id.epoch = s.Int(1);
    id.public_key = s.Blob(2);
    id.private_key = s.Blob(3);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

}  // namespace linli
