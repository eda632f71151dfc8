#pragma once
// What operators do to OAuth clients (the admin API and `janua client ...`) and how the token
// endpoint checks a client secret. Every change is audited.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user_admin.hpp"
#include "core/oidc/client.hpp"
#include "core/oidc/client_repository.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace janua::oidc {

using Actor = identity::Actor;

struct ClientServiceSettings {
    // How long a rotated-out secret keeps working when the caller does not say.
    int default_grace_seconds = 24 * 3600;
    int max_grace_seconds = 30 * 24 * 3600;
};

// A new client and its generated secret, which is shown this once (none for public and
// private_key_jwt clients, nor when the operator supplied the secret).
struct CreatedClient {
    OAuthClient client;
    std::optional<std::string> client_secret;
};

struct RotatedSecret {
    std::string client_id;
    std::optional<std::string> client_secret;  // none when the operator supplied it
    std::string previous_secret_expires_at;  // empty: the old secret stopped working at once
};

// The client plus "client_secret" when there is one.
nlohmann::json to_json(const CreatedClient& created);
// {client_id, client_secret (when generated), previous_secret_expires_at}
nlohmann::json to_json(const RotatedSecret& rotated);

// Return a new client secret: 32 random bytes, base64url (43 characters).
std::string generate_client_secret();
// Return how a client secret is stored: SHA-256, hex. A generated secret carries 256 bits of
// entropy, so a fast hash is enough (nobody can guess their way back from the digest); a
// slow password hash would only slow down every token request. Operator-supplied secrets
// must be at least 32 characters for the same reason.
std::string hash_client_secret(const std::string& secret);

class ClientService {
public:
    explicit ClientService(db::Pool& pool, ClientServiceSettings settings = {}) : m_pool(pool), m_settings(settings) {}

    // Validate and register. Conflict when the client_id is taken.
    Result<CreatedClient> create(ClientSpec spec, const Actor& actor);
    // The same, running `also` inside the creating transaction (dynamic registration stores the
    // registration access token there).
    Result<CreatedClient> create(ClientSpec spec, const Actor& actor,
                                 const std::function<void(db::Transaction&, const OAuthClient&)>& also);
    Result<OAuthClient> get(const std::string& client_id);
    Result<clients::ClientPage> list(const clients::ListFilter& filter);
    // Apply a partial update (see apply_client_patch) and validate the result as a whole.
    Result<OAuthClient> update(const std::string& client_id, const nlohmann::json& patch, const Actor& actor);
    Status remove(const std::string& client_id, const Actor& actor);
    // Issue a new secret (or make `supplied` the secret). The old one keeps working for
    // `grace_seconds` (default: the settings' default; 0: stops at once).
    Result<RotatedSecret> rotate_secret(const std::string& client_id, std::optional<int> grace_seconds,
                                        const Actor& actor, std::optional<std::string> supplied = std::nullopt);

    // Check `secret` for client_secret_basic / client_secret_post, in constant time. The previous
    // secret is accepted only inside its grace period. Unknown clients, wrong secrets, public
    // clients and disabled clients all give the same authentication error (the detail, for
    // the log, says which).
    Result<OAuthClient> authenticate_secret(const std::string& client_id, const std::string& secret);
    // Whether `secret` is the client's current secret (not the previous one, whatever its grace),
    // compared in constant time. For `janua apply`, which declares a secret and must know whether
    // to set it; an operator who may call this may also replace the secret, and the answer says
    // no more than a client authentication at the token endpoint would. Not found for an unknown
    // client; false for a client without a secret.
    Result<bool> is_current_secret(const std::string& client_id, const std::string& secret);

private:
    db::Pool& m_pool;
    ClientServiceSettings m_settings;
};

}  // namespace janua::oidc
