#include "core/alerts/service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/common/page_cursor.hpp"
#include "core/common/time.hpp"

namespace janua::alerts {
namespace {

Error not_found(const std::string& what) { return make_error(ErrorCode::not_found, "cannot find " + what); }

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

void audit_change(db::Transaction& tx, const Actor& actor, const std::string& action, const Scope& scope,
                  const std::string& target_type, const std::string& target_id, nlohmann::json details) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = scope;
    e.target_type = target_type;
    e.target_id = target_id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

std::optional<std::string> creator_of(const Actor& actor) {
    if (actor.type == "user" && actor.id && is_uuid(*actor.id)) return actor.id;
    return std::nullopt;
}

// Where a rule may send: webhook channels name endpoints of the scope; an organization's email
// channels name verified addresses of its members (an alert mail goes out under the platform's
// sender, so an organization must not be able to mail strangers with it). Platform rules are the
// operator's and may mail any address.
Status check_channels(db::Transaction& tx, const Scope& scope, const Rule& rule) {
    for (std::size_t i = 0; i < rule.channels.size(); ++i) {
        const auto& channel = rule.channels[i];
        const auto field = "channels[" + std::to_string(i) + "]";
        if (channel.type == "webhook" && !repo::webhook_exists(tx, scope, channel.webhook_id))
            return invalid(field + ".webhook_id", "must be the id of one of the organization's webhooks");
        if (channel.type != "email" || !scope) continue;
        for (const auto& address : channel.addresses)
            if (!repo::is_member_address(tx, *scope, address))
                return invalid(field + ".addresses",
                               address + " is not the verified email address of a member of this organization; "
                                         "send to a team address through a webhook instead");
    }
    return Ok{};
}

Status check_scope(const Scope& scope) {
    if (scope && !is_uuid(*scope)) return not_found("organization '" + *scope + "'");
    return Ok{};
}

}  // namespace

nlohmann::json to_json(const InstancePage& page) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& i : page.instances) data.push_back(to_json(i));
    return {{"data", data}, {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr)}};
}

Result<std::vector<Rule>> AlertService::rules(const Scope& scope) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    return m_pool.transact([&](db::Transaction& tx) { return repo::rules(tx, scope); });
}

Result<Rule> AlertService::rule(const Scope& scope, const std::string& id) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    if (!is_uuid(id)) return not_found("alert rule '" + id + "'");
    auto found = m_pool.transact([&](db::Transaction& tx) { return repo::find_rule(tx, scope, id); });
    if (!found) return not_found("alert rule '" + id + "'");
    return *found;
}

Result<Rule> AlertService::create_rule(const Scope& scope, const nlohmann::json& body, const Actor& actor) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    Rule rule;
    rule.organization_id = scope;
    if (auto ok = apply(body, rule); !ok) return ok.error();
    if (auto ok = check_complete(rule); !ok) return ok.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<Rule> {
        if (auto ok = check_channels(tx, scope, rule); !ok) return ok.error();
        if (repo::count_rules(tx, scope) >= k_max_rules_per_scope)
            return make_error(ErrorCode::conflict, "there are already " + std::to_string(k_max_rules_per_scope) +
                                                       " alert rules here; delete one first");
        auto created = repo::insert_rule(tx, rule, creator_of(actor));
        audit_change(tx, actor, "alert.rule_created", scope, "alert_rule", created.id, to_json(created));
        return created;
    });
}

Result<Rule> AlertService::update_rule(const Scope& scope, const std::string& id, const nlohmann::json& body,
                                       const Actor& actor) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    if (!is_uuid(id)) return not_found("alert rule '" + id + "'");
    return m_pool.transact([&](db::Transaction& tx) -> Result<Rule> {
        auto current = repo::find_rule(tx, scope, id);
        if (!current) return not_found("alert rule '" + id + "'");
        Rule next = *current;
        if (auto ok = apply(body, next); !ok) return ok.error();
        if (auto ok = check_channels(tx, scope, next); !ok) return ok.error();
        auto updated = repo::update_rule(tx, next);
        if (!updated) return not_found("alert rule '" + id + "'");
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& [key, value] : body.items()) fields.push_back(key);
        audit_change(tx, actor, "alert.rule_updated", scope, "alert_rule", id,
                     {{"fields", fields}, {"before", to_json(*current)}, {"after", to_json(*updated)}});
        return *updated;
    });
}

Status AlertService::delete_rule(const Scope& scope, const std::string& id, const Actor& actor) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    if (!is_uuid(id)) return not_found("alert rule '" + id + "'");
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto current = repo::find_rule(tx, scope, id);
        if (!current || !repo::delete_rule(tx, scope, id)) return not_found("alert rule '" + id + "'");
        audit_change(tx, actor, "alert.rule_deleted", scope, "alert_rule", id, to_json(*current));
        return Ok{};
    });
}

Result<InstancePage> AlertService::alerts(const Scope& scope, const InstanceFilter& filter) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    if (filter.limit < 1 || filter.limit > 200) return invalid("limit", "must be a number from 1 to 200");
    if (filter.state && *filter.state != "open" && *filter.state != "acknowledged")
        return invalid("state", "must be open or acknowledged");
    if (filter.rule_id && !is_uuid(*filter.rule_id)) return invalid("rule_id", "must be a UUID");
    auto position = paging::decode_cursor(filter.cursor);
    if (!position) return position.error();
    repo::InstanceQuery q{scope, filter.state, filter.rule_id, position->created_at, position->id, filter.limit + 1};
    return m_pool.transact([&](db::Transaction& tx) {
        InstancePage page;
        page.instances = repo::instances(tx, q);
        if (static_cast<int>(page.instances.size()) > filter.limit) {
            page.instances.resize(filter.limit);
            page.next_cursor = paging::encode_cursor(page.instances.back().fired_at, page.instances.back().id);
        }
        return page;
    });
}

Result<Instance> AlertService::alert(const Scope& scope, const std::string& id) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    if (!is_uuid(id)) return not_found("alert '" + id + "'");
    auto found = m_pool.transact([&](db::Transaction& tx) { return repo::find_instance(tx, scope, id); });
    if (!found) return not_found("alert '" + id + "'");
    return *found;
}

Result<Instance> AlertService::acknowledge(const Scope& scope, const std::string& id,
                                           const std::optional<std::string>& note, const Actor& actor) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    if (!is_uuid(id)) return not_found("alert '" + id + "'");
    if (note && note->size() > 2000) return invalid("note", "must be at most 2000 characters");
    const std::string by = actor.type + ":" + actor.id.value_or("-");
    return m_pool.transact([&](db::Transaction& tx) -> Result<Instance> {
        auto current = repo::find_instance(tx, scope, id);
        if (!current) return not_found("alert '" + id + "'");
        if (current->state != "open") return make_error(ErrorCode::conflict, "this alert is already acknowledged");
        auto done = repo::acknowledge(tx, scope, id, by, note);
        if (!done) return make_error(ErrorCode::conflict, "this alert is already acknowledged");
        audit_change(tx, actor, "alert.acknowledged", scope, "alert", id,
                     {{"rule_id", done->rule_id}, {"note", note ? nlohmann::json(*note) : nlohmann::json(nullptr)}});
        return *done;
    });
}

Result<nlohmann::json> AlertService::stats(const Scope& scope, const std::optional<std::string>& since,
                                           const std::optional<std::string>& until) {
    if (auto ok = check_scope(scope); !ok) return ok.error();
    for (const auto& [name, value] : {std::pair{"since", since}, std::pair{"until", until}})
        if (value && !parse_rfc3339(*value)) return invalid(name, "must be an RFC 3339 timestamp, e.g. 2026-11-22T10:00:00Z");
    if (since && until && *parse_rfc3339(*since) >= *parse_rfc3339(*until)) return invalid("since", "must be before until");
    return m_pool.transact([&](db::Transaction& tx) { return repo::stats(tx, scope, since, until); });
}

}  // namespace janua::alerts
