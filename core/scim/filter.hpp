#pragma once
// SCIM filters (RFC 7644 §3.4.2.2): a bounded recursive-descent parser into a small tree, and
// its translation into a SQL condition whose values all travel as parameters. The translation
// asks a resolver what an attribute is (its SQL expression, type and caseExact rule), so the
// parser knows nothing of tables.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::scim {

// "urn:...:User:name.givenName" -> schema "urn:...:user" (lower case), attr "name", sub "givenname".
struct AttrPath {
    std::string schema;  // lower case, empty when not given
    std::string attr;    // lower case
    std::string sub;     // lower case, empty when none
    std::string text;    // as written, for messages
};

struct Filter {
    enum class Kind { compare, present, all_of, any_of, negation, value_path };
    Kind kind = Kind::compare;
    AttrPath path;
    std::string op;                           // compare: eq ne co sw ew gt ge lt le (lower case)
    nlohmann::json value;                     // compare: string, number, boolean or null
    std::vector<Filter> children;             // all_of/any_of: 2+; negation and value_path: 1
    std::size_t position = 0;                 // where the expression starts, for errors
};

// An invalidFilter (or invalidPath) error: message names the position (0-based character offset)
// and details carry {"scimType", "position"}.
Error filter_error(const std::string& scim_type, std::size_t position, const std::string& message);

Result<Filter> parse_filter(const std::string& text);
Result<AttrPath> parse_attr_path(const std::string& text);

enum class AttrType { string, boolean, datetime, number };

// What an attribute is in SQL. multi: a multi-valued complex attribute (e.g. emails), whose
// elements are rows of `source` (a set-returning SQL expression yielding one jsonb column
// named `v`); sub-attributes are then resolved with resolve_sub.
struct Column {
    std::string sql;
    AttrType type = AttrType::string;
    bool case_exact = false;
    bool multi = false;
    std::string source;
};

struct SqlContext {
    // None: no such attribute (invalidFilter naming it).
    std::function<std::optional<Column>(const AttrPath&)> resolve;
    // For a multi-valued attribute's element `v`: the sub-attribute's column.
    std::function<std::optional<Column>(const std::string& attr, const std::string& sub)> resolve_sub;
    // Optional: for `attr.sub <op> "text"` on a multi-valued attribute, a cheap condition that
    // every matching row meets (e.g. an indexed substring search), given a LIKE pattern SQL
    // expression for "contains the text, case-insensitively". None: no such shortcut.
    std::function<std::optional<std::string>(const std::string& attr, const std::string& sub, const std::string& like)> prefilter;
    // Values become ($<param>::jsonb->>N) (or ->N for non-strings): appended here.
    nlohmann::json* params = nullptr;
    std::string param = "$1";
};

Result<std::string> to_sql(const Filter& filter, SqlContext& context);

}  // namespace janua::scim
