// Bug: a JSON body nested 100,000 deep (200 KB of '[') crashed the hub with a
// stack overflow. Parsing is iterative, but j.value("org", json()) in login
// (unauthenticated), FirstFloat and the copy of a promotion body in HQ edits,
// and ErrorBody::Parse in the agent copy the value recursively, one frame per
// level. Every body now goes through sync::ParseJsonBody, which refuses
// nesting deeper than kMaxJsonDepth. Also: VerifyRequest and the hub's
// timestamp window computed now - ts in int64, which overflows for
// Linli-Timestamp -9223372036854775808 (undefined behaviour; found by
// fuzz_hub_request, tests/fuzz/crashes/hub_request/).
#include <doctest/doctest.h>

#include <string>

#include "hub/hub_fixture.h"
#include "linli/sync/protocol.h"

namespace linli::hub::testing {
namespace {

std::string Deep(const std::string& key, int depth) {
  return "{\"" + key + "\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST_CASE("ParseJsonBody refuses nesting beyond kMaxJsonDepth and keeps the rest") {
  CHECK(sync::ParseJsonBody(Deep("a", sync::kMaxJsonDepth - 1)).is_object());
  CHECK(sync::ParseJsonBody(Deep("a", sync::kMaxJsonDepth)).is_discarded());
  CHECK(sync::ParseJsonBody(Deep("a", 100000)).is_discarded());
  // Brackets inside strings, escaped quotes included, are not nesting.
  const std::string text = "{\"a\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  CHECK(sync::ParseJsonBody(text).is_object());
  CHECK(sync::ParseJsonBody("not json").is_discarded());
}

TEST_CASE("an error body that is deep or has a non-string message parses tolerantly") {
  sync::ErrorBody e = sync::ErrorBody::Parse(Deep("error", 100000));
  CHECK(e.error == "unknown");
  e = sync::ErrorBody::Parse(R"({"error":"gap","message":5})");
  CHECK(e.error == "gap");
  CHECK(e.message.empty());
}

TEST_CASE("the hub answers deeply nested bodies with 400 and keeps serving") {
  HubFixture hub(/*insecure_http=*/true);
  // Unauthenticated: login and enrol.
  auto login = hub.Client()->Post(sync::kPathHqLogin, Deep("org", 100000), "application/json");
  REQUIRE(login);
  CHECK(login->status == 400);
  auto enroll = hub.Client()->Post(sync::kPathEnroll, {{sync::kHeaderProtocol, "1"}}, Deep("token", 100000),
                                   "application/json");
  REQUIRE(enroll);
  CHECK(enroll->status == 400);
  // An HQ admin's promotion with a deep field.
  const std::string token = hub.Login("LL", "alice", "alice-pass");
  auto promo = hub.Client()->Post(sync::kPathHqPromotions, {{"Authorization", "Bearer " + token}},
                                  "{\"code\":\"P1\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}",
                                  "application/json");
  REQUIRE(promo);
  CHECK(promo->status == 400);
  auto health = hub.Client()->Get(sync::kPathHealth);
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("a request timestamp of INT64_MIN is stale, not an overflow") {
  auto key = *GenerateEd25519();
  sync::SignedHeaders h{"1", "dev", "-9223372036854775808", std::string(32, 'a'), std::string(128, 'b')};
  Status st = sync::VerifyRequest(key.public_key, h, "GET", sync::kPathHwm, "", 1795246200000);
  CHECK(st.code() == Status::Code::kPermissionDenied);
  h.timestamp = "9223372036854775807";
  st = sync::VerifyRequest(key.public_key, h, "GET", sync::kPathHwm, "", 1795246200000);
  CHECK(st.code() == Status::Code::kPermissionDenied);
}

}  // namespace
}  // namespace linli::hub::testing
