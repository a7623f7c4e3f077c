// The command table: one entry per action, keys bound once, and the help
// screen and the buttons read from it.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "linli/ui/commands.h"

namespace linli::ui {
namespace {

TEST_CASE("every action has exactly one command, and no key is bound twice on a screen") {
  std::set<Action> actions;
  std::set<std::pair<int, Command::Scope>> keys;
  for (const Command& c : Commands()) {
    CHECK_MESSAGE(actions.insert(c.action).second, c.key_name);
    CHECK(&CommandFor(c.action) == &c);
    for (const std::optional<Key>& k : {c.key, c.alt_key}) {
      if (!k) continue;
      CHECK_MESSAGE(keys.insert({static_cast<int>(*k), c.scope}).second, KeyName(*k));
      CHECK(static_cast<bool>(c.run));  // a key OnKey acts on does something
    }
    if (c.button_id) CHECK(c.label_key != nullptr);
    CHECK((c.help_key != nullptr || c.button_id != nullptr));
  }
  CHECK(actions.size() == static_cast<size_t>(Action::kArrows) + 1);
}

TEST_CASE("the help screen lists F1 to F12, Esc, Enter and the arrows, in that order") {
  std::string keys;
  for (const Command& c : Commands()) {
    if (c.help_key) keys += std::string(c.key_name) + ",";
  }
  CHECK(keys == "F1,F2,F3,F4,F5,F6,F7,F8,F9,F10,F11,F12,Esc,Enter,Up Down,");
  CHECK(CommandFor(Action::kVoidLine).alt_key == Key::kDelete);
}

}  // namespace
}  // namespace linli::ui
