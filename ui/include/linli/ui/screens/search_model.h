// The search screen's model: the query, its hits, the selected hit, and
// picking one into the cart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linli/ui/session.h"

namespace linli::ui {

class CheckoutModel;
class PaymentModel;

struct SearchState {
  std::string query;
  std::string last_query;  // what `hits` answer
  std::vector<ProductHit> hits;
  int selected = 0;
  int64_t took_us = 0;
};

class SearchModel final : public ScreenModel {
 public:
  // `checkout`: picks go into its cart (the query starts from its field).
  SearchModel(CounterSession& session, CheckoutModel& checkout, PaymentModel& payment)
      : session_(session), checkout_(checkout), payment_(payment) {}

  SearchState& state() { return state_; }
  const SearchState& state() const { return state_; }
  void RunSearch();                          // when the query changed
  void PickSearchHit(int index);             // adds (weighed items ask for weight)
  // Up, Down, PgUp, PgDn move in the hits; true when the key was one of them.
  bool MoveSelection(Key key);

  bool OnShow() override;

 private:
  CounterSession& session_;
  CheckoutModel& checkout_;
  PaymentModel& payment_;
  SearchState state_;
};

}  // namespace linli::ui
