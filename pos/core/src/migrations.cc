#include "linli/pos/migrations.h"

#include "linli/pos/clock.h"

namespace linli {

int SchemaVersion(Database& db) {
  Statement st = db.Prepare("PRAGMA user_version");
  st.Step();
  return static_cast<int>(st.Int(0));
}

Status Migrate(Database& db, std::span<const Migration> migrations, int target_version) {
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (target_version < 0) target_version = newest;
  return Guard([&]() -> Status {
    Transaction tx(db);
    const int current = SchemaVersion(db);
    if (current > newest) {
      return Status::FailedPrecondition(
          "database " + db.path() + " has schema version " + std::to_string(current) +
          ", newer than this Linli understands (" + std::to_string(newest) +
          "). Install the newer Linli that wrote it; the file was not changed");
    }
    if (current >= target_version) return Status::Ok();
    db.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    for (const Migration& m : migrations) {
      if (m.version <= current || m.version > target_version) continue;
      try {
        db.Exec(m.sql);
      } catch (const DbError& e) {
        return Status::Corruption("migration " + std::string(m.name) + " failed: " + e.what() +
                                  "; the database was left at version " + std::to_string(current));
      }
      db.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
          .Bind(1, m.version)
          .Bind(2, m.name)
          .Bind(3, FormatUtc(SystemClock().NowMs()))
          .Run();
      db.Exec("PRAGMA user_version=" + std::to_string(m.version));
    }
    tx.Commit();
    return Status::Ok();
  });
}

}  // namespace linli
