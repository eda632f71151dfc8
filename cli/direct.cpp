#include "cli/direct.hpp"

#include "core/crypto/field_cipher.hpp"


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

mfa::MfaService& DirectServices::mfa() {
    if (!m_mfa) {
        users();  // the hasher
        // No AuthService: sign-ins never happen in the CLI.
        m_mfa = std::make_unique<mfa::MfaService>(
            mfa::MfaSettings{m_config.app_name, m_config.enable_mfa, m_config.account_lockout_threshold,
                             m_config.account_lockout_duration_minutes},
            *m_pool, *m_hasher, crypto::make_field_keyring(m_config.field_encryption_keys, m_config.secret_key), nullptr);
    }
    return *m_mfa;
}

}  // namespace janua::cli
