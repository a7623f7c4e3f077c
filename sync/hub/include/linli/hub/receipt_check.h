// Receipt checks (issue 11, PROTOCOL.md §9.1): the customer's paper is the
// anchor. A receipt's QR text (ParseReceiptQr, linli/pos/receipt.h) names
// the store, the receipt number, the total, the time and the first hex
// digits of the sale event's journal hash; the hub answers whether it holds
// that receipt and whether it agrees.
//
// The judgement is written once, here, over what any HubStore finds
// (HubStore::FindReceipt, in its own SQL), so every store dialect answers
// alike. GET /v1/verify (server.cc) and `linli-hub verify-receipt` (admin.cc)
// both call CheckReceipt.
//
//   match     a receipt event with the number, in a store with the code, whose
//             total equals the QR's, whose occurred_at is within
//             sync::kReceiptTimeToleranceMs of the QR's time, and whose hash
//             starts with the QR's prefix. A sale refunded or voided since is
//             still a match; the verdict says how much was refunded (and by
//             which receipts) or that it was voided.
//   mismatch  events with the number exist, none agrees on all three; the
//             closest one is reported with `differs` naming what disagrees. A
//             QR without a hash prefix cannot be proved and counts as "hash".
//   unknown   no such receipt: no store with the code (no_such_store), or the
//             store has not synced since the receipt's time (not_yet_synced:
//             it may be on its way), or it has (missing: the sale was removed
//             from the till, or the paper is not a real receipt). With several
//             stores of the code (in different organisations) "missing" needs
//             all of them to have synced since.
//
// Times in the human text are shown in kReceiptDisplayZone: the hub does not
// keep each store's zone. The JSON carries UTC.
//
// Thread safety: CheckReceipt is as safe as the HubStore it is given;
// JudgeReceipt is a pure function.
#pragma once

#include "linli/hub/hub_store.h"
#include "linli/pos/receipt.h"
#include "linli/pos/status.h"
#include "linli/sync/protocol.h"

namespace linli::hub {

inline constexpr const char* kReceiptDisplayZone = "Asia/Shanghai";

// The verdict on `qr` from what the hub holds about it.
sync::ReceiptVerdict JudgeReceipt(const ReceiptQr& qr, const ReceiptRecords& held);

// FindReceipt, then JudgeReceipt. An error Status only when the database fails.
Result<sync::ReceiptVerdict> CheckReceipt(HubStore& store, const ReceiptQr& qr);

}  // namespace linli::hub
