#include "titles/http_download.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "titles/memory_meter.h"

#ifndef ANIDB_VERSION_STRING_FROM_CMAKE
#define ANIDB_VERSION_STRING_FROM_CMAKE "0"
#endif

namespace anidb::titles {

namespace {

constexpr size_t kMaxUrlBytes = 2048;
constexpr long kMaxRedirects = 5;
// How often the transfer loop looks at the stop token when nothing wakes it
// (a stop request wakes it at once through curl_multi_wakeup).
constexpr int kPollMs = 1000;

Status global_init() {
    // curl_global_init is not thread-safe on every platform: once per process.
    static std::once_flag once;
    static CURLcode rc = CURLE_OK;
    std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (rc != CURLE_OK) {
        return make_error(Errc::network,
                          std::string("cannot initialise libcurl: ") + curl_easy_strerror(rc));
    }
    return {};
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// What the callbacks fill in while libcurl runs.
struct Transfer {
    uint64_t max_body = 0;
    std::string body;
    MemoryMeter meter;
    HttpValidators validators;
    bool too_large = false;
    bool out_of_memory = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (t->body.size() + bytes > t->max_body) {
        t->too_large = true;
        return 0;  // anything but `bytes` aborts the transfer
    }
    if (!t->meter.cover(t->body.size() + bytes)) {
        t->out_of_memory = true;
        return 0;
    }
    try {
        t->body.append(data, bytes);
    } catch (...) {
        t->out_of_memory = true;
        return 0;
    }
    return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.substr(0, 5) == "HTTP/") {
        t->validators = {};  // a new response (after a redirect): forget the last one's
        return bytes;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (!is_valid_validator(value)) return bytes;
    try {
        if (iequals(name, "ETag")) t->validators.etag = std::string(value);
        if (iequals(name, "Last-Modified")) t->validators.last_modified = std::string(value);
    } catch (...) {
        t->out_of_memory = true;
        return 0;
    }
    return bytes;
}

struct EasyDeleter {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct MultiDeleter {
    void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
};
struct ListDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

Error transfer_error(CURLcode rc, const Transfer& t, const char* detail, std::string_view url) {
    const std::string where = "downloading " + std::string(url) + " failed: ";
    const std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
    if (t.out_of_memory || rc == CURLE_OUT_OF_MEMORY) {
        return make_error(Errc::out_of_memory, where + "out of memory");
    }
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        return make_error(Errc::protocol, where + "body larger than the " +
                                              std::to_string(t.max_body) + "-byte limit");
    }
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return make_error(Errc::timeout, where + why);
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_WEIRD_SERVER_REPLY:
            return make_error(Errc::protocol, where + why);
        default:
            return make_error(Errc::network, where + why);
    }
}

}  // namespace

Status check_http_limits(const HttpLimits& limits) {
    if (limits.max_body_bytes == 0 || limits.connect_timeout.count() <= 0 ||
        limits.total_timeout.count() <= 0 || limits.stall_timeout.count() <= 0) {
        return make_error(Errc::invalid_parameter, "HTTP limits and time-outs must be positive");
    }
    return {};
}

bool is_valid_validator(std::string_view value) noexcept {
    if (value.empty() || value.size() > kMaxValidatorBytes) return false;
    for (char c : value) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

bool is_valid_http_url(std::string_view url) noexcept {
    if (url.size() > kMaxUrlBytes) return false;
    for (char c : url) {
        if (c <= 0x20 || c > 0x7E) return false;
    }
    const auto has_scheme = [&](std::string_view scheme) {
        return url.size() > scheme.size() && iequals(url.substr(0, scheme.size()), scheme);
    };
    return has_scheme("http://") || has_scheme("https://");
}

Result<HttpResponse> http_get(std::string_view url, const HttpValidators& conditional,
                              const HttpLimits& limits, const std::stop_token& stop) {
    if (!is_valid_http_url(url)) {
        return make_error(Errc::invalid_parameter,
                          "not an http:// or https:// URL of printable ASCII (at most " +
                              std::to_string(kMaxUrlBytes) + " bytes)");
    }
    if (Status s = check_http_limits(limits); !s) return s.error();
    if (Status s = global_init(); !s) return s.error();
    if (stop.stop_requested()) return make_error(Errc::cancelled, "cancelled");

    // Declared before the handles, so that everything libcurl points at
    // outlives them.
    char error_text[CURL_ERROR_SIZE] = {};
    const std::string url_text(url);
    Transfer transfer;
    transfer.max_body = limits.max_body_bytes;
    std::unique_ptr<curl_slist, ListDeleter> headers;
    const auto add_header = [&](const std::string& header) -> bool {
        curl_slist* grown = curl_slist_append(headers.get(), header.c_str());
        if (grown == nullptr) return false;
        (void)headers.release();  // now owned by `grown`
        headers.reset(grown);
        return true;
    };
    if (is_valid_validator(conditional.etag) && !add_header("If-None-Match: " + conditional.etag)) {
        return make_error(Errc::out_of_memory, "out of memory");
    }
    if (is_valid_validator(conditional.last_modified) &&
        !add_header("If-Modified-Since: " + conditional.last_modified)) {
        return make_error(Errc::out_of_memory, "out of memory");
    }

    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
    if (!easy || !multi) return make_error(Errc::out_of_memory, "cannot create a libcurl handle");
    CURL* c = easy.get();
    const auto stall_seconds = static_cast<long>(limits.stall_timeout.count());
    const bool configured =
        curl_easy_setopt(c, CURLOPT_URL, url_text.c_str()) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(limits.connect_timeout.count())) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count())) ==
            CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, stall_seconds) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(limits.max_body_bytes)) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_USERAGENT, "libanidb/" ANIDB_VERSION_STRING_FROM_CMAKE) ==
            CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text) == CURLE_OK;
    if (!configured) return make_error(Errc::network, "cannot configure libcurl");
    if (curl_multi_add_handle(multi.get(), c) != CURLM_OK) {
        return make_error(Errc::network, "cannot start the download");
    }
    struct Detach {
        CURLM* multi;
        CURL* easy;
        ~Detach() { curl_multi_remove_handle(multi, easy); }
    } detach{multi.get(), c};

    {
        // A stop request wakes the poll below at once, from any thread.
        std::stop_callback wake(stop, [m = multi.get()] { curl_multi_wakeup(m); });
        int running = 1;
        for (;;) {
            if (curl_multi_perform(multi.get(), &running) != CURLM_OK) {
                return make_error(Errc::network, "downloading " + url_text + " failed");
            }
            if (stop.stop_requested()) return make_error(Errc::cancelled, "cancelled");
            if (running == 0) break;
            if (curl_multi_poll(multi.get(), nullptr, 0, kPollMs, nullptr) != CURLM_OK) {
                return make_error(Errc::network, "downloading " + url_text + " failed");
            }
        }
    }
    CURLcode rc = CURLE_OK;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == c) rc = msg->data.result;
    }
    if (rc != CURLE_OK) return transfer_error(rc, transfer, error_text, url_text);

    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    const bool asked_conditionally = headers != nullptr;
    HttpResponse response;
    if (status == 304 && asked_conditionally) {
        response.not_modified = true;
    } else if (status == 200) {
        response.body = std::move(transfer.body);
    } else {
        return make_error(Errc::server_error,
                          "HTTP " + std::to_string(status) + " from " + url_text);
    }
    response.validators = std::move(transfer.validators);
    response.charge = std::move(transfer.meter);
    return response;
}

}  // namespace anidb::titles
