#include "linli/pos/price_schedule.h"

#include "linli/pos/catalog.h"
#include "linli/pos/money.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"

namespace linli {
namespace {

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

struct ParsedEffective {
  bool bare_date = false;
  int y = 0, mo = 0, d = 0;
  int64_t ms = 0;  // the instant, when not a bare date
};

Status BadEffective(std::string_view field, std::string_view text, const std::string& zh, const std::string& en) {
  return Status::InvalidArgument(std::string(field) + " \"" + ShowControlChars(text) + "\" " + zh + " / " + en +
                                 "; write a date such as 2026-12-03 (from 00:00 in the store's time zone) or an "
                                 "instant with its offset such as 2026-12-03T00:00:00+08:00");
}

Result<ParsedEffective> ParseEffective(std::string_view s, std::string_view field) {
  ParsedEffective p;
  if (!Digits(s, 0, 4, p.y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, p.mo) || s[7] != '-' ||
      !Digits(s, 8, 2, p.d)) {
    return BadEffective(field, s, "不是日期（应为 年-月-日）", "is not a date (YYYY-MM-DD)");
  }
  if (p.y < 2000 || p.y > 2999 || p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > DaysInMonth(p.y, p.mo)) {
    return BadEffective(field, s, "没有这一天", "is not a day of the calendar");
  }
  if (s.size() == 10) {
    p.bare_date = true;
    return p;
  }
  int h = 0, mi = 0, sec = 0, ms = 0;
  if (s[10] != 'T' || !Digits(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !Digits(s, 14, 2, mi) || h > 23 ||
      mi > 59) {
    return BadEffective(field, s, "时刻写法不对", "has a bad time of day (THH:MM[:SS[.mmm]])");
  }
  size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    if (!Digits(s, at + 1, 2, sec) || sec > 59) {
      return BadEffective(field, s, "秒数写法不对", "has bad seconds");
    }
    at += 3;
    if (at < s.size() && s[at] == '.') {
      size_t n = 0;
      ++at;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
        if (n < 3) ms = ms * 10 + (s[at] - '0');
        ++n;
        ++at;
      }
      if (n == 0) return BadEffective(field, s, "小数秒写法不对", "has bad fractional seconds");
      for (; n < 3; ++n) ms *= 10;
    }
  }
  int64_t offset_min = 0;
  if (at == s.size()) {
    return BadEffective(field, s, "没有时区", "has no time zone offset (Z or +08:00)");
  }
  if (s[at] == 'Z' && at + 1 == s.size()) {
    offset_min = 0;
  } else if ((s[at] == '+' || s[at] == '-')) {
    int oh = 0, om = 0;
    const bool colon = at + 3 < s.size() && s[at + 3] == ':';
    if (!Digits(s, at + 1, 2, oh) || !Digits(s, at + (colon ? 4 : 3), 2, om) ||
        at + (colon ? 6 : 5) != s.size() || oh > 14 || om > 59) {
      return BadEffective(field, s, "时区写法不对", "has a bad offset (+08:00)");
    }
    offset_min = (oh * 60 + om) * (s[at] == '-' ? -1 : 1);
  } else {
    return BadEffective(field, s, "时刻后面有多余的字", "has text after the time");
  }
  p.ms = UtcMsOf(p.y, p.mo, p.d, h, mi, sec) + ms - offset_min * 60000;
  return p;
}

// The wall-clock offset of `zone` at `ms`, in ms (whole minutes).
Result<int64_t> OffsetAt(int64_t ms, const std::string& zone) {
  auto z = ToZonedTime(ms, zone);
  if (!z.ok()) return z.status();
  const int64_t minute = ms - ((ms % 60000) + 60000) % 60000;
  return UtcMsOf(z->year, z->month, z->day, z->hour, z->minute, 0) - minute;
}

constexpr const char* kChoiceOrder =
    " ORDER BY (origin = ?3) DESC, effective_ms DESC, (scope <> '') DESC, rev DESC, effective_from DESC";

std::optional<ChosenPrice> Choose(Database& db, int64_t product_id, int64_t now_ms, const char* prefer,
                                  bool only_preferred) {
  static const std::string sql = std::string(
      "SELECT price_fen, origin, scope, effective_from, effective_ms FROM prices "
      "WHERE product_id = ?1 AND effective_ms <= ?2") + kChoiceOrder + " LIMIT 1";
  static const std::string only_sql = std::string(
      "SELECT price_fen, origin, scope, effective_from, effective_ms FROM prices "
      "WHERE product_id = ?1 AND effective_ms <= ?2 AND origin = ?3") + kChoiceOrder + " LIMIT 1";
  Statement& s = db.Cached(only_preferred ? only_sql : sql);
  s.Bind(1, product_id).Bind(2, now_ms).Bind(3, prefer);
  std::optional<ChosenPrice> out;
  if (s.Step()) {
    out = ChosenPrice{s.Int(0), s.Text(1) == "hq" ? PriceOrigin::kHq : PriceOrigin::kStore, s.Text(2), s.Text(3),
                      s.Int(4)};
  }
  s.Reset();
  return out;
}

bool RefreshOne(Database& db, int64_t product_id, int64_t now_ms, const PriceRule& rule) {
  const std::optional<ChosenPrice> c = PriceInForce(db, product_id, now_ms, rule);
  if (!c) return false;
  db.Cached("UPDATE products SET price_fen = ?, updated_at = ? WHERE id = ? AND price_fen <> ?")
      .Bind(1, c->price_fen)
      .Bind(2, FormatUtc(now_ms))
      .Bind(3, product_id)
      .Bind(4, c->price_fen)
      .Run();
  if (db.Changes() == 0) return false;
  BumpCatalogVersion(db);
  return true;
}

std::string Yuan(int64_t fen) { return "¥" + FormatYuan(Money::Fen(fen)); }

}  // namespace

Result<std::string> NormalizeEffectiveFrom(std::string_view text, std::string_view field) {
  auto p = ParseEffective(text, field);
  if (!p.ok()) return p.status();
  if (p->bare_date) return std::string(text);
  return FormatUtc(p->ms);
}

Result<int64_t> ResolveEffectiveFrom(std::string_view text, const std::string& time_zone, std::string_view field) {
  auto p = ParseEffective(text, field);
  if (!p.ok()) return p.status();
  if (!p->bare_date) return p->ms;
  // 00:00 local: UTC midnight moved by the zone's offset there (checked
  // again at the result, which differs across a DST change).
  const int64_t midnight_utc = UtcMsOf(p->y, p->mo, p->d, 0, 0, 0);
  auto off = OffsetAt(midnight_utc, time_zone);
  if (!off.ok()) return off.status();
  int64_t local = midnight_utc - *off;
  auto off2 = OffsetAt(local, time_zone);
  if (!off2.ok()) return off2.status();
  if (*off2 != *off) local = midnight_utc - *off2;
  return local;
}

const char* PriceOriginName(PriceOrigin o) { return o == PriceOrigin::kHq ? "hq" : "store"; }

Result<std::optional<PriceOrigin>> ParsePriceAuthority(std::string_view value, bool allow_empty) {
  if (value == "hq") return std::optional<PriceOrigin>(PriceOrigin::kHq);
  if (value == "store") return std::optional<PriceOrigin>(PriceOrigin::kStore);
  if (allow_empty && (value.empty() || value == "org")) return std::optional<PriceOrigin>();
  return Status::InvalidArgument(std::string("\"") + ShowControlChars(value) +
                                 "\" 不是定价规则：写 hq（总部统一定价）或 store（本店自主定价）" +
                                 (allow_empty ? "，写 org 或留空则随总部设置" : "") +
                                 " / is not a price rule; write hq (HQ sets prices) or store (the store sets its own)" +
                                 (allow_empty ? ", or org (or empty) to follow the org" : ""));
}

PriceRule LoadPriceRule(Database& db) {
  PriceRule rule;
  if (auto v = GetConfig(db, kPriceAuthorityOverrideKey)) {
    if (auto a = ParsePriceAuthority(*v, true); a.ok() && *a) return {**a, "store_override"};
  }
  if (auto v = GetConfig(db, kPriceAuthorityKey)) {
    if (auto a = ParsePriceAuthority(*v); a.ok() && *a) return {**a, "org"};
  }
  return rule;
}

std::optional<ChosenPrice> PriceInForce(Database& db, int64_t product_id, int64_t now_ms, const PriceRule& rule) {
  return Choose(db, product_id, now_ms, PriceOriginName(rule.authority), false);
}

void RecordPrice(Database& db, const PriceEntry& e, const Clock& clock) {
  db.Cached(
        "INSERT INTO prices (product_id, origin, scope, effective_from, effective_ms, price_fen, source, rev) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(product_id, origin, scope, effective_from) DO UPDATE SET "
        "effective_ms = excluded.effective_ms, price_fen = excluded.price_fen, source = excluded.source, "
        "rev = excluded.rev")
      .Bind(1, e.product_id)
      .Bind(2, PriceOriginName(e.origin))
      .Bind(3, e.scope)
      .Bind(4, e.effective_from)
      .Bind(5, e.effective_ms)
      .Bind(6, e.price_fen)
      .Bind(7, e.source)
      .Bind(8, e.rev)
      .Run();
  const int64_t now = clock.NowMs();
  if (e.effective_ms > now) {
    db.Cached(
          "INSERT INTO scheduled_prices (product_id, effective_ms, price_fen) VALUES (?, ?, ?) "
          "ON CONFLICT(product_id, effective_ms) DO UPDATE SET price_fen = excluded.price_fen")
        .Bind(1, e.product_id)
        .Bind(2, e.effective_ms)
        .Bind(3, e.price_fen)
        .Run();
    return;
  }
  RefreshOne(db, e.product_id, now, LoadPriceRule(db));
}

void ForgetPrice(Database& db, int64_t product_id, PriceOrigin origin, const std::string& scope,
                 const std::string& effective_from, int64_t effective_ms, const Clock& clock) {
  db.Cached("DELETE FROM prices WHERE product_id = ? AND origin = ? AND scope = ? AND effective_from = ?")
      .Bind(1, product_id)
      .Bind(2, PriceOriginName(origin))
      .Bind(3, scope)
      .Bind(4, effective_from)
      .Run();
  // The schedule entry may serve another price at the same instant; a stale
  // one only makes ApplyDuePrices choose again, which changes nothing.
  (void)effective_ms;
  RefreshOne(db, product_id, clock.NowMs(), LoadPriceRule(db));
}

bool RefreshPriceInForce(Database& db, int64_t product_id, const Clock& clock) {
  return RefreshOne(db, product_id, clock.NowMs(), LoadPriceRule(db));
}

int RefreshAllPricesInForce(Database& db, const Clock& clock) {
  const PriceRule rule = LoadPriceRule(db);
  const int64_t now = clock.NowMs();
  db.Prepare(std::string(
                 "UPDATE products SET price_fen = f.price_fen, updated_at = ?4 FROM (SELECT product_id, price_fen "
                 "FROM (SELECT product_id, price_fen, row_number() OVER (PARTITION BY product_id") +
             kChoiceOrder + ") AS rn FROM prices WHERE effective_ms <= ?2) WHERE rn = 1) AS f "
             "WHERE f.product_id = products.id AND products.price_fen <> f.price_fen")
      .Bind(2, now)
      .Bind(3, PriceOriginName(rule.authority))
      .Bind(4, FormatUtc(now))
      .Run();
  const int changed = db.Changes();
  if (changed > 0) BumpCatalogVersion(db);
  return changed;
}

Result<int> ApplyDuePrices(Database& db, const Clock& clock) {
  const int64_t now = clock.NowMs();
  int applied = 0;
  Status st = Guard([&] {
    {
      // The common case: nothing due, one index probe, no write lock taken.
      Statement& any = db.Cached("SELECT 1 FROM scheduled_prices WHERE effective_ms <= ? LIMIT 1");
      any.Bind(1, now);
      const bool due = any.Step();
      any.Reset();
      if (!due) return;
    }
    Transaction tx(db);
    const PriceRule rule = LoadPriceRule(db);
    Statement due = db.Prepare(
        "SELECT DISTINCT product_id, count(*) FROM scheduled_prices WHERE effective_ms <= ? GROUP BY product_id "
        "ORDER BY product_id");
    due.Bind(1, now);
    while (due.Step()) {
      // The price in force is chosen again from the whole history, not
      // taken from the schedule: a price recorded later with an earlier (but
      // still newer) date must not be overwritten by an older schedule.
      RefreshOne(db, due.Int(0), now, rule);
      applied += static_cast<int>(due.Int(1));
    }
    db.Prepare("DELETE FROM scheduled_prices WHERE effective_ms <= ?").Bind(1, now).Run();
    tx.Commit();
  });
  if (!st.ok()) return st;
  return applied;
}

Result<PriceExplanation> ExplainPrice(Database& db, int64_t product_id, const Clock& clock) {
  PriceExplanation out;
  Status st = Guard([&] {
    const int64_t now = clock.NowMs();
    out.rule = LoadPriceRule(db);
    Statement& p = db.Cached("SELECT price_fen FROM products WHERE id = ?");
    p.Bind(1, product_id);
    if (p.Step()) out.price_fen = p.Int(0);
    p.Reset();
    out.chosen = PriceInForce(db, product_id, now, out.rule);
    const bool hq_rule = out.rule.authority == PriceOrigin::kHq;
    if (!out.chosen) {
      out.reason = "no_price";
      return;
    }
    const bool ruled = out.chosen->origin == out.rule.authority;
    out.reason = ruled ? (hq_rule ? "hq_rule" : "store_rule") : (hq_rule ? "no_hq_price" : "no_store_price");
    if (ruled) {
      const char* other = hq_rule ? "store" : "hq";
      if (auto o = Choose(db, product_id, now, other, true)) out.other_fen = o->price_fen;
    }
  });
  if (!st.ok()) return st;
  return out;
}

std::string PriceExplanation::Text(const std::string& time_zone) const {
  if (!chosen) return Yuan(price_fen) + "（尚无生效的价格记录）";
  const bool hq = chosen->origin == PriceOrigin::kHq;
  std::string s = std::string(hq ? "HQ价 " : "本店价 ") + Yuan(chosen->price_fen) + "（";
  if (reason == "hq_rule") s += rule.from == "store_override" ? "总部统一定价（本店单独设置）" : "总部统一定价";
  if (reason == "store_rule") s += rule.from == "store_override" ? "总部准许本店自主定价" : "本店自主定价";
  if (reason == "no_hq_price") s += "总部统一定价，但总部未给此商品定价";
  if (reason == "no_store_price") s += "本店自主定价，但本店未定价";
  const std::string from = chosen->effective_from.size() == 10
                               ? chosen->effective_from
                               : FormatLocal(chosen->effective_ms, time_zone, "yyyy-MM-dd HH:mm");
  s += "，自 " + from + " 起";
  if (other_fen) s += std::string("；") + (hq ? "本店价 " : "HQ价 ") + Yuan(*other_fen) + " 未采用";
  return s + "）";
}

}  // namespace linli
