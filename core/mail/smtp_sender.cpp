#include "core/mail/smtp_sender.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace janua::mail {
namespace {

struct Upload {
    const std::string& data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using EasyHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using StringList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

Result<SmtpSettings> smtp_settings(const config::Config& config) {
    auto from = parse_mailbox(config.email_from);
    if (!from)
        return make_error(ErrorCode::validation,
                          "invalid setting EMAIL_FROM: " + from.error().message);
    SmtpSettings settings;
    settings.host = config.smtp_host;
    settings.port = config.smtp_port;
    settings.username = config.smtp_username;
    settings.password = config.smtp_password;
    settings.starttls = config.smtp_starttls;
    settings.from = from.value();
    return settings;
}

SmtpSender::SmtpSender(SmtpSettings settings) : m_settings(std::move(settings)) {
    global_init_once();
    const bool ipv6_literal =
        m_settings.host.find(':') != std::string::npos && m_settings.host.front() != '[';
    m_url = "smtp://" + (ipv6_literal ? "[" + m_settings.host + "]" : m_settings.host) + ":" +
            std::to_string(m_settings.port);
}

Status SmtpSender::send(const EmailMessage& message) {
    auto rendered = render_message(message, render_options_now(m_settings.from, message));
    if (!rendered) return rendered.error();

    EasyHandle curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return make_error(ErrorCode::internal, "cannot send email", "curl_easy_init failed");
    StringList recipients(curl_slist_append(nullptr, ("<" + message.to + ">").c_str()),
                          &curl_slist_free_all);
    const std::string mail_from = "<" + m_settings.from.address + ">";
    Upload upload{rendered.value()};
    char error_buffer[CURL_ERROR_SIZE] = {};

    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, m_url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(m_settings.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (!m_settings.ca_file.empty())
        curl_easy_setopt(h, CURLOPT_CAINFO, m_settings.ca_file.c_str());
    if (!m_settings.username.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, m_settings.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, m_settings.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(m_settings.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_settings.timeout.count()));
    // Timeouts by signal are unsafe in a multi-threaded process.
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);

    const CURLcode code = curl_easy_perform(h);
    if (code == CURLE_OK) return Ok{};
    long reply = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    // curl's messages name the server and the failed step, never the password.
    std::string detail = std::string(curl_easy_strerror(code)) +
                         (error_buffer[0] ? std::string(": ") + error_buffer : "") + " (server " +
                         m_settings.host + ":" + std::to_string(m_settings.port) +
                         (reply ? ", last reply " + std::to_string(reply) : "") + ")";
    return make_error(ErrorCode::unavailable, "email delivery failed", detail);
}

}  // namespace janua::mail
