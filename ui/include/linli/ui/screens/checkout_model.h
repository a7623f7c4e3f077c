// The checkout screen's model: the scan/search field, the cart's actions
// (quantity, discounts, price override, void, clear, suspend,
// 抹零, weighing, adding an unknown product) and the prompts they open.
// The cart itself is the session's (CounterSession::cart()).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "linli/ui/session.h"

namespace linli::ui {

class PaymentModel;

class CheckoutModel final : public ScreenModel {
 public:
  // `scan`: where a code typed at the field goes (as a scanner's would);
  // `payment`: a finished sale ends with the next customer's first item.
  CheckoutModel(CounterSession& session, PaymentModel& payment, std::function<void(const std::string&)> scan)
      : session_(session), payment_(payment), scan_(std::move(scan)) {}

  std::string& entry() { return entry_; }    // the scan/search field
  void SubmitEntry();                        // Enter in that field
  const std::vector<CartRow>& rows() const { return session_.cart().rows; }
  const std::vector<PromotionApplication>& promotions() const { return session_.cart().promotions; }
  const PricedCart& priced() const { return session_.cart().priced; }
  int selected_line() const { return session_.cart().selected_line; }
  void SelectLine(int line_no) { session_.cart().selected_line = line_no; }
  const CartRow* last_row() const { return session_.last_row(); }
  // The last item's sum as the cashier checks it: quantity × unit price =
  // gross, then the promotion or discount and what is paid for the line on
  // a second line ("" when nothing came off). Empty before the first item.
  std::vector<std::string> LastItemLines() const;
  const std::string& member_phone() const { return session_.cart().member_phone; }
  void AskQuantity();
  void AskLineDiscount();
  void AskOrderDiscount();
  void AskPriceOverride();
  void VoidSelected();
  void ClearCart();
  // 删除行 and 清空 as the keys and buttons ask them: with more than one line
  // in the cart, a kConfirmCart prompt first (one line goes at once).
  void AskVoidSelected();
  void AskClearCart();
  void AskSuspend();
  void ApplyCashRounding();                  // the store's 抹零 rule (may ask a manager)
  void AskAddProduct(const std::string& code);  // manager: unknown barcode → new product
  void AskEditProduct();                        // manager: the selected line's product, name and price
  // A weighed product: asks its weight (read from the scale when there is one).
  void AskWeight(const std::string& sku, const std::string& name);
  void WeighFromScale();                     // kWeight prompt: read the scale
  void ScanIntoCart(const BarcodeClass& code, int64_t count);
  // Up and Down move the selected line; true when the key was one of them.
  bool MoveSelection(Key key);
  // The cart's prompts (quantity, weight, discounts, price, member, suspend,
  // add product), answered.
  void SubmitPrompt(const Prompt& p);

 private:
  void AddWeighed(const std::string& sku, int64_t grams);
  void SaveProduct(const Prompt& p);  // add or edit product answered

  CounterSession& session_;
  PaymentModel& payment_;
  std::function<void(const std::string&)> scan_;
  std::string entry_;
  // What the open kConfirmCart prompt goes ahead with: clearing the cart, or
  // voiding this line.
  bool confirm_clear_ = false;
  int confirm_line_ = 0;
};

}  // namespace linli::ui
