#include "core/scim/users.hpp"

#include "core/billing/limits.hpp"
#include "core/common/ids.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/scim/common.hpp"
#include "core/identity/sessions.hpp"
#include "core/scim/filter.hpp"
#include "core/scim/patch.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <set>

namespace janua::scim {
namespace {

using db::Statement;

// Every query names the organization as element 0 of the jsonb parameter $1; values of a
// filter follow as elements 1.. (core/scim/filter.cpp). Nothing from a request is ever spliced
// into the SQL text: only column expressions chosen from the fixed tables below.
constexpr const char* k_org = "(($1::jsonb->>0)::uuid)";

// The organization's Users: its members plus the users its SCIM keeps (deactivated ones). Two
// primary-key probes per user instead of a UNION, so `userName eq` is an index lookup on users
// and never materializes the whole organization. Ends in "WHERE ... AND ": callers append a condition.
std::string from_clause() {
    const std::string org = k_org;
    return " FROM users u LEFT JOIN scim_users s ON s.user_id = u.id AND s.organization_id = " + org +
           " LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = " + org +
           " WHERE (s.user_id IS NOT NULL OR m.user_id IS NOT NULL) AND ";
}

constexpr const char* k_columns =
    "SELECT u.id::text, u.email, u.first_name, u.last_name, u.display_name, u.locale, u.timezone, s.external_id, "
    "m.user_id IS NOT NULL, coalesce(s.attributes, '{}'::jsonb)::text, coalesce(s.created_at, m.created_at, u.created_at), "
    "greatest(u.updated_at, s.updated_at, m.updated_at), count(*) OVER () ";

const std::string k_emails_source =
    "jsonb_array_elements(coalesce(s.attributes->'emails', jsonb_build_array(jsonb_build_object('value', u.email, "
    "'type', 'work', 'primary', true)))) AS e(v)";
const std::string k_phones_source = "jsonb_array_elements(coalesce(s.attributes->'phoneNumbers', '[]'::jsonb)) AS e(v)";

std::optional<Column> resolve(const AttrPath& p) {
    auto str = [](std::string sql, bool exact = false) { return Column{std::move(sql), AttrType::string, exact, false, {}}; };
    const std::string user_schema = lower(k_user_schema), ent_schema = lower(k_enterprise_schema);
    if (p.schema == ent_schema) {
        static const std::map<std::string, std::string> ent = {{"employeenumber", "employeeNumber"}, {"costcenter", "costCenter"},
                                                               {"organization", "organization"},   {"division", "division"},
                                                               {"department", "department"}};
        if (p.attr == "manager" && (p.sub == "value" || p.sub.empty()))
            return str("s.attributes->'enterprise'->'manager'->>'value'", true);
        if (p.attr == "manager" && p.sub == "displayname") return str("s.attributes->'enterprise'->'manager'->>'displayName'");
        const auto found = ent.find(p.attr);
        if (found == ent.end() || !p.sub.empty()) return std::nullopt;
        return str("s.attributes->'enterprise'->>'" + found->second + "'");
    }
    if (!p.schema.empty() && p.schema != user_schema) return std::nullopt;
    if (p.attr == "emails" && p.sub.empty()) return Column{"", AttrType::string, false, true, k_emails_source};
    if (p.attr == "phonenumbers" && p.sub.empty()) return Column{"", AttrType::string, false, true, k_phones_source};
    if (p.attr == "name") {
        if (p.sub == "givenname") return str("u.first_name");
        if (p.sub == "familyname") return str("u.last_name");
        if (p.sub == "formatted") return str("s.attributes->>'formatted'");
        return std::nullopt;
    }
    if (p.attr == "meta") {
        if (p.sub == "created") return Column{"coalesce(s.created_at, m.created_at, u.created_at)", AttrType::datetime, false, false, {}};
        if (p.sub == "lastmodified") return Column{"greatest(u.updated_at, s.updated_at, m.updated_at)", AttrType::datetime, false, false, {}};
        if (p.sub == "resourcetype") return str("'User'", true);
        return std::nullopt;
    }
    if (!p.sub.empty()) return std::nullopt;
    if (p.attr == "id") return str("u.id::text", true);
    if (p.attr == "externalid") return str("s.external_id", true);
    if (p.attr == "username") return str("u.email");
    if (p.attr == "displayname") return str("u.display_name");
    if (p.attr == "nickname") return str("s.attributes->>'nickName'");
    if (p.attr == "title") return str("s.attributes->>'title'");
    if (p.attr == "locale") return str("u.locale");
    if (p.attr == "timezone") return str("u.timezone");
    if (p.attr == "active") return Column{"(m.user_id IS NOT NULL)", AttrType::boolean, false, false, {}};
    return std::nullopt;
}

// emails.value co/sw/ew/eq "x": a User matches only if x is in its stored emails' JSON text or
// (no stored emails) in its login email; both are trigram-indexed (migration 0015), so the exact
// per-element test runs on a handful of rows instead of every User.
std::optional<std::string> prefilter(const std::string& attr, const std::string& sub, const std::string& like) {
    if (attr != "emails" || sub != "value") return std::nullopt;
    const std::string org = k_org;
    return "u.id IN (SELECT user_id FROM scim_users WHERE organization_id = " + org +
           " AND lower((attributes->'emails')::text) LIKE " + like + " UNION ALL SELECT id FROM users WHERE lower(email) LIKE " +
           like + ")";
}

std::optional<Column> resolve_sub(const std::string& attr, const std::string& sub) {
    if (attr != "emails" && attr != "phonenumbers") return std::nullopt;
    if (sub == "primary") return Column{"(e.v->>'primary')::boolean", AttrType::boolean, false, false, {}};
    if (sub == "value" || sub == "type" || sub == "display") return Column{"(e.v->>'" + sub + "')", AttrType::string, false, false, {}};
    return std::nullopt;
}

// The User resource of one row of k_columns.
nlohmann::json render(const pqxx::row& r, const std::string& base_url) {
    auto opt = [&](int i) { return r[i].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r[i].as<std::string>()); };
    const auto attrs = nlohmann::json::parse(r[9].as<std::string>());
    nlohmann::json u = {{"schemas", {k_user_schema}}, {"id", r[0].as<std::string>()}, {"userName", r[1].as<std::string>()}};
    if (!r[7].is_null()) u["externalId"] = r[7].as<std::string>();
    nlohmann::json name = nlohmann::json::object();
    if (!r[2].is_null()) name["givenName"] = r[2].as<std::string>();
    if (!r[3].is_null()) name["familyName"] = r[3].as<std::string>();
    if (attrs.contains("formatted")) name["formatted"] = attrs["formatted"];
    if (!name.empty()) u["name"] = name;
    if (!r[4].is_null()) u["displayName"] = opt(4);
    for (const char* k : {"nickName", "title"})
        if (attrs.contains(k)) u[k] = attrs[k];
    if (!r[5].is_null()) u["locale"] = opt(5);
    if (!r[6].is_null()) u["timezone"] = opt(6);
    u["active"] = r[8].as<bool>();
    u["emails"] = attrs.contains("emails")
                      ? attrs["emails"]
                      : nlohmann::json::array({{{"value", r[1].as<std::string>()}, {"type", "work"}, {"primary", true}}});
    if (attrs.contains("phoneNumbers")) u["phoneNumbers"] = attrs["phoneNumbers"];
    if (attrs.contains("enterprise") && !attrs["enterprise"].empty()) {
        u[k_enterprise_schema] = attrs["enterprise"];
        u["schemas"].push_back(k_enterprise_schema);
    }
    u["meta"] = {{"resourceType", "User"},
                 {"created", db::timestamp(r[10])},
                 {"lastModified", db::timestamp(r[11])},
                 {"location", base_url + "/scim/v2/Users/" + r[0].as<std::string>()}};
    return u;
}

// A weak ETag over everything the client can see (meta.version excluded): any change to the
// user, its membership or its SCIM attributes changes it.
std::string etag_of(const nlohmann::json& resource) {
    nlohmann::json copy = resource;
    copy["meta"].erase("version");
    return "W/\"" + crypto::hex_encode(crypto::sha256(copy.dump())).substr(0, 32) + "\"";
}

Resource finish(nlohmann::json body) {
    Resource out;
    out.etag = etag_of(body);
    body["meta"]["version"] = out.etag;
    out.body = std::move(body);
    return out;
}

std::optional<Resource> load(db::Transaction& tx, const std::string& org_id, const std::string& id, const std::string& base_url) {
    if (!is_uuid(id)) return std::nullopt;
    const std::string sql = std::string(k_columns) + from_clause() + "u.id = ($1::jsonb->>1)::uuid";
    auto rows = tx.raw().exec_params(sql, nlohmann::json::array({org_id, id}).dump());
    if (rows.empty()) return std::nullopt;
    return finish(render(rows[0], base_url));
}

Error not_found() { return scim_error(404, "", "no such User in this organization"); }

}  // namespace

bool etag_matches(const std::string& if_match, const std::string& etag) {
    if (if_match.empty()) return true;
    for (const auto& candidate : split_list(if_match))
        if (candidate == "*" || candidate == etag || "W/" + candidate == etag) return true;
    return false;
}

namespace {

// What a resource asks for, checked. The user's own columns and the per-organization rest.
struct Wanted {
    std::string email;
    std::optional<std::string> given, family, display, locale, timezone, external_id;
    bool active = true;
    nlohmann::json attributes = nlohmann::json::object();
};

Result<std::optional<std::string>> opt_string(const nlohmann::json& obj, const char* key, const std::string& label) {
    if (!obj.contains(key) || obj[key].is_null()) return std::optional<std::string>{};
    if (!obj[key].is_string()) return scim_error(400, "invalidValue", label + " must be a string");
    const auto v = obj[key].get<std::string>();
    if (v.size() > 1024) return scim_error(400, "invalidValue", label + " is longer than 1024 characters");
    if (v.empty()) return std::optional<std::string>{};
    return std::optional<std::string>(v);
}

// A SCIM boolean. Azure AD sends "True"/"False" strings (in PATCH especially): accepted in any
// case; anything else is none.
std::optional<bool> boolean_of(const nlohmann::json& v) {
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string()) {
        const std::string text = lower(v.get<std::string>());
        if (text == "true" || text == "false") return text == "true";
    }
    return std::nullopt;
}

Result<nlohmann::json> multi_valued(const nlohmann::json& obj, const char* key) {
    if (!obj.contains(key) || obj[key].is_null()) return nlohmann::json(nullptr);
    const auto& list = obj[key];
    if (!list.is_array()) return scim_error(400, "invalidValue", std::string(key) + " must be an array");
    if (list.size() > 20) return scim_error(400, "invalidValue", std::string(key) + " holds at most 20 values");
    nlohmann::json out = nlohmann::json::array();
    int primaries = 0;
    for (const auto& item : list) {
        if (!item.is_object() || !item.contains("value") || !item["value"].is_string() || item["value"].get<std::string>().empty())
            return scim_error(400, "invalidValue", std::string(key) + ": every value needs a non-empty string \"value\"");
        nlohmann::json clean = {{"value", item["value"]}};
        for (const char* sub : {"type", "display"}) {
            if (!item.contains(sub) || item[sub].is_null()) continue;
            if (!item[sub].is_string()) return scim_error(400, "invalidValue", std::string(key) + "." + sub + " must be a string");
            clean[sub] = item[sub];
        }
        if (item.contains("primary") && !item["primary"].is_null()) {
            const auto primary = boolean_of(item["primary"]);
            if (!primary) return scim_error(400, "invalidValue", std::string(key) + ".primary must be true or false");
            clean["primary"] = *primary;
            if (*primary) ++primaries;
        }
        out.push_back(clean);
    }
    if (primaries > 1) return scim_error(400, "invalidValue", std::string(key) + ": at most one value may be primary");
    return out;
}

// Attribute names of a client's resource in any case (RFC 7643 §2.1): respell them.
nlohmann::json canonical_resource(const nlohmann::json& in) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : in.items()) {
        if (lower(k) == lower(k_enterprise_schema)) {
            out[k_enterprise_schema] = v;
            continue;
        }
        const std::string canon = canonical_user_attribute(lower(k));
        if (canon.empty()) continue;  // unknown attributes are ignored (docs/api.md)
        if (v.is_object() || v.is_array()) {
            nlohmann::json sub = v;
            auto respell = [&](nlohmann::json& o) {
                if (!o.is_object()) return;
                nlohmann::json r = nlohmann::json::object();
                for (const auto& [sk, sv] : o.items()) {
                    const std::string c = canonical_sub_attribute(canon, lower(sk));
                    r[c.empty() ? sk : c] = sv;
                }
                o = r;
            };
            if (sub.is_array())
                for (auto& e : sub) respell(e);
            else
                respell(sub);
            out[canon] = sub;
        } else {
            out[canon] = v;
        }
    }
    return out;
}

Result<Wanted> wanted_from(const nlohmann::json& raw, const std::optional<std::string>& id) {
    if (!raw.is_object()) return scim_error(400, "invalidSyntax", "the body must be a JSON object");
    if (!raw.contains("schemas") || !raw["schemas"].is_array() ||
        std::find(raw["schemas"].begin(), raw["schemas"].end(), k_user_schema) == raw["schemas"].end())
        return scim_error(400, "invalidSyntax", std::string("schemas must list ") + k_user_schema);
    const nlohmann::json in = canonical_resource(raw);
    Wanted w;
    if (in.contains("id") && id && in["id"] != *id) return scim_error(400, "mutability", "id cannot be changed");
    if (!in.contains("userName") || !in["userName"].is_string())
        return scim_error(400, "invalidValue", "userName is required (the user's email address)");
    w.email = in["userName"].get<std::string>();
    const auto at = w.email.find('@');
    if (w.email.size() < 3 || w.email.size() > 320 || at == std::string::npos || at == 0 || at + 1 == w.email.size() ||
        w.email.find_first_of(" \t\r\n") != std::string::npos)
        return scim_error(400, "invalidValue", "userName must be an email address (Janua users sign in with their email)");
    nlohmann::json name = in.contains("name") && in["name"].is_object() ? in["name"] : nlohmann::json::object();
    if (in.contains("name") && !in["name"].is_null() && !in["name"].is_object())
        return scim_error(400, "invalidValue", "name must be an object");
    auto take = [](Result<std::optional<std::string>> r, std::optional<std::string>& into) -> std::optional<Error> {
        if (!r) return r.error();
        into = *r;
        return std::nullopt;
    };
    if (auto e = take(opt_string(name, "givenName", "name.givenName"), w.given)) return *e;
    if (auto e = take(opt_string(name, "familyName", "name.familyName"), w.family)) return *e;
    if (auto e = take(opt_string(in, "displayName", "displayName"), w.display)) return *e;
    if (auto e = take(opt_string(in, "locale", "locale"), w.locale)) return *e;
    if (auto e = take(opt_string(in, "timezone", "timezone"), w.timezone)) return *e;
    if (auto e = take(opt_string(in, "externalId", "externalId"), w.external_id)) return *e;
    std::optional<std::string> formatted, nick, title;
    if (auto e = take(opt_string(name, "formatted", "name.formatted"), formatted)) return *e;
    if (auto e = take(opt_string(in, "nickName", "nickName"), nick)) return *e;
    if (auto e = take(opt_string(in, "title", "title"), title)) return *e;
    if (formatted) w.attributes["formatted"] = *formatted;
    if (nick) w.attributes["nickName"] = *nick;
    if (title) w.attributes["title"] = *title;
    if (in.contains("active") && !in["active"].is_null()) {
        const auto active = boolean_of(in["active"]);
        if (!active) return scim_error(400, "invalidValue", "active must be true or false");
        w.active = *active;
    }
    for (const char* key : {"emails", "phoneNumbers"}) {
        auto list = multi_valued(in, key);
        if (!list) return list.error();
        if (!list->is_null()) w.attributes[key] = *list;
    }
    if (in.contains(k_enterprise_schema) && !in[k_enterprise_schema].is_null()) {
        const auto& ent = in[k_enterprise_schema];
        if (!ent.is_object()) return scim_error(400, "invalidValue", "the enterprise extension must be an object");
        nlohmann::json clean = nlohmann::json::object();
        for (const auto& [k, v] : ent.items()) {
            const std::string key = lower(k);
            static const std::map<std::string, std::string> names = {{"employeenumber", "employeeNumber"}, {"costcenter", "costCenter"},
                                                                     {"organization", "organization"}, {"division", "division"},
                                                                     {"department", "department"}};
            if (key == "manager") {
                if (v.is_null()) continue;
                // Azure AD sends the manager as the bare id (a string), Okta as {"value": id}.
                if (v.is_string()) {
                    if (!v.get<std::string>().empty()) clean["manager"] = {{"value", v}};
                    continue;
                }
                if (!v.is_object()) return scim_error(400, "invalidValue", "manager must be an object with a value (or the id)");
                nlohmann::json manager = nlohmann::json::object();
                for (const auto& [mk, mv] : v.items()) {
                    const std::string c = canonical_sub_attribute("manager", lower(mk));
                    if ((c == "value" || c == "displayName") && mv.is_string()) manager[c] = mv;
                }
                if (!manager.empty()) clean["manager"] = manager;
                continue;
            }
            const auto found = names.find(key);
            if (found == names.end() || v.is_null()) continue;
            if (!v.is_string() || v.get<std::string>().size() > 1024)
                return scim_error(400, "invalidValue", "enterprise " + found->second + " must be a string (at most 1024 characters)");
            clean[found->second] = v;
        }
        if (!clean.empty()) w.attributes["enterprise"] = clean;
    }
    return w;
}

void audit_change(db::Transaction& tx, const TokenPrincipal& who, const std::string& action, const std::string& user_id,
                  nlohmann::json details) {
    record_change(tx, who, action, "user", user_id, std::move(details));
}

constexpr Statement k_find_user{"scim_find_user", "SELECT id::text FROM users WHERE lower(email) = lower($1)"};
constexpr Statement k_insert_user{
    "scim_insert_user",
    "INSERT INTO users (email, first_name, last_name, display_name, locale, timezone, password_hash, password_algorithm, "
    "status) VALUES ($1, $2, $3, $4, $5, $6, NULL, 'none', 'ACTIVE') RETURNING id::text"};
constexpr Statement k_external_taken{"scim_external_taken",
                                     "SELECT 1 FROM scim_users WHERE organization_id = $1 AND external_id = $2 AND user_id <> $3::uuid"};
constexpr Statement k_upsert_scim{
    "scim_upsert_user",
    "INSERT INTO scim_users (organization_id, user_id, external_id, active, attributes) VALUES ($1, $2, $3, $4, $5::jsonb) "
    "ON CONFLICT (organization_id, user_id) DO UPDATE SET external_id = EXCLUDED.external_id, active = EXCLUDED.active, "
    "attributes = EXCLUDED.attributes, updated_at = now()"};
constexpr Statement k_add_member{
    "scim_add_member",
    "INSERT INTO memberships (organization_id, user_id, role_id) VALUES ($1, $2, coalesce((SELECT r.id FROM scim_users s "
    "JOIN roles r ON r.id = s.role_id WHERE s.organization_id = $1 AND s.user_id = $2 AND (r.organization_id IS NULL "
    "OR r.organization_id = $1)), (SELECT id FROM roles WHERE name = 'member' AND organization_id IS NULL))) "
    "ON CONFLICT DO NOTHING"};
constexpr Statement k_remember_role{
    "scim_remember_role",
    "UPDATE scim_users s SET role_id = m.role_id FROM memberships m WHERE m.organization_id = s.organization_id AND "
    "m.user_id = s.user_id AND s.organization_id = $1 AND s.user_id = $2"};
constexpr Statement k_remove_member{"scim_remove_member", "DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2"};
constexpr Statement k_remove_scim{"scim_remove_user", "DELETE FROM scim_users WHERE organization_id = $1 AND user_id = $2"};
constexpr Statement k_is_owner{"scim_is_owner", "SELECT 1 FROM organizations WHERE id = $1 AND owner_id = $2"};
// A user who belongs to another organization too (or administers the platform) keeps the
// profile that organization and they know: one organization's IdP may not rewrite it.
// True when this organization may not change the user's profile: the account was not created by
// its SCIM (only linked), or it is shared with other organizations, or it is a platform admin.
constexpr Statement k_shared{
    "scim_user_shared",
    "SELECT NOT EXISTS (SELECT 1 FROM scim_users WHERE organization_id = $1 AND user_id = $2 AND created_user) OR "
    "EXISTS (SELECT 1 FROM memberships WHERE user_id = $2 AND organization_id <> $1) OR EXISTS (SELECT 1 FROM "
    "scim_users WHERE user_id = $2 AND organization_id <> $1) OR EXISTS (SELECT 1 FROM users WHERE id = $2 AND "
    "is_platform_admin)"};
constexpr Statement k_mark_created{
    "scim_mark_created",
    "WITH s AS (UPDATE scim_users SET created_user = true WHERE organization_id = $1 AND user_id = $2) "
    "UPDATE users SET scim_origin_org = $1 WHERE id = $2"};
// Whom POST /Users may link: an existing account that is already a member of this organization
// (joined through an invitation, added by an admin) or one this organization's SCIM created
// before (and then deleted). 'member', 'origin', or no row for a stranger.
constexpr Statement k_link_claim{
    "scim_link_claim",
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM memberships WHERE organization_id = $1 AND user_id = $2) THEN 'member' "
    "WHEN EXISTS (SELECT 1 FROM users WHERE id = $2 AND scim_origin_org = $1) THEN 'origin' END"};
constexpr Statement k_has_scim_row{"scim_has_row", "SELECT 1 FROM scim_users WHERE organization_id = $1 AND user_id = $2"};
// userName is the login email: once the person set a password or a passkey of their own, the
// account is theirs and an IdP renaming it would hand it to whoever holds the new address.
constexpr Statement k_own_credentials{
    "scim_own_credentials",
    "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL) OR "
    "EXISTS (SELECT 1 FROM webauthn_credentials WHERE user_id = $1)"};
// Deprovisioning in one organization: the sessions signed into it and the user's API keys bound
// to it. Sessions in another organization's context (or none) are not this organization's.
constexpr Statement k_revoke_org_sessions{
    "scim_revoke_org_sessions",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = $3 WHERE user_id = $2 AND organization_id = $1 "
    "AND revoked_at IS NULL"};
constexpr Statement k_revoke_org_keys{
    "scim_revoke_org_keys",
    "UPDATE api_keys SET revoked_at = now(), updated_at = now() WHERE user_id = $2 AND organization_id = $1 "
    "AND revoked_at IS NULL"};

// What deprovisioning revoked, for the audit trail and docs/api.md.
struct Revoked {
    int sessions = 0;
    int api_keys = 0;
    bool everywhere = false;
};

// Called after the membership is gone. An account this organization's SCIM created and that
// belongs to no one else is the organization's: every session ends. Any other account keeps its
// sessions elsewhere; only what was signed into this organization, or bound to it, ends.
Revoked revoke_org_credentials(db::Transaction& tx, const TokenPrincipal& who, const std::string& user_id,
                               const std::string& reason, bool org_owned) {
    Revoked r;
    r.api_keys = static_cast<int>(tx.exec(k_revoke_org_keys, who.organization_id, user_id).affected_rows());
    if (org_owned) {
        r.everywhere = true;
        r.sessions = identity::sessions::revoke_all(tx, user_id, "", reason);
    } else {
        r.sessions = static_cast<int>(tx.exec(k_revoke_org_sessions, who.organization_id, user_id, reason).affected_rows());
    }
    return r;
}

nlohmann::json to_json(const Revoked& r) {
    return {{"sessions_revoked", r.sessions}, {"api_keys_revoked", r.api_keys},
            {"sessions_scope", r.everywhere ? "all (account created by this organization's SCIM)" : "organization"}};
}
constexpr Statement k_update_user{
    "scim_update_user",
    "UPDATE users SET email = $2, first_name = $3, last_name = $4, display_name = $5, locale = $6, timezone = $7, "
    "email_verified = CASE WHEN lower(email) = lower($2) THEN email_verified ELSE false END, updated_at = now() WHERE id = $1"};

std::optional<Error> refuse_owner(db::Transaction& tx, const TokenPrincipal& who, const std::string& user_id) {
    if (!tx.exec(k_is_owner, who.organization_id, user_id).empty())
        return scim_error(400, "mutability",
                          "the organization's owner cannot be deprovisioned through SCIM; transfer ownership first");
    return std::nullopt;
}

constexpr const char* k_taken = "userName or externalId";

}  // namespace

Error scim_error(int status, const std::string& scim_type, const std::string& detail) {
    const ErrorCode code = status == 404 ? ErrorCode::not_found : status == 409 ? ErrorCode::conflict : ErrorCode::bad_request;
    Error e = make_error(code, detail);
    e.details = {{"status", status}};
    if (!scim_type.empty()) e.details["scimType"] = scim_type;
    return e;
}

Result<ListPage> UserService::list(const TokenPrincipal& who, const ListQuery& query) {
    nlohmann::json params = nlohmann::json::array({who.organization_id});
    SqlContext ctx;
    ctx.resolve = resolve;
    ctx.resolve_sub = resolve_sub;
    ctx.prefilter = prefilter;
    auto sort_column = [](const AttrPath& path) -> std::optional<Column> {
        // sortBy=emails (or emails.value) sorts by the login email, the one every User has.
        if (path.attr == "emails" && (path.sub.empty() || path.sub == "value") && path.schema.empty())
            return Column{"u.email", AttrType::string, false, false, {}};
        return resolve(path);
    };
    auto list = list_sql(query, ctx, params, "u.created_at, u.id", sort_column, "u.id");
    if (!list) return list.error();
    const std::string& where = list->where;
    const std::string& order = list->order;
    ListPage page;
    page.start_index = std::max<long long>(1, query.start_index);
    const long long count = std::clamp<long long>(query.count, 0, k_max_page);
    // Page the ids first (an ordered index walk that stops at OFFSET+LIMIT), then read the full
    // rows of that page only; the total is its own count. A window count over the page query
    // would build every matching row of the organization for each page.
    const std::string org = k_org;
    // Unfiltered, in the default order (an IdP's import): walk users in created order against a
    // hash of the organization's ids, with no join and no sort of the whole organization.
    const std::string members_of = "(u.id IN (SELECT user_id FROM memberships WHERE organization_id = " + org +
                                   ") OR u.id IN (SELECT user_id FROM scim_users WHERE organization_id = " + org + "))";
    const bool plain = where == "TRUE" && !query.sort_by;
    std::string ids = plain ? " FROM users u WHERE " + members_of : from_clause() + "(" + where + ")";
    // In the default order, the page after one this process served is a keyset seek past its
    // last row (core/scim/page_cursors.hpp) instead of an OFFSET over everything before it.
    const std::string walk = query.sort_by ? std::string() : where + '\n' + params.dump();
    long long offset = page.start_index - 1;
    if (!walk.empty())
        if (auto cursor = m_cursors.find(walk, page.start_index)) {
            const std::size_t at = params.size();
            params.push_back(cursor->created_at);
            params.push_back(cursor->id);
            // Unfiltered, probe each user walked for membership (two index lookups) instead of
            // hashing the organization's ids first: the seek reads only about a page of rows.
            if (plain)
                ids = " FROM users u WHERE coalesce((SELECT true FROM memberships pm WHERE pm.organization_id = " + org +
                      " AND pm.user_id = u.id UNION ALL SELECT true FROM scim_users ps WHERE ps.organization_id = " + org +
                      " AND ps.user_id = u.id LIMIT 1), false)";
            ids += " AND (u.created_at, u.id) > (($1::jsonb->>" + std::to_string(at) + ")::timestamptz, ($1::jsonb->>" +
                   std::to_string(at + 1) + ")::uuid)";
            offset = 0;
        }
    const std::string sql = std::string(k_columns) + ", u.created_at::text FROM (SELECT u.id" + ids + " ORDER BY " + order +
                            " OFFSET " + std::to_string(offset) + " LIMIT " + std::to_string(count) +
                            ") p JOIN users u ON u.id = p.id LEFT JOIN scim_users s ON s.user_id = u.id AND s.organization_id = " +
                            org + " LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = " + org + " ORDER BY " + order;
    // The filter's values are checked before they reach SQL (dates, numbers, booleans); should
    // PostgreSQL still refuse a cast, that is the client's bad filter, not a server error.
    try {
        return list_rows(sql, where, params, page, walk, count);
    } catch (const pqxx::data_exception&) {
        return filter_error("invalidFilter", 0, "a value in the filter is out of range for its attribute");
    }
}

Result<ListPage> UserService::list_rows(const std::string& sql, const std::string& where, const nlohmann::json& params,
                                        ListPage page, const std::string& walk, long long count) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<ListPage> {
        auto rows = tx.raw().exec_params(sql, params.dump());
        for (const auto& row : rows) page.resources.push_back(finish(render(row, m_base_url)));
        if (!walk.empty() && count > 0 && static_cast<long long>(rows.size()) == count) {
            const auto& last = rows[rows.size() - 1];
            m_cursors.remember(walk, page.start_index + count, {last[13].as<std::string>(), last[0].as<std::string>()});
        }
        // Unfiltered (an IdP's import pages through everyone): no joins to count.
        const std::string org = k_org;
        const std::string count_sql =
            where == "TRUE" ? "SELECT count(*) FROM users u WHERE (u.id IN (SELECT user_id FROM memberships WHERE organization_id = " +
                                  org + ") OR u.id IN (SELECT user_id FROM scim_users WHERE organization_id = " + org + "))"
                            : "SELECT count(*)" + from_clause() + "(" + where + ")";
        page.total = tx.raw().exec_params(count_sql, params.dump())[0][0].as<long long>();
        return page;
    });
}

Result<Resource> UserService::get(const TokenPrincipal& who, const std::string& id) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Resource> {
        auto found = load(tx, who.organization_id, id, m_base_url);
        if (!found) return not_found();
        return *found;
    });
}

Result<Resource> UserService::create(const TokenPrincipal& who, const nlohmann::json& body) {
    auto wanted = wanted_from(body, std::nullopt);
    if (!wanted) return wanted.error();
    const Wanted& w = *wanted;
    return scim_atomically<Resource>(m_pool, k_taken, [&](db::Transaction& tx) -> Result<Resource> {
            std::string user_id;
            bool created = false;
            std::string claim;
            auto existing = tx.exec(k_find_user, w.email);
            if (!existing.empty()) {
                user_id = existing[0][0].as<std::string>();
                if (!tx.exec(k_has_scim_row, who.organization_id, user_id).empty())
                    return scim_error(409, "uniqueness", "a User with this userName already exists in this organization");
                // Review finding #1: never link a stranger. The answer for an account that exists
                // elsewhere says nothing about it (no profile, no id) and is the one
                // POST /api/v1/auth/signup already gives for a registered address.
                auto row = tx.exec(k_link_claim, who.organization_id, user_id);
                if (row[0][0].is_null())
                    return scim_error(409, "uniqueness",
                                      "userName is not available: an account with this address already exists. Invite the "
                                      "person to the organization; once they have joined, provision them again");
                claim = row[0][0].as<std::string>();
                if (!w.active)
                    if (auto refused = refuse_owner(tx, who, user_id)) return *refused;
            } else {
                user_id = tx.exec(k_insert_user, w.email, w.given, w.family, w.display, w.locale, w.timezone)[0][0].as<std::string>();
                created = true;
            }
            if (w.external_id && !tx.exec(k_external_taken, who.organization_id, *w.external_id, user_id).empty())
                return scim_error(409, "uniqueness", "another User of this organization has this externalId");
            tx.exec(k_upsert_scim, who.organization_id, user_id, w.external_id, w.active, w.attributes.dump());
            if (created || claim == "origin") tx.exec(k_mark_created, who.organization_id, user_id);
            // An account this organization's SCIM created earlier takes the IdP's profile again,
            // unless it has since become someone else's too.
            if (claim == "origin" && !tx.exec(k_shared, who.organization_id, user_id)[0][0].as<bool>())
                tx.exec(k_update_user, user_id, w.email, w.given, w.family, w.display, w.locale, w.timezone);
            nlohmann::json details = {{"user_created", created},
                                      {"linked", claim.empty() ? nlohmann::json(nullptr) : nlohmann::json(claim)},
                                      {"active", w.active},
                                      {"external_id", w.external_id ? nlohmann::json(*w.external_id) : nlohmann::json(nullptr)}};
            if (w.active) {
                if (claim != "member")
                    if (auto slot = billing::require_member_slot(tx, who.organization_id); !slot) return slot.error();
                tx.exec(k_add_member, who.organization_id, user_id);
            } else if (claim == "member") {
                // Provisioned as inactive: the membership it had goes, as a deactivation would.
                const bool org_owned = !tx.exec(k_shared, who.organization_id, user_id)[0][0].as<bool>();
                tx.exec(k_remember_role, who.organization_id, user_id);
                tx.exec(k_remove_member, who.organization_id, user_id);
                details.update(to_json(revoke_org_credentials(tx, who, user_id, "scim_deactivated", org_owned)));
            }
            audit_change(tx, who, "scim.user.created", user_id, details);
            return *load(tx, who.organization_id, user_id, m_base_url);
        });
}

Result<Resource> UserService::write(db::Transaction& tx, const TokenPrincipal& who, const std::string& id,
                                    const nlohmann::json& wanted_json, const Precondition& if_match, const std::string& action) {
    auto current = load(tx, who.organization_id, id, m_base_url);
    if (auto refused = refuse_write(current ? &*current : nullptr, if_match, "User")) return *refused;
    auto wanted = wanted_from(wanted_json, id);
    if (!wanted) return wanted.error();
    const Wanted& w = *wanted;
    const auto& cur = current->body;
    auto cur_str = [&](const nlohmann::json& v) { return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt; };
    const nlohmann::json cur_name = cur.value("name", nlohmann::json::object());
    std::vector<std::string> changed;
    if (w.email != cur["userName"].get<std::string>()) changed.push_back("userName");
    if (w.given != cur_str(cur_name.value("givenName", nlohmann::json()))) changed.push_back("name.givenName");
    if (w.family != cur_str(cur_name.value("familyName", nlohmann::json()))) changed.push_back("name.familyName");
    if (w.display != cur_str(cur.value("displayName", nlohmann::json()))) changed.push_back("displayName");
    if (w.locale != cur_str(cur.value("locale", nlohmann::json()))) changed.push_back("locale");
    if (w.timezone != cur_str(cur.value("timezone", nlohmann::json()))) changed.push_back("timezone");
    if (!changed.empty()) {
        if (tx.exec(k_shared, who.organization_id, id)[0][0].as<bool>())
            return scim_error(400, "mutability",
                              changed.front() +
                                  " cannot be changed here: the profile (userName, name, displayName, locale, timezone) "
                                  "of an account this organization's provisioning did not create, or that belongs to "
                                  "other organizations too, stays with its owner");
        if (w.email != cur["userName"].get<std::string>()) {
            if (tx.exec(k_own_credentials, id)[0][0].as<bool>())
                return scim_error(400, "mutability",
                                  "userName cannot be changed here: the person has set a password or passkey of their own, "
                                  "so the address is theirs to change (in their account settings)");
            auto taken = tx.exec(k_find_user, w.email);
            if (!taken.empty() && taken[0][0].as<std::string>() != id)
                return scim_error(409, "uniqueness", "another user has this userName");
        }
        tx.exec(k_update_user, id, w.email, w.given, w.family, w.display, w.locale, w.timezone);
    }
    if (w.external_id && !tx.exec(k_external_taken, who.organization_id, *w.external_id, id).empty())
        return scim_error(409, "uniqueness", "another User of this organization has this externalId");
    const bool was_active = cur["active"].get<bool>();
    if (was_active && !w.active) {
        if (auto refused = refuse_owner(tx, who, id)) return *refused;
    }
    tx.exec(k_upsert_scim, who.organization_id, id, w.external_id, w.active, w.attributes.dump());
    if (was_active && !w.active) {
        const bool org_owned = !tx.exec(k_shared, who.organization_id, id)[0][0].as<bool>();
        tx.exec(k_remember_role, who.organization_id, id);
        tx.exec(k_remove_member, who.organization_id, id);
        audit_change(tx, who, "scim.user.deactivated", id, to_json(revoke_org_credentials(tx, who, id, "scim_deactivated", org_owned)));
    } else if (!was_active && w.active) {
        if (auto slot = billing::require_member_slot(tx, who.organization_id); !slot) return slot.error();
        tx.exec(k_add_member, who.organization_id, id);
        audit_change(tx, who, "scim.user.reactivated", id, nlohmann::json::object());
    }
    auto after = load(tx, who.organization_id, id, m_base_url);
    if (after->etag != current->etag) audit_change(tx, who, action, id, {{"changed", changed}});
    return *after;
}

Result<Resource> UserService::replace(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                                     const Precondition& if_match) {
    return scim_atomically<Resource>(m_pool, k_taken, [&](db::Transaction& tx) { return write(tx, who, id, body, if_match, "scim.user.replaced"); });
}

Result<Resource> UserService::patch(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                                   const Precondition& if_match) {
    return scim_atomically<Resource>(m_pool, k_taken, [&](db::Transaction& tx) -> Result<Resource> {
            auto current = load(tx, who.organization_id, id, m_base_url);
            if (auto refused = refuse_write(current ? &*current : nullptr, if_match, "User")) return *refused;
            nlohmann::json base = current->body;
            base.erase("meta");
            auto patched = apply_patch(base, body);
            if (!patched) return patched.error();
            return write(tx, who, id, *patched, Precondition{}, "scim.user.patched");
        });
}

Status UserService::remove(const TokenPrincipal& who, const std::string& id, const Precondition& if_match) {
    return scim_atomically<Ok>(m_pool, k_taken, [&](db::Transaction& tx) -> Status {
        auto current = load(tx, who.organization_id, id, m_base_url);
        if (auto refused = refuse_write(current ? &*current : nullptr, if_match, "User")) return *refused;
        if (auto refused = refuse_owner(tx, who, id)) return *refused;
        const bool org_owned = !tx.exec(k_shared, who.organization_id, id)[0][0].as<bool>();
        tx.exec(k_remove_member, who.organization_id, id);
        tx.exec(k_remove_scim, who.organization_id, id);
        audit_change(tx, who, "scim.user.deleted", id, to_json(revoke_org_credentials(tx, who, id, "scim_deprovisioned", org_owned)));
        return Ok{};
    });
}

Result<nlohmann::json> project(const nlohmann::json& resource, const std::optional<std::string>& attributes,
                               const std::optional<std::string>& excluded) {
    auto split = [](const std::string& text) -> Result<std::vector<AttrPath>> {
        std::vector<AttrPath> out;
        for (const auto& item : split_list(text)) {
            auto p = parse_attr_path(item);
            if (!p) return scim_error(400, "invalidValue", "'" + item + "' is not an attribute path");
            out.push_back(*p);
        }
        return out;
    };
    const std::string ent = lower(k_enterprise_schema);
    // The key of the resource (and of its sub-object) a path names.
    auto key_of = [&](const nlohmann::json& obj, const std::string& lname) -> std::string {
        for (const auto& [k, v] : obj.items())
            if (lower(k) == lname) return k;
        return {};
    };
    auto holder_key = [&](const AttrPath& p) { return p.schema == ent ? std::string(k_enterprise_schema) : std::string(); };
    if (attributes) {
        auto paths = split(*attributes);
        if (!paths) return paths.error();
        nlohmann::json out = {{"schemas", resource["schemas"]}, {"id", resource["id"]}, {"meta", resource["meta"]}};
        if (resource.contains("userName")) out["userName"] = resource["userName"];
        for (const auto& p : *paths) {
            const std::string hk = holder_key(p);
            const nlohmann::json& src = hk.empty() ? resource : (resource.contains(hk) ? resource[hk] : nlohmann::json::object());
            const std::string k = key_of(src, p.attr);
            if (k.empty()) continue;
            nlohmann::json& dst = hk.empty() ? out : out[hk];
            if (p.sub.empty() || !src[k].is_object()) {
                dst[k] = src[k];
                continue;
            }
            const std::string sk = key_of(src[k], p.sub);
            if (!sk.empty()) dst[k][sk] = src[k][sk];
        }
        return out;
    }
    nlohmann::json out = resource;
    if (excluded) {
        auto paths = split(*excluded);
        if (!paths) return paths.error();
        for (const auto& p : *paths) {
            if (p.attr == "id" || p.attr == "schemas" || p.attr == "meta" || p.attr == "username") continue;  // returned always
            const std::string hk = holder_key(p);
            nlohmann::json& src = hk.empty() ? out : out[hk];
            if (!src.is_object()) continue;
            const std::string k = key_of(src, p.attr);
            if (k.empty()) continue;
            if (p.sub.empty()) src.erase(k);
            else if (src[k].is_object()) {
                const std::string sk = key_of(src[k], p.sub);
                if (!sk.empty()) src[k].erase(sk);
            }
        }
        if (out.contains(k_enterprise_schema) && out[k_enterprise_schema].is_null()) out.erase(k_enterprise_schema);
    }
    return out;
}

}  // namespace janua::scim
