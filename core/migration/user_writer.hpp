#pragma once
// Writes one imported account inside the caller's (batch) transaction: the user, its source id,
// linked identities, TOTP factor (encrypted like core/mfa's), organization membership.

#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/migration/import_user.hpp"

#include <optional>
#include <string>

namespace janua::migration {

enum class OnConflict { skip, update, fail };

struct WriteContext {
    std::string source;  // "auth0" | "keycloak"
    std::string job_id;
    OnConflict on_conflict = OnConflict::skip;
    std::optional<std::string> organization_id;  // --org: every imported user becomes a member
    const crypto::FernetKeyring* keyring = nullptr;
};

enum class Outcome { inserted, updated, unchanged, refused };

struct WriteResult {
    Outcome outcome = Outcome::refused;
    Problem problem;        // when refused
    bool abort = false;     // --on-conflict fail met a conflict
    std::vector<Problem> warnings;
};

// `record_key` ("<file>:<record>") tells a re-read of the same record (a resume) from a second
// record with the same id in the input (DUPLICATED_USER).
WriteResult write_user(db::Transaction& tx, const WriteContext& ctx, const ImportUser& user, const std::string& record_key);

// The id of the organization `ref` (id or slug), or nullopt.
std::optional<std::string> find_organization(db::Transaction& tx, const std::string& ref);
// Find or create the organization with this slug (name used on creation).
std::string ensure_organization(db::Transaction& tx, const std::string& slug, const std::string& name, const nlohmann::json& metadata);
// Find or create the role `name` of the organization (system roles owner/admin/member/viewer map to themselves).
std::string ensure_role(db::Transaction& tx, const std::string& organization_id, const std::string& name,
                        const std::string& description, const std::vector<std::string>& permissions);
// Add (or with `replace`, change the role of) a membership.
void put_membership(db::Transaction& tx, const std::string& organization_id, const std::string& user_id,
                    const std::string& role_id, bool replace);
// The fast path for a batch: which of `users` are plainly new (no source id, email or username
// known, none repeated in the batch) — those are written with two statements for the whole
// batch instead of several per user. The rest go through write_user one by one.
std::vector<bool> plainly_new(db::Transaction& tx, const WriteContext& ctx, const std::vector<const ImportUser*>& users);
// Insert these new users (and their source ids) at once; throws pqxx::sql_error when any row
// is refused (the caller then falls back to write_user). Returns their ids, in order.
std::vector<std::string> insert_new_users(db::Transaction& tx, const WriteContext& ctx, const std::vector<const ImportUser*>& users,
                                          const std::vector<std::string>& record_keys);
// Linked identities, TOTP factor and --org membership of a user just inserted.
void add_user_extras(db::Transaction& tx, const WriteContext& ctx, const ImportUser& user, const std::string& user_id, WriteResult& result);

std::optional<std::string> user_for_external_id(db::Transaction& tx, const std::string& source, const std::string& external_id);
// A role or organization slug made from a free-text name: lower case, [a-z0-9_.-], at most 63.
std::string slugify(const std::string& name);

}  // namespace janua::migration
