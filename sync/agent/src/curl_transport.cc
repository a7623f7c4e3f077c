// The one file in Linli that includes curl (STYLE: curl wrapped in one place).
// curl's error codes are translated here into Status messages a shopkeeper can
// act on; nothing above this file sees a CURLcode.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <mutex>

#include "linli/sync/transport.h"

namespace linli::sync {

std::string HttpResponse::Header(std::string_view name) const {
  std::string key(name);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(key);
  return it == headers.end() ? std::string() : it->second;
}

bool IsLoopbackUrl(std::string_view url) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (url.substr(0, prefix.size()) == prefix) {
      const char next = url.size() > prefix.size() ? url[prefix.size()] : '/';
      if (next == ':' || next == '/') return true;
    }
  }
  return false;
}

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  HttpResponse* response;
  size_t limit;
  bool over_limit = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (sink->response->body.size() + len > sink->limit) {
    sink->over_limit = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.substr(0, 5) == "HTTP/") {
    sink->response->headers.clear();  // a new response (after 100 Continue)
    return len;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  sink->response->headers[name] = std::string(value);
  return len;
}

Status CurlErrorToStatus(CURLcode code, const std::string& url, const char* detail, const std::string& peer) {
  const std::string why = detail && *detail ? detail : curl_easy_strerror(code);
  // if-chains, not a switch: CURLcode has ~100 values and -Wswitch-enum.
  auto is = [code](std::initializer_list<CURLcode> set) {
    for (CURLcode c : set) {
      if (c == code) return true;
    }
    return false;
  };
  // The sync agent's words are kept as they were; another peer gets its name.
  const bool hub = peer == "the hub";
  if (is({CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY})) {
    return Status::Unavailable("cannot find " + peer + " " + url + " (" + why +
                               (hub ? "); check the store's internet connection and the hub address"
                                    : "); check the store's internet connection"));
  }
  if (is({CURLE_COULDNT_CONNECT})) {
    return Status::Unavailable("cannot reach " + peer + " " + url + " (" + why +
                               (hub ? "); sales are kept and will be sent when it is back" : ")"));
  }
  if (is({CURLE_OPERATION_TIMEDOUT})) {
    return Status::Unavailable(peer + " did not answer in time (" + why + (hub ? "); will retry" : ")"));
  }
  if (is({CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR,
          CURLE_SSL_CERTPROBLEM})) {
    if (hub) {
      return Status::Unavailable("the hub's certificate is not signed by the pinned CA (" + why +
                                 "); check the hub address and --ca with HQ");
    }
    return Status::Unavailable("the TLS connection to " + peer + " failed (" + why +
                               "): its certificate is not trusted, or ours was refused");
  }
  if (is({CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING})) {
    return Status::Unavailable("the connection to " + peer + " broke off (" + why + (hub ? "); will retry" : ")"));
  }
  return Status::Unavailable("talking to " + peer + " failed (" + why + (hub ? "); will retry" : ")"));
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options) : options_(std::move(options)) {
    GlobalInit();
    curl_ = curl_easy_init();
  }
  ~CurlTransport() override {
    if (curl_) curl_easy_cleanup(curl_);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  bool ok() const { return curl_ != nullptr; }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    ++requests_;
    may_have_arrived_ = false;
    const bool https = request.url.rfind("https://", 0) == 0;
    if (!https && !IsLoopbackUrl(request.url)) {
      return Status::InvalidArgument("the hub address " + request.url +
                                     " must start with https:// (plain http is only for this machine)");
    }
    if (https && options_.ca_pem.empty() && !options_.allow_system_ca) {
      return Status::InvalidArgument("no CA is pinned for " + request.url +
                                     "; enrol again with --ca FILE (the hub's CA certificate)");
    }
    curl_easy_reset(curl_);
    HttpResponse response;
    Sink sink{&response, options_.max_response_bytes};
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
    curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");  // gzip answers inflated by curl
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &sink);
    if (https) {
      if (!options_.ca_pem.empty()) {
        // The pinned CA only: the blob replaces the system bundle.
        curl_blob blob{const_cast<char*>(options_.ca_pem.data()), options_.ca_pem.size(),
                       CURL_BLOB_COPY};
        curl_easy_setopt(curl_, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(curl_, CURLOPT_CAPATH, nullptr);
      }  // else allow_system_ca: curl's default bundle
      curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
      if (!options_.client_cert_pem.empty()) {
        curl_blob cert{const_cast<char*>(options_.client_cert_pem.data()), options_.client_cert_pem.size(),
                       CURL_BLOB_COPY};
        curl_blob key{const_cast<char*>(options_.client_key_pem.data()), options_.client_key_pem.size(),
                      CURL_BLOB_COPY};
        curl_easy_setopt(curl_, CURLOPT_SSLCERT_BLOB, &cert);
        curl_easy_setopt(curl_, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(curl_, CURLOPT_SSLKEY_BLOB, &key);
        curl_easy_setopt(curl_, CURLOPT_SSLKEYTYPE, "PEM");
      }
    }
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    if (request.method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else if (request.method != "GET") {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    const CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    long header_bytes = 0;
    curl_easy_getinfo(curl_, CURLINFO_REQUEST_SIZE, &header_bytes);
    bytes_sent_ += header_bytes;
    if (request.method == "POST") bytes_sent_ += static_cast<int64_t>(request.body.size());
    // Nothing written (no route, refused, TLS failed): the peer cannot have it.
    may_have_arrived_ = header_bytes > 0;
    if (sink.over_limit) {
      return Status::Unavailable(options_.peer_name + "'s answer was larger than " +
                                 std::to_string(options_.max_response_bytes) + " bytes; refused");
    }
    if (rc != CURLE_OK) return CurlErrorToStatus(rc, request.url, error, options_.peer_name);
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

  int64_t bytes_sent() const override { return bytes_sent_; }
  int64_t requests() const override { return requests_; }
  bool LastFailureMayHaveArrived() const override { return may_have_arrived_; }

 private:
  CurlOptions options_;
  CURL* curl_ = nullptr;
  int64_t bytes_sent_ = 0;
  int64_t requests_ = 0;
  bool may_have_arrived_ = false;  // of the last Send
};

}  // namespace

Result<std::unique_ptr<HttpTransport>> NewCurlTransport(const CurlOptions& options) {
  if (!options.ca_pem.empty() && options.ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status::InvalidArgument("the CA file is not a PEM certificate (expected \"-----BEGIN CERTIFICATE-----\")");
  }
  if (options.client_cert_pem.empty() != options.client_key_pem.empty()) {
    return Status::InvalidArgument("a client certificate needs its private key, and a key its certificate");
  }
  if (!options.client_cert_pem.empty() &&
      (options.client_cert_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos ||
       options.client_key_pem.find("PRIVATE KEY-----") == std::string::npos)) {
    return Status::InvalidArgument("the client certificate or its key is not PEM (expected \"-----BEGIN "
                                   "CERTIFICATE-----\" and \"-----BEGIN PRIVATE KEY-----\")");
  }
  auto t = std::make_unique<CurlTransport>(options);
  if (!t->ok()) return Status::IoError("libcurl could not be initialised");
  return std::unique_ptr<HttpTransport>(std::move(t));
}

}  // namespace linli::sync
