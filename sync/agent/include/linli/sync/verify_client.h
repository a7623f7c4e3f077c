// The till's receipt check against its hub (GET /v1/verify, PROTOCOL.md
// §9.1): the refund screen asks whether the hub holds the receipt scanned.
//
// The check needs no credential, so it is a plain GET over the till's
// existing hub connection settings (the URL and the pinned CA kept in
// sync_state at enrolment). It never changes the store database.
//
// Thread safety: as the transport given; the Database overload opens no
// state of its own beyond reading sync_state on the connection given.
#pragma once

#include <string>
#include <string_view>

#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/sync/protocol.h"
#include "linli/sync/transport.h"

namespace linli::sync {

// Timeouts for a check made while a cashier waits: short, since the answer
// only informs the refund and is never required for it.
inline constexpr int64_t kVerifyConnectTimeoutMs = 3'000;
inline constexpr int64_t kVerifyTimeoutMs = 6'000;

// Asks the hub at `hub_url` ("https://hub.example.cn:8443", no trailing '/')
// about `qr_text`, sent as given (percent-encoded into ?q=). Returns the
// verdict for a 200. InvalidArgument with the hub's message when it refuses
// the text (400); Unavailable when it cannot be reached, is rate-limiting
// (429: the message says when to retry) or answers anything else.
Result<ReceiptVerdict> VerifyReceiptAtHub(HttpTransport& transport, const std::string& hub_url,
                                          std::string_view qr_text);

// The same with the till's own hub settings from sync_state, over a new
// libcurl transport with the kVerify* timeouts. FailedPrecondition when the
// till is not enrolled with a hub.
Result<ReceiptVerdict> VerifyReceiptWithStoreHub(Database& db, std::string_view qr_text);

}  // namespace linli::sync
