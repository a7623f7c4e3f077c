// ParseReceiptQr (receipt.h): the one reader of a receipt's QR text, strict,
// against what ReceiptQrPayload writes and against hostile input (issue 11,
// "receipts anyone can check").
#include <doctest/doctest.h>

#include <cstdint>
#include <iostream>
#include <random>
#include <string>

#include "linli/pos/clock.h"
#include "linli/pos/receipt.h"

namespace linli {
namespace {

const std::string kGood = "LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d";

// The message of the refusal, or "" when `text` parses.
std::string Refusal(const std::string& text) {
  auto r = ParseReceiptQr(text);
  return r.ok() ? "" : r.status().message();
}

TEST_CASE("receipt QR: the payload a receipt prints parses back to its fields") {
  auto qr = ParseReceiptQr(kGood);
  REQUIRE(qr.ok());
  CHECK(qr->store_code == "S001");
  CHECK(qr->receipt_no == "S001-20261121-0001");
  CHECK(qr->total_fen == 10130);
  CHECK(qr->time_ms == ParseUtc("2026-11-21T07:30:00.000Z"));
  CHECK(qr->hash_prefix == "3fa9c2e1b07d");
  CHECK(FormatReceiptQr(*qr) == kGood);

  ReceiptModel m;
  m.store_code = "S001";
  m.receipt_no = "S001-20261121-E2-0012";
  m.total_fen = 0;
  m.time_ms = ParseUtc("2026-11-21T07:30:00.123Z");
  m.journal_hash = std::string(64, 'a');
  auto back = ParseReceiptQr(ReceiptQrPayload(m));
  REQUIRE(back.ok());
  CHECK(back->receipt_no == m.receipt_no);
  CHECK(back->total_fen == 0);
  CHECK(back->time_ms == m.time_ms);
  CHECK(back->hash_prefix == std::string(kReceiptHashPrefixLen, 'a'));
  // No journal hash yet: an empty prefix is the producer's, so it parses.
  m.journal_hash.clear();
  auto bare = ParseReceiptQr(ReceiptQrPayload(m));
  REQUIRE(bare.ok());
  CHECK(bare->hash_prefix.empty());
}

TEST_CASE("receipt QR: random receipts round-trip through the producer and the parser") {
  const uint64_t seed = std::random_device{}();
  std::cout << "receipt QR round trip seed " << seed << "\n";
  std::mt19937_64 rng(seed);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int i = 0; i < 500; ++i) {
    CAPTURE(seed);
    CAPTURE(i);
    ReceiptModel m;
    for (size_t n = 1 + rng() % 32; n > 0; --n) m.store_code += alphabet[rng() % alphabet.size()];
    m.receipt_no = m.store_code + "-20261121-" + std::to_string(rng() % 10000);
    m.total_fen = static_cast<int64_t>(rng() % 1'000'000'000'000ULL);
    m.time_ms = static_cast<int64_t>(rng() % 4'000'000'000'000ULL);
    for (int k = 0; k < 64; ++k) m.journal_hash += "0123456789abcdef"[rng() % 16];
    const std::string text = ReceiptQrPayload(m);
    auto qr = ParseReceiptQr(text);
    REQUIRE_MESSAGE(qr.ok(), text, " ", qr.status().message());
    CHECK(qr->store_code == m.store_code);
    CHECK(qr->receipt_no == m.receipt_no);
    CHECK(qr->total_fen == m.total_fen);
    CHECK(qr->time_ms == m.time_ms);
    CHECK(FormatReceiptQr(*qr) == text);
  }
}

TEST_CASE("receipt QR: missing or extra fields are refused, saying how many there are") {
  CHECK(Refusal("") != "");
  CHECK(Refusal("LINLI1").find("有 1 个") != std::string::npos);
  CHECK(Refusal("LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z").find("有 5 个") !=
        std::string::npos);
  // '|' games: an extra field, a doubled bar, a field smuggled after the hash.
  CHECK(Refusal(kGood + "|").find("有 7 个") != std::string::npos);
  CHECK(Refusal(kGood + "|10|x").find("有 8 个") != std::string::npos);
  CHECK(Refusal("LINLI1||S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d") != "");
  CHECK(Refusal("LINLI1|S001|S001-20261121-0001||2026-11-21T07:30:00.000Z|3fa9c2e1b07d").find("total_fen") !=
        std::string::npos);
  CHECK(Refusal("LINLI1|S001|S001|20261121-0001|10130|2026-11-21T07:30:00.000Z").find("total_fen") !=
        std::string::npos);
  CHECK(Refusal("LINLI1|||||").find("store_code") != std::string::npos);
}

TEST_CASE("receipt QR: another magic or version is not a Linli receipt") {
  CHECK(Refusal("LINLI2|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d").find("LINLI1") !=
        std::string::npos);
  CHECK(Refusal("linli1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d") != "");
  CHECK(Refusal(" LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d") != "");
  CHECK(Refusal("6901234567892") != "");
  // Strict: no trimming of a scanner's line ending.
  CHECK(Refusal(kGood + "\r\n") != "");
  CHECK(Refusal(kGood + " ") != "");
}

TEST_CASE("receipt QR: the total is plain digits of whole fen, no sign, no leading zero, no decimals") {
  auto with_total = [](const std::string& t) {
    return "LINLI1|S001|S001-20261121-0001|" + t + "|2026-11-21T07:30:00.000Z|3fa9c2e1b07d";
  };
  CHECK(Refusal(with_total("0")) == "");
  CHECK(Refusal(with_total("999999999999")) == "");
  for (const char* bad : {"-5", "+5", "101.30", "1e3", "0x10", "007", " 5", "5 ", "1,013", "１０", "9999999999999",
                          "99999999999999999999999"}) {
    CAPTURE(bad);
    const std::string why = Refusal(with_total(bad));
    CHECK(why.find("total_fen") != std::string::npos);
    CHECK(why.find("金额") == 0);  // Chinese first
  }
}

TEST_CASE("receipt QR: the time must be the producer's UTC form and a real time") {
  auto with_time = [](const std::string& t) {
    return "LINLI1|S001|S001-20261121-0001|10130|" + t + "|3fa9c2e1b07d";
  };
  for (const char* bad : {"2026-11-21", "2026-11-21T07:30:00Z", "2026-11-21T07:30:00.000", "2026-11-21 07:30:00.000Z",
                          "2026-02-30T07:30:00.000Z", "2026-13-01T07:30:00.000Z", "2026-11-21T24:00:00.000Z",
                          "2026-11-21T07:30:00.000+08:00", "x", "", "+026-11-21T07:30:00.000Z",
                          "2026-11-21T07:30:60.000Z"}) {
    CAPTURE(bad);
    CHECK(Refusal(with_time(bad)).find("时间") == 0);
  }
}

TEST_CASE("receipt QR: codes and the hash prefix take only their own characters") {
  auto qr = [](const std::string& store, const std::string& no, const std::string& hash) {
    return "LINLI1|" + store + "|" + no + "|10130|2026-11-21T07:30:00.000Z|" + hash;
  };
  CHECK(Refusal(qr("S 001", "S001-1", "")).find("store_code") != std::string::npos);
  CHECK(Refusal(qr("S-0_1", "S-0_1-1", "")) == "");  // '-' and '_' are allowed, a quote is not:
  CHECK(Refusal(qr("S001'", "S001-1", "")).find("store_code") != std::string::npos);
  CHECK(Refusal(qr(std::string(33, 'S'), "S001-1", "")).find("store_code") != std::string::npos);
  CHECK(Refusal(qr("S001", std::string(65, '1'), "")).find("receipt_no") != std::string::npos);
  CHECK(Refusal(qr("S001", "S001-1;DROP", "")).find("receipt_no") != std::string::npos);
  CHECK(Refusal(qr("门店", "S001-1", "")).find("store_code") != std::string::npos);
  CHECK(Refusal(qr("S001", "S001\n-1", "")).find("\\x0a") != std::string::npos);  // shown, not printed raw
  CHECK(Refusal(qr("S001", "S001\x1bp-1", "")).find("\\x1b") != std::string::npos);
  CHECK(Refusal(qr("S001", "S001-1", "3FA9C2E1B07D")).find("hash") != std::string::npos);  // upper case
  CHECK(Refusal(qr("S001", "S001-1", "3fa9")).find("hash") != std::string::npos);          // too short
  CHECK(Refusal(qr("S001", "S001-1", "3fa9c2e1b07d0")).find("hash") != std::string::npos); // too long
  CHECK(Refusal(qr("S001", "S001-1", "3fa9c2e1b07g")).find("hash") != std::string::npos);
  auto st = ParseReceiptQr(qr("S 001", "S001-1", ""));
  CHECK(st.status().message_key() == "pos.receipt_qr_bad");
}

TEST_CASE("receipt QR: over-long text is refused before it is read, and a message never echoes all of it") {
  std::string huge = kGood;
  huge.resize(kMaxReceiptQrLen + 1, 'a');
  CHECK(Refusal(huge).find("过长") != std::string::npos);
  const std::string big_field = "LINLI1|" + std::string(150, 'S') + "|S001-1|1|2026-11-21T07:30:00.000Z|";
  const std::string why = Refusal(big_field);
  CHECK(why.find("store_code") != std::string::npos);
  CHECK(why.find(std::string(41, 'S')) == std::string::npos);
  std::string nul = kGood;
  nul[12] = '\0';
  CHECK(Refusal(nul) != "");
}

}  // namespace
}  // namespace linli
