#pragma once
// Managing upstream identity providers: platform-wide social providers (platform admins) and an
// organization's enterprise OIDC connections (sso:read / sso:write there). Every change is
// audited in its transaction; client secrets are encrypted under FIELD_ENCRYPTION_KEY and never
// returned.

#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/federation/discovery.hpp"
#include "core/federation/provider.hpp"
#include "core/identity/user_admin.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::federation {

using Actor = identity::Actor;

class ProviderService {
public:
    ProviderService(db::Pool& pool, crypto::FernetKeyring cipher, DiscoveryCache& discovery, bool allow_private)
        : m_pool(pool), m_cipher(std::move(cipher)), m_discovery(discovery), m_allow_private(allow_private) {}

    // `organization_id` empty: the platform's providers.
    Result<std::vector<IdentityProvider>> list(const std::optional<std::string>& organization_id);
    Result<IdentityProvider> get(const std::optional<std::string>& organization_id, const std::string& ref);
    Result<IdentityProvider> create(const std::optional<std::string>& organization_id, const nlohmann::json& body,
                                    const Actor& actor);
    Result<IdentityProvider> update(const std::optional<std::string>& organization_id, const std::string& ref,
                                    const nlohmann::json& body, const Actor& actor);
    Status remove(const std::optional<std::string>& organization_id, const std::string& ref, const Actor& actor);
    // Fetch the provider's metadata and keys now and report what a login would use.
    Result<nlohmann::json> test(const std::optional<std::string>& organization_id, const std::string& ref);

    // The decrypted client secret of a provider (empty: a public client).
    Result<std::string> client_secret(const IdentityProvider& provider) const;

private:
    Status check_role(db::Transaction& tx, const IdentityProvider& provider);

    db::Pool& m_pool;
    crypto::FernetKeyring m_cipher;
    DiscoveryCache& m_discovery;
    bool m_allow_private;
};

}  // namespace janua::federation
