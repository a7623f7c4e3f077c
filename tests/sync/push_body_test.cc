// The push body is serialised once per push (sync/protocol PushBody): its
// bytes are exactly those PushRequest::ToJson().dump() gives for the same
// events, and its size is known before each event goes in.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "linli/sync/protocol.h"

namespace linli {
namespace {

sync::WireEvent Event(int64_t seq, std::string payload) {
  sync::WireEvent w;
  w.seq = seq;
  w.event_id = "0190f3c2-7a10-7000-8000-00000000000" + std::to_string(seq % 10);
  w.type = "sale";
  w.type_version = 1;
  w.epoch = 2;
  w.occurred_at = "2026-11-21T07:30:00.123Z";
  w.payload = std::move(payload);
  w.prev_hash_hex = std::string(64, 'a');
  w.hash_hex = std::string(64, 'b');
  w.signature_hex = std::string(128, 'c');
  return w;
}

TEST_CASE("push body: the same bytes as PushRequest::ToJson().dump(), each event serialised once") {
  const std::vector<sync::WireEvent> all = {
      Event(1, R"({"lines":[{"name":"可口可乐 330ml","sku":"A001"}],"total_fen":350})"),
      Event(2, "{\"note\":\"a \\\"quote\\\", a tab\\t and a newline\\n\"}"),
      Event(3, R"({"receipt_no":"S001-20261121-0003"})")};
  for (size_t n = 0; n <= all.size(); ++n) {
    CAPTURE(n);
    const std::vector<sync::WireEvent> events(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    sync::PushBody body("dev-\"1\"-幸福路");
    size_t expected_size = 0;
    for (const sync::WireEvent& e : events) {
      const std::string text = sync::PushBody::Serialise(e);
      CHECK(text == e.ToJson().dump());
      expected_size = body.SizeWith(text);
      body.Add(text);
    }
    CHECK(body.events() == static_cast<int>(n));
    const std::string bytes = std::move(body).Take();
    CHECK(bytes == sync::PushRequest{"dev-\"1\"-幸福路", events}.ToJson().dump());
    if (n > 0) CHECK(bytes.size() == expected_size);
    // And the hub reads it back to the same events.
    if (n > 0) {
      auto back = sync::PushRequest::FromJson(nlohmann::json::parse(bytes));
      REQUIRE(back.ok());
      REQUIRE(back->events.size() == n);
      CHECK(back->events.back().payload == events.back().payload);
    }
  }
}

}  // namespace
}  // namespace linli
