// ESC/POS: the byte language of thermal receipt printers, and the encoder
// that turns a ReceiptModel (linli/pos/receipt.h) into a print job.
//
// Two layers:
//
//  * namespace escpos: one function per printer command, each returning the
//    exact bytes (ESC @, FS &, ESC E, GS !, ESC a, GS v 0, GS k, GS ( k,
//    GS V, ESC p, DLE EOT). They never fail: arguments out of range are
//    clamped to what the command can carry, as documented per function.
//  * EncodeReceipt / EncodeTextJob: whole jobs for one PrinterProfile.
//
// A PrinterProfile says what a printer model needs and can do: its text
// encoding (GB18030, GBK or UTF-8), paper width in columns and dots, whether
// it understands GS ( k (QR) and GS V (cut). Printers without GS ( k get the
// QR code as a raster image (GS v 0) built with EncodeQrModules (codes.h).
//
// Text goes through ICU converters (ucnv "GB18030", "GBK"); there is no
// hand-made table. Layout comes from RenderReceiptText, so a CJK character
// takes two columns on paper exactly as it does in the text rendering.
//
// Everything here is pure: no I/O, no clock, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "linli/drivers/image.h"
#include "linli/pos/receipt.h"
#include "linli/pos/status.h"

namespace linli {

enum class TextEncoding {
  kGb18030,  // every Unicode character has a code; the default for China
  kGbk,      // older printers; characters outside GBK print as '?'
  kUtf8,     // printers that take UTF-8 as is
};
const char* TextEncodingName(TextEncoding e);  // "GB18030", "GBK", "UTF-8"

// What the encoder and the Printer service need to know about a printer
// model. FindProfile (printer.h) returns the shipped ones.
// Whether a job first asks the printer for its status (DLE EOT) on a
// two-way link. kAuto asks until the printer has been seen to stay silent
// (many network printers never answer), then prints without asking.
enum class StatusQuery { kOn, kOff, kAuto };
const char* StatusQueryName(StatusQuery q);  // "on" | "off" | "auto"

struct PrinterProfile {
  std::string name;                 // "generic58"
  std::string description;          // "Generic 58 mm thermal, GB18030"
  TextEncoding encoding = TextEncoding::kGb18030;
  int columns = kReceiptColumns58;  // text columns at normal size (CJK = 2)
  int dots = 384;                   // printable dots per line (8 dots/mm)
  bool chinese_mode = true;         // send FS & after ESC @ (GB encodings)
  int code_page = -1;               // ESC t n after ESC @; -1: leave as is
  bool supports_qr = true;          // GS ( k; false: QR as a raster image
  bool supports_cut = true;         // GS V; false: feed to the tear bar
  StatusQuery status_query = StatusQuery::kAuto;  // ask DLE EOT before a job
  int qr_module_dots = 5;           // QR module size in dots (1..16)
  int barcode_module_dots = 2;      // CODE128 narrow bar in dots (2..6)
  int feed_before_cut = 4;          // lines fed before the cut / tear
};

namespace escpos {

inline constexpr char kEsc = 0x1B;
inline constexpr char kGs = 0x1D;
inline constexpr char kFs = 0x1C;
inline constexpr char kDle = 0x10;
inline constexpr char kEot = 0x04;

enum class Align { kLeft = 0, kCenter = 1, kRight = 2 };
enum class QrErrorCorrection { kL = 48, kM = 49, kQ = 50, kH = 51 };

std::string Initialize();                   // ESC @          1B 40
std::string ChineseModeOn();                // FS &           1C 26
std::string ChineseModeOff();               // FS .           1C 2E
std::string SelectCodePage(uint8_t n);      // ESC t n        1B 74 n
std::string Bold(bool on);                  // ESC E n        1B 45 0|1
// GS ! n: width and height multipliers 1..8 (clamped).  1D 21 ((w-1)<<4 | (h-1))
std::string CharacterSize(int width, int height);
std::string SetAlign(Align a);              // ESC a n        1B 61 0|1|2
std::string Feed(int lines);                // ESC d n        1B 64 n (0..255)

// GS v 0 0 xL xH yL yH d…: the image as 1-bit rows, MSB leftmost, a pixel
// darker than `threshold` (0..255) printing black. Width is padded with white
// to whole bytes. Images taller than kRasterBandRows are sent as several
// GS v 0 commands, one per band, top to bottom. Empty image: empty string.
inline constexpr int kRasterBandRows = 256;
std::string RasterImage(const GrayImage& image, int threshold = 128);

// CODE128 (GS k 73 n {B…/{C…): digits in runs of four or more go in code
// set C, the rest in B. Returns nullopt when `data` has a character outside
// ASCII 32..126 or is empty or longer than 80 characters. The command is
// preceded by GS h height (1..255 dots), GS w module (2..6) and GS H hri
// (0 none, 2 below).
std::optional<std::string> Code128(std::string_view data, int height_dots, int module_dots,
                                   bool hri_below = true);
// The data bytes GS k 73 would carry ({B/{C switches and codes), and the
// symbol's width in modules including start, check and stop characters (no
// quiet zone). nullopt as for Code128.
struct Code128Plan {
  std::string data;
  int modules = 0;
};
std::optional<Code128Plan> PlanCode128(std::string_view data);

// QR model 2 through GS ( k: select model 2, module size (1..16 dots),
// error correction, store `data` (at most 7089 bytes; longer is cut), print.
std::string QrCode(std::string_view data, int module_dots, QrErrorCorrection ec);

// GS V 66 n: feed to the cutter plus n dots, then a partial cut.
std::string Cut(int extra_dots = 0);
// ESC p m t1 t2: pulse drawer pin m (0 = pin 2, 1 = pin 5), on for t1×2 ms,
// off for t2×2 ms (on_ms and off_ms are clamped to 2..510).
std::string DrawerKick(int pin = 0, int on_ms = 100, int off_ms = 200);
// DLE EOT n (n = 1 printer, 2 offline cause, 3 error cause, 4 paper).
std::string StatusRequest(uint8_t n);

}  // namespace escpos

// UTF-8 text in the given encoding, via ICU. Control characters (C0, DEL,
// C1: see ControlChar in text.h) are dropped, so text from data never reaches
// the printer as a command. Characters the encoding lacks print as '?';
// invalid UTF-8 sequences too. Never fails for kGb18030 and
// kUtf8 (UTF-8 is passed through unchanged).
std::string EncodeText(std::string_view utf8, TextEncoding encoding);

struct ReceiptJobOptions {
  // The store logo, printed centred above the text. InvalidArgument when it
  // is wider than profile.dots. Pixels darker than 128 print black.
  std::optional<GrayImage> logo;
  bool barcode = true;  // CODE128 of the receipt number, when it fits the paper
  bool qr = true;       // QR of ReceiptQrPayload (GS ( k or raster fallback)
  bool cut = true;      // GS V if the profile can; else feed to tear off
};

// The whole receipt job. Every text field of `receipt` is stripped of
// control characters before layout: the only commands in the job are the
// encoder's own, listed here.
//
//   ESC @, [ESC t n], [FS &], [logo: ESC a 1, GS v 0],
//   store name: ESC a 1, bold, double size (double height only when the name
//   is wider than half the paper), then back to normal and ESC a 0,
//   the remaining lines of RenderReceiptText(receipt, profile.columns),
//   the 应收/应退 row in bold, each line encoded and ended by LF,
//   [ESC a 1, CODE128 of receipt_no], [QR of ReceiptQrPayload], ESC a 0,
//   ESC d feed_before_cut, [GS V 66 0].
//
// The barcode is left out when the symbol would be wider than the paper at
// profile.barcode_module_dots (a long receipt number on 58 mm); the QR still
// carries the number. Errors: InvalidArgument for a logo too wide; the QR
// fallback's encoder error when the payload cannot be made a QR symbol.
Result<std::string> EncodeReceipt(const ReceiptModel& receipt, const PrinterProfile& profile,
                                  const ReceiptJobOptions& options = {});

// A plain text job (X/Z reports, close slips): ESC @, code page / Chinese
// mode as the profile needs, each line of `utf8_text` (split at '\n') encoded
// and ended by LF, feed, and a cut when `cut` and the profile allows. The
// first line is printed bold when `bold_title`. Lines are printed as given:
// render them for profile.columns.
std::string EncodeTextJob(std::string_view utf8_text, const PrinterProfile& profile,
                          bool bold_title = true, bool cut = true);

}  // namespace linli
