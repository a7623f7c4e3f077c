#include "linli/pos/canonical_json.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

namespace linli {
namespace {

using nlohmann::json;

std::string Canon(const json& v) {
  Result<std::string> r = CanonicalJson(v);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

std::string Refusal(const json& v) {
  Result<std::string> r = CanonicalJson(v);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
  return r.status().message();
}

TEST_CASE("canonical json: keys sorted, no whitespace") {
  CHECK(Canon(json::parse(R"({ "b": 1, "a": 2, "c": { "z": true, "y": null } })")) ==
        R"({"a":2,"b":1,"c":{"y":null,"z":true}})");
}

TEST_CASE("canonical json: keys sort by UTF-8 bytes") {
  json v = {{"b", 1}, {"aa", 2}, {"a", 3}, {"中", 4}, {"z", 5}, {"A", 6}, {"", 7}};
  // '' < 'A' < 'a' < 'aa' < 'b' < 'z' < 0xE4 (first byte of 中)
  CHECK(Canon(v) == R"({"":7,"A":6,"a":3,"aa":2,"b":1,"z":5,"中":4})");
}

TEST_CASE("canonical json: nested objects and arrays keep array order") {
  json v = json::parse(R"({"lines":[{"sku":"B","qty_milli":2000},{"sku":"A","qty_milli":1000}],
                           "tenders":[],"meta":{},"n":[3,1,2,[[]]]})");
  CHECK(Canon(v) ==
        R"({"lines":[{"qty_milli":2000,"sku":"B"},{"qty_milli":1000,"sku":"A"}],)"
        R"("meta":{},"n":[3,1,2,[[]]],"tenders":[]})");
}

TEST_CASE("canonical json: Chinese text keeps its UTF-8 bytes") {
  json v = {{"name", "可口可乐 330ml"}, {"店", "邻里便利店"}};
  const std::string out = Canon(v);
  CHECK(out == "{\"name\":\"\xe5\x8f\xaf\xe5\x8f\xa3\xe5\x8f\xaf\xe4\xb9\x90 330ml\","
               "\"\xe5\xba\x97\":\"\xe9\x82\xbb\xe9\x87\x8c\xe4\xbe\xbf\xe5\x88\xa9\xe5\xba\x97\"}");
  CHECK(out.find("\\u") == std::string::npos);
  // Emoji (4-byte UTF-8) too.
  CHECK(Canon(json("\xf0\x9f\x8d\x9c")) == "\"\xf0\x9f\x8d\x9c\"");
}

TEST_CASE("canonical json: escapes only quote, backslash and control characters") {
  json v = std::string("a\"b\\c/d\n\t\r\b\f") + '\x01' + '\x1f' + '\x7f';
  CHECK(Canon(v) == "\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\\u0001\\u001f\x7f\"");
  CHECK(Canon(json(std::string("nul\0end", 7))) == "\"nul\\u0000end\"");
}

TEST_CASE("canonical json: integers, booleans and null") {
  CHECK(Canon(json(0)) == "0");
  CHECK(Canon(json(-350)) == "-350");
  CHECK(Canon(json(std::numeric_limits<int64_t>::max())) == "9223372036854775807");
  CHECK(Canon(json(std::numeric_limits<int64_t>::min())) == "-9223372036854775808");
  CHECK(Canon(json(uint64_t{42})) == "42");
  CHECK(Canon(json::parse("[true,false,null]")) == "[true,false,null]");
  CHECK(Canon(json::object()) == "{}");
  CHECK(Canon(json::array()) == "[]");
}

TEST_CASE("canonical json: equal documents built in different orders give the same bytes") {
  json a;
  a["total_fen"] = 1250;
  a["lines"] = json::array({{{"sku", "6901234567892"}, {"qty_milli", 1000}}});
  a["cashier"] = "1001";
  json b = json::object();
  b["cashier"] = "1001";
  json line;
  line["qty_milli"] = 1000;
  line["sku"] = "6901234567892";
  b["lines"].push_back(line);
  b["total_fen"] = 1250;
  json c = json::parse(R"({"lines" : [ {"qty_milli":1000, "sku":"6901234567892"} ],
                           "total_fen" : 1250, "cashier" : "1001"})");
  CHECK(Canon(a) == Canon(b));
  CHECK(Canon(a) == Canon(c));
  // Canonical output parses back to an equal document and is a fixed point.
  CHECK(json::parse(Canon(a)) == a);
  CHECK(Canon(json::parse(Canon(a))) == Canon(a));
}

TEST_CASE("canonical json: floating-point numbers are refused, naming the path") {
  CHECK(Refusal(json(3.5)).find("$ ") != std::string::npos);
  const std::string msg =
      Refusal(json::parse(R"({"lines":[{"qty":1},{"qty":1.5}],"total_fen":300})"));
  CHECK(msg.find("$.lines[1].qty") != std::string::npos);
  CHECK(msg.find("floating-point") != std::string::npos);
  // 1.0 is a float too, even though its value is whole.
  CHECK(Refusal(json::parse(R"({"a":{"b":[0,1.0]}})")).find("$.a.b[1]") != std::string::npos);
  // A key that is not an identifier is written as a bracketed string.
  CHECK(Refusal(json::parse(R"({"单价":2.5})")).find("$[\"单价\"]") != std::string::npos);
  CHECK(Refusal(json::parse(R"({"x y":[1e3]})")).find("$[\"x y\"][0]") != std::string::npos);
}

TEST_CASE("canonical json: invalid UTF-8 is refused in values and keys") {
  CHECK(Refusal(json({{"name", "\xff"}})).find("$.name") != std::string::npos);
  CHECK(Refusal(json({{"s", "\xc0\xaf"}})).find("UTF-8") != std::string::npos);      // overlong '/'
  CHECK(Refusal(json({{"s", "\xed\xa0\x80"}})).find("UTF-8") != std::string::npos);  // surrogate
  CHECK(Refusal(json({{"s", "\xe4\xb8"}})).find("UTF-8") != std::string::npos);      // truncated 中
  CHECK(Refusal(json({{"s", "\xf4\x90\x80\x80"}})).find("UTF-8") != std::string::npos);  // > U+10FFFF
  json bad_key = json::object();
  bad_key["ok"] = json::object();
  bad_key["ok"][std::string("\xfe")] = 1;
  CHECK(Refusal(bad_key).find("$.ok") != std::string::npos);
}

TEST_CASE("canonical json: integers beyond int64 and binary values are refused") {
  const uint64_t big = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
  CHECK(Refusal(json({{"n", big}})).find("$.n") != std::string::npos);
  CHECK(Refusal(json({{"blob", json::binary({1, 2, 3})}})).find("$.blob") != std::string::npos);
}

TEST_CASE("canonical json: nesting is limited") {
  json deep = 1;
  for (int i = 0; i < kMaxCanonicalJsonDepth; ++i) deep = json::array({deep});
  CHECK(CanonicalJson(deep).ok());
  CHECK(Refusal(json::array({deep})).find("nested deeper") != std::string::npos);
}

}  // namespace
}  // namespace linli
