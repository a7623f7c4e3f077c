#include "linli/pos/audit.h"

#include "linli/pos/reports.h"

namespace linli {
namespace {

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// The first instant of `date` (end false) or of the day after it (end true),
// as stored UTC text, for comparing with occurred_at.
Result<std::string> DayBound(const std::string& date, const std::string& tz, const char* option, bool end) {
  auto day = LocalDay(date, tz);
  if (!day.ok()) return Status::InvalidArgument(std::string(option) + ": " + day.status().message());
  return FormatUtc(end ? day->end_ms : day->start_ms);
}

}  // namespace

void RecordAudit(Database& db, const AuditRecord& r, const std::string& occurred_at) {
  db.Cached(
        "INSERT INTO audit_log (occurred_at, user_id, approved_by, action, reason, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, occurred_at)
      .Bind(2, NonEmpty(r.user_id))
      .Bind(3, NonEmpty(r.approved_by))
      .Bind(4, r.action)
      .Bind(5, r.reason)
      .Bind(6, r.before)
      .Bind(7, r.after)
      .Run();
}

Result<std::vector<AuditEntry>> ListAudit(Database& db, const AuditFilter& f) {
  std::string from = "", to = "\x7f";  // every stored time sorts between these
  if (!f.from.empty()) {
    auto b = DayBound(f.from, f.timezone, "--from", false);
    if (!b.ok()) return b.status();
    from = *b;
  }
  if (!f.to.empty()) {
    auto b = DayBound(f.to, f.timezone, "--to", true);
    if (!b.ok()) return b.status();
    to = *b;
  }
  if (!f.from.empty() && !f.to.empty() && f.from > f.to) {
    return Status::InvalidArgument("--from " + f.from + " is after --to " + f.to + "; swap them");
  }
  std::vector<AuditEntry> out;
  Status st = Guard([&] {
    Statement s = db.Prepare(
        "SELECT id, occurred_at, COALESCE(user_id, ''), COALESCE(approved_by, ''), action, reason, before, after"
        " FROM audit_log WHERE occurred_at >= ?1 AND occurred_at < ?2"
        " AND (?3 = '' OR user_id = ?3 OR approved_by = ?3) AND (?4 = '' OR action = ?4)"
        " ORDER BY occurred_at DESC, id DESC");
    s.Bind(1, from).Bind(2, to).Bind(3, f.user).Bind(4, f.action);
    while (s.Step()) {
      AuditEntry e;
      e.id = s.Int(0);
      e.occurred_at = s.Text(1);
      const int64_t ms = ParseUtc(e.occurred_at);
      e.local_time = ms < 0 ? e.occurred_at : FormatLocal(ms, f.timezone);
      e.record = {s.Text(4), s.Text(2), s.Text(3), s.OptText(5), s.OptText(6), s.OptText(7)};
      out.push_back(std::move(e));
    }
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
