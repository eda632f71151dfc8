#include "core/federation/upstream_token.hpp"

#include "core/common/url.hpp"
#include "core/crypto/encoding.hpp"
#include "core/federation/failure.hpp"
#include "core/federation/presets.hpp"

namespace janua::federation {
namespace {

std::optional<std::string> bounded_text(const nlohmann::json& body, const char* name, std::size_t max) {
    if (!body.contains(name) || !body[name].is_string()) return std::nullopt;
    auto value = body[name].get<std::string>();
    if (value.empty() || value.size() > max) return std::nullopt;
    return value;
}

}  // namespace

std::string sanitized(const std::string& text, std::size_t max) {
    std::string out;
    for (char c : text.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

std::string form_encode(const FormFields& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
    return out;
}

Result<nlohmann::json> json_reply(const Result<UpstreamReply>& reply, const char* what) {
    if (!reply) return reply.error();
    auto body = nlohmann::json::parse(reply->body, nullptr, false);
    if (reply->status != 200) {
        std::string error;
        if (!body.is_discarded() && body.is_object() && body.contains("error") && body["error"].is_string())
            error = ": " + sanitized(body["error"].get<std::string>()) +
                    (body.contains("error_description") && body["error_description"].is_string()
                         ? " (" + sanitized(body["error_description"].get<std::string>()) + ")"
                         : "");
        return login_failure("upstream_error", std::string("the identity provider's ") + what + " answered HTTP " +
                                                   std::to_string(reply->status) + error);
    }
    if (body.is_discarded() || !body.is_object())
        return login_failure("upstream_error", std::string("the identity provider's ") + what + " did not answer JSON");
    return body;
}

Result<nlohmann::json> call_token_endpoint(const IdentityProvider& provider, const std::string& token_endpoint,
                                           const std::string& client_secret, FormFields fields,
                                           const UpstreamPolicy& policy) {
    const auto preset = find_preset(provider.preset);
    const bool github = preset && preset->profile == ProfileSource::github;
    UpstreamRequest request;
    request.method = "POST";
    request.url = token_endpoint;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    if (client_secret.empty() || github) {
        // GitHub takes the credentials in the body (client_secret_post); a public client sends only its id.
        fields.emplace_back("client_id", provider.client_id);
        if (!client_secret.empty()) fields.emplace_back("client_secret", client_secret);
    } else {
        // client_secret_basic (RFC 6749 2.3.1: both parts form-encoded before base64).
        const std::string credentials = percent_encode(provider.client_id) + ":" + percent_encode(client_secret);
        request.headers.emplace_back("Authorization", "Basic " + crypto::base64_encode(credentials));
    }
    request.body = form_encode(fields);
    auto body = json_reply(upstream_fetch(request, policy), "token endpoint");
    // GitHub answers a refused grant with HTTP 200 and {"error": ...}.
    if (body && body->contains("error") && (*body)["error"].is_string() && !body->contains("access_token"))
        return login_failure("upstream_error",
                             "the identity provider's token endpoint refused: " + sanitized((*body)["error"].get<std::string>()));
    return body;
}

std::optional<UpstreamGrant> grant_of(const nlohmann::json& response) {
    if (!response.is_object()) return std::nullopt;
    auto access = bounded_text(response, "access_token", 16 * 1024);
    if (!access) return std::nullopt;
    UpstreamGrant grant;
    grant.access_token = *access;
    grant.refresh_token = bounded_text(response, "refresh_token", 16 * 1024);
    if (auto type = bounded_text(response, "token_type", 40)) grant.token_type = sanitized(*type, 40);
    if (auto scope = bounded_text(response, "scope", 4096)) {
        std::string current;
        for (char c : *scope + " ") {
            if (c == ' ' || c == ',') {
                if (!current.empty()) grant.scopes.push_back(sanitized(current, 200));
                current.clear();
            } else {
                current += c;
            }
        }
    }
    if (response.contains("expires_in")) {
        const auto& e = response["expires_in"];
        long long seconds = -1;
        if (e.is_number_integer()) seconds = e.get<long long>();
        else if (e.is_string()) {
            try {
                seconds = std::stoll(e.get<std::string>());
            } catch (const std::exception&) {
                seconds = -1;
            }
        }
        if (seconds > 0 && seconds <= 10LL * 365 * 24 * 3600) grant.expires_in = seconds;
    }
    return grant;
}

}  // namespace janua::federation
