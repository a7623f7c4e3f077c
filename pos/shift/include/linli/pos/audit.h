// The audit log (store schema 0002, audit_log): one row per privileged act —
// who did it, who approved it, the reason, the value before and after, and
// when (UTC). Rows are only ever added; nothing here edits or deletes one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

struct AuditRecord {
  std::string action;                  // e.g. "config_set", "user_disable", "price_override"
  std::string user_id;                 // who did it ("" for none)
  std::string approved_by;             // who approved it ("" for none)
  std::optional<std::string> reason;   // reason code or free text
  std::optional<std::string> before;   // the value before (JSON or text); nullopt: there was none
  std::optional<std::string> after;    // the value after
};

// Adds one row at `occurred_at` (UTC, as FormatUtc writes it). Meant to run
// inside the caller's transaction, beside the change it records; throws
// DbError. The one writer of audit_log: shifts, sales and settings use it.
void RecordAudit(Database& db, const AuditRecord& record, const std::string& occurred_at);

struct AuditEntry {
  int64_t id = 0;
  std::string occurred_at;  // UTC, as stored
  std::string local_time;   // "yyyy-MM-dd HH:mm:ss" in the filter's time zone
  AuditRecord record;
};

// Which rows ListAudit returns. Empty fields do not filter.
struct AuditFilter {
  std::string from;    // store-local date YYYY-MM-DD, inclusive
  std::string to;      // store-local date YYYY-MM-DD, inclusive
  std::string user;    // rows done or approved by this user number
  std::string action;  // exactly this action
  std::string timezone = "Asia/Shanghai";  // the store's zone: dates and local_time
};

// The rows matching `filter`, newest first (by time, then id).
// InvalidArgument naming --from/--to when a date is not YYYY-MM-DD or from is
// after to.
Result<std::vector<AuditEntry>> ListAudit(Database& db, const AuditFilter& filter);

}  // namespace linli
