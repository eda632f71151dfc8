#include "core/scim/filter.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

namespace janua::scim {
namespace {

constexpr std::size_t k_max_filter_length = 4096;
constexpr int k_max_depth = 32;
constexpr int k_max_nodes = 200;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool attr_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' || c == ':' || c == '.';
}

class Parser {
public:
    explicit Parser(const std::string& text) : m_text(text) {}

    Result<Filter> parse() {
        if (m_text.size() > k_max_filter_length)
            return filter_error("invalidFilter", k_max_filter_length, "the filter is longer than 4096 characters");
        auto f = parse_or(0);
        if (!f) return f;
        skip_spaces();
        if (m_pos != m_text.size()) return filter_error("invalidFilter", m_pos, "unexpected '" + rest_word() + "'");
        return f;
    }

private:
    void skip_spaces() {
        while (m_pos < m_text.size() && m_text[m_pos] == ' ') ++m_pos;
    }
    std::string rest_word() const {
        std::size_t end = m_pos;
        while (end < m_text.size() && end - m_pos < 20 && m_text[end] != ' ') ++end;
        return m_text.substr(m_pos, std::max<std::size_t>(end - m_pos, 1));
    }
    // A case-insensitive keyword followed by a space, '(' or the end.
    bool keyword(const char* word) {
        skip_spaces();
        const std::string w = word;
        if (m_pos + w.size() > m_text.size() || lower(m_text.substr(m_pos, w.size())) != w) return false;
        const std::size_t after = m_pos + w.size();
        if (after < m_text.size() && m_text[after] != ' ' && m_text[after] != '(') return false;
        m_pos = after;
        return true;
    }
    std::optional<Error> count_node(std::size_t at, int depth) {
        if (++m_nodes > k_max_nodes) return filter_error("invalidFilter", at, "the filter has more than 200 expressions");
        if (depth > k_max_depth) return filter_error("invalidFilter", at, "the filter nests deeper than 32 levels");
        return std::nullopt;
    }

    Result<Filter> parse_or(int depth) {
        auto left = parse_and(depth);
        if (!left) return left;
        Filter any;
        any.kind = Filter::Kind::any_of;
        any.position = left->position;
        any.children.push_back(std::move(left).value());
        while (keyword("or")) {
            auto right = parse_and(depth);
            if (!right) return right;
            any.children.push_back(std::move(right).value());
        }
        if (any.children.size() == 1) return std::move(any.children[0]);
        return any;
    }

    Result<Filter> parse_and(int depth) {
        auto left = parse_primary(depth);
        if (!left) return left;
        Filter all;
        all.kind = Filter::Kind::all_of;
        all.position = left->position;
        all.children.push_back(std::move(left).value());
        while (keyword("and")) {
            auto right = parse_primary(depth);
            if (!right) return right;
            all.children.push_back(std::move(right).value());
        }
        if (all.children.size() == 1) return std::move(all.children[0]);
        return all;
    }

    Result<Filter> parse_group(int depth) {
        skip_spaces();
        if (m_pos >= m_text.size() || m_text[m_pos] != '(') return filter_error("invalidFilter", m_pos, "expected '('");
        ++m_pos;
        auto inner = parse_or(depth + 1);
        if (!inner) return inner;
        skip_spaces();
        if (m_pos >= m_text.size() || m_text[m_pos] != ')')
            return filter_error("invalidFilter", m_pos, "expected ')' to close the group");
        ++m_pos;
        return inner;
    }

    Result<Filter> parse_primary(int depth) {
        skip_spaces();
        const std::size_t start = m_pos;
        if (auto e = count_node(start, depth)) return *e;
        if (m_pos >= m_text.size()) return filter_error("invalidFilter", m_pos, "the filter ends where an expression was expected");
        if (keyword("not")) {
            auto inner = parse_group(depth);
            if (!inner) return inner;
            Filter f;
            f.kind = Filter::Kind::negation;
            f.position = start;
            f.children.push_back(std::move(inner).value());
            return f;
        }
        if (m_text[m_pos] == '(') return parse_group(depth);
        auto path = parse_path();
        if (!path) return path.error();
        if (m_pos < m_text.size() && m_text[m_pos] == '[') {
            if (m_in_value_path) return filter_error("invalidFilter", m_pos, "value paths cannot nest");
            if (!path->sub.empty()) return filter_error("invalidFilter", start, "a value path needs a multi-valued attribute, not a sub-attribute");
            ++m_pos;
            m_in_value_path = true;
            auto inner = parse_or(depth + 1);
            m_in_value_path = false;
            if (!inner) return inner;
            skip_spaces();
            if (m_pos >= m_text.size() || m_text[m_pos] != ']')
                return filter_error("invalidFilter", m_pos, "expected ']' to close the value filter");
            ++m_pos;
            Filter f;
            f.kind = Filter::Kind::value_path;
            f.path = std::move(path).value();
            f.position = start;
            f.children.push_back(std::move(inner).value());
            return f;
        }
        Filter f;
        f.path = std::move(path).value();
        f.position = start;
        skip_spaces();
        const std::size_t op_at = m_pos;
        std::size_t end = m_pos;
        while (end < m_text.size() && std::isalpha(static_cast<unsigned char>(m_text[end]))) ++end;
        const std::string op = lower(m_text.substr(m_pos, end - m_pos));
        if (op.empty()) return filter_error("invalidFilter", op_at, "expected an operator after '" + f.path.text + "'");
        m_pos = end;
        if (op == "pr") {
            f.kind = Filter::Kind::present;
            return f;
        }
        static const std::vector<std::string> k_ops = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"};
        if (std::find(k_ops.begin(), k_ops.end(), op) == k_ops.end())
            return filter_error("invalidFilter", op_at, "unknown operator '" + op + "' (eq ne co sw ew gt ge lt le pr)");
        f.op = op;
        skip_spaces();
        auto value = parse_value();
        if (!value) return value.error();
        f.value = std::move(value).value();
        return f;
    }

    Result<AttrPath> parse_path() {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && attr_char(m_text[m_pos])) ++m_pos;
        if (m_pos == start) return filter_error("invalidFilter", start, "expected an attribute name");
        auto path = parse_attr_path(m_text.substr(start, m_pos - start));
        if (!path) return filter_error("invalidFilter", start, path.error().message);
        return path;
    }

    Result<nlohmann::json> parse_value() {
        const std::size_t start = m_pos;
        if (m_pos >= m_text.size()) return filter_error("invalidFilter", start, "expected a value");
        if (m_text[m_pos] == '"') {
            std::size_t end = m_pos + 1;
            while (end < m_text.size() && m_text[end] != '"') end += m_text[end] == '\\' ? 2 : 1;
            if (end >= m_text.size()) return filter_error("invalidFilter", start, "the string is not closed");
            try {
                auto v = nlohmann::json::parse(m_text.substr(m_pos, end + 1 - m_pos));
                m_pos = end + 1;
                return v;
            } catch (const std::exception&) {
                return filter_error("invalidFilter", start, "the string is not valid JSON");
            }
        }
        std::size_t end = m_pos;
        while (end < m_text.size() && m_text[end] != ' ' && m_text[end] != ')' && m_text[end] != ']') ++end;
        const std::string word = m_text.substr(m_pos, end - m_pos);
        const std::string w = lower(word);
        nlohmann::json v;
        if (w == "true") v = true;
        else if (w == "false") v = false;
        else if (w == "null") v = nullptr;
        else {
            static const std::regex k_number("-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,17})?([eE][-+]?[0-9]{1,3})?");
            if (!std::regex_match(word, k_number))
                return filter_error("invalidFilter", start, "expected a value (a \"string\", number, true, false or null), not '" + word + "'");
            try {
                v = nlohmann::json::parse(word);
            } catch (const std::exception&) {
                return filter_error("invalidFilter", start, "the number '" + word + "' is out of range");
            }
            if (v.is_number_float() && !std::isfinite(v.get<double>()))
                return filter_error("invalidFilter", start, "the number '" + word + "' is out of range");
        }
        m_pos = end;
        return v;
    }

    const std::string& m_text;
    std::size_t m_pos = 0;
    int m_nodes = 0;
    bool m_in_value_path = false;
};

// An RFC 3339 date-time PostgreSQL will accept as timestamptz: the shape, and every field in
// range (Feb 30 or hour 24 pass a regex but make the cast fail, which must be the client's 400).
bool valid_datetime(const std::string& text) {
    static const std::regex k_time(
        "([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]{1,9})?([Zz]|[+-]([0-9]{2}):([0-9]{2}))");
    std::smatch m;
    if (!std::regex_match(text, m, k_time)) return false;
    auto num = [&](int i) { return std::stoi(m[i].str()); };
    const int year = num(1), month = num(2), day = num(3);
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static const int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > k_days[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
    if (num(4) > 23 || num(5) > 59 || num(6) > 59) return false;  // no leap second: PostgreSQL refuses :60 in some forms
    if (m[9].matched && (num(9) > 15 || num(10) > 59)) return false;
    return true;
}

std::string placeholder(SqlContext& c, const nlohmann::json& value, const char* cast) {
    c.params->push_back(value.is_string() ? value : nlohmann::json(value.dump()));
    return "((" + c.param + "::jsonb->>" + std::to_string(c.params->size() - 1) + ")" + cast + ")";
}

Result<std::string> compare_sql(const Filter& f, const Column& col, SqlContext& c) {
    const std::string& op = f.op;
    auto bad = [&](const std::string& why) { return filter_error("invalidFilter", f.position, why); };
    if (f.value.is_null()) {
        if (op == "eq") return "(" + col.sql + ") IS NULL";
        if (op == "ne") return "(" + col.sql + ") IS NOT NULL";
        return bad("'" + f.path.text + " " + op + " null' compares nothing; use eq, ne or pr");
    }
    static const std::map<std::string, std::string> k_sql_op = {{"eq", "="}, {"ne", "<>"}, {"gt", ">"},
                                                                {"ge", ">="}, {"lt", "<"},  {"le", "<="}};
    switch (col.type) {
    case AttrType::boolean: {
        if (!f.value.is_boolean()) return bad("'" + f.path.text + "' is a boolean: compare it with true or false");
        if (op != "eq" && op != "ne") return bad("'" + f.path.text + "' is a boolean: only eq and ne apply");
        const std::string v = placeholder(c, f.value, "::boolean");
        return op == "eq" ? "(" + col.sql + ") = " + v : "(" + col.sql + ") IS DISTINCT FROM " + v;
    }
    case AttrType::datetime: {
        if (!f.value.is_string() || !valid_datetime(f.value.get<std::string>()))
            return bad("'" + f.path.text + "' is a dateTime: compare it with a valid date-time string like \"2026-01-31T12:00:00Z\"");
        if (!k_sql_op.count(op)) return bad("'" + op + "' does not apply to the dateTime '" + f.path.text + "'");
        return "(" + col.sql + ") " + k_sql_op.at(op) + " " + placeholder(c, f.value, "::timestamptz");
    }
    case AttrType::number: {
        // A finite JSON number only: 1e999 would reach SQL as 'null'::numeric.
        if (!f.value.is_number() || (f.value.is_number_float() && !std::isfinite(f.value.get<double>())))
            return bad("'" + f.path.text + "' is a number");
        if (!k_sql_op.count(op)) return bad("'" + op + "' does not apply to the number '" + f.path.text + "'");
        return "(" + col.sql + ") " + k_sql_op.at(op) + " " + placeholder(c, f.value, "::numeric");
    }
    case AttrType::string: break;
    }
    if (!f.value.is_string()) return bad("'" + f.path.text + "' is a string: compare it with a \"quoted string\"");
    const std::string left = col.case_exact ? "(" + col.sql + ")" : "lower(" + col.sql + ")";
    const std::string v = placeholder(c, f.value, "");
    const std::string right = col.case_exact ? v : "lower(" + v + ")";
    if (op == "eq") return left + " = " + right;
    if (op == "ne") return "((" + col.sql + ") IS NULL OR " + left + " <> " + right + ")";
    // co/sw/ew as LIKE with the value's wildcards escaped, so a trigram index (migration 0015)
    // serves them; the value is still a parameter (folded into a constant pattern at planning).
    const std::string pattern = "replace(replace(replace(" + right + ", '\\', '\\\\'), '%', '\\%'), '_', '\\_')";
    if (op == "co") return left + " LIKE '%' || " + pattern + " || '%'";
    if (op == "sw") return left + " LIKE " + pattern + " || '%'";
    if (op == "ew") return left + " LIKE '%' || " + pattern;
    return left + " COLLATE \"C\" " + k_sql_op.at(op) + " " + right + " COLLATE \"C\"";
}

Result<std::string> node_sql(const Filter& f, SqlContext& c, const std::optional<std::string>& element_of);

Result<std::string> leaf_sql(const Filter& f, SqlContext& c, const std::optional<std::string>& element_of) {
    auto unknown = [&] { return filter_error("invalidFilter", f.position, "unknown attribute '" + f.path.text + "'"); };
    std::optional<Column> col;
    if (element_of) {
        // Inside emails[...]: names are sub-attributes of the element.
        if (!f.path.sub.empty() || !f.path.schema.empty()) return unknown();
        col = c.resolve_sub(*element_of, f.path.attr);
        if (!col) return unknown();
    } else {
        AttrPath parent = f.path;
        parent.sub.clear();
        auto top = c.resolve(parent);
        if (top && top->multi) {
            // emails.value eq "x" (or emails eq "x", meaning its value): some element matches.
            const std::string sub = f.path.sub.empty() ? "value" : f.path.sub;
            auto inner_col = c.resolve_sub(f.path.attr, sub);
            if (!inner_col) return unknown();
            Filter inner = f;
            inner.path.attr = sub;
            inner.path.sub.clear();
            auto cond = f.kind == Filter::Kind::present
                            ? Result<std::string>("(" + inner_col->sql + ") IS NOT NULL AND (" + inner_col->sql + ") <> ''")
                            : compare_sql(inner, *inner_col, c);
            if (!cond) return cond;
            std::string exists = "EXISTS (SELECT 1 FROM " + top->source + " WHERE " + *cond + ")";
            // A substring an index can find first: only a necessary condition, ANDed with the exact one.
            if (c.prefilter && f.kind == Filter::Kind::compare && f.value.is_string() && !inner_col->case_exact &&
                (f.op == "eq" || f.op == "co" || f.op == "sw" || f.op == "ew")) {
                const std::string v = f.value.get<std::string>();
                const bool plain = std::none_of(v.begin(), v.end(), [](char ch) {
                    return ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20;
                });
                if (plain && !v.empty()) {
                    const std::string like = "'%' || replace(replace(replace(lower(" + placeholder(c, f.value, "") +
                                             "), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'";
                    if (auto pre = c.prefilter(f.path.attr, sub, like)) exists = "(" + *pre + ") AND " + exists;
                }
            }
            return exists;
        }
        col = c.resolve(f.path);
        if (!col) return unknown();
    }
    if (f.kind == Filter::Kind::present) {
        if (col->type == AttrType::string) return "((" + col->sql + ") IS NOT NULL AND (" + col->sql + ") <> '')";
        return "(" + col->sql + ") IS NOT NULL";
    }
    return compare_sql(f, *col, c);
}

Result<std::string> node_sql(const Filter& f, SqlContext& c, const std::optional<std::string>& element_of) {
    switch (f.kind) {
    case Filter::Kind::compare:
    case Filter::Kind::present: return leaf_sql(f, c, element_of);
    case Filter::Kind::negation: {
        auto inner = node_sql(f.children[0], c, element_of);
        if (!inner) return inner;
        return "NOT coalesce((" + *inner + "), false)";
    }
    case Filter::Kind::all_of:
    case Filter::Kind::any_of: {
        std::string out = "(";
        for (std::size_t i = 0; i < f.children.size(); ++i) {
            auto part = node_sql(f.children[i], c, element_of);
            if (!part) return part;
            if (i) out += f.kind == Filter::Kind::all_of ? " AND " : " OR ";
            out += "(" + *part + ")";
        }
        return out + ")";
    }
    case Filter::Kind::value_path: {
        auto top = c.resolve(f.path);
        if (!top || !top->multi)
            return filter_error("invalidFilter", f.position, "'" + f.path.text + "' is not a multi-valued attribute");
        auto inner = node_sql(f.children[0], c, f.path.attr);
        if (!inner) return inner;
        return "EXISTS (SELECT 1 FROM " + top->source + " WHERE " + *inner + ")";
    }
    }
    return make_error(ErrorCode::internal, "unknown filter node");
}

}  // namespace

Error filter_error(const std::string& scim_type, std::size_t position, const std::string& message) {
    Error e = make_error(ErrorCode::validation, message + " (at position " + std::to_string(position) + ")");
    e.details = {{"scimType", scim_type}, {"position", position}};
    return e;
}

Result<AttrPath> parse_attr_path(const std::string& text) {
    AttrPath p;
    p.text = text;
    std::string rest = text;
    if (lower(text).rfind("urn:", 0) == 0) {
        const auto colon = text.rfind(':');
        p.schema = lower(text.substr(0, colon));
        rest = text.substr(colon + 1);
    }
    const auto dot = rest.find('.');
    p.attr = lower(rest.substr(0, dot));
    if (dot != std::string::npos) p.sub = lower(rest.substr(dot + 1));
    static const std::regex k_name("[a-z][a-z0-9_$-]{0,63}");
    if (!std::regex_match(p.attr, k_name) || (!p.sub.empty() && !std::regex_match(p.sub, k_name)) ||
        (dot != std::string::npos && p.sub.empty()))
        return make_error(ErrorCode::validation, "'" + text + "' is not an attribute path");
    return p;
}

Result<Filter> parse_filter(const std::string& text) { return Parser(text).parse(); }

Result<std::string> to_sql(const Filter& filter, SqlContext& context) { return node_sql(filter, context, std::nullopt); }

}  // namespace janua::scim
