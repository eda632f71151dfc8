#include "daemon/server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>

namespace janua::daemon {

namespace {

// TLS as Mozilla's "intermediate" profile: TLS 1.2 and 1.3 only, ECDHE with AES-GCM or
// ChaCha20-Poly1305 for 1.2 (1.3 suites are all AEAD), no compression (CRIME), no
// renegotiation. Set here rather than left to the system's openssl.cnf, which differs between
// distributions.
constexpr const char* k_tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::unique_ptr<httplib::Server> make_server(const ServerSettings& settings, std::string& error) {
    if (settings.tls_cert_file.empty()) return std::make_unique<httplib::Server>();
    auto server = std::make_unique<httplib::SSLServer>(settings.tls_cert_file.c_str(), settings.tls_key_file.c_str());
    SSL_CTX* ctx = server->is_valid() ? server->ssl_context() : nullptr;
    if (!ctx || SSL_CTX_check_private_key(ctx) != 1) {
        error = "cannot load the TLS certificate '" + settings.tls_cert_file + "' and key '" + settings.tls_key_file +
                "' (PEM files readable by januad, the key matching the certificate)";
        return std::make_unique<httplib::Server>();
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_cipher_list(ctx, k_tls12_ciphers) != 1) error = "the TLS 1.2 cipher list is not supported by this OpenSSL";
    return server;
}

}  // namespace

struct HttpServer::Impl {
    std::string tls_error;  // set when the certificate or key cannot be used: bind() fails with it
    std::unique_ptr<httplib::Server> owned;
    httplib::Server& server;
    Pipeline& pipeline;
    std::atomic<int> listen_socket{-1};
    Impl(const ServerSettings& settings, Pipeline& p)
        : owned(make_server(settings, tls_error)), server(*owned), pipeline(p) {}
};

namespace {

Request to_request(const httplib::Request& in) {
    Request out;
    out.method = in.method;
    out.path = in.path;
    out.body = in.body;
    out.remote_addr = in.remote_addr;
    for (const auto& [name, value] : in.headers) out.headers.emplace(name, value);
    for (const auto& [name, value] : in.params) out.query.emplace(name, value);
    for (const auto& [name, part] : in.files) out.form_parts.emplace(name, FormPart{part.filename, part.content_type, part.content});
    if (const auto q = in.target.find('?'); q != std::string::npos) out.raw_query = in.target.substr(q + 1);
    return out;
}

void write_response(const Response& from, httplib::Response& to) {
    to.status = from.status;
    for (const auto& [name, value] : from.headers) to.set_header(name, value);
    if (from.stream) {
        auto stream = from.stream;
        to.set_chunked_content_provider(from.content_type, [stream](size_t, httplib::DataSink& sink) {
            const bool complete = stream([&sink](const std::string& chunk) {
                return chunk.empty() || sink.write(chunk.data(), chunk.size());
            });
            if (!complete) return false;  // httplib drops the connection: the reader sees a cut stream
            sink.done();
            return true;
        });
        return;
    }
    if (!from.content_type.empty() || !from.body.empty())
        to.set_content(from.body, from.content_type.empty() ? "application/octet-stream" : from.content_type);
}

}  // namespace

bool parse_listen_address(const std::string& text, std::string& host, int& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 >= text.size()) return false;
    host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        size_t used = 0;
        port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || port < 0 || port > 65535) return false;
    } catch (const std::exception&) {
        return false;
    }
    return !host.empty();
}

HttpServer::HttpServer(ServerSettings settings, Pipeline& pipeline)
    : m_impl(std::make_unique<Impl>(settings, pipeline)), m_settings(std::move(settings)) {
    auto& svr = m_impl->server;
    const int threads = m_settings.threads;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    // Without TCP_NODELAY each keep-alive response waits ~40 ms on Nagle + delayed ACK.
    svr.set_tcp_nodelay(true);
    svr.set_keep_alive_max_count(static_cast<size_t>(m_settings.keep_alive_max_count));
    svr.set_keep_alive_timeout(m_settings.keep_alive_timeout_seconds);
    svr.set_payload_max_length(m_settings.max_body_bytes);
    svr.set_read_timeout(30, 0);
    svr.set_write_timeout(30, 0);
    auto* impl = m_impl.get();
    // httplib calls listen() with a backlog of 5; remember the socket to raise it after binding.
    svr.set_socket_options([impl](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        impl->listen_socket = sock;
    });

    auto handle = [impl](const httplib::Request& in, httplib::Response& out) {
        Request request = to_request(in);
        write_response(impl->pipeline.handle(request), out);
    };
    const char* any = R"(/.*)";
    svr.Get(any, handle);
    // The SAML ACS receives form posts larger than the 8 KiB cpp-httplib allows for
    // application/x-www-form-urlencoded bodies it reads itself (a signed Response with a
    // certificate and group claims often is): read this body through a content reader, which
    // only the general MAX_REQUEST_BODY_BYTES bounds.
    const size_t max_body = m_settings.max_body_bytes;
    svr.Post("/api/v1/sso/saml/acs",
             [impl, max_body](const httplib::Request& in, httplib::Response& out, const httplib::ContentReader& reader) {
                 Request request = to_request(in);
                 bool too_large = false;
                 reader([&](const char* data, size_t length) {
                     if (request.body.size() + length > max_body) {
                         too_large = true;
                         return false;
                     }
                     request.body.append(data, length);
                     return true;
                 });
                 if (too_large) {
                     Error e = make_error(ErrorCode::payload_too_large, "request body is too large");
                     write_response(error_response(e, request.request_id), out);
                     return;
                 }
                 write_response(impl->pipeline.handle(request), out);
             });
    svr.Post(any, handle);
    svr.Put(any, handle);
    svr.Patch(any, handle);
    svr.Delete(any, handle);
    svr.Options(any, handle);

    // Reached for errors raised by httplib itself (413, 400 on malformed requests) and for
    // methods it has no handler for; every one gets the API error envelope.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([impl](const httplib::Request& in, httplib::Response& out) {
        if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        Request request = to_request(in);
        ErrorCode code = ErrorCode::bad_request;
        std::string message = "malformed request";
        if (out.status == 413) {
            code = ErrorCode::payload_too_large;
            message = "request body is too large";
        } else if (out.status == 404) {
            code = ErrorCode::not_found;
            message = "no route for " + in.method + " " + in.path;
        }
        Response response = impl->pipeline.reject(request, make_error(code, message));
        if (out.status != 413 && out.status != 404) response.status = out.status;
        write_response(response, out);
        return httplib::Server::HandlerResponse::Handled;
    }));
}

HttpServer::~HttpServer() = default;

std::string HttpServer::bind() {
    if (!m_impl->tls_error.empty()) return m_impl->tls_error;
    auto& svr = m_impl->server;
    if (m_settings.port == 0) {
        m_port = svr.bind_to_any_port(m_settings.host);
    } else {
        m_port = svr.bind_to_port(m_settings.host, m_settings.port) ? m_settings.port : -1;
    }
    if (m_port <= 0) return "cannot listen on " + m_settings.host + ":" + std::to_string(m_settings.port) +
                            " (address in use or not available)";
    if (m_impl->listen_socket >= 0) ::listen(m_impl->listen_socket, m_settings.listen_backlog);
    return {};
}

void HttpServer::serve() { m_impl->server.listen_after_bind(); }

void HttpServer::stop() { m_impl->server.stop(); }

}  // namespace janua::daemon
