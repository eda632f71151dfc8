#pragma once
// The CLI's direct mode: the same core services the daemon uses, on a small pool of its own.

#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/user_admin.hpp"
#include "core/oidc/client_service.hpp"
#include "core/tokens/signing_keys.hpp"
#include "core/webhooks/service.hpp"

#include <memory>

namespace janua::cli {

class DirectServices {
public:
    explicit DirectServices(const config::Config& config);
    db::Pool& pool() { return *m_pool; }
    identity::UserAdmin& users();
    oidc::ClientService& clients();
    tokens::KeyManager& keys();
    webhooks::WebhookService& webhooks();

private:
    const config::Config& m_config;
    std::unique_ptr<db::Pool> m_pool;
    std::unique_ptr<identity::PasswordHasher> m_hasher;
    std::unique_ptr<identity::UserAdmin> m_users;
    std::unique_ptr<oidc::ClientService> m_clients;
    std::unique_ptr<tokens::KeyManager> m_keys;
    std::unique_ptr<webhooks::WebhookService> m_webhooks;
};

}  // namespace janua::cli
