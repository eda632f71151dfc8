#include "core/federation/provider_repository.hpp"

namespace janua::federation::providers {
namespace {

using db::Statement;

#define JANUA_IDP_COLUMNS                                                                                       \
    "id::text, organization_id::text, slug, display_name, preset, protocol, issuer, authorization_endpoint, "  \
    "token_endpoint, userinfo_endpoint, emails_endpoint, client_id, client_secret_encrypted, "                 \
    "array_to_json(scopes)::text, enabled, array_to_json(allowed_domains)::text, jit_provisioning, default_role, " \
    "created_at, updated_at, store_tokens"
#define JANUA_IDP_TEXT_ARRAY(n) \
    "ARRAY(SELECT v FROM jsonb_array_elements_text(" n "::jsonb) WITH ORDINALITY AS t(v, i) ORDER BY i)"

constexpr Statement k_list{"idp_list", "SELECT " JANUA_IDP_COLUMNS " FROM identity_providers "
                                       "WHERE organization_id IS NOT DISTINCT FROM $1::uuid ORDER BY created_at, id"};
constexpr Statement k_find{"idp_find", "SELECT " JANUA_IDP_COLUMNS " FROM identity_providers "
                                       "WHERE organization_id IS NOT DISTINCT FROM $1::uuid "
                                       "AND (slug = $2 OR id::text = $2) ORDER BY (slug = $2) DESC LIMIT 1"};
constexpr Statement k_find_id{"idp_find_id", "SELECT " JANUA_IDP_COLUMNS " FROM identity_providers WHERE id = $1::uuid"};
constexpr Statement k_insert{
    "idp_insert",
    "INSERT INTO identity_providers (organization_id, slug, display_name, preset, protocol, issuer, "
    "authorization_endpoint, token_endpoint, userinfo_endpoint, emails_endpoint, client_id, client_secret_encrypted, "
    "scopes, enabled, allowed_domains, jit_provisioning, default_role, created_by, store_tokens) VALUES ($1::uuid, $2, $3, $4, "
    "$5, $6, $7, $8, $9, $10, $11, $12, " JANUA_IDP_TEXT_ARRAY("$13") ", $14, " JANUA_IDP_TEXT_ARRAY("$15") ", $16, $17, "
    "$18::uuid, $19) "
    "RETURNING " JANUA_IDP_COLUMNS};
constexpr Statement k_update{
    "idp_update",
    "UPDATE identity_providers SET slug = $2, display_name = $3, issuer = $4, authorization_endpoint = $5, "
    "token_endpoint = $6, userinfo_endpoint = $7, emails_endpoint = $8, client_id = $9, client_secret_encrypted = $10, "
    "scopes = " JANUA_IDP_TEXT_ARRAY("$11") ", enabled = $12, allowed_domains = " JANUA_IDP_TEXT_ARRAY("$13") ", "
    "jit_provisioning = $14, default_role = $15, store_tokens = $16, updated_at = now() WHERE id = $1::uuid RETURNING " JANUA_IDP_COLUMNS};
constexpr Statement k_by_domain{"idp_by_domain", "SELECT " JANUA_IDP_COLUMNS " FROM identity_providers "
                                                 "WHERE organization_id IS NOT NULL AND enabled AND $1 = ANY (allowed_domains) "
                                                 "ORDER BY created_at, id"};
constexpr Statement k_delete{"idp_delete", "DELETE FROM identity_providers WHERE id = $1::uuid"};

IdentityProvider from_row(const pqxx::row& r) {
    IdentityProvider p;
    p.id = r[0].as<std::string>();
    p.organization_id = db::optional_field<std::string>(r[1]);
    p.slug = r[2].as<std::string>();
    p.display_name = r[3].as<std::string>();
    p.preset = r[4].as<std::string>();
    p.protocol = r[5].as<std::string>();
    p.issuer = db::optional_field<std::string>(r[6]);
    p.authorization_endpoint = db::optional_field<std::string>(r[7]);
    p.token_endpoint = db::optional_field<std::string>(r[8]);
    p.userinfo_endpoint = db::optional_field<std::string>(r[9]);
    p.emails_endpoint = db::optional_field<std::string>(r[10]);
    p.client_id = r[11].as<std::string>();
    p.client_secret_encrypted = db::optional_field<std::string>(r[12]);
    p.scopes = nlohmann::json::parse(r[13].as<std::string>()).get<std::vector<std::string>>();
    p.enabled = r[14].as<bool>();
    p.allowed_domains = nlohmann::json::parse(r[15].as<std::string>()).get<std::vector<std::string>>();
    p.jit_provisioning = r[16].as<bool>();
    p.default_role = r[17].as<std::string>();
    p.created_at = db::timestamp(r[18]);
    p.updated_at = db::timestamp(r[19]);
    p.store_tokens = r[20].as<bool>();
    return p;
}

Error slug_taken(const std::string& slug) {
    Error e = make_error(ErrorCode::conflict, "an identity provider named '" + slug + "' already exists here");
    e.details = nlohmann::json::array({{{"field", "slug"}, {"message", "is taken"}}});
    return e;
}

}  // namespace

std::vector<IdentityProvider> list(db::Transaction& tx, const std::optional<std::string>& organization_id) {
    std::vector<IdentityProvider> out;
    for (const auto& row : tx.exec(k_list, organization_id)) out.push_back(from_row(row));
    return out;
}

std::optional<IdentityProvider> find(db::Transaction& tx, const std::optional<std::string>& organization_id,
                                     const std::string& ref) {
    auto rows = tx.exec(k_find, organization_id, ref);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

std::optional<IdentityProvider> find_by_id(db::Transaction& tx, const std::string& id) {
    auto rows = tx.exec(k_find_id, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

Result<IdentityProvider> insert(db::Transaction& tx, const IdentityProvider& p, const std::optional<std::string>& created_by) {
    // A duplicate slug is checked first, so the unique index never aborts the caller's transaction.
    if (auto existing = find(tx, p.organization_id, p.slug); existing && existing->slug == p.slug) return slug_taken(p.slug);
    auto rows = tx.exec(k_insert, p.organization_id, p.slug, p.display_name, p.preset, p.protocol, p.issuer,
                        p.authorization_endpoint, p.token_endpoint, p.userinfo_endpoint, p.emails_endpoint, p.client_id,
                        p.client_secret_encrypted, nlohmann::json(p.scopes).dump(), p.enabled,
                        nlohmann::json(p.allowed_domains).dump(), p.jit_provisioning, p.default_role, created_by, p.store_tokens);
    return from_row(rows[0]);
}

Result<IdentityProvider> update(db::Transaction& tx, const IdentityProvider& p) {
    if (auto other = find(tx, p.organization_id, p.slug); other && other->slug == p.slug && other->id != p.id)
        return slug_taken(p.slug);
    auto rows = tx.exec(k_update, p.id, p.slug, p.display_name, p.issuer, p.authorization_endpoint, p.token_endpoint,
                        p.userinfo_endpoint, p.emails_endpoint, p.client_id, p.client_secret_encrypted,
                        nlohmann::json(p.scopes).dump(), p.enabled, nlohmann::json(p.allowed_domains).dump(),
                        p.jit_provisioning, p.default_role, p.store_tokens);
    if (rows.empty()) return make_error(ErrorCode::not_found, "identity provider not found");
    return from_row(rows[0]);
}

bool remove(db::Transaction& tx, const std::string& id) {
    return tx.exec(k_delete, id).affected_rows() > 0;
}

std::vector<IdentityProvider> find_by_domain(db::Transaction& tx, const std::string& domain) {
    std::vector<IdentityProvider> out;
    for (const auto& row : tx.exec(k_by_domain, domain)) out.push_back(from_row(row));
    return out;
}

}  // namespace janua::federation::providers
