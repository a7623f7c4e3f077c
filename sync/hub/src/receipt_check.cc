// The receipt check's judgement (receipt_check.h). No SQL here.
#include "linli/hub/receipt_check.h"

#include <algorithm>
#include <cstdlib>

#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "linli/pos/events.h"
#include "linli/pos/money.h"

namespace linli::hub {
namespace {

std::string Yuan(int64_t fen) { return FormatYuan(Money::Fen(fen), /*with_symbol=*/true); }
std::string Local(int64_t ms) { return FormatLocal(ms, kReceiptDisplayZone, "yyyy-MM-dd HH:mm:ss"); }
std::string LocalText(const std::string& utc) {
  const int64_t ms = ParseUtc(utc);
  return ms < 0 ? utc : Local(ms);
}

// One held receipt event as the check compares it.
struct Candidate {
  const ReceiptRecords::Event* event = nullptr;
  std::optional<int64_t> total_fen;  // nullopt: the payload did not decode
  std::string hash_prefix;
  std::vector<std::string> differs;
};

Candidate Compare(const ReceiptQr& qr, const ReceiptRecords::Event& e) {
  Candidate c;
  c.event = &e;
  auto decoded = events::ReceiptEvent::Decode(e.type, e.payload);
  if (decoded.ok()) c.total_fen = decoded->total_fen;
  c.hash_prefix = HexEncode(e.hash).substr(0, kReceiptHashPrefixLen);
  if (!c.total_fen || *c.total_fen != qr.total_fen) c.differs.push_back("total");
  const int64_t at = ParseUtc(e.occurred_at);
  // Unsigned distance: neither time can make it overflow.
  const uint64_t gap = at > qr.time_ms ? uint64_t(at) - uint64_t(qr.time_ms) : uint64_t(qr.time_ms) - uint64_t(at);
  if (at < 0 || gap > uint64_t(sync::kReceiptTimeToleranceMs)) c.differs.push_back("time");
  if (qr.hash_prefix.empty() || qr.hash_prefix != c.hash_prefix) c.differs.push_back("hash");
  return c;
}

const ReceiptRecords::Store* StoreOf(const ReceiptRecords& held, int64_t id) {
  for (const auto& s : held.stores) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::string StoreLabel(const sync::ReceiptVerdict& v) {
  return v.store_name.empty() ? v.store_code : v.store_name + "（" + v.store_code + "）";
}

// Refunds and voids of the matched sale, in its own store.
void AddFollowUps(const ReceiptRecords& held, int64_t store_id, sync::ReceiptVerdict& v) {
  for (const ReceiptRecords::Event& f : held.follow_ups) {
    if (f.store_id != store_id) continue;
    auto d = events::ReceiptEvent::Decode(f.type, f.payload);
    if (!d.ok()) continue;
    if (f.type == "void") v.voided = true;
    v.refunded_fen += d->total_fen;
    v.refunds.push_back(d->receipt_no);
  }
}

void KnownText(const ReceiptQr& qr, sync::ReceiptVerdict& v) {
  const std::string what_en = v.store_code + " " + v.receipt_no + ", " + LocalText(v.time) + ", " +
                              Yuan(v.total_fen.value_or(0));
  if (v.result == sync::kVerifyMatch) {
    v.message = "小票核验通过：" + StoreLabel(v) + " " + v.receipt_no + "，" + LocalText(v.time) + "，金额 " +
                Yuan(*v.total_fen) + "，与中心记录一致。";
    v.message_en = "Receipt verified: " + what_en + " agrees with the hub's record.";
    if (v.voided) {
      v.message += "该单已作废。";
      v.message_en += " The sale was voided.";
    } else if (v.refunded_fen > 0) {
      std::string list;
      for (const auto& r : v.refunds) list += (list.empty() ? "" : "、") + r;
      v.message += "该单已退款 " + Yuan(v.refunded_fen) + "（" + list + "）。";
      v.message_en += " " + Yuan(v.refunded_fen) + " of it was refunded (" + list + ").";
    }
    return;
  }
  std::string zh, en;
  for (const std::string& d : v.differs) {
    if (d == "total") {
      zh += "金额（小票 " + Yuan(qr.total_fen) + "，中心 " + (v.total_fen ? Yuan(*v.total_fen) : "无法读取") + "）";
      en += "total (receipt " + Yuan(qr.total_fen) + ", hub " + (v.total_fen ? Yuan(*v.total_fen) : "unreadable") + ") ";
    } else if (d == "time") {
      zh += "时间（小票 " + Local(qr.time_ms) + "，中心 " + LocalText(v.time) + "）";
      en += "time (receipt " + Local(qr.time_ms) + ", hub " + LocalText(v.time) + ") ";
    } else if (d == "hash") {
      zh += qr.hash_prefix.empty() ? "验证码（小票上没有）" : "验证码（小票 " + qr.hash_prefix + "，中心 " + v.hash_prefix + "）";
      en += qr.hash_prefix.empty() ? "hash (none on the receipt) "
                                   : "hash (receipt " + qr.hash_prefix + ", hub " + v.hash_prefix + ") ";
    }
    if (&d != &v.differs.back()) zh += "、";
  }
  if (!en.empty() && en.back() == ' ') en.pop_back();
  v.message = "小票核验不符：中心有 " + StoreLabel(v) + " " + v.receipt_no + " 这一单，但" + zh +
              "与小票不同。小票可能被改动，请勿凭此办理退货，并与门店核实。";
  v.message_en = "Receipt does NOT match: the hub holds " + v.store_code + " " + v.receipt_no + " with another " + en +
                 ". The receipt may have been altered; do not refund on it, and check with the store.";
}

void UnknownText(const ReceiptQr& qr, sync::ReceiptVerdict& v) {
  const std::string when = v.last_sync.empty() ? "" : LocalText(v.last_sync);
  if (v.reason == sync::kUnknownNoStore) {
    v.message = "无法核验：中心没有门店编码 " + qr.store_code + " 的门店。";
    v.message_en = "Cannot verify: the hub has no store with the code " + qr.store_code + ".";
  } else if (v.reason == sync::kUnknownNotYetSynced) {
    v.message = "中心暂无小票 " + qr.receipt_no + "：" + StoreLabel(v) +
                (when.empty() ? " 从未同步" : " 最近一次同步在 " + when) +
                "，此后的小票可能尚未上传，请稍后再查。";
    v.message_en = "The hub does not hold " + qr.receipt_no + " yet: " + qr.store_code +
                   (when.empty() ? " has never synced" : " last synced at " + when) +
                   ", and receipts since then may not have arrived. Check again later.";
  } else {
    v.message = "中心没有小票 " + qr.receipt_no + "，而 " + StoreLabel(v) + " 在小票时间之后已同步过（最近 " + when +
                "）：这一单可能已从收银机删除，或小票不是真实的。请与门店或总部核实。";
    v.message_en = "The hub has no receipt " + qr.receipt_no + ", although " + qr.store_code +
                   " synced after the receipt's time (last at " + when +
                   "): the sale may have been deleted from the till, or the receipt is not real. Check with the store "
                   "or HQ.";
  }
}

}  // namespace

sync::ReceiptVerdict JudgeReceipt(const ReceiptQr& qr, const ReceiptRecords& held) {
  sync::ReceiptVerdict v;
  v.store_code = qr.store_code;
  v.receipt_no = qr.receipt_no;
  if (held.stores.empty()) {
    v.result = sync::kVerifyUnknown;
    v.reason = sync::kUnknownNoStore;
    UnknownText(qr, v);
    return v;
  }
  std::optional<Candidate> best;
  for (const ReceiptRecords::Event& e : held.receipts) {
    Candidate c = Compare(qr, e);
    if (!best || c.differs.size() < best->differs.size()) best = std::move(c);
  }
  if (best) {
    const ReceiptRecords::Event& e = *best->event;
    if (const auto* s = StoreOf(held, e.store_id)) {
      v.store_name = s->name;
      v.last_sync = s->last_sync;
    }
    v.kind = e.type;
    v.total_fen = best->total_fen;
    v.time = e.occurred_at;
    v.hash_prefix = best->hash_prefix;
    v.differs = best->differs;
    v.result = v.differs.empty() ? sync::kVerifyMatch : sync::kVerifyMismatch;
    if (v.result == sync::kVerifyMatch && e.type == "sale") AddFollowUps(held, e.store_id, v);
    KnownText(qr, v);
    return v;
  }
  // Not held. "missing" only when every store with the code has synced since
  // the receipt's time; the earliest such sync is the one reported.
  v.result = sync::kVerifyUnknown;
  bool all_synced_since = true;
  const ReceiptRecords::Store* earliest = nullptr;
  for (const ReceiptRecords::Store& s : held.stores) {
    const int64_t at = s.last_sync.empty() ? -1 : ParseUtc(s.last_sync);
    if (at < 0 || at <= qr.time_ms + sync::kReceiptTimeToleranceMs) all_synced_since = false;
    if (!earliest || (at < (earliest->last_sync.empty() ? -1 : ParseUtc(earliest->last_sync)))) earliest = &s;
  }
  v.reason = all_synced_since ? sync::kUnknownMissing : sync::kUnknownNotYetSynced;
  v.last_sync = earliest->last_sync;
  if (held.stores.size() == 1) v.store_name = earliest->name;
  UnknownText(qr, v);
  return v;
}

Result<sync::ReceiptVerdict> CheckReceipt(HubStore& store, const ReceiptQr& qr) {
  auto held = store.FindReceipt(qr.store_code, qr.receipt_no);
  if (!held.ok()) return held.status();
  return JudgeReceipt(qr, *held);
}

}  // namespace linli::hub
