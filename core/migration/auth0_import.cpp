// Auth0 inputs to import items: user files of any of the three shapes, and an organizations
// export (Management API /organizations with their members and roles, one object per org).
#include "core/migration/auth0_records.hpp"
#include "core/migration/importer.hpp"
#include "core/migration/json_stream.hpp"

#include <regex>

namespace janua::migration {
namespace {

using nlohmann::json;

Item refused_item(const RawRecord& raw, std::string code, std::string reason) {
    Item item;
    item.line = raw.line;
    item.record = raw.index;
    item.refused = true;
    item.problem = Problem{std::move(code), "", std::move(reason)};
    return item;
}

std::string role_name_of(const json& role) {
    if (role.is_string()) return role.get<std::string>();
    if (role.is_object() && role.contains("name") && role["name"].is_string()) return role["name"].get<std::string>();
    return "";
}

// One organization: {id, name, display_name?, metadata?, roles?: [{name, description?, permissions?}],
// members: [{user_id, roles?: [names or {name}]}]}.
Item organization_item(const RawRecord& raw, const json& org) {
    if (!org.is_object() || !org.contains("name") || !org["name"].is_string() || org["name"].get<std::string>().empty())
        return refused_item(raw, "OBJECT_REQUIRED", "an organization needs its name");
    if (org.contains("members") && !org["members"].is_array()) return refused_item(raw, "INVALID_TYPE", "members must be an array");
    if (org.contains("roles") && !org["roles"].is_array()) return refused_item(raw, "INVALID_TYPE", "roles must be an array");
    Item item;
    item.line = raw.line;
    item.record = raw.index;
    item.external_id = org.value("id", "");
    item.action = [org](db::Transaction& tx, const WriteContext&, const std::string&) {
        WriteResult result;
        const std::string name = org["name"];
        json metadata = org.contains("metadata") && org["metadata"].is_object() ? org["metadata"] : json::object();
        metadata["auth0"] = {{"id", org.value("id", "")}, {"name", name}};
        const std::string display = org.contains("display_name") && org["display_name"].is_string() ? org["display_name"].get<std::string>() : name;
        const std::string org_id = ensure_organization(tx, slugify(name), display, metadata);
        static const std::regex permission(R"(^[a-z0-9_*.-]+:[a-z0-9_*.-]+$)");
        std::map<std::string, std::pair<std::string, std::vector<std::string>>> defined;  // Auth0 name -> description, permissions
        for (const auto& role : org.value("roles", json::array())) {
            const std::string role_name = role_name_of(role);
            if (role_name.empty()) continue;
            std::vector<std::string> permissions;
            if (role.is_object())
                for (const auto& p : role.value("permissions", json::array())) {
                    const std::string text = p.is_string() ? p.get<std::string>()
                                             : p.is_object() ? p.value("permission_name", "") : "";
                    if (std::regex_match(text, permission)) permissions.push_back(text);
                    else if (!text.empty())
                        result.warnings.push_back({"PATTERN", "roles.permissions", "permission '" + text + "' is not resource:action; left out"});
                }
            defined[role_name] = {role.is_object() ? role.value("description", "") : "", permissions};
        }
        for (const auto& [role_name, spec] : defined) ensure_role(tx, org_id, slugify(role_name), spec.first, spec.second);
        int missing = 0;
        for (const auto& member : org.value("members", json::array())) {
            if (!member.is_object() || !member.contains("user_id") || !member["user_id"].is_string()) continue;
            const std::string uid = member["user_id"];
            auto user = user_for_external_id(tx, "auth0", auth0::external_id(uid, uid.find('|') == std::string::npos || uid.rfind("auth0|", 0) == 0));
            if (!user) {
                ++missing;
                continue;
            }
            // A Janua membership has one role: the first Auth0 role of the member (the others are reported).
            std::string role = "member";
            const auto roles = member.value("roles", json::array());
            if (!roles.empty()) role = slugify(role_name_of(roles[0]));
            if (roles.size() > 1)
                result.warnings.push_back({"ARRAY_LENGTH_LONG", "members.roles", uid + " has several roles; kept '" + role + "'"});
            const auto& spec = defined.count(role_name_of(roles.empty() ? json() : roles[0])) ? defined[role_name_of(roles[0])]
                                                                                              : std::pair<std::string, std::vector<std::string>>{};
            put_membership(tx, org_id, *user, ensure_role(tx, org_id, role, spec.first, spec.second), true);
        }
        if (missing > 0)
            result.warnings.push_back({"CONNECTION_NOT_FOUND", "members", std::to_string(missing) + " member(s) were not imported as users; import the users first"});
        result.outcome = Outcome::updated;
        return result;
    };
    return item;
}

}  // namespace

std::string produce_auth0(const InputFile& file, ByteSource& source, std::uint64_t skip_before, std::size_t max_record_bytes,
                          const std::function<void(Item&&)>& sink) {
    RecordReader reader(source, max_record_bytes);
    RawRecord raw;
    while (reader.next(raw)) {
        if (raw.index < skip_before) continue;
        if (!raw.error.empty()) {
            sink(refused_item(raw, raw.error_code, raw.error));
            continue;
        }
        auto parsed = json::parse(raw.text, nullptr, false);
        if (parsed.is_discarded()) {
            sink(refused_item(raw, "INVALID_TYPE", "the record is not valid JSON"));
            continue;
        }
        if (file.kind == "organizations") {
            sink(organization_item(raw, parsed));
            continue;
        }
        Mapped mapped;
        try {
            mapped = raw.csv ? auth0::map_export_record(parsed) : auth0::map_record(parsed);
        } catch (const json::exception&) {
            mapped = Mapped{std::nullopt, Problem{"INVALID_TYPE", "", "a member of the record has an unexpected type"}};
        }
        Item item;
        item.line = raw.line;
        item.record = raw.index;
        if (parsed.is_object() && parsed.contains("user_id") && parsed["user_id"].is_string()) item.external_id = parsed["user_id"];
        if (!mapped.user) {
            item.refused = true;
            item.problem = mapped.problem;
        } else {
            item.external_id = mapped.user->external_id;
            item.user = std::move(mapped.user);
        }
        sink(std::move(item));
    }
    return "";
}

}  // namespace janua::migration
