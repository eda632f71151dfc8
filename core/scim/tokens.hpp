#pragma once
// Per-organization SCIM bearer tokens: "jsc_" + 256 random bits, shown once, stored as SHA-256.
// A token authenticates /scim/v2/* only and only ever acts in its own organization; it is not
// an API key and the pipeline never accepts it elsewhere (it does not look like a JWT or jk_).

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/rbac/access.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace janua::scim {

struct Token {
    std::string id;
    std::string organization_id;
    std::string name;
    std::string prefix;  // "jsc_" and the first 8 characters of the secret
    std::optional<std::string> created_by;
    std::string last_used_at;
    std::string revoked_at;
    std::string created_at;
};
nlohmann::json to_json(const Token& token);

struct IssuedToken {
    Token token;
    std::string secret;
};
nlohmann::json to_json(const IssuedToken& issued);

inline constexpr const char* k_token_prefix = "jsc_";

// Who a SCIM request acts as once its token checked out.
struct TokenPrincipal {
    std::string token_id;
    std::string organization_id;
    std::string ip;
    std::string request_id;
};

class TokenService {
public:
    explicit TokenService(db::Pool& pool) : m_pool(pool) {}

    // org_ref: id or slug. The caller's right to manage SCIM in the organization is checked by
    // the pipeline (scim:write / scim:read) or is the CLI's direct mode.
    Result<IssuedToken> create(const rbac::Caller& caller, const std::string& org_ref, const std::string& name);
    Result<std::vector<Token>> list(const std::string& org_ref);
    Status revoke(const rbac::Caller& caller, const std::string& org_ref, const std::string& id);

    // Check a presented bearer token; every failure looks the same to the client.
    Result<TokenPrincipal> authenticate(const std::string& secret);

private:
    db::Pool& m_pool;
};

}  // namespace janua::scim
