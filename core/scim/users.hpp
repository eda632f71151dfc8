#pragma once
// SCIM Users of one organization (RFC 7643 §4.1 with the enterprise extension §4.3), mapped
// onto Janua users. The SCIM view of an organization is its members plus the users its IdP
// provisioned and then deactivated (scim_users.active = false, membership removed).
// userName is the Janua user's email; name.givenName/familyName, displayName, locale and
// timezone live on the Janua user; every other attribute is kept per organization.
// Every change is audited (actor_type 'scim_token') in the transaction that makes it.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/scim/page_cursors.hpp"
#include "core/scim/tokens.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::scim {

inline constexpr const char* k_user_schema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* k_enterprise_schema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr const char* k_list_schema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr const char* k_patch_schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr const char* k_error_schema = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr int k_max_page = 200;

// A SCIM error: HTTP status and scimType travel in Error::details.
Error scim_error(int status, const std::string& scim_type, const std::string& detail);

struct ListQuery {
    std::optional<std::string> filter;
    std::optional<std::string> sort_by;
    bool descending = false;
    long long start_index = 1;
    long long count = 100;
};

struct Resource {
    nlohmann::json body;  // with meta
    std::string etag;     // W/"..."
};

// The conditional headers of a write (RFC 7644 §3.14, RFC 7232): If-Match must name the current
// version ("*": any; absent: no condition), If-None-Match must not ("*": refuses any existing
// resource). Either failing is 412. A string converts to an If-Match (Bulk's `version`).
struct Precondition {
    Precondition() = default;
    Precondition(std::string match) : if_match(std::move(match)) {}  // NOLINT: implicit on purpose
    Precondition(std::string match, std::string none_match) : if_match(std::move(match)), if_none_match(std::move(none_match)) {}
    std::string if_match;
    std::string if_none_match;
};

struct ListPage {
    long long total = 0;
    long long start_index = 1;
    std::vector<Resource> resources;
};

class UserService {
public:
    // base_url: the public URL, for meta.location.
    UserService(db::Pool& pool, std::string base_url) : m_pool(pool), m_base_url(std::move(base_url)) {}

    Result<ListPage> list(const TokenPrincipal& who, const ListQuery& query);
    Result<Resource> get(const TokenPrincipal& who, const std::string& id);
    Result<Resource> create(const TokenPrincipal& who, const nlohmann::json& body);
    Result<Resource> replace(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                             const Precondition& if_match);
    Result<Resource> patch(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                           const Precondition& if_match);
    Status remove(const TokenPrincipal& who, const std::string& id, const Precondition& if_match);

private:
    // walk: set to remember where the page after a full one starts (PageCursors), "" not to.
    Result<ListPage> list_rows(const std::string& sql, const std::string& where, const nlohmann::json& params, ListPage page,
                               const std::string& walk, long long count);
    Result<Resource> write(db::Transaction& tx, const TokenPrincipal& who, const std::string& id,
                           const nlohmann::json& wanted, const Precondition& if_match, const std::string& action);

    db::Pool& m_pool;
    std::string m_base_url;
    PageCursors m_cursors;
};

// If-Match ("" when absent, "*", or a list of ETags, weak or not) against a resource's ETag.
bool etag_matches(const std::string& if_match, const std::string& etag);

// attributes= / excludedAttributes= (comma-separated paths) applied to a rendered resource;
// id, schemas, meta and (Users) userName are always returned (RFC 7643 §7 "returned: always").
Result<nlohmann::json> project(const nlohmann::json& resource, const std::optional<std::string>& attributes,
                               const std::optional<std::string>& excluded);

}  // namespace janua::scim
