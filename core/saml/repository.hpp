#pragma once
// SQL of the SAML tables (migrations/0011_saml.sql).

#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/saml/connection.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::saml::repo {

// The connection of an organization (by id), private key decrypted.
std::optional<Connection> find(db::Transaction& tx, const crypto::FernetKeyring& cipher, const std::string& organization_id);
std::vector<Connection> list(db::Transaction& tx, const crypto::FernetKeyring& cipher);
bool any_enabled(db::Transaction& tx);
// Enabled connections whose IdP is `entity_id`, or which allow the email `domain`.
std::vector<std::string> organizations_for_idp(db::Transaction& tx, const std::string& entity_id);
std::vector<std::string> organizations_for_domain(db::Transaction& tx, const std::string& domain);
// Insert or replace; returns true when it was created.
bool save(db::Transaction& tx, const crypto::FernetKeyring& cipher, const Connection& c, const std::optional<std::string>& actor);
bool remove(db::Transaction& tx, const std::string& organization_id);

struct StoredRequest {
    std::string id;
    std::string organization_id;
    std::string relay_state;
    std::string return_to;
    std::string session_id;
    bool consumed = false;
    bool expired = false;
    std::optional<std::string> browser_binding_hash;  // authn requests: crypto/browser_binding.hpp
};
void insert_request(db::Transaction& tx, const std::string& id, const std::string& organization_id, const std::string& kind,
                    const std::string& relay_state, const std::string& return_to, const std::string& session_id, int ttl_seconds,
                    const std::string& browser_binding_hash = {});
std::optional<StoredRequest> lock_request(db::Transaction& tx, const std::string& id, const std::string& kind);
void consume_request(db::Transaction& tx, const std::string& id);
// Remember an assertion ID until it expires; false when it was seen already.
bool consume_assertion(db::Transaction& tx, const std::string& organization_id, const std::string& assertion_id,
                       std::int64_t expires_at);
void purge_expired(db::Transaction& tx);

std::optional<std::string> user_for_subject(db::Transaction& tx, const std::string& organization_id, const std::string& name_id);
void link_subject(db::Transaction& tx, const std::string& organization_id, const std::string& name_id, const std::string& user_id);
// The member's role name, if the user is a member.
std::optional<std::string> member_role(db::Transaction& tx, const std::string& organization_id, const std::string& user_id);
bool role_exists(db::Transaction& tx, const std::string& organization_id, const std::string& role);
void add_member(db::Transaction& tx, const std::string& organization_id, const std::string& user_id, const std::string& role);
void set_member_role(db::Transaction& tx, const std::string& organization_id, const std::string& user_id, const std::string& role);

struct SamlSession {
    std::string session_id;
    std::string user_id;
    std::string organization_id;
    std::string name_id;
    std::string name_id_format;
    std::string session_index;
};
void insert_session(db::Transaction& tx, const SamlSession& s);
std::optional<SamlSession> find_session(db::Transaction& tx, const std::string& session_id);
// Active januad sessions of this IdP subject (and SessionIndex, when given).
std::vector<SamlSession> sessions_of_subject(db::Transaction& tx, const std::string& organization_id,
                                             const std::string& name_id, const std::string& session_index);

}  // namespace janua::saml::repo
