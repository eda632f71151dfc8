#pragma once
// Passkeys (W3C WebAuthn Level 3): registration and authentication ceremonies with the L3 JSON
// encodings, usernameless (discoverable) sign-in, list, rename, delete. Knows nothing of HTTP.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/webauthn/credential_store.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace janua::webauthn {

struct WebAuthnSettings {
    std::string rp_id = "localhost";
    std::string rp_name = "Janua";
    std::vector<std::string> origins;  // exact origins clientDataJSON may carry
    int max_passkeys = 10;
    int challenge_seconds = 300;
};

// The amr of a passkey sign-in (RFC 8176): a hardware-bound key, with user verification making
// it multi-factor on its own.
inline const std::vector<std::string> k_passkey_amr = {"hwk", "mfa"};

nlohmann::json to_json(const store::Credential& credential);

class WebAuthnService {
public:
    WebAuthnService(WebAuthnSettings settings, db::Pool& pool, identity::AuthService* auth);

    // PublicKeyCredentialCreationOptionsJSON. `attestation`: "none" (default) or "direct".
    Result<nlohmann::json> begin_registration(const std::string& user_id, const std::string& attestation);
    Result<store::Credential> complete_registration(const std::string& user_id, const nlohmann::json& credential,
                                                    const std::string& name, const identity::RequestMeta& meta);

    // PublicKeyCredentialRequestOptionsJSON with an empty allowCredentials: every passkey Janua
    // registers is discoverable, and naming a user's credentials would tell who has an account.
    Result<nlohmann::json> begin_authentication();
    Result<identity::AuthResult> complete_authentication(const nlohmann::json& credential,
                                                         const identity::RequestMeta& meta);
    Result<identity::BrowserSignin> complete_browser_authentication(const nlohmann::json& credential,
                                                                    const identity::RequestMeta& meta);

    std::vector<store::Credential> list(const std::string& user_id);
    Result<store::Credential> rename(const std::string& user_id, const std::string& id, const std::string& name,
                                     const identity::RequestMeta& meta);
    Status remove(const std::string& user_id, const std::string& id, const identity::RequestMeta& meta);

    const WebAuthnSettings& settings() const { return m_settings; }

private:
    // The user and credential of a verified assertion (sign count and flags checked and recorded).
    struct Asserted {
        identity::User user;
        store::Credential credential;
    };
    Result<Asserted> verify_assertion(db::Transaction& tx, const nlohmann::json& credential,
                                      const identity::RequestMeta& meta);

    WebAuthnSettings m_settings;
    db::Pool& m_pool;
    identity::AuthService* m_auth;
};

}  // namespace janua::webauthn
