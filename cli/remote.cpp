// The CLI's only user of cpp-httplib.
#include "cli/remote.hpp"

#include "core/common/url.hpp"

#include <httplib.h>

#include <map>

namespace janua::cli {
namespace {

ErrorCode code_named(const std::string& name, int status) {
    static const std::map<std::string, ErrorCode> codes = {
        {"BAD_REQUEST", ErrorCode::bad_request},        {"VALIDATION_ERROR", ErrorCode::validation},
        {"AUTHENTICATION_ERROR", ErrorCode::authentication}, {"TOKEN_ERROR", ErrorCode::token},
        {"AUTHORIZATION_ERROR", ErrorCode::authorization}, {"NOT_FOUND_ERROR", ErrorCode::not_found},
        {"CONFLICT_ERROR", ErrorCode::conflict},        {"PAYLOAD_TOO_LARGE", ErrorCode::payload_too_large},
        {"ACCOUNT_LOCKED", ErrorCode::account_locked},  {"RATE_LIMIT_ERROR", ErrorCode::rate_limited},
        {"SERVICE_UNAVAILABLE", ErrorCode::unavailable}, {"INTERNAL_ERROR", ErrorCode::internal},
        // Enterprise SSO (API.md)
        {"SSO_AUTHENTICATION_ERROR", ErrorCode::sso_authentication}, {"SSO_VALIDATION_ERROR", ErrorCode::sso_validation},
        {"SSO_CONFIGURATION_ERROR", ErrorCode::sso_configuration}, {"SSO_METADATA_ERROR", ErrorCode::sso_metadata},
        {"SSO_CERTIFICATE_ERROR", ErrorCode::sso_certificate}, {"SSO_PROVISIONING_ERROR", ErrorCode::sso_provisioning}};
    if (auto it = codes.find(name); it != codes.end()) return it->second;
    if (status == 401) return ErrorCode::authentication;
    if (status == 403) return ErrorCode::authorization;
    if (status == 404) return ErrorCode::not_found;
    if (status == 409) return ErrorCode::conflict;
    if (status == 503) return ErrorCode::unavailable;
    return status >= 500 ? ErrorCode::internal : ErrorCode::bad_request;
}

// The Error of an API error envelope (or of a bare status).
Error error_from(int status, const std::string& body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (!parsed.is_discarded() && parsed.contains("error") && parsed["error"].is_object()) {
        const auto& e = parsed["error"];
        Error error = make_error(code_named(e.value("code", ""), status), e.value("message", "request failed"));
        if (e.contains("details")) error.details = e["details"];
        return error;
    }
    return make_error(code_named("", status), "januad answered HTTP " + std::to_string(status));
}

// The JSON answer of a call, or the Error of its envelope (or of a bare status, or of no answer).
Result<nlohmann::json> answer_of(const RemoteTarget& target, httplib::Result& result) {
    if (!result) {
        return make_error(ErrorCode::unavailable,
                          "cannot reach januad at " + target.server + " (" + httplib::to_string(result.error()) + ")");
    }
    if (result->status == 204) return nlohmann::json(nullptr);
    if (result->status >= 400) return error_from(result->status, result->body);
    auto parsed = nlohmann::json::parse(result->body, nullptr, false);
    if (parsed.is_discarded()) return make_error(ErrorCode::internal, "januad answered something that is not JSON");
    return parsed;
}

}  // namespace

Status remote_download(const RemoteTarget& target, const std::string& path,
                       const std::function<bool(const char* data, std::size_t size)>& sink) {
    httplib::Client client(target.server);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(300, 0);
    httplib::Headers headers = {{"User-Agent", "janua-cli/" JANUA_VERSION}};
    if (!target.token.empty()) headers.emplace("Authorization", "Bearer " + target.token);
    int status = 0;
    std::string error_body;
    bool stopped = false;
    auto result = client.Get(
        path.c_str(), headers,
        [&](const httplib::Response& response) {
            status = response.status;
            return true;
        },
        [&](const char* data, size_t size) {
            if (status >= 400) {
                if (error_body.size() < 65536) error_body.append(data, size);
                return true;
            }
            if (!sink(data, size)) stopped = true;
            return !stopped;
        });
    if (stopped) return make_error(ErrorCode::internal, "stopped writing the download");
    if (!result)
        return make_error(ErrorCode::unavailable, "the download from januad at " + target.server + " failed (" +
                                                      httplib::to_string(result.error()) + ")");
    if (status >= 400) return error_from(status, error_body);
    return Ok{};
}

std::string url_encode(const std::string& text) { return percent_encode(text); }

Result<nlohmann::json> remote_call(const RemoteTarget& target, const std::string& method, const std::string& path,
                                   const nlohmann::json& body) {
    httplib::Client client(target.server);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(60, 0);
    client.set_tcp_nodelay(true);
    httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", "janua-cli/" JANUA_VERSION}};
    if (!target.token.empty()) headers.emplace("Authorization", "Bearer " + target.token);
    const std::string payload = body.is_null() ? std::string() : body.dump();
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (method == "GET") result = client.Get(path.c_str(), headers);
    else if (method == "POST") result = client.Post(path.c_str(), headers, payload, "application/json");
    else if (method == "PATCH") result = client.Patch(path.c_str(), headers, payload, "application/json");
    else if (method == "PUT") result = client.Put(path.c_str(), headers, payload, "application/json");
    else if (method == "DELETE") result = client.Delete(path.c_str(), headers);
    return answer_of(target, result);
}

Result<FormReply> remote_form(const std::string& server, const std::string& path,
                              const std::vector<std::pair<std::string, std::string>>& form) {
    httplib::Client client(server);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(30, 0);
    httplib::Params params;
    for (const auto& [k, v] : form) params.emplace(k, v);
    httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", "janua-cli/" JANUA_VERSION}};
    auto result = client.Post(path.c_str(), headers, params);
    if (!result)
        return make_error(ErrorCode::unavailable, "cannot reach januad at " + server + " (" + httplib::to_string(result.error()) + ")");
    FormReply reply;
    reply.status = result->status;
    if (result->status == 200 && result->body.empty()) return reply;  // /oauth/revoke
    reply.body = nlohmann::json::parse(result->body, nullptr, false);
    if (reply.body.is_discarded())
        return make_error(ErrorCode::internal, "januad answered " + path + " with something that is not JSON (HTTP " +
                                                   std::to_string(result->status) + ")");
    return reply;
}

Result<nlohmann::json> remote_upload(const RemoteTarget& target, const std::string& path, const std::string& body,
                                     const std::string& content_type) {
    httplib::Client client(target.server);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(300, 0);
    client.set_write_timeout(300, 0);
    httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", "janua-cli/" JANUA_VERSION}};
    if (!target.token.empty()) headers.emplace("Authorization", "Bearer " + target.token);
    auto result = client.Post(path.c_str(), headers, body, content_type.c_str());
    return answer_of(target, result);
}

}  // namespace janua::cli
