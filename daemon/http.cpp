#include "daemon/http.hpp"

#include <strings.h>

namespace janua::daemon {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
    return ::strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string Request::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

void Response::set_header(const std::string& name, const std::string& value) {
    for (auto& [n, v] : headers) {
        if (::strcasecmp(n.c_str(), name.c_str()) == 0) {
            v = value;
            return;
        }
    }
    headers.emplace_back(name, value);
}

bool Response::has_header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (::strcasecmp(n.c_str(), name.c_str()) == 0) return true;
    return false;
}

Response Response::json(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

int http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_request: return 400;
        case ErrorCode::authentication:
        case ErrorCode::token: return 401;
        case ErrorCode::authorization: return 403;
        case ErrorCode::not_found: return 404;
        case ErrorCode::conflict: return 409;
        case ErrorCode::payload_too_large: return 413;
        case ErrorCode::validation: return 422;
        case ErrorCode::account_locked: return 423;
        case ErrorCode::rate_limited: return 429;
        case ErrorCode::unavailable: return 503;
        case ErrorCode::internal: return 500;
        // SSO: a signature that does not verify is 401; a message that breaks a rule 400; the
        // organization's configuration (or its metadata/certificates) 422; a user the connection
        // may not sign in 403.
        case ErrorCode::sso_authentication: return 401;
        case ErrorCode::sso_validation: return 400;
        case ErrorCode::sso_configuration:
        case ErrorCode::sso_metadata:
        case ErrorCode::sso_certificate: return 422;
        case ErrorCode::sso_provisioning: return 403;
    }
    return 500;
}

Response error_response(const Error& error, const std::string& request_id) {
    nlohmann::json envelope = {{"error",
                                {{"code", error_code_name(error.code)},
                                 {"message", error.message},
                                 {"details", error.details.is_null() ? nlohmann::json::array() : error.details},
                                 {"request_id", request_id}}}};
    Response response = Response::json(http_status(error.code), envelope);
    if (error.retry_after_seconds > 0) response.set_header("Retry-After", std::to_string(error.retry_after_seconds));
    if (error.code == ErrorCode::authentication || error.code == ErrorCode::token)
        response.set_header("WWW-Authenticate", "Bearer");
    return response;
}

namespace {

// Deeper than any document this API takes (SCIM PATCH values and policy conditions stay far below).
constexpr int k_max_json_depth = 64;

// Whether `text` nests arrays and objects deeper than `limit` (strings skipped). Checked before
// parsing, so a body of a million '[' costs one linear scan and no parser work.
bool nests_deeper_than(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

}  // namespace

Result<nlohmann::json> parse_json_object(const Request& request) {
    if (request.body.empty()) return make_error(ErrorCode::bad_request, "request body must be a JSON object");
    if (nests_deeper_than(request.body, k_max_json_depth))
        return make_error(ErrorCode::bad_request,
                          "request body nests arrays and objects more than " + std::to_string(k_max_json_depth) + " deep");
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return make_error(ErrorCode::bad_request, "request body is not valid JSON");
    if (!body.is_object()) return make_error(ErrorCode::bad_request, "request body must be a JSON object");
    return body;
}

Result<std::string> string_member(const nlohmann::json& body, const char* name) {
    if (!body.contains(name) || body[name].is_null()) return std::string();
    if (!body[name].is_string()) {
        Error e = make_error(ErrorCode::validation, std::string(name) + " must be a string");
        e.details = nlohmann::json::array({{{"field", name}, {"message", "must be a string"}}});
        return e;
    }
    return body[name].get<std::string>();
}

std::optional<std::string> bearer_token(const Request& request) {
    const std::string header = request.header("Authorization");
    if (header.size() < 8 || ::strncasecmp(header.c_str(), "Bearer ", 7) != 0) return std::nullopt;
    std::string token = header.substr(7);
    while (!token.empty() && token.front() == ' ') token.erase(token.begin());
    if (token.empty()) return std::nullopt;
    return token;
}

std::string cookie(const Request& request, const std::string& name) {
    const std::string header = request.header("Cookie");
    size_t start = 0;
    while (start < header.size()) {
        size_t end = header.find(';', start);
        if (end == std::string::npos) end = header.size();
        std::string pair = header.substr(start, end - start);
        start = end + 1;
        const auto first = pair.find_first_not_of(' ');
        if (first == std::string::npos) continue;
        pair = pair.substr(first);
        const auto eq = pair.find('=');
        if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
    return {};
}

identity::RequestMeta meta_of(const Request& request) {
    return identity::RequestMeta{request.remote_addr, request.header("User-Agent"), request.request_id};
}

}  // namespace janua::daemon
