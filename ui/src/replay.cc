#include "linli/ui/replay.h"

#include <map>

namespace linli::ui {

Result<std::vector<ReplayEvent>> ParseReplay(std::string_view text) {
  static const std::map<std::string, ReplayEvent::Kind, std::less<>> kCommands = {
      {"type", ReplayEvent::Kind::kType},
      {"key", ReplayEvent::Kind::kKey},
      {"scan", ReplayEvent::Kind::kScan},
      {"click", ReplayEvent::Kind::kClick},
      {"weight", ReplayEvent::Kind::kWeight},
      {"wait", ReplayEvent::Kind::kWait},
      {"screenshot", ReplayEvent::Kind::kScreenshot},
      {"expect-screen", ReplayEvent::Kind::kExpectScreen},
      {"expect-text", ReplayEvent::Kind::kExpectText},
      {"expect-fit", ReplayEvent::Kind::kExpectFit},
      {"expect-tone", ReplayEvent::Kind::kExpectTone},
      {"quit", ReplayEvent::Kind::kQuit},
  };
  std::vector<ReplayEvent> events;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') {
      if (end == text.size()) break;
      continue;
    }
    line.remove_prefix(first);
    size_t space = line.find(' ');
    std::string_view cmd = line.substr(0, space);
    std::string arg = space == std::string_view::npos ? std::string() : std::string(line.substr(space + 1));
    auto it = kCommands.find(cmd);
    if (it == kCommands.end()) {
      return Status::InvalidArgument("replay line " + std::to_string(line_no) + ": unknown command \"" +
                                     std::string(cmd) + "\"");
    }
    ReplayEvent e{it->second, arg, line_no};
    const bool needs_arg = e.kind != ReplayEvent::Kind::kQuit && e.kind != ReplayEvent::Kind::kWait &&
                           e.kind != ReplayEvent::Kind::kExpectFit;
    if (needs_arg && arg.empty()) {
      return Status::InvalidArgument("replay line " + std::to_string(line_no) + ": \"" + std::string(cmd) +
                                     "\" needs an argument");
    }
    if (e.kind == ReplayEvent::Kind::kWait && e.arg.empty()) e.arg = "3";
    events.push_back(std::move(e));
    if (end == text.size()) break;
  }
  return events;
}

}  // namespace linli::ui
