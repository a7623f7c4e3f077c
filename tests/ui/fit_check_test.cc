// The fit rule behind the replay command expect-fit (ui/fit_check.h).
#include <doctest/doctest.h>

#include "linli/ui/fit_check.h"
#include "linli/ui/replay.h"

namespace linli::ui {
namespace {

const FitRect kWindow{0, 0, 1280, 800};

FitControl Control(std::string id, FitRect r, bool clickable = true) {
  FitControl c;
  c.id = std::move(id);
  c.rect = r;
  c.visible = kWindow;
  c.clickable = clickable;
  return c;
}

bool Names(const std::vector<FitProblem>& problems, const std::string& id, const std::string& words) {
  for (const FitProblem& p : problems) {
    if (p.id == id && p.what.find(words) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("fit: controls inside the window, touch-sized and apart pass") {
  std::vector<FitControl> cs = {Control("a", {10, 10, 200, 58}), Control("b", {210, 10, 400, 58}),
                                Control("label", {10, 70, 300, 92}, false)};
  CHECK(CheckFit(cs, kWindow, 44, {"a", "b"}).empty());
}

TEST_CASE("fit: a keypad row below the bottom of the window is named (the 1280x800 sign-in)") {
  std::vector<FitControl> cs = {Control("signin.keypad.0", {400, 770, 497, 867})};
  const auto problems = CheckFit(cs, kWindow, 44, {});
  REQUIRE(problems.size() == 1);
  CHECK(Names(problems, "signin.keypad.0", "outside the window"));
}

TEST_CASE("fit: a control cut off by its panel is named, though inside the window") {
  FitControl c = Control("shift.close", {20, 600, 600, 660});
  c.visible = {10, 100, 620, 640};  // the panel ends at 640
  const auto problems = CheckFit({c}, kWindow, 44, {});
  REQUIRE(problems.size() == 1);
  CHECK(Names(problems, "shift.close", "cut off"));
  // What scrolls may scroll out of view.
  c.scrolls = true;
  CHECK(CheckFit({c}, kWindow, 44, {}).empty());
}

TEST_CASE("fit: a button under 44 px is too small to touch; text is not a touch target") {
  const auto problems = CheckFit({Control("refund.line.1", {0, 0, 80, 36}), Control("note", {0, 50, 80, 72}, false)},
                                 kWindow, 44, {});
  REQUIRE(problems.size() == 1);
  CHECK(Names(problems, "refund.line.1", "36 px high"));
}

TEST_CASE("fit: overlapping controls of one window are named; a prompt over the screen is not") {
  FitControl a = Control("nav.lock", {900, 0, 1020, 48});
  FitControl b = Control("screen.title", {700, 0, 950, 40}, false);
  CHECK(Names(CheckFit({a, b}, kWindow, 44, {}), "nav.lock", "overlaps screen.title"));
  b.layer = 1;  // another window on top (a prompt)
  CHECK(CheckFit({a, b}, kWindow, 44, {}).empty());
  // Touching edges are not an overlap.
  CHECK(CheckFit({a, Control("c", {1020, 0, 1100, 48})}, kWindow, 44, {}).empty());
}

TEST_CASE("fit: a hint or label wider than its control is cut off (the 1024x768 search hint)") {
  FitControl c = Control("search.query", {8, 76, 1016, 144});
  CHECK(CheckFit({c}, kWindow, 44, {}).empty());
  c.text_cut = true;
  CHECK(Names(CheckFit({c}, kWindow, 44, {}), "search.query", "text is wider"));
}

TEST_CASE("fit: a command button not drawn at all is named") {
  const auto problems = CheckFit({Control("checkout.pay", {0, 700, 100, 748})}, kWindow, 44,
                                 {"checkout.pay", "checkout.clear"});
  REQUIRE(problems.size() == 1);
  CHECK(Names(problems, "checkout.clear", "not drawn"));
}

TEST_CASE("fit: replays name the checks expect-fit (no argument) and expect-tone (a control and a tone)") {
  auto e = ParseReplay("expect-fit\nexpect-tone checkout.pay primary\n");
  REQUIRE(e.ok());
  REQUIRE(e->size() == 2);
  CHECK((*e)[0].kind == ReplayEvent::Kind::kExpectFit);
  CHECK((*e)[1].kind == ReplayEvent::Kind::kExpectTone);
  CHECK((*e)[1].arg == "checkout.pay primary");
  auto bad = ParseReplay("expect-fit\nexpect-tone\n");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("line 2") != std::string::npos);
}

}  // namespace
}  // namespace linli::ui
