// The members screen's model (会员, F10): look a member up by phone, see
// their points, visits and latest receipts, add a member at the counter, and
// attach the member to the sale in progress.
#pragma once

#include <optional>
#include <string>

#include "linli/ui/session.h"

namespace linli::ui {

struct MembersState {
  std::string phone;                     // typed (or the cart's member when the screen opens)
  std::optional<MemberHistory> found;    // the member looked up
  bool not_found = false;                // looked up, no member: offer to add one
  std::vector<std::string> visit_lines;  // found->recent, as the screen shows them (store-local times)
};

class MembersModel final : public ScreenModel {
 public:
  explicit MembersModel(CounterSession& session) : session_(session) {}

  MembersState& state() { return state_; }
  const MembersState& state() const { return state_; }
  void Lookup();        // Enter in the phone field
  void AskAdd();        // a new member with the phone typed: asks the name
  void Attach();        // the member found joins the sale; back to checkout
  void SubmitPrompt(const Prompt& p);  // kMemberAdd answered

  bool OnShow() override;

 private:
  void Load(const std::string& phone);

  CounterSession& session_;
  MembersState state_;
};

}  // namespace linli::ui
