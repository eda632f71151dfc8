#include "core/oidc/client_rules.hpp"

#include "core/crypto/jws.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace janua::oidc {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_uri_length = 2048;
constexpr std::size_t k_max_list_length = 100;
constexpr std::size_t k_max_jwks_bytes = 64 * 1024;
constexpr int k_max_access_token_ttl = 24 * 3600;
constexpr int k_max_refresh_token_ttl = 400 * 24 * 3600;

constexpr std::array<std::string_view, 5> k_grant_types = {k_grant_authorization_code, k_grant_refresh_token,
                                                           k_grant_client_credentials, k_grant_device_code,
                                                           k_grant_token_exchange};
constexpr std::array<std::string_view, 4> k_auth_methods = {k_auth_client_secret_basic, k_auth_client_secret_post,
                                                            k_auth_none, k_auth_private_key_jwt};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_scheme(std::string_view scheme) {
    if (scheme.empty() || !std::isalpha(static_cast<unsigned char>(scheme[0]))) return false;
    return std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
    });
}

// Characters RFC 3986 never allows unencoded in a URI (controls, space, non-ASCII, "<>\"`{}|\^").
bool has_forbidden_character(std::string_view uri) {
    return std::any_of(uri.begin(), uri.end(), [](unsigned char c) {
        return c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '`' || c == '{' || c == '}' ||
               c == '|' || c == '\\' || c == '^';
    });
}

bool is_loopback_host(const std::string& host) { return host == "localhost" || host == "127.0.0.1" || host == "[::1]"; }

struct Authority {
    std::string host;  // lower-case; IPv6 literals keep their brackets
    std::optional<RuleProblem> problem;
};

// Check "//authority" after "http:" / "https:" and return its host.
Authority parse_authority(std::string_view rest) {
    Authority a;
    if (rest.substr(0, 2) != "//") {
        a.problem = RuleProblem{"not_absolute", "must be an absolute URL such as https://app.example.com/callback"};
        return a;
    }
    rest.remove_prefix(2);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    if (authority.find('@') != std::string_view::npos) {
        a.problem = RuleProblem{"userinfo", "must not contain a user name or password"};
        return a;
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority[0] == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            a.problem = RuleProblem{"host", "has an unterminated IPv6 address"};
            return a;
        }
        host = authority.substr(0, close + 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') {
                a.problem = RuleProblem{"host", "has characters after the IPv6 address"};
                return a;
            }
            port = after.substr(1);
            if (port.empty()) port = "-";
        }
        const auto inside = host.substr(1, host.size() - 2);
        if (inside.empty() || !std::all_of(inside.begin(), inside.end(), [](unsigned char c) {
                return std::isxdigit(c) || c == ':' || c == '.';
            })) {
            a.problem = RuleProblem{"host", "has an invalid IPv6 address"};
            return a;
        }
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) port = "-";
    }
    if (host.empty()) {
        a.problem = RuleProblem{"host", "must name a host"};
        return a;
    }
    if (host.find('*') != std::string_view::npos) {
        a.problem = RuleProblem{"wildcard", "must not contain wildcards: redirect URIs are matched exactly"};
        return a;
    }
    if (host[0] != '[' && !std::all_of(host.begin(), host.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == '%';
        })) {
        a.problem = RuleProblem{"host", "has an invalid host name"};
        return a;
    }
    if (!port.empty()) {
        const bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
            a.problem = RuleProblem{"port", "has an invalid port"};
            return a;
        }
    }
    a.host = lower(host);
    return a;
}

// Common checks: length, characters, fragment, scheme. Returns the lower-case scheme.
std::optional<RuleProblem> basic_uri_problem(std::string_view uri, std::string& scheme) {
    if (uri.empty()) return RuleProblem{"required", "must not be empty"};
    if (uri.size() > k_max_uri_length) return RuleProblem{"too_long", "must be at most 2048 characters"};
    if (has_forbidden_character(uri))
        return RuleProblem{"characters", "must not contain spaces, control or non-ASCII characters (percent-encode them)"};
    if (uri.find('#') != std::string_view::npos)
        return RuleProblem{"fragment", "must not contain a fragment ('#'; RFC 6749 3.1.2)"};
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || !is_scheme(uri.substr(0, colon)))
        return RuleProblem{"not_absolute", "must be an absolute URI with a scheme, such as https://app.example.com/callback"};
    scheme = lower(uri.substr(0, colon));
    return std::nullopt;
}

template <class List>
bool has(const List& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

void dedupe(std::vector<std::string>& list) {
    std::vector<std::string> out;
    for (auto& item : list)
        if (!has(out, item)) out.push_back(std::move(item));
    list = std::move(out);
}

class Problems {
public:
    void add(const std::string& field, const std::string& rule, const std::string& message) {
        m_details.push_back({{"field", field}, {"rule", rule}, {"message", message}});
    }
    void add(const std::string& field, const RuleProblem& p) { add(field, p.rule, p.message); }
    bool empty() const { return m_details.empty(); }
    json take() { return std::move(m_details); }

private:
    json m_details = json::array();
};

void check_uris(Problems& problems, const std::string& field, const std::vector<std::string>& uris) {
    if (uris.size() > k_max_list_length) problems.add(field, "too_many", "must list at most 100 URIs");
    for (std::size_t i = 0; i < uris.size(); ++i)
        if (auto p = redirect_uri_problem(uris[i])) problems.add(field + "[" + std::to_string(i) + "]", *p);
}

}  // namespace

std::optional<RuleProblem> redirect_uri_problem(std::string_view uri) {
    std::string scheme;
    if (auto p = basic_uri_problem(uri, scheme)) return p;
    const auto rest = uri.substr(scheme.size() + 1);
    if (scheme == "https" || scheme == "http") {
        auto authority = parse_authority(rest);
        if (authority.problem) return authority.problem;
        if (scheme == "http" && !is_loopback_host(authority.host))
            return RuleProblem{"insecure_scheme",
                               "must use https; http is allowed only for localhost, 127.0.0.1 and [::1] (RFC 8252 7.3)"};
        return std::nullopt;
    }
    // Native apps: a private-use scheme under a domain the developer controls, reversed
    // (RFC 8252 7.1). Requiring a dot also keeps out javascript:, data:, file: and the like.
    if (scheme.find('.') == std::string::npos)
        return RuleProblem{"scheme",
                           "must be https, http on a loopback host, or a private-use scheme named after a reverse "
                           "domain such as com.example.app:/callback (RFC 8252 7.1)"};
    if (rest.empty()) return RuleProblem{"not_absolute", "must have a path after the scheme, e.g. com.example.app:/callback"};
    return std::nullopt;
}

std::optional<RuleProblem> jwks_uri_problem(std::string_view uri) {
    std::string scheme;
    if (auto p = basic_uri_problem(uri, scheme)) return p;
    if (scheme != "https" && scheme != "http") return RuleProblem{"insecure_scheme", "must be an https URL"};
    auto authority = parse_authority(uri.substr(scheme.size() + 1));
    if (authority.problem) return authority.problem;
    // Plain http only where nothing can sit in between: a key server on this machine (tests, dev).
    if (scheme == "http" && authority.host != "localhost" && authority.host != "127.0.0.1")
        return RuleProblem{"insecure_scheme", "must be an https URL (http only for localhost and 127.0.0.1)"};
    return std::nullopt;
}

std::optional<RuleProblem> jwks_problem(const json& jwks) {
    if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
        return RuleProblem{"jwks", "must be a JSON Web Key Set: {\"keys\": [...]}"};
    const auto& keys = jwks["keys"];
    if (keys.empty()) return RuleProblem{"jwks", "must contain at least one key"};
    if (keys.size() > k_max_list_length) return RuleProblem{"jwks", "must contain at most 100 keys"};
    if (jwks.dump().size() > k_max_jwks_bytes) return RuleProblem{"jwks", "must be at most 64 KiB"};
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto& key = keys[i];
        const std::string where = "key " + std::to_string(i) + " ";
        if (!key.is_object()) return RuleProblem{"jwks", where + "is not a JSON object"};
        for (const char* secret_member : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
            if (key.contains(secret_member))
                return RuleProblem{"private_key", where + "has private or symmetric key material (\"" +
                                                      std::string(secret_member) + "\"); register public keys only"};
        if (key.contains("use") && key["use"] == "enc") continue;
        if (auto parsed = crypto::VerificationKey::from_jwk(key); !parsed)
            return RuleProblem{"unsupported_key", where + "cannot verify signatures: " + parsed.error().message};
    }
    return std::nullopt;
}

bool is_valid_client_id(std::string_view client_id) {
    return !client_id.empty() && client_id.size() <= 128 &&
           std::all_of(client_id.begin(), client_id.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
           });
}

bool is_valid_scope_token(std::string_view scope) {
    return !scope.empty() && scope.size() <= 256 && std::all_of(scope.begin(), scope.end(), [](unsigned char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
    });
}

bool is_supported_grant_type(std::string_view grant_type) { return has(k_grant_types, grant_type); }
bool is_supported_auth_method(std::string_view method) { return has(k_auth_methods, method); }

std::optional<RuleProblem> client_secret_problem(std::string_view secret) {
    if (secret.size() < 32) return RuleProblem{"too_short", "must be at least 32 characters"};
    if (secret.size() > 512) return RuleProblem{"too_long", "must be at most 512 characters"};
    if (!std::all_of(secret.begin(), secret.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        return RuleProblem{"characters", "must be printable ASCII without spaces"};
    return std::nullopt;
}

Result<ClientSpec> validate_client_spec(ClientSpec spec) {
    Problems problems;
    const auto trimmed_name = spec.name.find_first_not_of(" \t\r\n");
    if (trimmed_name == std::string::npos) problems.add("name", "required", "must not be empty");
    else if (spec.name.size() > 200) problems.add("name", "too_long", "must be at most 200 characters");
    if (spec.client_id && !is_valid_client_id(*spec.client_id))
        problems.add("client_id", "syntax", "must be 1-128 letters, digits, '.', '_', ':' or '-'");
    // "janua" marks first-party tokens (identity::k_first_party_client_id); no registered client may take it.
    if (spec.client_id && *spec.client_id == "janua")
        problems.add("client_id", "reserved", "'janua' is reserved for Janua's own tokens");

    dedupe(spec.grant_types);
    if (spec.grant_types.empty()) problems.add("grant_types", "required", "must list at least one grant type");
    for (const auto& grant : spec.grant_types)
        if (!is_supported_grant_type(grant))
            problems.add("grant_types", "unsupported", "'" + grant + "' is not a supported grant type");
    const auto grants = [&](std::string_view g) { return has(spec.grant_types, g); };
    if (grants(k_grant_refresh_token) && !grants(k_grant_authorization_code) && !grants(k_grant_device_code) &&
        !grants(k_grant_token_exchange))
        problems.add("grant_types", "refresh_token_alone",
                     "refresh_token needs a grant that issues refresh tokens (authorization_code, device_code or "
                     "token-exchange)");

    if (spec.token_endpoint_auth_method.empty())
        spec.token_endpoint_auth_method = spec.is_public ? k_auth_none : k_auth_client_secret_basic;
    const auto& method = spec.token_endpoint_auth_method;
    if (!is_supported_auth_method(method)) {
        problems.add("token_endpoint_auth_method", "unsupported",
                     "must be client_secret_basic, client_secret_post, none or private_key_jwt");
    } else if (spec.is_public && method != k_auth_none) {
        problems.add("token_endpoint_auth_method", "public_client", "must be none for a public client");
    } else if (!spec.is_public && method == k_auth_none) {
        problems.add("token_endpoint_auth_method", "confidential_client",
                     "none is for public clients; register the client as public instead");
    }
    if (spec.is_public && grants(k_grant_client_credentials))
        problems.add("grant_types", "public_client", "a public client cannot use client_credentials");

    dedupe(spec.redirect_uris);
    dedupe(spec.post_logout_redirect_uris);
    check_uris(problems, "redirect_uris", spec.redirect_uris);
    check_uris(problems, "post_logout_redirect_uris", spec.post_logout_redirect_uris);
    if (grants(k_grant_authorization_code) && spec.redirect_uris.empty())
        problems.add("redirect_uris", "required", "authorization_code needs at least one redirect URI");

    const std::vector<std::string> derived =
        grants(k_grant_authorization_code) ? std::vector<std::string>{"code"} : std::vector<std::string>{};
    if (spec.response_types) {
        dedupe(*spec.response_types);
        if (*spec.response_types != derived)
            problems.add("response_types", "mismatch",
                         "must be [\"code\"] with the authorization_code grant and empty without it");
    }
    spec.response_types = derived;

    dedupe(spec.scopes);
    if (spec.scopes.size() > k_max_list_length) problems.add("scopes", "too_many", "must list at most 100 scopes");
    for (std::size_t i = 0; i < spec.scopes.size(); ++i)
        if (!is_valid_scope_token(spec.scopes[i]))
            problems.add("scopes[" + std::to_string(i) + "]", "syntax",
                         "must be a single scope token: printable ASCII without spaces, '\"' or '\\'");

    if (!spec.jwks.is_null())
        if (auto p = jwks_problem(spec.jwks)) problems.add("jwks", *p);
    if (spec.jwks_uri)
        if (auto p = jwks_uri_problem(*spec.jwks_uri)) problems.add("jwks_uri", *p);
    if (!spec.jwks.is_null() && spec.jwks_uri)
        problems.add("jwks_uri", "exclusive", "give jwks or jwks_uri, not both (RFC 7591 2)");
    if (method == k_auth_private_key_jwt && spec.jwks.is_null() && !spec.jwks_uri)
        problems.add("jwks", "required", "private_key_jwt needs the client's public keys: jwks or an https jwks_uri");

    if (spec.access_token_ttl_seconds && (*spec.access_token_ttl_seconds < 1 || *spec.access_token_ttl_seconds > k_max_access_token_ttl))
        problems.add("access_token_ttl_seconds", "range", "must be from 1 to 86400 seconds");
    if (spec.refresh_token_ttl_seconds &&
        (*spec.refresh_token_ttl_seconds < 1 || *spec.refresh_token_ttl_seconds > k_max_refresh_token_ttl))
        problems.add("refresh_token_ttl_seconds", "range", "must be from 1 to 34560000 seconds (400 days)");

    if (spec.secret) {
        if (spec.is_public) problems.add("client_secret", "public_client", "a public client has no secret");
        else if (method == k_auth_private_key_jwt)
            problems.add("client_secret", "private_key_jwt", "a private_key_jwt client authenticates with keys, not a secret");
        else if (auto p = client_secret_problem(*spec.secret)) problems.add("client_secret", *p);
    }

    if (!problems.empty()) return client_validation_error(problems.take());
    return spec;
}

Error client_validation_error(json details) {
    std::string message = "invalid client";
    if (details.is_array() && !details.empty())
        message = details[0].value("field", std::string()) + " " + details[0].value("message", std::string());
    Error e = make_error(ErrorCode::validation, message);
    e.details = std::move(details);
    return e;
}

}  // namespace janua::oidc
