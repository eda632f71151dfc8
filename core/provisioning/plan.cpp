#include "core/provisioning/plan.hpp"

#include "core/oidc/client.hpp"
#include "core/oidc/client_rules.hpp"
#include "core/federation/provider.hpp"
#include "core/saml/connection.hpp"
#include "core/saml/metadata.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace janua::provisioning {
namespace {

const std::set<std::string> k_builtin_roles = {"owner", "admin", "member", "viewer"};

// Collects the problems found while planning, as load_document does for the file.
struct Problems {
    std::vector<std::pair<Where, std::string>> items;
    void add(const Where& where, const std::string& message) { items.push_back({where, message}); }
    // A problem the server's rules found (details [{field, message}]), at the object's place.
    void add_rule_error(const Where& where, const Error& e) {
        if (e.details.is_array() && !e.details.empty()) {
            for (const auto& d : e.details)
                add(Where{where.file, where.line, where.field + "." + d.value("field", "")}, d.value("message", e.message));
        } else {
            add(where, e.message);
        }
    }
    Error error() const { return problems_error(items); }
};

Where child(const Where& where, const std::string& member) { return Where{where.file, where.line, where.field + "." + member}; }

bool string_array(const json& v) {
    return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); });
}

// Lists of names compare as sets (order carries no meaning in any of them).
bool same(const json& a, const json& b) {
    if (string_array(a) && string_array(b)) {
        auto x = a.get<std::vector<std::string>>(), y = b.get<std::vector<std::string>>();
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        x.erase(std::unique(x.begin(), x.end()), x.end());
        y.erase(std::unique(y.begin(), y.end()), y.end());
        return x == y;
    }
    return a == b;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

const json* find_by(const json& list, const std::string& key, const std::string& value, bool fold = false) {
    for (const auto& item : list)
        if (item.contains(key) && item[key].is_string() &&
            (fold ? lower(item[key].get<std::string>()) == value : item[key].get<std::string>() == value))
            return &item;
    return nullptr;
}

std::string text_of(const json& object, const char* key) {
    return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : std::string();
}

// A secret destination must be writable before anything is created.
void check_secret_path(Problems& problems, const Where& where, const std::optional<std::string>& path) {
    if (!path) return;
    auto dir = std::filesystem::path(*path).parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        problems.add(child(where, "save_secret_to"), "directory '" + dir.string() + "' does not exist");
    else if (::access(dir.c_str(), W_OK) != 0)
        problems.add(child(where, "save_secret_to"), "directory '" + dir.string() + "' is not writable");
}

class Planner {
public:
    Planner(Target& target, const PlanOptions& options) : m_target(target), m_options(options) {}

    Result<Plan> run(const Document& doc) {
        for (const auto& org : doc.organizations)
            if (auto failed = organization(org)) return *failed;
        if (doc.clients)
            for (const auto& client : *doc.clients)
                if (auto failed = oauth_client(client)) return *failed;
        if (!m_problems.items.empty()) return m_problems.error();
        return m_plan;
    }

private:
    Change& add(Action action, std::string kind, const std::string& org_slug, const std::string& org_id, std::string name,
                const Where& where) {
        Change c;
        c.action = action;
        c.kind = std::move(kind);
        c.organization = org_slug;
        c.org_id = org_id;
        c.name = std::move(name);
        c.where = where;
        m_plan.changes.push_back(std::move(c));
        return m_plan.changes.back();
    }

    std::optional<Error> organization(const DesiredOrganization& org) {
        auto found = m_target.find_organization(org.slug);
        if (!found) return found.error();
        std::string org_id;
        std::string owner_id;
        json new_org_owner = nullptr;
        if (!*found) {
            json body = {{"slug", org.slug}};
            auto& c = add(Action::create, "organization", org.slug, "", org.slug, org.where);
            if (!org.name) m_problems.add(child(org.where, "name"), "is required to create organization '" + org.slug + "'");
            else body["name"] = *org.name, c.fields.push_back({"name", nullptr, *org.name});
            if (!org.owner) {
                m_problems.add(child(org.where, "owner"),
                               "is required to create organization '" + org.slug + "' (a user id or email)");
            } else {
                auto user = m_target.find_user(*org.owner);
                if (!user) return user.error();
                if (!*user)
                    m_problems.add(child(org.where, "owner"),
                                   "no user '" + *org.owner + "'; create the user first (janua user create)");
                else  // the owner becomes the first member, with the owner role
                    new_org_owner = {{"user_id", text_of(**user, "id")}, {"email", text_of(**user, "email")}, {"role", "owner"}};
                body["owner"] = *org.owner;
                c.fields.push_back({"owner", nullptr, *org.owner});
            }
            if (org.settings) body["settings"] = *org.settings, c.fields.push_back({"settings", nullptr, *org.settings});
            if (org.metadata) body["metadata"] = *org.metadata, c.fields.push_back({"metadata", nullptr, *org.metadata});
            c.body = body;
        } else {
            const json& current = **found;
            org_id = text_of(current, "id");
            owner_id = text_of(current, "owner_id");
            json patch = json::object();
            std::vector<FieldChange> fields;
            auto compare = [&](const char* key, const std::optional<json>& wanted) {
                if (!wanted) return;
                const json before = current.value(key, json());
                if (!same(before, *wanted)) patch[key] = *wanted, fields.push_back({key, before, *wanted});
            };
            compare("name", org.name ? std::optional<json>(*org.name) : std::nullopt);
            compare("settings", org.settings);
            compare("metadata", org.metadata);
            if (!patch.empty()) {
                auto& c = add(Action::update, "organization", org.slug, org_id, org.slug, org.where);
                c.fields = std::move(fields);
                c.body = patch;
            }
        }
        json roles = json::array(), members = json::array(), hooks = json::array(), tokens = json::array();
        if (!org_id.empty()) {
            if (org.roles || org.members || org.sso) {
                auto got = m_target.roles(org_id);
                if (!got) return got.error();
                roles = *got;
            }
            if (org.members) {
                auto got = m_target.members(org_id);
                if (!got) return got.error();
                members = *got;
            }
            if (org.webhooks) {
                auto got = m_target.webhooks(org_id);
                if (!got) return got.error();
                hooks = *got;
            }
            if (org.scim_tokens) {
                auto got = m_target.scim_tokens(org_id);
                if (!got) return got.error();
                tokens = *got;
            }
        }
        if (!new_org_owner.is_null()) {
            members.push_back(new_org_owner);
            owner_id = text_of(new_org_owner, "user_id");
        }
        if (auto failed = plan_roles_and_members(org, org_id, owner_id, roles, members)) return failed;
        if (org.webhooks) plan_webhooks(org, org_id, *org.webhooks, hooks);
        if (org.scim_tokens) plan_scim_tokens(org, org_id, *org.scim_tokens, tokens);
        if (org.sso)
            if (auto failed = plan_sso(org, org_id, *org.sso)) return failed;
        return std::nullopt;
    }

    std::optional<Error> plan_roles_and_members(const DesiredOrganization& org, const std::string& org_id,
                                                const std::string& owner_id, const json& roles, const json& members) {
        std::set<std::string> builtin = k_builtin_roles;
        std::set<std::string> custom;  // custom roles that exist
        for (const auto& r : roles) {
            if (r.value("is_system", false)) builtin.insert(text_of(r, "name"));
            else custom.insert(text_of(r, "name"));
        }
        std::set<std::string> wanted_roles;
        if (org.roles)
            for (const auto& r : *org.roles) wanted_roles.insert(r.name);
        // Roles that will be deleted (only with --prune, only when the file lists roles).
        std::set<std::string> doomed;
        if (org.roles)
            for (const auto& name : custom)
                if (!wanted_roles.count(name)) {
                    if (m_options.prune) doomed.insert(name);
                    else ++m_plan.unmanaged;
                }

        m_roles_after = builtin;
        m_roles_after.insert(custom.begin(), custom.end());
        m_roles_after.insert(wanted_roles.begin(), wanted_roles.end());
        for (const auto& name : doomed) m_roles_after.erase(name);

        std::vector<Change> role_deletes;
        if (org.roles) {
            for (const auto& r : *org.roles) {
                if (builtin.count(r.name)) {
                    m_problems.add(child(r.where, "name"), "'" + r.name + "' is a built-in role; built-in roles cannot be changed");
                    continue;
                }
                const json* current = find_by(roles, "name", r.name);
                if (!current) {
                    if (!r.permissions) {
                        m_problems.add(child(r.where, "permissions"), "is required to create role '" + r.name + "'");
                        continue;
                    }
                    auto& c = add(Action::create, "role", org.slug, org_id, r.name, r.where);
                    c.body = {{"name", r.name}, {"permissions", *r.permissions}};
                    c.fields.push_back({"permissions", nullptr, *r.permissions});
                    if (r.description) {
                        c.body["description"] = *r.description;
                        c.fields.push_back({"description", nullptr, *r.description});
                    }
                    continue;
                }
                json patch = json::object();
                std::vector<FieldChange> fields;
                if (r.permissions && !same((*current)["permissions"], *r.permissions)) {
                    patch["permissions"] = *r.permissions;
                    fields.push_back({"permissions", (*current)["permissions"], *r.permissions});
                }
                if (r.description && current->value("description", json()) != json(*r.description)) {
                    patch["description"] = *r.description;
                    fields.push_back({"description", current->value("description", json()), *r.description});
                }
                if (!patch.empty()) {
                    auto& c = add(Action::update, "role", org.slug, org_id, r.name, r.where);
                    c.body = patch;
                    c.fields = std::move(fields);
                }
            }
            for (const auto& name : doomed) {
                Change c;
                c.action = Action::remove;
                c.kind = "role";
                c.organization = org.slug;
                c.org_id = org_id;
                c.name = name;
                role_deletes.push_back(std::move(c));
            }
        }

        // Who will hold which role once the file is applied: a role about to be deleted must
        // not be assigned, nor still be held by anyone.
        std::map<std::string, std::string> holder_role;  // user id or email -> role
        for (const auto& m : members) holder_role[lower(text_of(m, "email"))] = text_of(m, "role");
        if (org.members) {
            std::set<std::string> named;
            for (const auto& m : *org.members) {
                named.insert(m.email);
                if (!builtin.count(m.role) && !wanted_roles.count(m.role) && !custom.count(m.role))
                    m_problems.add(child(m.where, "role"), "no role '" + m.role + "' in organization '" + org.slug +
                                                               "'; define it under roles: or use a built-in role");
                if (doomed.count(m.role))
                    m_problems.add(child(m.where, "role"), "role '" + m.role + "' is not in the file, so --prune would delete it");
                const json* current = find_by(members, "email", m.email, true);
                if (!current) {
                    auto user = m_target.find_user(m.email);
                    if (!user) return user.error();
                    if (!*user) {
                        m_problems.add(child(m.where, "email"),
                                       "no user '" + m.email + "'; create the user first (janua user create) or invite them (janua org invite)");
                        continue;
                    }
                    auto& c = add(Action::create, "member", org.slug, org_id, m.email, m.where);
                    c.body = {{"role", m.role}};
                    c.target_id = m.email;
                    c.fields.push_back({"role", nullptr, m.role});
                } else if (text_of(*current, "role") != m.role) {
                    auto& c = add(Action::update, "member", org.slug, org_id, m.email, m.where);
                    c.body = {{"role", m.role}};
                    c.target_id = text_of(*current, "user_id");
                    c.fields.push_back({"role", text_of(*current, "role"), m.role});
                }
                holder_role[m.email] = m.role;
            }
            for (const auto& m : members) {
                const auto email = lower(text_of(m, "email"));
                if (named.count(email)) continue;
                // The owner is never pruned: an organization always keeps its owner.
                if (!owner_id.empty() && text_of(m, "user_id") == owner_id) continue;
                if (!m_options.prune) {
                    ++m_plan.unmanaged;
                    continue;
                }
                auto& c = add(Action::remove, "member", org.slug, org_id, email, Where{});
                c.target_id = text_of(m, "user_id");
                c.fields.push_back({"role", text_of(m, "role"), nullptr});
                holder_role.erase(email);
            }
        }
        for (auto& c : role_deletes) {
            int holders = 0;
            for (const auto& [who, role] : holder_role) holders += role == c.name ? 1 : 0;
            if (holders > 0) {
                m_problems.add(Where{org.where.file, org.where.line, org.where.field + ".roles"},
                               "--prune would delete role '" + c.name + "', but " + std::to_string(holders) +
                                   " member(s) hold it; give them another role in members: first");
                continue;
            }
            const json* current = find_by(roles, "name", c.name);
            if (current) c.fields.push_back({"permissions", (*current)["permissions"], nullptr});
            m_plan.changes.push_back(std::move(c));
        }
        return std::nullopt;
    }

    void plan_webhooks(const DesiredOrganization& org, const std::string& org_id, const std::vector<DesiredWebhook>& wanted,
                       const json& current_list) {
        std::set<std::string> named;
        for (const auto& h : wanted) {
            named.insert(h.url);
            const json* current = find_by(current_list, "url", h.url);
            if (!current) {
                if (!h.event_types) {
                    m_problems.add(child(h.where, "event_types"), "is required to create webhook '" + h.url + "'");
                    continue;
                }
                check_secret_path(m_problems, h.where, h.save_secret_to);
                auto& c = add(Action::create, "webhook", org.slug, org_id, h.url, h.where);
                c.body = {{"url", h.url}, {"event_types", *h.event_types}};
                c.fields.push_back({"event_types", nullptr, *h.event_types});
                if (h.description) {
                    c.body["description"] = *h.description ? json(**h.description) : json(nullptr);
                    c.fields.push_back({"description", nullptr, c.body["description"]});
                }
                if (h.enabled) {
                    c.body["enabled"] = *h.enabled;
                    c.fields.push_back({"enabled", nullptr, *h.enabled});
                }
                c.save_secret_to = h.save_secret_to;
                continue;
            }
            json patch = json::object();
            std::vector<FieldChange> fields;
            auto compare = [&](const char* key, const json& after) {
                const json before = current->value(key, json());
                if (!same(before, after)) patch[key] = after, fields.push_back({key, before, after});
            };
            if (h.event_types) compare("event_types", *h.event_types);
            if (h.description) compare("description", *h.description ? json(**h.description) : json(nullptr));
            if (h.enabled) compare("enabled", *h.enabled);
            if (!patch.empty()) {
                auto& c = add(Action::update, "webhook", org.slug, org_id, h.url, h.where);
                c.target_id = text_of(*current, "id");
                c.body = patch;
                c.fields = std::move(fields);
            }
        }
        for (const auto& h : current_list) {
            if (named.count(text_of(h, "url"))) continue;
            if (!m_options.prune) {
                ++m_plan.unmanaged;
                continue;
            }
            auto& c = add(Action::remove, "webhook", org.slug, org_id, text_of(h, "url"), Where{});
            c.target_id = text_of(h, "id");
            c.fields.push_back({"event_types", h.value("event_types", json()), nullptr});
        }
    }

    void plan_scim_tokens(const DesiredOrganization& org, const std::string& org_id,
                          const std::vector<DesiredScimToken>& wanted, const json& current_list) {
        json active = json::array();
        for (const auto& t : current_list)
            if (text_of(t, "status") != "revoked" && t.value("revoked_at", json()).is_null()) active.push_back(t);
        std::set<std::string> named;
        for (const auto& t : wanted) {
            named.insert(t.name);
            if (find_by(active, "name", t.name)) continue;  // a token has no settings to update
            check_secret_path(m_problems, t.where, t.save_secret_to);
            auto& c = add(Action::create, "scim_token", org.slug, org_id, t.name, t.where);
            c.save_secret_to = t.save_secret_to;
        }
        for (const auto& t : active) {
            if (named.count(text_of(t, "name"))) continue;
            if (!m_options.prune) {
                ++m_plan.unmanaged;
                continue;
            }
            auto& c = add(Action::remove, "scim_token", org.slug, org_id, text_of(t, "name"), Where{});
            c.target_id = text_of(t, "id");
            c.fields.push_back({"prefix", t.value("prefix", json()), nullptr});
        }
    }

    // Check a client's complete settings with the same rules the server applies.
    void check_client(const DesiredClient& client, const json& body) {
        auto spec = oidc::client_spec_from_json(body);
        Result<oidc::ClientSpec> checked = spec ? oidc::validate_client_spec(*spec) : Result<oidc::ClientSpec>(spec.error());
        if (!checked) m_problems.add_rule_error(client.where, checked.error());
    }

    std::optional<Error> oauth_client(const DesiredClient& client) {
        auto found = m_target.find_client(client.client_id);
        if (!found) return found.error();
        if (!*found) {
            json body = client.settings;
            body["client_id"] = client.client_id;
            check_client(client, body);
            auto spec = oidc::client_spec_from_json(body);
            if (spec) {
                auto checked = oidc::validate_client_spec(*spec);
                if (checked && !checked->is_public &&
                    (checked->token_endpoint_auth_method == oidc::k_auth_client_secret_basic ||
                     checked->token_endpoint_auth_method == oidc::k_auth_client_secret_post) &&
                    !client.secret)
                    m_problems.add(child(client.where, "secret_from"),
                                   "a new confidential client needs its secret from {env: VARIABLE} or {file: PATH} "
                                   "(apply never prints secrets)");
            }
            auto& c = add(Action::create, "client", "", "", client.client_id, client.where);
            for (const auto& [key, value] : client.settings.items()) c.fields.push_back({key, nullptr, value});
            if (client.secret) {
                body["client_secret"] = *client.secret;
                c.fields.push_back({"client_secret", nullptr, "(from secret_from)"});
            }
            c.body = body;
            return std::nullopt;
        }
        const json& current = **found;
        json patch = json::object();
        std::vector<FieldChange> fields;
        for (const auto& [key, value] : client.settings.items()) {
            const json before = current.value(key, json());
            if (same(before, value)) continue;
            if (key == "is_public") {
                m_problems.add(child(client.where, key), "cannot change on an existing client; register a new client_id instead");
                continue;
            }
            patch[key] = value;
            fields.push_back({key, before, value});
        }
        // The settings the client will have, checked as a whole before anything is written.
        json merged = json::object();
        for (const auto& key : client_setting_names())
            if (current.contains(key) && !current[key].is_null()) merged[key] = current[key];
        for (const auto& [key, value] : patch.items()) merged[key] = value;
        merged["client_id"] = client.client_id;
        if (!patch.empty()) check_client(client, merged);

        // The declared secret is the client's secret: when the server's current one is another,
        // apply sets it (the server only answers whether they match; nothing is read back).
        std::optional<std::string> new_secret;
        if (client.secret) {
            const auto method = text_of(merged, "token_endpoint_auth_method");
            const bool uses_secret = !merged.value("is_public", false) &&
                                     (method == oidc::k_auth_client_secret_basic || method == oidc::k_auth_client_secret_post);
            if (!uses_secret) {
                m_problems.add(child(client.where, "secret_from"),
                               "client '" + client.client_id + "' authenticates with " + (method.empty() ? "none" : method) +
                                   ", not a secret; remove secret_from");
            } else {
                auto matches = m_target.client_secret_matches(client.client_id, *client.secret);
                if (!matches) return matches.error();
                if (!*matches) {
                    new_secret = client.secret;
                    const std::string grace =
                        client.secret_grace_seconds
                            ? (*client.secret_grace_seconds == 0 ? "the old secret stops working at once"
                                                                  : "the old secret keeps working " +
                                                                        std::to_string(*client.secret_grace_seconds) + " s")
                            : "the old secret keeps working for the server's grace period (24 h unless changed)";
                    fields.push_back({"client_secret", "(another secret)", "(from secret_from; " + grace + ")"});
                }
            }
        }
        if (patch.empty() && !new_secret) return std::nullopt;
        auto& c = add(Action::update, "client", "", "", client.client_id, client.where);
        c.body = patch;
        c.fields = std::move(fields);
        c.secret = new_secret;
        c.grace_seconds = client.secret_grace_seconds;
        return std::nullopt;
    }

    // The roles an organization will have once the file is applied (built-in, kept and
    // declared custom roles, less those --prune deletes): what SSO settings may assign.
    std::set<std::string> m_roles_after;

    void check_role(const Where& where, const std::string& field, const std::string& role, const std::string& org) {
        if (role.empty() || m_roles_after.count(role)) return;
        m_problems.add(child(where, field), "no role '" + role + "' in organization '" + org +
                                                "' (or --prune deletes it); define it under roles: or use a built-in role");
    }

    std::optional<Error> plan_sso(const DesiredOrganization& org, const std::string& org_id, const DesiredSso& sso) {
        if (sso.saml) {
            std::optional<json> current;
            if (!org_id.empty()) {
                auto got = m_target.saml_connection(org_id);
                if (!got) return got.error();
                current = *got;
            }
            if (*sso.saml) {
                plan_saml(org, org_id, **sso.saml, current);
            } else if (current) {  // `saml: null`: the organization has no SAML connection
                if (!m_options.prune) {
                    ++m_plan.unmanaged;
                } else {
                    auto& c = add(Action::remove, "saml_connection", org.slug, org_id, org.slug, Where{});
                    c.fields.push_back({"idp", idp_summary(*current), nullptr});
                }
            }
        }
        if (sso.identity_providers) {
            json current = json::array();
            if (!org_id.empty()) {
                auto got = m_target.identity_providers(org_id);
                if (!got) return got.error();
                current = *got;
            }
            if (auto failed = plan_identity_providers(org, org_id, *sso.identity_providers, current)) return failed;
        }
        return std::nullopt;
    }

    // What the plan shows of an IdP: its identity and certificate fingerprints (not the PEMs).
    static json idp_summary(const json& connection) {
        const json idp = connection.value("idp", json::object());
        if (connection.value("metadata_url", json()).is_string()) return {{"metadata_url", connection["metadata_url"]}};
        json fingerprints = json::array();
        for (const auto& cert : idp.value("certificates", json::array())) fingerprints.push_back(cert.value("fingerprint_sha256", ""));
        return {{"entity_id", idp.value("entity_id", "")}, {"sso_url", idp.value("sso_url", "")}, {"certificates", fingerprints}};
    }
    static json idp_summary(const DesiredSaml& want) {
        if (want.metadata_url) return {{"metadata_url", *want.metadata_url}};
        if (!want.idp) return nullptr;
        json fingerprints = json::array();
        for (const auto& pem : want.idp->certificates) fingerprints.push_back(saml::certificate_fingerprint(pem));
        return {{"entity_id", want.idp->entity_id}, {"sso_url", want.idp->sso_url}, {"certificates", fingerprints}};
    }

    void plan_saml(const DesiredOrganization& org, const std::string& org_id, const DesiredSaml& want,
                   const std::optional<json>& current) {
        if (want.settings.contains("default_role") && want.settings["default_role"].is_string())
            check_role(want.where, "default_role", want.settings["default_role"], org.slug);
        if (want.settings.contains("group_roles") && want.settings["group_roles"].is_object())
            for (const auto& [group, role] : want.settings["group_roles"].items())
                if (role.is_string()) check_role(want.where, "group_roles." + group, role.get<std::string>(), org.slug);
        if (!want.settings.contains("default_role") && !current) check_role(want.where, "default_role", "member", org.slug);

        json idp_body = json::object();
        if (want.metadata_url) idp_body["metadata_url"] = *want.metadata_url;
        else if (want.metadata_xml) idp_body["metadata_xml"] = *want.metadata_xml;
        else if (want.idp)
            idp_body = {{"idp_entity_id", want.idp->entity_id}, {"idp_sso_url", want.idp->sso_url},
                        {"idp_certificates", want.idp->certificates}};

        if (!current) {
            auto& c = add(Action::create, "saml_connection", org.slug, org_id, org.slug, want.where);
            c.body = want.settings;
            c.body.update(idp_body);
            c.fields.push_back({"idp", nullptr, idp_summary(want)});
            for (const auto& [key, value] : want.settings.items()) c.fields.push_back({key, nullptr, value});
            return;
        }
        json patch = json::object();
        std::vector<FieldChange> fields;
        const json& now = *current;
        const json now_idp = now.value("idp", json::object());
        bool idp_differs = false;
        if (want.metadata_url) {
            idp_differs = now.value("metadata_url", json()) != json(*want.metadata_url);
        } else if (want.idp) {
            std::vector<std::string> certs;
            for (const auto& cert : now_idp.value("certificates", json::array())) {
                auto pem = saml::normalize_certificate(cert.value("pem", ""));
                certs.push_back(pem ? *pem : cert.value("pem", ""));
            }
            auto wanted_certs = want.idp->certificates;
            std::sort(certs.begin(), certs.end());
            std::sort(wanted_certs.begin(), wanted_certs.end());
            const auto now_slo = now_idp.value("slo_url", json()).is_string() ? now_idp["slo_url"].get<std::string>() : "";
            idp_differs = !now.value("metadata_url", json()).is_null() || text_of(now_idp, "entity_id") != want.idp->entity_id ||
                          text_of(now_idp, "sso_url") != want.idp->sso_url || certs != wanted_certs ||
                          (!want.idp_by_hand && !want.settings.contains("idp_slo_url") && now_slo != want.idp->slo_url);
        }
        if (idp_differs) {
            patch.update(idp_body);
            fields.push_back({"idp", idp_summary(now), idp_summary(want)});
        }
        saml::ConnectionSettings before_settings;
        (void)saml::apply_settings(now, before_settings);
        saml::ConnectionSettings after_settings = before_settings;
        (void)saml::apply_settings(want.settings, after_settings);
        const json before = saml::to_json(before_settings), after = saml::to_json(after_settings);
        for (const auto& [key, value] : want.settings.items()) {
            json was, will;
            if (key == "enabled") {
                was = now.value("enabled", json());
                will = value;
            } else if (key == "idp_slo_url") {
                was = now_idp.value("slo_url", json());
                if (was.is_null()) was = "";
                will = value.is_null() ? json("") : value;
            } else {
                was = before.value(key, json());
                will = after.value(key, json());
            }
            if (same(was, will)) continue;
            patch[key] = value;
            fields.push_back({key, was, will});
        }
        if (patch.empty()) return;
        auto& c = add(Action::update, "saml_connection", org.slug, org_id, org.slug, want.where);
        c.body = patch;
        c.fields = std::move(fields);
    }

    // The upstream provider's settings, checked as a whole with the server's rules (URLs for
    // their form only: whether private addresses are allowed is the server's setting).
    void check_identity_provider(const DesiredIdentityProvider& want, const json& body) {
        auto provider = federation::new_provider(std::string("organization"));
        std::optional<std::string> secret;
        if (auto ok = federation::apply_spec(provider, body, true, true, secret); !ok)
            m_problems.add_rule_error(want.where, ok.error());
    }

    std::optional<Error> plan_identity_providers(const DesiredOrganization& org, const std::string& org_id,
                                                 const std::vector<DesiredIdentityProvider>& wanted, const json& current_list) {
        static const std::vector<std::string> settings = {
            "slug",      "display_name", "preset", "issuer",  "authorization_endpoint", "token_endpoint", "userinfo_endpoint",
            "emails_endpoint", "client_id", "scopes", "enabled", "allowed_domains",       "jit_provisioning", "default_role"};
        std::set<std::string> named;
        for (const auto& want : wanted) {
            named.insert(want.slug);
            if (want.settings.contains("default_role") && want.settings["default_role"].is_string())
                check_role(want.where, "default_role", want.settings["default_role"], org.slug);
            const json* current = find_by(current_list, "slug", want.slug);
            if (!current) {
                json body = want.settings;
                body["slug"] = want.slug;
                check_identity_provider(want, body);
                if (!want.settings.contains("default_role")) check_role(want.where, "default_role", "member", org.slug);
                auto& c = add(Action::create, "identity_provider", org.slug, org_id, want.slug, want.where);
                for (const auto& [key, value] : want.settings.items()) c.fields.push_back({key, nullptr, value});
                if (want.secret) {
                    body["client_secret"] = *want.secret;
                    c.fields.push_back({"client_secret", nullptr, "(from secret_from)"});
                }
                c.body = body;
                continue;
            }
            json patch = json::object();
            std::vector<FieldChange> fields;
            for (const auto& [key, value] : want.settings.items()) {
                const json before = current->value(key, json());
                if (same(before, value)) continue;
                if (key == "preset") {
                    m_problems.add(child(want.where, key), "cannot change on an existing provider; delete it (janua idp delete) or use another slug");
                    continue;
                }
                patch[key] = value;
                fields.push_back({key, before, value});
            }
            if (!patch.empty()) {
                json merged = json::object();
                for (const auto& key : settings)
                    if (current->contains(key) && !(*current)[key].is_null()) merged[key] = (*current)[key];
                merged.update(patch);
                check_identity_provider(want, merged);
            }
            if (want.secret) {
                bool set = !current->value("client_secret_set", false);
                if (!set) {
                    auto matches = m_target.identity_provider_secret_matches(org_id, text_of(*current, "id"), *want.secret);
                    if (!matches) return matches.error();
                    set = !*matches;
                }
                if (set) {
                    patch["client_secret"] = *want.secret;
                    fields.push_back({"client_secret", current->value("client_secret_set", false) ? "(another secret)" : "(none)",
                                      "(from secret_from)"});
                }
            }
            if (patch.empty()) continue;
            auto& c = add(Action::update, "identity_provider", org.slug, org_id, want.slug, want.where);
            c.target_id = text_of(*current, "id");
            c.body = patch;
            c.fields = std::move(fields);
        }
        for (const auto& p : current_list) {
            if (named.count(text_of(p, "slug"))) continue;
            if (!m_options.prune) {
                ++m_plan.unmanaged;
                continue;
            }
            auto& c = add(Action::remove, "identity_provider", org.slug, org_id, text_of(p, "slug"), Where{});
            c.target_id = text_of(p, "id");
            c.fields.push_back({"client_id", p.value("client_id", json()), nullptr});
        }
        return std::nullopt;
    }

    Target& m_target;
    PlanOptions m_options;
    Plan m_plan;
    Problems m_problems;
};

}  // namespace

const char* action_name(Action action) {
    switch (action) {
        case Action::create: return "create";
        case Action::update: return "update";
        case Action::remove: return "delete";
    }
    return "?";
}

std::string Change::label() const {
    if (kind == "saml_connection") return "SAML connection " + organization;
    std::string kind_text = kind == "scim_token" ? "SCIM token" : kind == "identity_provider" ? "identity provider" : kind;
    if (kind == "organization" || organization.empty()) return kind_text + " " + name;
    return kind_text + " " + organization + "/" + name;
}

int Plan::count(Action action) const {
    return static_cast<int>(std::count_if(changes.begin(), changes.end(), [&](const Change& c) { return c.action == action; }));
}

json Plan::to_json() const {
    json list = json::array();
    for (const auto& c : changes) {
        json fields = json::array();
        for (const auto& f : c.fields) fields.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
        list.push_back({{"action", action_name(c.action)},
                        {"kind", c.kind},
                        {"organization", c.organization.empty() ? json(nullptr) : json(c.organization)},
                        {"name", c.name},
                        {"fields", fields}});
    }
    return {{"changes", list},
            {"summary", {{"create", count(Action::create)}, {"update", count(Action::update)}, {"delete", count(Action::remove)}}},
            {"unmanaged", unmanaged}};
}

Result<Plan> compute_plan(const Document& doc, Target& target, const PlanOptions& options) {
    return Planner(target, options).run(doc);
}

Status save_secret(const std::string& path, const std::string& secret) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return make_error(ErrorCode::internal, "cannot write the secret to '" + path + "'");
    bool ok = ::fchmod(fd, 0600) == 0;
    const std::string line = secret + "\n";
    std::size_t written = 0;
    while (ok && written < line.size()) {
        auto n = ::write(fd, line.data() + written, line.size() - written);
        if (n <= 0) ok = false;
        else written += static_cast<std::size_t>(n);
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok) return make_error(ErrorCode::internal, "cannot write the secret to '" + path + "'");
    return Ok{};
}

Status apply_plan(const Plan& plan, Target& target, const Progress& done) {
    std::map<std::string, std::string> org_ids;  // slug -> id, for organizations created on the way
    std::size_t index = 0;
    for (const auto& c : plan.changes) {
        ++index;
        std::string org_id = c.org_id.empty() && org_ids.count(c.organization) ? org_ids[c.organization] : c.org_id;
        Result<json> result = json(nullptr);
        auto status_json = [](const Status& s) -> Result<json> {
            if (!s) return s.error();
            return json(nullptr);
        };
        std::string secret;
        if (c.kind == "organization") {
            result = c.action == Action::create ? target.create_organization(c.body) : target.update_organization(c.org_id, c.body);
            if (result && c.action == Action::create) org_ids[c.organization] = text_of(*result, "id");
        } else if (c.kind == "role") {
            if (c.action == Action::create) result = target.create_role(org_id, c.body);
            else if (c.action == Action::update) result = target.update_role(org_id, c.name, c.body);
            else result = status_json(target.delete_role(org_id, c.name));
        } else if (c.kind == "member") {
            if (c.action == Action::create) result = target.add_member(org_id, c.target_id, c.body.value("role", "member"));
            else if (c.action == Action::update) result = target.set_member_role(org_id, c.target_id, c.body.value("role", "member"));
            else result = status_json(target.remove_member(org_id, c.target_id));
        } else if (c.kind == "webhook") {
            if (c.action == Action::create) result = target.create_webhook(org_id, c.body);
            else if (c.action == Action::update) result = target.update_webhook(org_id, c.target_id, c.body);
            else result = status_json(target.delete_webhook(org_id, c.target_id));
            if (result && c.action == Action::create) secret = text_of(*result, "secret");
        } else if (c.kind == "scim_token") {
            if (c.action == Action::create) result = target.create_scim_token(org_id, c.name);
            else result = status_json(target.revoke_scim_token(org_id, c.target_id));
            if (result && c.action == Action::create) secret = text_of(*result, "token");
        } else if (c.kind == "client") {
            if (c.action == Action::create) {
                result = target.create_client(c.body);
            } else {
                if (c.body.is_object() && !c.body.empty()) result = target.update_client(c.name, c.body);
                if (result && c.secret) result = target.rotate_client_secret(c.name, *c.secret, c.grace_seconds);
            }
        } else if (c.kind == "saml_connection") {
            result = c.action == Action::remove ? status_json(target.delete_saml(org_id)) : target.configure_saml(org_id, c.body);
        } else if (c.kind == "identity_provider") {
            if (c.action == Action::create) result = target.create_identity_provider(org_id, c.body);
            else if (c.action == Action::update) result = target.update_identity_provider(org_id, c.target_id, c.body);
            else result = status_json(target.delete_identity_provider(org_id, c.target_id));
        }
        if (!result) {
            Error e = result.error();
            e.message = "could not " + std::string(action_name(c.action)) + " " + c.label() + ": " + e.message + " (" +
                        std::to_string(index - 1) + " of " + std::to_string(plan.changes.size()) +
                        " changes were made before it; fix the cause and run apply again to finish)";
            if (!c.where.file.empty()) e.message = describe(c.where, e.message);
            return e;
        }
        if (c.save_secret_to && !secret.empty()) {
            if (auto saved = save_secret(*c.save_secret_to, secret); !saved) {
                Error e = saved.error();
                e.message += "; " + c.label() + " was created without its secret being saved: rotate it to get a new one";
                return e;
            }
        }
        if (done) done(c);
    }
    return Ok{};
}

}  // namespace janua::provisioning
