#include "core/migration/user_writer.hpp"

#include "core/common/ids.hpp"
#include "core/federation/linked_accounts.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace janua::migration {
namespace {

using db::Statement;

constexpr Statement k_find_external{"import_find_external",
                                    "SELECT e.user_id, coalesce(e.record_key, ''), coalesce(e.job_id::text, ''), "
                                    "u.password_changed_at IS NULL AND u.last_login_at IS NULL "
                                    "FROM user_external_ids e JOIN users u ON u.id = e.user_id "
                                    "WHERE e.source = $1 AND e.external_id = $2"};
constexpr Statement k_find_email{"import_find_email", "SELECT id FROM users WHERE lower(email) = lower($1)"};
constexpr Statement k_find_username{"import_find_username", "SELECT id FROM users WHERE lower(username) = lower($1)"};
// Auth0's upsert: profile fields and metadata objects are overwritten (not merged).
constexpr Statement k_update_user{
    "import_update_user",
    "UPDATE users SET first_name = coalesce($2, first_name), last_name = coalesce($3, last_name), "
    "display_name = coalesce($4, display_name), avatar_url = coalesce($5, avatar_url), phone = coalesce($6, phone), "
    "email_verified = email_verified OR $7, metadata = metadata || $8::jsonb, updated_at = now() WHERE id = $1"};
// An imported hash replaces only one that was itself imported and never used to sign in.
constexpr Statement k_set_password{
    "import_set_password",
    "UPDATE users SET password_hash = $2, password_algorithm = $3, updated_at = now() "
    "WHERE id = $1 AND password_hash IS DISTINCT FROM $2 "
    "AND (password_hash IS NULL OR (password_changed_at IS NULL AND last_login_at IS NULL AND $4))"};
constexpr Statement k_insert_external{"import_insert_external",
                                      "INSERT INTO user_external_ids (source, external_id, user_id, job_id, record_key) "
                                      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, external_id) DO NOTHING"};
constexpr Statement k_insert_totp{"import_insert_totp",
                                  "INSERT INTO mfa_totp (user_id, secret_ciphertext, confirmed_at) VALUES ($1, $2, now()) "
                                  "ON CONFLICT (user_id) DO NOTHING"};
constexpr Statement k_mfa_on{"import_mfa_on", "UPDATE users SET mfa_enabled = true WHERE id = $1"};
constexpr Statement k_member_role{"import_member_role", "SELECT id FROM roles WHERE organization_id IS NULL AND name = 'member'"};
constexpr Statement k_put_member{"import_put_member",
                                 "INSERT INTO memberships (organization_id, user_id, role_id) VALUES ($1, $2, $3) "
                                 "ON CONFLICT (organization_id, user_id) DO NOTHING"};
constexpr Statement k_replace_member{"import_replace_member",
                                     "INSERT INTO memberships (organization_id, user_id, role_id) VALUES ($1, $2, $3) "
                                     "ON CONFLICT (organization_id, user_id) DO UPDATE SET role_id = excluded.role_id, updated_at = now()"};
constexpr Statement k_org_by_id{"import_org_by_id", "SELECT id FROM organizations WHERE id = $1"};
constexpr Statement k_org_by_slug{"import_org_by_slug", "SELECT id FROM organizations WHERE slug = $1"};
constexpr Statement k_org_insert{"import_org_insert",
                                 "INSERT INTO organizations (slug, name, metadata) VALUES ($1, $2, $3::jsonb) "
                                 "ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"};
constexpr Statement k_system_role{"import_system_role", "SELECT id FROM roles WHERE organization_id IS NULL AND name = $1"};
constexpr Statement k_org_role{"import_org_role", "SELECT id FROM roles WHERE organization_id = $1 AND name = $2"};
constexpr Statement k_org_role_insert{"import_org_role_insert",
                                      "INSERT INTO roles (organization_id, name, description, permissions) "
                                      "VALUES ($1, $2, $3, $4::text[]) RETURNING id"};

std::optional<std::string> nullable(const std::optional<std::string>& s) { return s; }

// A dry run outside a stored job has no job id.
std::optional<std::string> job_of(const WriteContext& ctx) {
    return ctx.job_id.empty() ? std::nullopt : std::optional<std::string>(ctx.job_id);
}

std::string pg_text_array(const std::vector<std::optional<std::string>>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        if (!items[i]) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char c : *items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string pg_array(const std::vector<std::string>& items) {
    return pg_text_array(std::vector<std::optional<std::string>>(items.begin(), items.end()));
}

constexpr Statement k_known_external{"import_known_external",
                                     "SELECT external_id FROM user_external_ids WHERE source = $1 AND external_id = ANY($2::text[])"};
constexpr Statement k_known_email{"import_known_email", "SELECT lower(email) FROM users WHERE lower(email) = ANY($1::text[])"};
constexpr Statement k_known_username{"import_known_username",
                                     "SELECT lower(username) FROM users WHERE lower(username) = ANY($1::text[])"};
constexpr Statement k_bulk_users{
    "import_bulk_users",
    "INSERT INTO users (email, username, password_hash, password_algorithm, first_name, last_name, display_name, avatar_url, "
    "phone, status, email_verified, email_verified_at, metadata) "
    "SELECT e, u, ph, pa, fn, ln, dn, av, pn, st, ev, CASE WHEN ev THEN now() END, md::jsonb FROM unnest($1::text[], $2::text[], "
    "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[], $12::text[]) "
    "AS t(e, u, ph, pa, fn, ln, dn, av, pn, st, ev, md) RETURNING id, lower(email)"};
constexpr Statement k_bulk_external{"import_bulk_external",
                                    "INSERT INTO user_external_ids (source, external_id, user_id, job_id, record_key) "
                                    "SELECT $1, x, y::uuid, $4::uuid, k FROM unnest($2::text[], $3::text[], $5::text[]) AS t(x, y, k)"};

std::string lower_copy(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

void add_extras(db::Transaction& tx, const WriteContext& ctx, const ImportUser& user, const std::string& user_id,
                WriteResult& result) {
    for (const auto& identity : user.identities) {
        federation::linked_accounts::ImportedLink link;
        link.provider_key = identity.provider;
        if (!identity.connection.empty()) link.connection = identity.connection;
        link.subject = identity.subject;
        link.is_social = identity.is_social;
        link.profile = identity.profile;
        link.source = ctx.source;
        if (federation::linked_accounts::insert_imported(tx, user_id, link)) continue;
        auto owner = federation::linked_accounts::owner_of(tx, identity.provider, identity.subject);
        if (owner && *owner != user_id)
            result.warnings.push_back({"CONFLICT", "identities",
                                       "the " + identity.provider + " account is already linked to another user; not linked"});
    }
    if (user.totp_secret && ctx.keyring) {
        // Stored exactly as core/mfa stores an enrolled secret: the base32 text, Fernet-encrypted.
        if (tx.exec(k_insert_totp, user_id, ctx.keyring->encrypt(*user.totp_secret)).affected_rows() == 1) tx.exec(k_mfa_on, user_id);
    }
    if (ctx.organization_id) {
        auto role = tx.exec(k_member_role);
        if (!role.empty()) tx.exec(k_put_member, *ctx.organization_id, user_id, role[0][0].as<std::string>());
    }
}

WriteResult refused(std::string code, std::string field, std::string reason, bool abort = false) {
    WriteResult r;
    r.outcome = Outcome::refused;
    r.problem = Problem{std::move(code), std::move(field), std::move(reason)};
    r.abort = abort;
    return r;
}

void update_profile(db::Transaction& tx, const ImportUser& user, const std::string& id) {
    tx.exec(k_update_user, id, nullable(user.first_name), nullable(user.last_name), nullable(user.display_name),
            nullable(user.avatar_url), nullable(user.phone), user.email_verified, user.metadata.dump());
}

}  // namespace

std::vector<bool> plainly_new(db::Transaction& tx, const WriteContext& ctx, const std::vector<const ImportUser*>& users) {
    std::vector<std::optional<std::string>> ids, emails, usernames;
    for (const auto* u : users) {
        ids.push_back(u->external_id);
        emails.push_back(lower_copy(u->email));
        if (u->username) usernames.push_back(lower_copy(*u->username));
    }
    std::set<std::string> known_ids, known_emails, known_usernames;
    for (const auto& r : tx.exec(k_known_external, ctx.source, pg_text_array(ids))) known_ids.insert(r[0].as<std::string>());
    for (const auto& r : tx.exec(k_known_email, pg_text_array(emails))) known_emails.insert(r[0].as<std::string>());
    if (!usernames.empty())
        for (const auto& r : tx.exec(k_known_username, pg_text_array(usernames))) known_usernames.insert(r[0].as<std::string>());
    std::vector<bool> fresh;
    std::set<std::string> seen_ids, seen_emails, seen_usernames;
    for (const auto* u : users) {
        const std::string email = lower_copy(u->email);
        const std::string username = u->username ? lower_copy(*u->username) : "";
        const bool ok = !u->password_only && !u->email.empty() && !known_ids.count(u->external_id) && !known_emails.count(email) &&
                        (username.empty() || !known_usernames.count(username)) && !seen_ids.count(u->external_id) &&
                        !seen_emails.count(email) && (username.empty() || !seen_usernames.count(username));
        // Every occurrence counts as seen: a later duplicate goes the slow way and is reported there.
        seen_ids.insert(u->external_id);
        seen_emails.insert(email);
        if (!username.empty()) seen_usernames.insert(username);
        fresh.push_back(ok);
    }
    return fresh;
}

std::vector<std::string> insert_new_users(db::Transaction& tx, const WriteContext& ctx, const std::vector<const ImportUser*>& users,
                                          const std::vector<std::string>& record_keys) {
    std::vector<std::optional<std::string>> email, username, hash, algorithm, first, last, display, avatar, phone, status, verified, metadata;
    for (const auto* u : users) {
        email.push_back(u->email);
        username.push_back(u->username);
        hash.push_back(u->password_hash);
        algorithm.push_back(u->password_hash ? u->password_algorithm : std::string("none"));
        first.push_back(u->first_name);
        last.push_back(u->last_name);
        display.push_back(u->display_name);
        avatar.push_back(u->avatar_url);
        phone.push_back(u->phone);
        status.push_back(std::string(u->blocked ? "SUSPENDED" : "ACTIVE"));
        verified.push_back(std::string(u->email_verified ? "t" : "f"));
        metadata.push_back(u->metadata.dump());
    }
    std::map<std::string, std::string> id_of_email;
    for (const auto& r : tx.exec(k_bulk_users, pg_text_array(email), pg_text_array(username), pg_text_array(hash), pg_text_array(algorithm),
                                 pg_text_array(first), pg_text_array(last), pg_text_array(display), pg_text_array(avatar),
                                 pg_text_array(phone), pg_text_array(status), pg_text_array(verified), pg_text_array(metadata)))
        id_of_email[r[1].as<std::string>()] = r[0].as<std::string>();
    std::vector<std::string> ids;
    for (const auto* u : users) ids.push_back(id_of_email.at(lower_copy(u->email)));
    std::vector<std::optional<std::string>> externals, user_ids, keys;
    for (std::size_t i = 0; i < users.size(); ++i) {
        externals.push_back(users[i]->external_id);
        user_ids.push_back(ids.at(i));
        keys.push_back(record_keys[i]);
    }
    tx.exec(k_bulk_external, ctx.source, pg_text_array(externals), pg_text_array(user_ids), job_of(ctx), pg_text_array(keys));
    return ids;
}

void add_user_extras(db::Transaction& tx, const WriteContext& ctx, const ImportUser& user, const std::string& user_id, WriteResult& result) {
    if (user.identities.empty() && !user.totp_secret && !ctx.organization_id) return;
    add_extras(tx, ctx, user, user_id, result);
}

std::string slugify(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
        else if ((c == '-' || c == '_' || c == '.' || c == ' ' || c == '/' || c == ':') && !out.empty() && out.back() != '-')
            out += c == '_' || c == '.' ? static_cast<char>(c) : '-';
        if (out.size() >= 63) break;
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '_' || out.back() == '.')) out.pop_back();
    return out.empty() ? "imported" : out;
}

std::optional<std::string> find_organization(db::Transaction& tx, const std::string& ref) {
    auto r = is_uuid(ref) ? tx.exec(k_org_by_id, ref) : tx.exec(k_org_by_slug, ref);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
}

std::string ensure_organization(db::Transaction& tx, const std::string& slug, const std::string& name, const nlohmann::json& metadata) {
    if (auto found = tx.exec(k_org_by_slug, slug); !found.empty()) return found[0][0].as<std::string>();
    std::string org_slug = slug;
    std::replace(org_slug.begin(), org_slug.end(), '_', '-');
    std::replace(org_slug.begin(), org_slug.end(), '.', '-');
    return tx.exec(k_org_insert, org_slug, name.substr(0, 200), metadata.dump())[0][0].as<std::string>();
}

std::string ensure_role(db::Transaction& tx, const std::string& organization_id, const std::string& name,
                        const std::string& description, const std::vector<std::string>& permissions) {
    if (auto system = tx.exec(k_system_role, name); !system.empty()) return system[0][0].as<std::string>();
    if (auto found = tx.exec(k_org_role, organization_id, name); !found.empty()) return found[0][0].as<std::string>();
    return tx.exec(k_org_role_insert, organization_id, name, description, pg_array(permissions))[0][0].as<std::string>();
}

void put_membership(db::Transaction& tx, const std::string& organization_id, const std::string& user_id, const std::string& role_id,
                    bool replace) {
    tx.exec(replace ? k_replace_member : k_put_member, organization_id, user_id, role_id);
}

std::optional<std::string> user_for_external_id(db::Transaction& tx, const std::string& source, const std::string& external_id) {
    auto r = tx.exec(k_find_external, source, external_id);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
}

WriteResult write_user(db::Transaction& tx, const WriteContext& ctx, const ImportUser& user, const std::string& record_key) {
    const bool update = ctx.on_conflict == OnConflict::update;
    auto mapped = tx.exec(k_find_external, ctx.source, user.external_id);
    if (!mapped.empty()) {
        const std::string id = mapped[0][0].as<std::string>();
        const bool same_job = mapped[0][2].as<std::string>() == ctx.job_id;
        const bool never_used = mapped[0][3].as<bool>();
        if (same_job && mapped[0][1].as<std::string>() != record_key && !user.password_only)
            return refused("DUPLICATED_USER", "user_id", "the same user appears earlier in this import");
        WriteResult result;
        result.outcome = Outcome::unchanged;
        if (user.password_hash) {
            // The hash export joins the user export here; an upsert may replace an unused imported hash.
            if (tx.exec(k_set_password, id, *user.password_hash, user.password_algorithm, update || (user.password_only && never_used))
                    .affected_rows() == 1)
                result.outcome = Outcome::updated;
        }
        if (update && !user.password_only) {
            update_profile(tx, user, id);
            add_extras(tx, ctx, user, id, result);
            result.outcome = Outcome::updated;
        }
        return result;
    }
    if (user.email.empty())
        return refused("OBJECT_REQUIRED", "email", "no user with this id was imported and the record has no email to create one");
    if (auto existing = tx.exec(k_find_email, user.email); !existing.empty()) {
        const std::string id = existing[0][0].as<std::string>();
        if (ctx.on_conflict == OnConflict::fail)
            return refused("CONFLICT_EMAIL", "email", "a user with this email already exists (--on-conflict fail)", true);
        if (!update) return refused("CONFLICT_EMAIL", "email", "a user with this email already exists (use --on-conflict update to merge)");
        // Adopt the existing account: from now on the source id maps to it.
        tx.exec(k_insert_external, ctx.source, user.external_id, id, job_of(ctx), record_key);
        WriteResult result;
        result.outcome = Outcome::updated;
        if (!user.password_only) {
            update_profile(tx, user, id);
            add_extras(tx, ctx, user, id, result);
        }
        if (user.password_hash) tx.exec(k_set_password, id, *user.password_hash, user.password_algorithm, false);
        return result;
    }
    std::optional<std::string> username = user.username;
    if (username && !tx.exec(k_find_username, *username).empty()) {
        if (ctx.on_conflict == OnConflict::fail)
            return refused("CONFLICT_USERNAME", "username", "the username is taken (--on-conflict fail)", true);
        if (!update) return refused("CONFLICT_USERNAME", "username", "the username is taken by another user");
        username.reset();  // imported without it; the email still signs in
    }
    ImportUser fresh = user;
    fresh.username = username;
    const std::string id = insert_new_users(tx, ctx, {&fresh}, {record_key}).at(0);
    WriteResult result;
    result.outcome = Outcome::inserted;
    add_extras(tx, ctx, user, id, result);
    return result;
}

}  // namespace janua::migration
