// The pure policy evaluator: matching, deny-wins, scopes, and every condition kind.
#include "core/policies/evaluator.hpp"
#include "core/rbac/permission_match.hpp"

#include <catch2/catch.hpp>

using namespace janua::policies;
using json = nlohmann::json;

namespace {

constexpr std::int64_t k_monday_10_utc = 1795428000;     // 2026-11-23T10:00:00Z, a Monday
constexpr std::int64_t k_sunday_2330_utc = 1795390200;   // 2026-11-22T23:30:00Z
constexpr std::int64_t k_saturday_0200_utc = 1795831200; // 2026-11-28T02:00:00Z

const std::string k_org = "11111111-1111-1111-1111-111111111111";
const std::string k_other_org = "22222222-2222-2222-2222-222222222222";

Policy make(const std::string& id, Effect effect, json conditions = json::object(),
            std::vector<std::string> actions = {"users:read"}, std::vector<std::string> resources = {"*"}) {
    Policy p;
    p.id = id;
    p.name = "policy " + id;
    p.effect = effect;
    p.actions = std::move(actions);
    p.resources = std::move(resources);
    p.subjects = {{"everyone", "", ""}};
    if (conditions.is_null()) conditions = json::object();  // a C++ `{}` argument is JSON null
    auto parsed = parse_conditions(conditions);
    REQUIRE(parsed.ok());
    p.conditions = parsed.value();
    p.conditions_source = conditions;
    return p;
}

Subject alice() {
    Subject s;
    s.user_id = "u-alice";
    s.email = "alice@Example.com";
    s.roles = {{"r-admin", "admin"}};
    return s;
}

Context ctx(const std::string& ip = "10.1.2.3", std::int64_t when = k_monday_10_utc, std::vector<std::string> amr = {"pwd"}) {
    Context c;
    c.ip = parse_ip(ip);
    c.unix_time = when;
    c.amr = std::move(amr);
    return c;
}

Outcome decide(const std::vector<Policy>& policies, const Context& c = ctx(), const Subject& s = alice(),
               const std::string& action = "users:read", const std::string& resource = "org:" + k_org + "/users/42") {
    return evaluate(policies, s, action, resource, c).outcome;
}

bool condition_holds(const json& conditions, const Context& c = ctx(), const Subject& s = alice()) {
    return decide({make("p", Effect::allow, conditions)}, c, s) == Outcome::allow;
}

std::string range_error(const std::string& text) {
    std::string why;
    REQUIRE_FALSE(parse_ip_range(text, why).has_value());
    return why;
}

bool in_range(const std::string& range, const std::string& ip) {
    std::string why;
    auto r = parse_ip_range(range, why);
    INFO(range << ": " << why);
    REQUIRE(r.has_value());
    auto a = parse_ip(ip);
    REQUIRE(a.has_value());
    return contains(*r, *a);
}

}  // namespace

TEST_CASE("permission patterns match segment-wise with * wildcards", "[policies]") {
    using janua::rbac::permission_matches;
    using janua::rbac::valid_permission_pattern;
    CHECK(permission_matches("*", "users:read"));
    CHECK(permission_matches("users:*", "users:delete"));
    CHECK(permission_matches("*:read", "members:read"));
    CHECK(permission_matches("users:read", "users:read"));
    CHECK_FALSE(permission_matches("users:read", "users:write"));
    CHECK_FALSE(permission_matches("users:*", "members:read"));
    CHECK_FALSE(permission_matches("user:*", "users:read"));  // no prefix matching
    CHECK_FALSE(permission_matches("users:read", "users"));
    CHECK(valid_permission_pattern("*"));
    CHECK(valid_permission_pattern("api_keys:*"));
    CHECK(valid_permission_pattern("*:*"));
    CHECK_FALSE(valid_permission_pattern("users"));
    CHECK_FALSE(valid_permission_pattern("users:read:x"));
    CHECK_FALSE(valid_permission_pattern("Users:read"));
    CHECK_FALSE(valid_permission_pattern("users:re*d"));
    CHECK_FALSE(valid_permission_pattern(":read"));
}

TEST_CASE("resource patterns: * matches any run, '/' included", "[policies]") {
    CHECK(resource_matches("*", "org:1/users/2"));
    CHECK(resource_matches("org:1/users/*", "org:1/users/2"));
    CHECK(resource_matches("org:1/users/*", "org:1/users/2/sessions/3"));
    CHECK(resource_matches("org:1/*/2", "org:1/users/2"));
    CHECK(resource_matches("org:1/users/2", "org:1/users/2"));
    CHECK_FALSE(resource_matches("org:1/users/*", "org:1/users"));
    CHECK_FALSE(resource_matches("org:1/users/*", "org:12/users/2"));
    CHECK_FALSE(resource_matches("org:1/users/2", "org:1/users/23"));
    CHECK(resource_matches("a*b*c", "axxbyyc"));
    CHECK_FALSE(resource_matches("a*b*c", "axxbyy"));
    // Pathological patterns stay fast (no exponential backtracking).
    CHECK_FALSE(resource_matches("*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
    CHECK(resource_organization("org:" + k_org + "/users/1") == k_org);
    CHECK(resource_organization("org:" + k_org) == k_org);
    CHECK_FALSE(resource_organization("users/1").has_value());
    CHECK_FALSE(resource_organization("org:/x").has_value());
}

TEST_CASE("no matching policy is not_applicable, deny wins over allow", "[policies]") {
    CHECK(decide({}) == Outcome::not_applicable);
    CHECK(decide({make("a", Effect::allow)}) == Outcome::allow);
    CHECK(decide({make("d", Effect::deny)}) == Outcome::deny);
    auto both = evaluate({make("a", Effect::allow), make("d", Effect::deny), make("a2", Effect::allow)}, alice(),
                         "users:read", "org:" + k_org + "/users/42", ctx());
    CHECK(both.outcome == Outcome::deny);
    REQUIRE(both.decided_by.has_value());
    CHECK(both.decided_by->policy_id == "d");
    CHECK(both.evaluated.size() == 3);
    // A deny whose condition fails does not deny.
    CHECK(decide({make("a", Effect::allow), make("d", Effect::deny, {{"mfa", false}})}, ctx("10.1.2.3", k_monday_10_utc, {"pwd", "otp"})) ==
          Outcome::allow);
    // The first matching allow decides when nothing denies.
    auto allow = evaluate({make("x", Effect::allow, {}, {"users:write"}), make("a1", Effect::allow), make("a2", Effect::allow)},
                          alice(), "users:read", "r", ctx());
    REQUIRE(allow.decided_by.has_value());
    CHECK(allow.decided_by->policy_id == "a1");
    CHECK(allow.evaluated[0].result == "action_not_matched");
}

TEST_CASE("actions, resources, subjects, scope and disabled policies", "[policies]") {
    CHECK(decide({make("a", Effect::allow, {}, {"users:*"})}) == Outcome::allow);
    CHECK(decide({make("a", Effect::allow, {}, {"members:*"})}) == Outcome::not_applicable);
    CHECK(decide({make("a", Effect::allow, {}, {"*"}, {"org:" + k_org + "/users/*"})}) == Outcome::allow);
    CHECK(decide({make("a", Effect::allow, {}, {"*"}, {"org:" + k_org + "/roles/*"})}) == Outcome::not_applicable);

    auto p = make("a", Effect::allow);
    p.subjects = {{"user", "u-bob", ""}};
    CHECK(decide({p}) == Outcome::not_applicable);
    p.subjects = {{"user", "u-alice", ""}};
    CHECK(decide({p}) == Outcome::allow);
    p.subjects = {{"role", "r-admin", "admin"}};
    CHECK(decide({p}) == Outcome::allow);
    p.subjects = {{"role", "r-viewer", "viewer"}};
    CHECK(decide({p}) == Outcome::not_applicable);
    Subject anonymous;  // no user: only "everyone" policies apply
    p.subjects = {{"user", "", ""}};
    CHECK(decide({p}, ctx(), anonymous) == Outcome::not_applicable);

    auto scoped = make("s", Effect::deny);
    scoped.organization_id = k_other_org;
    auto e = evaluate({scoped}, alice(), "users:read", "org:" + k_org + "/users/42", ctx());
    CHECK(e.outcome == Outcome::not_applicable);
    CHECK(e.evaluated[0].result == "out_of_scope");
    CHECK(decide({scoped}, ctx(), alice(), "users:read", "org:" + k_other_org + "/users/1") == Outcome::deny);
    CHECK(decide({scoped}, ctx(), alice(), "users:read", "users/1") == Outcome::not_applicable);

    auto off = make("off", Effect::deny);
    off.enabled = false;
    CHECK(decide({off}) == Outcome::not_applicable);
}

TEST_CASE("IP ranges: IPv4, IPv6, mapped addresses and strict parsing", "[policies]") {
    CHECK(in_range("10.0.0.0/8", "10.255.255.255"));
    CHECK_FALSE(in_range("10.0.0.0/8", "11.0.0.0"));
    CHECK(in_range("0.0.0.0/0", "203.0.113.9"));
    CHECK(in_range("192.0.2.7", "192.0.2.7"));  // a bare address is /32
    CHECK_FALSE(in_range("192.0.2.7", "192.0.2.8"));
    CHECK(in_range("192.0.2.0/25", "192.0.2.127"));
    CHECK_FALSE(in_range("192.0.2.0/25", "192.0.2.128"));
    CHECK(in_range("172.16.0.0/12", "172.31.255.1"));
    CHECK_FALSE(in_range("172.16.0.0/12", "172.32.0.1"));
    CHECK(in_range("2001:db8::/32", "2001:db8:ffff::1"));
    CHECK_FALSE(in_range("2001:db8::/32", "2001:db9::1"));
    CHECK(in_range("::/0", "::1"));
    CHECK(in_range("2001:db8::/127", "2001:db8::1"));
    CHECK_FALSE(in_range("2001:db8::/128", "2001:db8::1"));
    CHECK(in_range("10.0.0.0/8", "::ffff:10.1.2.3"));  // IPv4-mapped IPv6 is the IPv4 address
    CHECK_FALSE(in_range("10.0.0.0/8", "2001:db8::a00:1"));
    CHECK_FALSE(in_range("::/0", "10.0.0.1"));  // families do not mix

    CHECK(range_error("10.0.0.1/8").find("host bits") != std::string::npos);
    CHECK(range_error("10.0.0.0/33").find("at most 32") != std::string::npos);
    CHECK(range_error("2001:db8::/129").find("at most 128") != std::string::npos);
    CHECK(range_error("10.0.0.0/").find("prefix") != std::string::npos);
    CHECK(range_error("10.0.0.0/08").find("prefix") != std::string::npos);
    CHECK(range_error("10.0.0.0/-1").find("prefix") != std::string::npos);
    CHECK(range_error("10.0.0/8").find("not an IPv4") != std::string::npos);
    CHECK(range_error("010.0.0.0/8").find("not an IPv4") != std::string::npos);
    CHECK(range_error("256.0.0.0/8").find("not an IPv4") != std::string::npos);
    CHECK(range_error("::ffff:10.0.0.0/104").find("dotted") != std::string::npos);
    CHECK(range_error("example.com/8").find("not an IPv4") != std::string::npos);

    CHECK(condition_holds({{"ip_ranges", {"10.0.0.0/8", "2001:db8::/32"}}}));
    CHECK_FALSE(condition_holds({{"ip_ranges", {"192.168.0.0/16"}}}));
    CHECK(condition_holds({{"ip_ranges", {"2001:db8::/32"}}}, ctx("2001:db8::5")));
    Context no_ip = ctx();
    no_ip.ip.reset();
    CHECK_FALSE(condition_holds({{"ip_ranges", {"0.0.0.0/0"}}}, no_ip));
}

TEST_CASE("time windows: days, hours, offsets and windows over midnight", "[policies]") {
    const json office = {{"days", {"mon", "tue", "wed", "thu", "fri"}}, {"start", "09:00"}, {"end", "17:00"}};
    CHECK(condition_holds({{"time_window", office}}, ctx("10.1.2.3", k_monday_10_utc)));
    CHECK_FALSE(condition_holds({{"time_window", office}}, ctx("10.1.2.3", k_sunday_2330_utc)));
    // 10:00 UTC is 19:00 at +09:00: after office hours there.
    json tokyo = office;
    tokyo["utc_offset"] = "+09:00";
    CHECK_FALSE(condition_holds({{"time_window", tokyo}}, ctx("10.1.2.3", k_monday_10_utc)));
    // Sunday 23:30 UTC is Monday 09:30 at +10:00.
    json sydney = office;
    sydney["utc_offset"] = "+10:00";
    CHECK(condition_holds({{"time_window", sydney}}, ctx("10.1.2.3", k_sunday_2330_utc)));
    // 10:00 UTC at -05:30 is 04:30.
    json early = {{"start", "04:30"}, {"end", "04:31"}, {"utc_offset", "-05:30"}};
    CHECK(condition_holds({{"time_window", early}}, ctx("10.1.2.3", k_monday_10_utc)));
    // The end is exclusive, the start inclusive.
    CHECK(condition_holds({{"time_window", {{"start", "10:00"}, {"end", "11:00"}}}}));
    CHECK_FALSE(condition_holds({{"time_window", {{"start", "09:00"}, {"end", "10:00"}}}}));
    CHECK(condition_holds({{"time_window", {{"start", "00:00"}, {"end", "24:00"}}}}));
    // Over midnight: Friday 22:00 to Saturday 06:00 covers Saturday 02:00, but not for a Saturday-only window.
    const json night = {{"days", {"fri"}}, {"start", "22:00"}, {"end", "06:00"}};
    CHECK(condition_holds({{"time_window", night}}, ctx("10.1.2.3", k_saturday_0200_utc)));
    CHECK_FALSE(condition_holds({{"time_window", {{"days", {"sat"}}, {"start", "22:00"}, {"end", "06:00"}}}},
                                ctx("10.1.2.3", k_saturday_0200_utc)));
    CHECK(condition_holds({{"time_window", {{"days", {"sun"}}, {"start", "23:00"}, {"end", "01:00"}}}},
                          ctx("10.1.2.3", k_sunday_2330_utc)));
}

TEST_CASE("MFA, subject and resource attribute conditions, and not", "[policies]") {
    CHECK(condition_holds({{"mfa", true}}, ctx("10.1.2.3", k_monday_10_utc, {"pwd", "otp"})));
    CHECK(condition_holds({{"mfa", true}}, ctx("10.1.2.3", k_monday_10_utc, {"hwk"})));
    CHECK_FALSE(condition_holds({{"mfa", true}}, ctx("10.1.2.3", k_monday_10_utc, {"pwd"})));
    CHECK(condition_holds({{"mfa", false}}, ctx("10.1.2.3", k_monday_10_utc, {"pwd"})));

    CHECK(condition_holds({{"subject", {{"email_domains", {"example.com"}}}}}));  // case-insensitive
    CHECK(condition_holds({{"subject", {{"email_domains", {"@EXAMPLE.com"}}}}}));
    CHECK_FALSE(condition_holds({{"subject", {{"email_domains", {"example.org"}}}}}));
    CHECK(condition_holds({{"subject", {{"is_platform_admin", false}}}}));
    CHECK_FALSE(condition_holds({{"subject", {{"is_platform_admin", true}}}}));
    CHECK(condition_holds({{"subject", {{"roles", {"owner", "admin"}}}}}));
    CHECK_FALSE(condition_holds({{"subject", {{"roles", {"viewer"}}}}}));

    Context c = ctx();
    c.resource_attributes = {{"classification", "public"}, {"owner_id", "u-alice"}, {"level", 3}};
    CHECK(condition_holds({{"resource", {{"classification", {"public", "internal"}}}}}, c));
    CHECK(condition_holds({{"resource", {{"level", 3}, {"owner_id", "u-alice"}}}}, c));
    CHECK_FALSE(condition_holds({{"resource", {{"level", "3"}}}}, c));  // types are compared too
    CHECK_FALSE(condition_holds({{"resource", {{"classification", "secret"}}}}, c));
    CHECK_FALSE(condition_holds({{"resource", {{"missing", "x"}}}}, c));

    // AND within a policy: one failing condition fails it.
    CHECK_FALSE(condition_holds({{"ip_ranges", {"10.0.0.0/8"}}, {"mfa", true}}));
    // not: deny outside the office network.
    const json outside = {{"not", {{"ip_ranges", {"10.0.0.0/8"}}}}};
    CHECK(decide({make("a", Effect::allow), make("d", Effect::deny, outside)}, ctx("203.0.113.5")) == Outcome::deny);
    CHECK(decide({make("a", Effect::allow), make("d", Effect::deny, outside)}, ctx("10.9.9.9")) == Outcome::allow);

    auto e = evaluate({make("p", Effect::allow, {{"ip_ranges", {"10.0.0.0/8"}}, {"mfa", true}})}, alice(), "users:read",
                      "x", ctx());
    REQUIRE(e.evaluated.size() == 1);
    CHECK(e.evaluated[0].result == "conditions_not_met");
    REQUIRE(e.evaluated[0].conditions.size() == 2);
    CHECK(e.evaluated[0].conditions[0].condition == "ip_ranges");
    CHECK(e.evaluated[0].conditions[0].matched);
    CHECK(e.evaluated[0].conditions[0].detail == "10.1.2.3 is in 10.0.0.0/8");
    CHECK(e.evaluated[0].conditions[1].condition == "mfa");
    CHECK_FALSE(e.evaluated[0].conditions[1].matched);
    const json out = to_json(e);
    CHECK(out["decision"] == "not_applicable");
    CHECK(out["decided_by"].is_null());
    CHECK(out["evaluated"][0]["conditions"][1]["matched"] == false);
}

TEST_CASE("policy documents are validated strictly, naming the field", "[policies]") {
    const json good = {{"name", "office only"},
                       {"effect", "deny"},
                       {"actions", {"users:*"}},
                       {"resources", {"*"}},
                       {"subjects", {{{"type", "everyone"}}}},
                       {"conditions", {{"not", {{"ip_ranges", {"10.0.0.0/8"}}}}}}};
    CHECK(parse_document(good, false).ok());
    auto field_of = [](json doc, bool partial = false) {
        auto r = parse_document(doc, partial);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == janua::ErrorCode::validation);
        return r.error().details[0]["field"].get<std::string>();
    };
    auto with = [&](const std::string& key, json value) {
        json d = good;
        d[key] = std::move(value);
        return d;
    };
    CHECK(field_of(with("conditions", {{"ip_range", {"10.0.0.0/8"}}})) == "conditions.ip_range");
    CHECK(field_of(with("conditions", {{"ip_ranges", {"10.0.0.0/8", "10.0.0.1/8"}}})) == "conditions.ip_ranges[1]");
    CHECK(field_of(with("conditions", {{"time_window", {{"start", "25:00"}, {"end", "10:00"}}}})) ==
          "conditions.time_window.start");
    CHECK(field_of(with("conditions", {{"time_window", {{"start", "09:00"}}}})) == "conditions.time_window.end");
    CHECK(field_of(with("conditions", {{"time_window", {{"start", "09:00"}, {"end", "09:00"}}}})) ==
          "conditions.time_window");
    CHECK(field_of(with("conditions", {{"time_window", {{"start", "09:00"}, {"end", "10:00"}, {"utc_offset", "+15:00"}}}})) ==
          "conditions.time_window.utc_offset");
    CHECK(field_of(with("conditions", {{"time_window", {{"days", {"funday"}}, {"start", "09:00"}, {"end", "10:00"}}}})) ==
          "conditions.time_window.days[0]");
    CHECK(field_of(with("conditions", {{"mfa", "yes"}})) == "conditions.mfa");
    CHECK(field_of(with("conditions", {{"subject", {{"department", "x"}}}})) == "conditions.subject.department");
    CHECK(field_of(with("conditions", {{"not", {{"not", {{"not", {{"not", {{"not", {{"mfa", true}}}}}}}}}}}})) ==
          "conditions.not.not.not.not.not");
    CHECK(field_of(with("conditions", {{"resource", {{"tags", json::object()}}}})) == "conditions.resource.tags");
    CHECK(field_of(with("effect", "permit")) == "effect");
    CHECK(field_of(with("actions", {"users"})) == "actions[0]");
    CHECK(field_of(with("actions", json::array())) == "actions");
    CHECK(field_of(with("resources", {"has space"})) == "resources[0]");
    CHECK(field_of(with("subjects", {{{"type", "group"}, {"id", "x"}}})) == "subjects[0].type");
    CHECK(field_of(with("subjects", {{{"type", "role"}}})) == "subjects[0]");
    CHECK(field_of(with("priority", 1)) == "priority");
    json missing = good;
    missing.erase("effect");
    CHECK(field_of(missing) == "effect");
    CHECK(parse_document({{"enabled", false}}, true).ok());  // a PATCH may give one member
}
