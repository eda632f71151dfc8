#pragma once
// Integrations: the upstream OAuth tokens kept for a user's linked accounts (their platform
// social provider has store_tokens; core/federation/upstream_tokens.hpp), handed back to the user
// and to the applications the user consented to.
//
// Who may read a token: the user with a first-party token (their own sign-in), or an OAuth
// client acting for the user whose access token carries the scope `integrations:read`, which
// januad grants only through the user's consent at /oauth/authorize (or to a client the operator
// registered with require_consent=false, i.e. a trusted first-party application). A token that
// has expired is refreshed at the provider's token endpoint with the stored refresh token first.
// Every read, refusal and deletion is audited, never with the token.

#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/federation/discovery.hpp"
#include "core/federation/provider_service.hpp"
#include "core/federation/upstream_tokens.hpp"
#include "core/identity/auth_service.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::integrations {

// The scope an OAuth client needs to read a user's upstream tokens (core/oidc/scopes.cpp lists it).
inline constexpr const char* k_read_scope = "integrations:read";

// Who asks: the signed-in user (principal of the request) and the request's metadata.
struct Caller {
    identity::Principal principal;
    identity::RequestMeta meta;
};

struct IssuedToken {
    std::string access_token;
    std::string token_type;
    std::vector<std::string> scopes;
    std::optional<std::string> expires_at;
    bool refreshed = false;
    std::string provider;
};
// {provider, access_token, token_type, scopes, expires_at, refreshed}
nlohmann::json to_json(const IssuedToken& token);

class IntegrationService {
public:
    IntegrationService(db::Pool& pool, crypto::FernetKeyring cipher, federation::DiscoveryCache& discovery,
                       federation::ProviderService& providers)
        : m_pool(pool), m_cipher(std::move(cipher)), m_discovery(discovery), m_providers(providers) {}

    // The user's stored tokens, as metadata.
    std::vector<federation::upstream_tokens::StoredToken> list(const std::string& user_id);
    // The current upstream access token at `provider` (a platform provider's slug).
    Result<IssuedToken> token(const Caller& caller, const std::string& provider);
    // Forget the stored tokens at `provider` (the link itself stays).
    Status forget(const Caller& caller, const std::string& provider);

private:
    // In the caller's transaction, which holds the token's row lock.
    Result<federation::UpstreamGrant> refresh(db::Transaction& tx, const federation::upstream_tokens::StoredToken& stored);
    void record(db::Transaction& tx, const Caller& caller, const std::string& action, const std::string& outcome,
                const std::optional<std::string>& identity_id, nlohmann::json details);

    db::Pool& m_pool;
    crypto::FernetKeyring m_cipher;
    federation::DiscoveryCache& m_discovery;
    federation::ProviderService& m_providers;
};

}  // namespace janua::integrations
