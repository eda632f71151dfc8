#include "cli/direct.hpp"


namespace janua::cli {

DirectServices::DirectServices(const config::Config& config) : m_config(config) {
    m_pool = std::make_unique<db::Pool>(db::PoolSettings{config.database_url, 2, config.database_connect_timeout_seconds,
                                                         config.database_acquire_timeout_ms,
                                                         config.database_statement_timeout_ms, "janua-cli"});
}

identity::UserAdmin& DirectServices::users() {
    if (!m_users) {
        // One worker and no queue wait: the CLI hashes one password at a time.
        m_hasher = std::make_unique<identity::PasswordHasher>(
            identity::HasherSettings{1, 4, 120000, m_config.bcrypt_rounds});
        m_users = std::make_unique<identity::UserAdmin>(*m_pool, *m_hasher, identity::password_policy_from(m_config));
    }
    return *m_users;
}

oidc::ClientService& DirectServices::clients() {
    if (!m_clients) m_clients = std::make_unique<oidc::ClientService>(*m_pool);
    return *m_clients;
}

tokens::KeyManager& DirectServices::keys() {
    if (!m_keys) {
        m_keys = tokens::make_key_manager(*m_pool, m_config);
    }
    return *m_keys;
}

webhooks::WebhookService& DirectServices::webhooks() {
    if (!m_webhooks) m_webhooks = webhooks::make_webhook_service(*m_pool, m_config);
    return *m_webhooks;
}

}  // namespace janua::cli
