#include "core/scim/common.hpp"

#include "core/audit/audit.hpp"

#include <algorithm>

namespace janua::scim {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) out.push_back(std::move(item));
        start = end + 1;
    }
    return out;
}

Result<ListSql> list_sql(const ListQuery& query, SqlContext context, nlohmann::json& params, const std::string& default_order,
                         const std::function<std::optional<Column>(const AttrPath&)>& sort_column, const std::string& tiebreak) {
    ListSql out;
    out.order = default_order;
    if (query.filter) {
        auto filter = parse_filter(*query.filter);
        if (!filter) return filter.error();
        context.params = &params;
        auto sql = to_sql(*filter, context);
        if (!sql) return sql.error();
        out.where = *sql;
    }
    if (query.sort_by) {
        auto path = parse_attr_path(*query.sort_by);
        std::optional<Column> col;
        if (path) col = sort_column(*path);
        if (!col || col->multi) return scim_error(400, "invalidValue", "cannot sort by '" + *query.sort_by + "'");
        // Strings that are not caseExact sort case-insensitively, as they compare.
        const std::string expr = col->type == AttrType::string && !col->case_exact ? "lower(" + col->sql + ")" : col->sql;
        out.order = expr + (query.descending ? " DESC NULLS LAST" : " ASC NULLS LAST") + ", " + tiebreak;
    }
    return out;
}

std::optional<Error> refuse_write(const Resource* current, const Precondition& condition, const std::string& type) {
    if (!current) return scim_error(404, "", "no such " + type + " in this organization");
    if (!etag_matches(condition.if_match, current->etag))
        return scim_error(412, "", "the " + type + " changed since the version in If-Match; fetch it again");
    if (!condition.if_none_match.empty() && etag_matches(condition.if_none_match, current->etag))
        return scim_error(412, "", "the " + type + " is at a version If-None-Match excludes");
    return std::nullopt;
}

void record_change(db::Transaction& tx, const TokenPrincipal& who, const std::string& action, const std::string& target_type,
                   const std::string& target_id, nlohmann::json details) {
    audit::Event e;
    e.action = action;
    e.actor_type = "scim_token";
    e.actor_id = who.token_id;
    e.organization_id = who.organization_id;
    e.target_type = target_type;
    e.target_id = target_id;
    e.ip_address = who.ip;
    e.request_id = who.request_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

}  // namespace janua::scim
