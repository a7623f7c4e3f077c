// The suspended-carts screen's model: the carts put aside (F8), listed when
// the screen opens, and resuming one.
#pragma once

#include <cstdint>
#include <vector>

#include "linli/ui/session.h"

namespace linli::ui {

class SuspendedModel final : public ScreenModel {
 public:
  explicit SuspendedModel(CounterSession& session) : session_(session) {}

  const std::vector<SuspendedCart>& suspended() const { return suspended_; }
  void ResumeSuspended(int64_t id);

  bool OnShow() override;

 private:
  CounterSession& session_;
  std::vector<SuspendedCart> suspended_;
};

}  // namespace linli::ui
