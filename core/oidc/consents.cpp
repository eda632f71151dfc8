// A user's consents to OAuth clients: listed and revoked from the account console and
// /api/v1/auth/consents (granting is in authorize.cpp, where the consent page posts).
#include "core/identity/audit_events.hpp"
#include "core/oidc/provider.hpp"

namespace janua::oidc {

std::vector<consents::Granted> Provider::consents_of(const std::string& user_id) {
    return m_pool.transact([&](db::Transaction& tx) { return consents::list_for_user(tx, user_id); });
}

Status Provider::revoke_consent(const std::string& user_id, const std::string& client_id,
                                const identity::RequestMeta& meta) {
    const bool revoked = m_pool.transact([&](db::Transaction& tx) {
        if (!consents::revoke(tx, user_id, client_id)) return false;
        auto e = identity::request_event("oauth.consent_revoked", meta);
        e.actor_id = user_id;
        e.target_type = "oauth_client";
        e.target_id = client_id;
        audit::record(tx, e);
        return true;
    });
    if (!revoked) return make_error(ErrorCode::not_found, "no consent to this application");
    return Ok{};
}

}  // namespace janua::oidc
