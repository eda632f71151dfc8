#pragma once
// `janua apply`: compare a file with what exists (through a Target) and list the changes, like
// `terraform plan`; then make them. Everything that can be checked is checked while planning,
// before the first write: the file, the secrets it names, the users it adds, the roles it
// assigns, each client's settings. Changes are then made one by one, each in its own
// transaction (organizations, roles, clients, webhooks and tokens belong to different
// services); if one fails, apply stops there and says what was done, and running it again
// finishes the job, because it only ever makes the changes still missing.

#include "core/provisioning/document.hpp"
#include "core/provisioning/target.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::provisioning {

enum class Action { create, update, remove };
const char* action_name(Action action);  // create | update | delete

struct FieldChange {
    std::string field;
    json before;  // null when created
    json after;
};

struct Change {
    Action action = Action::create;
    std::string kind;  // organization | role | member | client | webhook | scim_token | saml_connection | identity_provider
    std::string organization;  // slug; empty for clients
    std::string org_id;        // the organization's id; empty while it is still to be created
    std::string name;          // what identifies it: slug, role name, email, client_id, url, token name
    std::vector<FieldChange> fields;
    Where where;  // where the file declares it (none for deletions)

    // What apply sends (never shown: it may carry a secret).
    json body = nullptr;
    std::string target_id;  // id of the existing object (webhook, token, member user id)
    std::optional<std::string> save_secret_to;
    std::optional<std::string> secret;       // a client's new secret (from secret_from)
    std::optional<int> grace_seconds;        // how long its old secret keeps working (none: server default)

    // "role acme/auditor"
    std::string label() const;
};

struct PlanOptions {
    bool prune = false;  // also delete what the file no longer names (within what it manages)
};

struct Plan {
    std::vector<Change> changes;
    // Objects that exist, are of a kind the file manages, and are not named in it: kept
    // without --prune (the count is shown so that nobody is surprised).
    int unmanaged = 0;

    int count(Action action) const;
    bool has_deletions() const { return count(Action::remove) > 0; }
    json to_json() const;  // {changes:[{action, kind, organization, name, fields}], summary, unmanaged}
};

Result<Plan> compute_plan(const Document& doc, Target& target, const PlanOptions& options);

// Make the changes in order; `done` is told after each one. On a failure, the error says which
// change failed and how many were made before it.
using Progress = std::function<void(const Change&)>;
Status apply_plan(const Plan& plan, Target& target, const Progress& done);

// Write a secret to a new file readable by its owner only (0600).
Status save_secret(const std::string& path, const std::string& secret);

}  // namespace janua::provisioning
