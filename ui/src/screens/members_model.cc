// The members screen's model (screens/members_model.h).
#include "linli/ui/screens/members_model.h"

#include <fmt/format.h>

#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

bool MembersModel::OnShow() {
  if (session_.screen() != Screen::kMembers) {
    state_ = MembersState{};
    if (!session_.cart().member_phone.empty()) Load(session_.cart().member_phone);
  }
  return true;
}

void MembersModel::Load(const std::string& phone) {
  state_.phone = phone;
  state_.found.reset();
  state_.not_found = false;
  state_.visit_lines.clear();
  auto h = LoadMemberHistory(session_.db(), phone);
  if (!h.ok()) return session_.ReportError(h.status());
  if (!*h) {
    state_.not_found = true;
    return;
  }
  state_.found = **h;
  for (const MemberVisit& v : state_.found->recent) {
    const std::string amount = v.kind == "sale" ? Yuan(v.total_fen) : "-" + Yuan(v.total_fen);
    state_.visit_lines.push_back(fmt::format("{}  {}  {}  {}", LocalTime(v.occurred_at, session_.time_zone()),
                                             v.receipt_no, Tr(("members.kind." + v.kind).c_str()), amount));
  }
}

void MembersModel::Lookup() {
  session_.Touch();
  const std::string phone = Trim(state_.phone);
  if (!IsMobileNumber(phone)) {
    state_.found.reset();
    state_.not_found = false;
    return session_.Notify(Notice::Level::kError, TrF("members.bad_phone", phone));
  }
  Load(phone);
}

void MembersModel::AskAdd() {
  const std::string phone = Trim(state_.phone);
  if (!IsMobileNumber(phone)) {
    return session_.Notify(Notice::Level::kError, TrF("members.bad_phone", phone));
  }
  session_.OpenPrompt(PromptKind::kMemberAdd, "members.add.title", "members.add.hint");
  session_.prompt().title = TrF("members.add.title_phone", MaskPhone(phone));
  session_.prompt().sku = phone;
}

void MembersModel::SubmitPrompt(const Prompt& p) {
  if (p.kind != PromptKind::kMemberAdd) return;
  const std::string name = Trim(p.input);
  if (name.empty()) return session_.RetryPrompt(p, "prompt.err.name");
  Status st = AddMember(session_.db(), p.sku, name, session_.clock());
  if (!st.ok()) {
    session_.prompt() = p;
    session_.prompt().error = TrStatus(st);
    return;
  }
  session_.Notify(Notice::Level::kSuccess, TrF("members.added", name, MaskPhone(p.sku)));
  Load(p.sku);
}

void MembersModel::Attach() {
  if (!state_.found) return;
  Checkout* co = session_.checkout();
  if (!co) return;
  const std::string phone = state_.found->member.phone;
  Status st = co->AttachMember(phone);
  if (!st.ok()) return session_.ReportError(st);
  session_.cart().member_phone = phone;
  session_.Notify(Notice::Level::kSuccess, TrF("notice.member_attached", MaskPhone(phone)));
  session_.AfterCartChange(0);
  session_.Show(Screen::kCheckout);
}

}  // namespace linli::ui
