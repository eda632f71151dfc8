#include "core/scim/tokens.hpp"

#include "core/audit/audit.hpp"
#include "core/billing/limits.hpp"
#include "core/common/ids.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"

namespace janua::scim {
namespace {

using db::Statement;

#define JANUA_SCIM_TOKEN_COLUMNS \
    "t.id, t.organization_id, t.name, t.prefix, t.created_by, t.last_used_at, t.revoked_at, t.created_at"

constexpr Statement k_insert{"scim_tokens_insert",
                             "INSERT INTO scim_tokens AS t (organization_id, name, prefix, token_hash, created_by) "
                             "VALUES ($1, $2, $3, $4, $5::uuid) RETURNING " JANUA_SCIM_TOKEN_COLUMNS};
constexpr Statement k_list{"scim_tokens_list", "SELECT " JANUA_SCIM_TOKEN_COLUMNS
                                               " FROM scim_tokens t WHERE t.organization_id = $1 "
                                               "ORDER BY t.created_at, t.id LIMIT 1000"};
constexpr Statement k_revoke{"scim_tokens_revoke",
                             "UPDATE scim_tokens AS t SET revoked_at = coalesce(t.revoked_at, now()) "
                             "WHERE t.id = $1 AND t.organization_id = $2 RETURNING " JANUA_SCIM_TOKEN_COLUMNS};
constexpr Statement k_lookup{"scim_tokens_lookup",
                             "SELECT t.id, t.organization_id, t.token_hash, t.revoked_at IS NOT NULL, "
                             "coalesce(t.last_used_at < now() - interval '1 minute', true) "
                             "FROM scim_tokens t WHERE t.token_hash = $1"};
constexpr Statement k_touch{"scim_tokens_touch", "UPDATE scim_tokens SET last_used_at = now() WHERE id = $1"};

Token from_row(const pqxx::row& r) {
    Token t;
    t.id = r[0].as<std::string>();
    t.organization_id = r[1].as<std::string>();
    t.name = r[2].as<std::string>();
    t.prefix = r[3].as<std::string>();
    t.created_by = db::optional_field<std::string>(r[4]);
    t.last_used_at = db::timestamp(r[5]);
    t.revoked_at = db::timestamp(r[6]);
    t.created_at = db::timestamp(r[7]);
    return t;
}

Error token_not_found() { return make_error(ErrorCode::not_found, "SCIM token not found"); }

void record(db::Transaction& tx, const rbac::Caller& caller, const std::string& action, const Token& token) {
    audit::Event e;
    e.action = action;
    e.actor_type = caller.actor.type;
    e.actor_id = caller.actor.id;
    e.organization_id = token.organization_id;
    e.target_type = "scim_token";
    e.target_id = token.id;
    e.ip_address = caller.actor.ip;
    e.request_id = caller.actor.request_id;
    e.details = {{"name", token.name}, {"prefix", token.prefix}};
    audit::record(tx, e);
}

}  // namespace

nlohmann::json to_json(const Token& t) {
    auto time = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    return {{"id", t.id},
            {"organization_id", t.organization_id},
            {"name", t.name},
            {"prefix", t.prefix},
            {"created_by", t.created_by ? nlohmann::json(*t.created_by) : nlohmann::json(nullptr)},
            {"status", t.revoked_at.empty() ? "active" : "revoked"},
            {"last_used_at", time(t.last_used_at)},
            {"revoked_at", time(t.revoked_at)},
            {"created_at", t.created_at}};
}

nlohmann::json to_json(const IssuedToken& issued) {
    auto out = to_json(issued.token);
    out["token"] = issued.secret;
    return out;
}

Result<IssuedToken> TokenService::create(const rbac::Caller& caller, const std::string& org_ref, const std::string& name) {
    if (name.empty() || name.size() > 200) {
        Error e = make_error(ErrorCode::validation, "name must be 1-200 characters");
        e.details = nlohmann::json::array({{{"field", "name"}, {"rule", "length"}, {"message", "must be 1-200 characters"}}});
        return e;
    }
    return m_pool.transact([&](db::Transaction& tx) -> Result<IssuedToken> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        if (auto allowed = billing::require_feature(tx, org->id, billing::Feature::scim); !allowed) return allowed.error();
        IssuedToken issued;
        issued.secret = std::string(k_token_prefix) + crypto::random_token(32);
        issued.token = from_row(tx.exec(k_insert, org->id, name, issued.secret.substr(0, 12),
                                        pqxx::binarystring(crypto::sha256(issued.secret)), caller.user_id)[0]);
        record(tx, caller, "scim_token.created", issued.token);
        return issued;
    });
}

Result<std::vector<Token>> TokenService::list(const std::string& org_ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<Token>> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        std::vector<Token> out;
        for (const auto& row : tx.exec(k_list, org->id)) out.push_back(from_row(row));
        return out;
    });
}

Status TokenService::revoke(const rbac::Caller& caller, const std::string& org_ref, const std::string& id) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        if (!is_uuid(id)) return token_not_found();
        auto rows = tx.exec(k_revoke, id, org->id);
        if (rows.empty()) return token_not_found();
        record(tx, caller, "scim_token.revoked", from_row(rows[0]));
        return Ok{};
    });
}

Result<TokenPrincipal> TokenService::authenticate(const std::string& secret) {
    const Error rejected = make_error(ErrorCode::token, "invalid or revoked SCIM token");
    if (secret.rfind(k_token_prefix, 0) != 0 || secret.size() > 200) return rejected;
    const std::string digest = crypto::sha256(secret);
    return m_pool.transact([&](db::Transaction& tx) -> Result<TokenPrincipal> {
        auto rows = tx.exec(k_lookup, pqxx::binarystring(digest));
        if (rows.empty()) return rejected;
        const auto& r = rows[0];
        const std::string stored = pqxx::binarystring(r[2]).str();
        if (!crypto::constant_time_equals(stored, digest) || r[3].as<bool>()) return rejected;
        if (r[4].as<bool>()) tx.exec(k_touch, r[0].as<std::string>());
        TokenPrincipal p;
        p.token_id = r[0].as<std::string>();
        p.organization_id = r[1].as<std::string>();
        return p;
    });
}

}  // namespace janua::scim
