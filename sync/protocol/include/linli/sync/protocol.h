// The sync protocol between a store (the agent, sync/agent/) and the hub
// (sync/hub/), version kProtocolVersion. Both ends compile this one header;
// sync/protocol/PROTOCOL.md is the prose specification beside it and says
// why. When the two disagree, fix both in the same change.
//
// What lives here:
//   - the protocol (envelope) version and the event type versions the hub
//     accepts, so a mismatch is reported (HTTP 426), never guessed at;
//   - header names, endpoint paths and limits;
//   - the canonical request-signing string and helpers to sign and verify it;
//   - the hub's checkpoint signing input;
//   - every JSON body as a struct with ToJson()/FromJson();
//   - error codes and the JSON error body;
//   - gzip/gunzip with a cap on the decompressed size.
//
// Money is int64 fen and quantities int64 milli-units everywhere; no JSON
// body in this protocol carries a floating-point number.
//
// Thread safety: everything here is a pure function or a plain struct.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/events.h"
#include "linli/pos/journal.h"
#include "linli/pos/status.h"

namespace linli::sync {

// ---------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------

// The envelope version: headers, signing string, paths and body shapes.
// Every request carries it in kHeaderProtocol. A hub that does not speak it
// answers 426 with error "protocol_version" and the versions it does speak.
inline constexpr int kProtocolVersion = 1;
inline constexpr int kMinProtocolVersion = 1;  // oldest version the hub accepts

// One journal event type at one payload version ("sale@1").
using EventTypeVersion = events::TypeVersion;

// The event types (with their payload versions) this build of the hub
// accepts on push: every type the journal's vocabulary defines
// (pos/journal/include/linli/pos/events.h). A batch holding any other
// type@version is refused whole with 426 and error "event_version", naming
// it; the agent keeps queueing.
inline constexpr const auto& kAcceptedEventTypes = events::kAllTypes;

// True when type@version is in kAcceptedEventTypes.
bool IsAcceptedEventType(std::string_view type, int version);

// ---------------------------------------------------------------------------
// Headers and paths
// ---------------------------------------------------------------------------

inline constexpr const char* kHeaderProtocol = "Linli-Protocol";    // "1"
inline constexpr const char* kHeaderDevice = "Linli-Device";        // device id
inline constexpr const char* kHeaderTimestamp = "Linli-Timestamp";  // Unix ms, decimal
inline constexpr const char* kHeaderNonce = "Linli-Nonce";          // 32 lowercase hex chars
inline constexpr const char* kHeaderSignature = "Linli-Signature";  // 128 hex chars (Ed25519)
// "gzip" when the body is gzip'd. Deliberately NOT Content-Encoding: HTTP
// libraries decompress that transparently, without a size cap and before the
// signature over the wire bytes can be checked.
inline constexpr const char* kHeaderEncoding = "Linli-Encoding";
inline constexpr const char* kHeaderRetryAfter = "Retry-After";     // seconds
// Clocks (PROTOCOL.md §3.1). The hub puts its own clock (Unix ms, decimal) on
// every answer; the agent signs with its clock corrected by the offset it
// learns from it, so a till whose clock is hours off is still inside the
// timestamp window. The agent also sends its own, uncorrected clock in
// kHeaderDeviceClock (advisory, not part of the signing string): the hub
// records the difference and flags — never refuses — the events of a till
// whose clock is off by more than kClockSkewFlagMs.
inline constexpr const char* kHeaderHubTime = "Linli-Hub-Time";
inline constexpr const char* kHeaderDeviceClock = "Linli-Device-Clock";
inline constexpr const char* kContentTypeJson = "application/json";

// Unsigned.
inline constexpr const char* kPathHealth = "/v1/health";         // GET
inline constexpr const char* kPathEnroll = "/v1/sync/enroll";    // POST, one-time token
// Signed by the device key (see SigningString).
inline constexpr const char* kPathHwm = "/v1/sync/hwm";          // GET
inline constexpr const char* kPathPush = "/v1/sync/push";        // POST
inline constexpr const char* kPathFork = "/v1/sync/fork";        // POST, a push body (§6.5)
inline constexpr const char* kPathChanges = "/v1/sync/changes";  // GET ?cursor=N&limit=M
// HQ, bearer session from kPathHqLogin ("Authorization: Bearer <token>").
inline constexpr const char* kPathHqLogin = "/v1/hq/login";            // POST
inline constexpr const char* kPathHqStores = "/v1/hq/stores";          // GET
inline constexpr const char* kPathHqStock = "/v1/hq/stock";            // GET ?sku=&store=
inline constexpr const char* kPathHqSales = "/v1/hq/sales";            // GET ?from=&to=&group=
inline constexpr const char* kPathHqStoreProducts = "/v1/hq/store_products";  // GET [?store=]
inline constexpr const char* kPathHqProducts = "/v1/hq/products";      // POST
inline constexpr const char* kPathHqCategories = "/v1/hq/categories";  // POST
inline constexpr const char* kPathHqPrices = "/v1/hq/prices";          // POST
inline constexpr const char* kPathHqPromotions = "/v1/hq/promotions";  // POST
inline constexpr const char* kPathHqTaxClasses = "/v1/hq/tax_classes"; // POST
inline constexpr const char* kPathHqStoreConfig = "/v1/hq/store_config"; // POST
// Anyone: no credential, rate-limited per source address (PROTOCOL.md §9.1).
inline constexpr const char* kPathVerify = "/v1/verify";  // GET ?q=<receipt QR text>

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

inline constexpr int kMaxBatchEvents = 500;                     // events per push
inline constexpr size_t kMaxBatchBytes = 1 << 20;               // 1 MiB: the JSON body, uncompressed
inline constexpr size_t kMaxDecompressedBody = 2 << 20;         // gunzip refuses beyond this
inline constexpr size_t kMaxRequestBody = 2 << 20;              // bytes on the wire, any request
inline constexpr int64_t kTimestampWindowMs = 5 * 60 * 1000;    // |hub clock − Linli-Timestamp|
inline constexpr int64_t kNonceTtlMs = 2 * kTimestampWindowMs;  // nonces remembered this long
inline constexpr int64_t kClockSkewFlagMs = 10 * 60 * 1000;     // |device clock − hub clock| flagged beyond
// Arrays/objects nested deeper than this make a body malformed (400): copying
// or printing a JSON value recurses once per level, so 100,000 '[' in a
// 200 KB body would overflow the stack (tests/fuzz_regress).
inline constexpr int kMaxJsonDepth = 64;
inline constexpr int kMaxChangesPage = 1000;                    // change feed page size cap
inline constexpr int kDefaultChangesPage = 500;
inline constexpr int64_t kEnrolTokenTtlMs = 72LL * 3600 * 1000; // one-time token lifetime
inline constexpr int64_t kSessionTtlMs = 12LL * 3600 * 1000;    // HQ bearer session lifetime

// ---------------------------------------------------------------------------
// Request signing
// ---------------------------------------------------------------------------

// The exact bytes a device signs for one request (PROTOCOL.md §3):
//
//   "linli-request-v1\n"
//   <protocol version, decimal> "\n"
//   <METHOD, upper case> "\n"
//   <path with query string, exactly as sent, e.g. /v1/sync/changes?cursor=5> "\n"
//   <device id> "\n"
//   <timestamp, Unix ms, decimal> "\n"
//   <nonce, 32 lowercase hex> "\n"
//   <lowercase hex SHA-256 of the body bytes as sent (after gzip); of "" when empty>
//
// No trailing newline.
std::string SigningString(int protocol_version, std::string_view method,
                          std::string_view path_and_query, std::string_view device_id,
                          int64_t timestamp_ms, std::string_view nonce,
                          std::string_view body_on_wire);

// The signed headers of one request, as name/value pairs ready to send.
struct SignedHeaders {
  std::string protocol;   // kHeaderProtocol
  std::string device;     // kHeaderDevice
  std::string timestamp;  // kHeaderTimestamp
  std::string nonce;      // kHeaderNonce
  std::string signature;  // kHeaderSignature (hex)
};

// Signs one request with the device's Ed25519 private key (32-byte seed).
// A fresh random nonce is drawn unless `nonce` is given (tests pin it).
Result<SignedHeaders> SignRequest(std::string_view private_key, std::string_view device_id,
                                  std::string_view method, std::string_view path_and_query,
                                  std::string_view body_on_wire, int64_t now_ms,
                                  std::string_view nonce = {});

// A fresh 16-byte random nonce in lowercase hex.
std::string NewNonce();

// Checks a signature: syntax of the headers, the timestamp window against
// `now_ms`, and the Ed25519 signature with `public_key`. It does NOT check
// nonce reuse (the hub's store remembers nonces). PermissionDenied with a
// sentence naming what failed; InvalidArgument for malformed headers.
Status VerifyRequest(std::string_view public_key, const SignedHeaders& h,
                     std::string_view method, std::string_view path_and_query,
                     std::string_view body_on_wire, int64_t now_ms);

// ---------------------------------------------------------------------------
// Checkpoints
// ---------------------------------------------------------------------------

// The hub's signed statement of one device's chain head. The store keeps the
// last one and the Z report prints it.
struct Checkpoint {
  std::string device_id;
  int64_t epoch = 0;
  int64_t seq = 0;
  std::string hash_hex;   // 64 hex: the head event's hash (zeros when empty)
  std::string signed_at;  // hub clock, "2026-11-21T07:30:00.123Z"
  std::string hub_key_hex;    // 64 hex: the hub public key that signed
  std::string signature_hex;  // 128 hex: Ed25519 over CheckpointSigningInput

  nlohmann::json ToJson() const;
  static Result<Checkpoint> FromJson(const nlohmann::json& j);
};

// "linli/checkpoint/v1" ‖ bytes(device_id) ‖ i64(epoch) ‖ i64(seq) ‖
// bytes(hash, 32 raw bytes) ‖ bytes(signed_at); u32/i64 big-endian as in
// pos/journal/JOURNAL_FORMAT.md §3. InvalidArgument when hash_hex is not 64 hex.
Result<std::string> CheckpointSigningInput(const Checkpoint& c);
// Fills signature_hex and hub_key_hex.
Status SignCheckpoint(Checkpoint& c, std::string_view hub_private_key,
                      std::string_view hub_public_key);
// True when the signature is valid for `hub_public_key` (raw 32 bytes).
bool VerifyCheckpoint(const Checkpoint& c, std::string_view hub_public_key);

// ---------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------

// GET /v1/health → 200
struct HealthResponse {
  int protocol = kProtocolVersion;
  int min_protocol = kMinProtocolVersion;
  std::vector<std::string> event_types;  // "sale@1", …
  std::string hub_key_hex;               // hub's checkpoint-signing public key
  nlohmann::json ToJson() const;
  static Result<HealthResponse> FromJson(const nlohmann::json& j);
};

// POST /v1/sync/enroll (unsigned; the one-time token is the credential).
struct EnrollRequest {
  std::string token;           // printed by `linli-hub store add`
  std::string device_id;       // the store's device.device_id
  std::string public_key_hex;  // 64 hex: the device's Ed25519 public key
  std::string hostname;        // informational
  nlohmann::json ToJson() const;
  static Result<EnrollRequest> FromJson(const nlohmann::json& j);
};
struct EnrollResponse {
  std::string org_code;
  std::string store_code;
  std::string store_name;
  std::string device_id;
  std::string hub_key_hex;  // pin this: checkpoints are signed with it
  int protocol = kProtocolVersion;
  nlohmann::json ToJson() const;
  static Result<EnrollResponse> FromJson(const nlohmann::json& j);
};

// One epoch of one device as the hub holds it.
struct EpochHead {
  int64_t epoch = 0;
  int64_t first_seq = 0;  // lowest seq the hub holds in this epoch
  int64_t head_seq = 0;   // highest
  std::string head_hash_hex;
};

// A fork of one of the device's epochs the hub adopted (§6.5): its events
// from first_seq, where it differs from the hub's chain, to head_seq.
struct ForkHead {
  int64_t epoch = 0;
  int64_t first_seq = 0;
  int64_t head_seq = 0;
  std::string head_hash_hex;
};

// GET /v1/sync/hwm → 200
struct HwmResponse {
  std::string device_id;
  std::vector<EpochHead> epochs;  // ascending epoch; empty when nothing pushed yet
  std::vector<ForkHead> forks;    // adopted forks, oldest first; absent from older hubs
  // The latest head overall (the highest epoch's), signed; absent when empty.
  std::optional<Checkpoint> checkpoint;
  nlohmann::json ToJson() const;
  static Result<HwmResponse> FromJson(const nlohmann::json& j);
  // The highest seq the hub holds for `epoch`, or 0.
  int64_t HeadSeq(int64_t epoch) const;
};

// One journal event on the wire. payload is the exact canonical JSON bytes
// carried as a JSON string (so the bytes hashed survive any JSON library);
// hashes and signature in lowercase hex.
struct WireEvent {
  int64_t seq = 0;
  std::string event_id;
  std::string type;
  int type_version = 0;
  int64_t epoch = 0;
  std::string occurred_at;
  std::string payload;
  std::string prev_hash_hex;
  std::string hash_hex;
  std::string signature_hex;

  nlohmann::json ToJson() const;
  static Result<WireEvent> FromJson(const nlohmann::json& j);
  static WireEvent FromJournal(const JournalEntry& e);
  // InvalidArgument when a hex field does not decode to the right length.
  Result<JournalEntry> ToJournal() const;
};

// POST /v1/sync/push (body optionally gzip'd, see kHeaderEncoding)
struct PushRequest {
  std::string device_id;  // must equal kHeaderDevice
  std::vector<WireEvent> events;  // 1..kMaxBatchEvents, ascending (epoch, seq) order
  nlohmann::json ToJson() const;
  static Result<PushRequest> FromJson(const nlohmann::json& j);
};
// A push body built one event at a time, each event serialised once: the
// bytes Take() returns are exactly PushRequest{device_id, events}.ToJson()
// .dump() for the events added, in order. The agent measures every event
// against its byte limit with the same text that goes into the body.
class PushBody {
 public:
  explicit PushBody(std::string_view device_id);
  // The event as it goes into the body: WireEvent::ToJson().dump().
  static std::string Serialise(const WireEvent& event);
  // Bytes of the finished body if `event_json` were added now.
  size_t SizeWith(std::string_view event_json) const;
  // Appends one event (text from Serialise).
  void Add(std::string_view event_json);
  int events() const { return events_; }
  // The finished body; the PushBody is spent.
  std::string Take() &&;

 private:
  std::string text_;  // the envelope up to and including the events' '[', then the events
  int events_ = 0;
};

// 200 when every event was ingested or skipped as a duplicate.
struct PushResponse {
  int accepted = 0;    // newly stored
  int duplicates = 0;  // same (device, epoch, seq) and hash already held
  int flagged = 0;     // stored but not applied to projections (unknown SKU, …)
  Checkpoint checkpoint;  // head after commit
  nlohmann::json ToJson() const;
  static Result<PushResponse> FromJson(const nlohmann::json& j);
};

// One change in an organisation's change log.
//   kind  "product":     key sku;  data {sku, name, category, unit, tax_rate_bp, active}
//         "barcode":     key code; data {code, sku, pack_qty_milli}
//         "price":       key sku "@" effective_from [ "@" store ];
//                        data {sku, price_fen, effective_from, store|null}
//         "promotion":   key code; data {code, …promotion fields as HQ posted them}
//         "tax_class":   key name; data {name, rate_bp}
//         "category":    key name; data {name}
//         "store_config":key key;  data {key, value} (only the calling store's)
//   op    "upsert" | "delete" (delete carries the key only)
struct Change {
  int64_t seq = 0;
  std::string kind;
  std::string key;
  std::string op = "upsert";
  nlohmann::json data;
  nlohmann::json ToJson() const;
  static Result<Change> FromJson(const nlohmann::json& j);
};

// GET /v1/sync/changes?cursor=N&limit=M → 200
//   snapshot false: changes with seq > N, ascending, at most M; `cursor` is
//     the last seq returned (or N when none); `more` when more follow.
//   snapshot true: N was older than the log keeps (or 0 with a compacted
//     log): `changes` is the full current state as upserts and `cursor` is
//     the log head at the time; the store replaces its synced catalogue and
//     continues from `cursor`. A snapshot is never answered with a snapshot
//     for its own cursor, so there is no loop.
struct ChangesResponse {
  int64_t cursor = 0;
  bool snapshot = false;
  bool more = false;
  std::vector<Change> changes;
  nlohmann::json ToJson() const;
  static Result<ChangesResponse> FromJson(const nlohmann::json& j);
};

// ---------------------------------------------------------------------------
// Receipt checks: GET /v1/verify?q=<QR text> (PROTOCOL.md §9.1)
// ---------------------------------------------------------------------------

// ReceiptVerdict::result, the stable machine field.
inline constexpr const char* kVerifyMatch = "match";        // known; total, time, hash agree
inline constexpr const char* kVerifyMismatch = "mismatch";  // known; total, time or hash differ
inline constexpr const char* kVerifyUnknown = "unknown";    // the hub holds no such receipt
// ReceiptVerdict::reason for kVerifyUnknown.
inline constexpr const char* kUnknownNoStore = "no_such_store";
// The store has not synced since the receipt's time: it may simply not have
// reached the hub yet.
inline constexpr const char* kUnknownNotYetSynced = "not_yet_synced";
// The store synced after the receipt's time and the receipt is not among its
// events: the sale was removed from the till, or the receipt is not real.
inline constexpr const char* kUnknownMissing = "missing";
// How far the QR's time may lie from the event's occurred_at and still
// match: the receipt's time is the sale's, the event's is stamped a moment
// later in the same transaction (sale_writer.cc), on the same till clock.
inline constexpr int64_t kReceiptTimeToleranceMs = 60'000;

// The answer to a receipt check, 200 for all three results. Absent values
// are JSON null. Only what the receipt itself shows is told (store, number,
// time, total, hash prefix), plus refunds and the store's last sync: never
// lines, tenders, members or devices.
struct ReceiptVerdict {
  std::string result;                // kVerifyMatch | kVerifyMismatch | kVerifyUnknown
  std::string reason;                // kVerifyUnknown: kUnknown*; otherwise ""
  std::vector<std::string> differs;  // kVerifyMismatch: "total", "time", "hash"
  std::string store_code;            // as the QR says
  std::string receipt_no;            // as the QR says
  std::string store_name;            // "" when the hub has no such store
  // The hub's record of the receipt (known receipts only).
  std::string kind;                  // "sale" | "refund" | "void"; "" unknown
  std::optional<int64_t> total_fen;
  std::string time;                  // UTC, the event's occurred_at
  std::string hash_prefix;           // of the event's hash, kReceiptHashPrefixLen hex
  // Refunds and voids the hub holds that name this receipt as their original.
  int64_t refunded_fen = 0;
  std::vector<std::string> refunds;  // their receipt numbers
  bool voided = false;
  std::string last_sync;             // the store's last sync, UTC; "" never
  std::string message;               // for a person: Chinese
  std::string message_en;            // the same in English
  nlohmann::json ToJson() const;
  static Result<ReceiptVerdict> FromJson(const nlohmann::json& j);
};

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

// Every non-2xx answer has a JSON body {"error": <code>, "message": <sentence>,
// …extra fields}. Codes (and the HTTP status each comes with):
inline constexpr const char* kErrBadRequest = "bad_request";          // 400
inline constexpr const char* kErrBadSignature = "bad_signature";      // 401
inline constexpr const char* kErrStaleTimestamp = "stale_timestamp";  // 401
inline constexpr const char* kErrReplay = "replayed_nonce";           // 401
inline constexpr const char* kErrUnauthorized = "unauthorized";       // 401 (HQ login, session)
inline constexpr const char* kErrRevoked = "revoked";                 // 403
inline constexpr const char* kErrForbidden = "forbidden";             // 403 (role, scope)
inline constexpr const char* kErrNotFound = "not_found";              // 404
inline constexpr const char* kErrGap = "gap";          // 409 + expected_epoch, expected_seq
inline constexpr const char* kErrFork = "fork";        // 409 + epoch, seq; quarantined
inline constexpr const char* kErrTooLarge = "too_large";              // 413
inline constexpr const char* kErrBadEvent = "bad_event";  // 422 + epoch, seq; quarantined
inline constexpr const char* kErrProtocolVersion = "protocol_version";  // 426 + supported
inline constexpr const char* kErrEventVersion = "event_version";        // 426 + type
inline constexpr const char* kErrTooMany = "too_many_requests";  // 429 + Retry-After
inline constexpr const char* kErrBusy = "busy";                  // 409 push already in flight
inline constexpr const char* kErrInternal = "internal";          // 500

struct ErrorBody {
  std::string error;
  std::string message;
  nlohmann::json extra = nlohmann::json::object();  // merged into the body
  nlohmann::json ToJson() const;
  // Tolerant: a body that is not an ErrorBody gives error "unknown" with the
  // text as message.
  static ErrorBody Parse(std::string_view body);
};

// ---------------------------------------------------------------------------
// Parsing bodies
// ---------------------------------------------------------------------------

// Parses a request or response body. Never throws: the result is_discarded()
// when the text is not JSON or nests arrays/objects deeper than max_depth.
// Every body either end reads goes through here, never json::parse directly.
nlohmann::json ParseJsonBody(std::string_view body, int max_depth = kMaxJsonDepth);

// ---------------------------------------------------------------------------
// Compression
// ---------------------------------------------------------------------------

// gzip (RFC 1952) at the default level.
Result<std::string> Gzip(std::string_view data);
// Inflates a gzip stream. InvalidArgument for a corrupt stream; FailedPrecondition
// (message says "too large") when the output would exceed max_output bytes —
// checked while inflating, so a small bomb never takes the memory.
Result<std::string> Gunzip(std::string_view data, size_t max_output = kMaxDecompressedBody);

}  // namespace linli::sync
