#include "core/scim/bulk.hpp"

#include "core/scim/common.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace janua::scim {
namespace {

constexpr const char* k_prefix = "bulkId:";

// Every "bulkId:x" string of a value (x collected).
void collect_refs(const nlohmann::json& value, std::set<std::string>& into) {
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text.rfind(k_prefix, 0) == 0) into.insert(text.substr(std::string(k_prefix).size()));
    } else if (value.is_array() || value.is_object()) {
        for (const auto& item : value) collect_refs(item, into);
    }
}

// Replace every "bulkId:x" string with the id x's POST was given (all are known by then).
void resolve_refs(nlohmann::json& value, const std::map<std::string, std::string>& ids) {
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text.rfind(k_prefix, 0) != 0) return;
        const auto found = ids.find(text.substr(std::string(k_prefix).size()));
        if (found != ids.end()) value = found->second;
    } else if (value.is_array() || value.is_object()) {
        for (auto& item : value) resolve_refs(item, ids);
    }
}

// One operation of the request, read and checked before any runs.
struct Operation {
    std::size_t index = 0;
    std::string method, path, bulk_id, version, type, id;
    nlohmann::json data;
    std::set<std::string> refs;         // bulkIds it refers to (path and data)
    std::optional<Error> invalid;       // fails at its turn without running
};

Operation read_operation(const nlohmann::json& in, std::size_t index) {
    Operation o;
    o.index = index;
    if (!in.is_object()) {
        o.invalid = scim_error(400, "invalidSyntax", "each operation must be an object");
        return o;
    }
    for (const auto& [k, v] : in.items()) {
        const std::string key = lower(k);
        if (key == "method" && v.is_string()) o.method = v.get<std::string>();
        else if (key == "path" && v.is_string()) o.path = v.get<std::string>();
        else if (key == "bulkid" && v.is_string()) o.bulk_id = v.get<std::string>();
        else if (key == "version" && v.is_string()) o.version = v.get<std::string>();
        else if (key == "data") o.data = v;
    }
    std::transform(o.method.begin(), o.method.end(), o.method.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (o.method != "POST" && o.method != "PUT" && o.method != "PATCH" && o.method != "DELETE") {
        o.invalid = scim_error(400, "invalidSyntax", "method must be POST, PUT, PATCH or DELETE");
        return o;
    }
    if (o.method == "POST" && o.bulk_id.empty()) {
        o.invalid = scim_error(400, "invalidSyntax", "a POST operation needs a bulkId");
        return o;
    }
    // Path: /Users, /Groups (POST) or /Users/{id}, /Groups/{id} (the id may be "bulkId:x").
    if (o.path.rfind("/Users", 0) == 0) o.type = "Users";
    else if (o.path.rfind("/Groups", 0) == 0) o.type = "Groups";
    const std::string rest = o.type.empty() ? std::string() : o.path.substr(o.type.size() + 1);
    if (!rest.empty() && rest[0] == '/') o.id = rest.substr(1);
    else if (!rest.empty()) o.type.clear();
    if (o.type.empty() || (o.method == "POST") != o.id.empty()) {
        o.invalid = scim_error(400, "invalidPath", "path must be /Users or /Groups for POST and /Users/{id} or /Groups/{id} otherwise, not '" +
                                                       o.path + "'");
        return o;
    }
    if (o.method != "DELETE" && !o.data.is_object()) {
        o.invalid = scim_error(400, "invalidSyntax", o.method + " needs data (the resource or PatchOp)");
        return o;
    }
    collect_refs(nlohmann::json(o.id), o.refs);
    if (o.method != "DELETE") collect_refs(o.data, o.refs);
    return o;
}

struct Outcome {
    int status = 200;
    std::optional<Resource> resource;
    std::optional<Error> error;
};

Outcome dispatch(UserService& users, GroupService& groups, const TokenPrincipal& who, const std::string& method,
                 const std::string& type, const std::string& id, const nlohmann::json& data, const std::string& version) {
    auto done = [](Result<Resource> r, int status) {
        Outcome o;
        if (!r) o.error = r.error();
        else {
            o.status = status;
            o.resource = *r;
        }
        return o;
    };
    auto gone = [](Status s) {
        Outcome o;
        if (!s) o.error = s.error();
        else o.status = 204;
        return o;
    };
    const bool is_users = type == "Users";
    if (method == "POST") return done(is_users ? users.create(who, data) : groups.create(who, data), 201);
    if (method == "PUT") return done(is_users ? users.replace(who, id, data, version) : groups.replace(who, id, data, version), 200);
    if (method == "PATCH") return done(is_users ? users.patch(who, id, data, version) : groups.patch(who, id, data, version), 200);
    return gone(is_users ? users.remove(who, id, version) : groups.remove(who, id, version));
}

}  // namespace

int scim_status(const Error& error) {
    if (error.details.is_object() && error.details.contains("status") && error.details["status"].is_number_integer())
        return error.details["status"].get<int>();
    switch (error.code) {
    case ErrorCode::validation:  // SCIM reports bad input as 400, not 422
    case ErrorCode::bad_request: return 400;
    case ErrorCode::authentication:
    case ErrorCode::token: return 401;
    case ErrorCode::authorization: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::account_locked: return 423;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
    // SSO failures never come out of SCIM; mapped as the API maps them.
    case ErrorCode::sso_authentication: return 401;
    case ErrorCode::sso_provisioning: return 403;
    case ErrorCode::sso_validation: return 400;
    case ErrorCode::sso_configuration:
    case ErrorCode::sso_metadata:
    case ErrorCode::sso_certificate: return 422;
    }
    return 500;
}

nlohmann::json scim_error_body(const Error& error) {
    const int status = scim_status(error);
    nlohmann::json body = {{"schemas", {k_error_schema}}, {"detail", status == 500 ? "internal error" : error.message},
                           {"status", std::to_string(status)}};
    if (error.details.is_object() && error.details.contains("scimType")) body["scimType"] = error.details["scimType"];
    return body;
}

Result<nlohmann::json> run_bulk(UserService& users, GroupService& groups, const TokenPrincipal& who, const nlohmann::json& body) {
    if (!body.is_object() || !body.contains("schemas") || !body["schemas"].is_array() ||
        std::find(body["schemas"].begin(), body["schemas"].end(), k_bulk_request_schema) == body["schemas"].end())
        return scim_error(400, "invalidSyntax", std::string("schemas must list ") + k_bulk_request_schema);
    const nlohmann::json* ops = nullptr;
    std::optional<long long> fail_on_errors;
    for (const auto& [k, v] : body.items()) {
        const std::string key = lower(k);
        if (key == "operations") ops = &v;
        if (key == "failonerrors" && !v.is_null()) {
            if (!v.is_number_integer() || v.get<long long>() < 1)
                return scim_error(400, "invalidValue", "failOnErrors must be a whole number of at least 1");
            fail_on_errors = v.get<long long>();
        }
    }
    if (!ops || !ops->is_array()) return scim_error(400, "invalidSyntax", "Operations must be an array");
    if (ops->size() > static_cast<std::size_t>(k_bulk_max_operations))
        return scim_error(413, "tooMany", "at most " + std::to_string(k_bulk_max_operations) +
                                              " operations per request (ServiceProviderConfig bulk.maxOperations)");
    std::vector<Operation> pending;
    std::map<std::string, std::size_t> defined;  // bulkId -> the valid POST of the request defining it
    for (std::size_t i = 0; i < ops->size(); ++i) {
        Operation o = read_operation((*ops)[i], i);
        if (!o.invalid && o.method == "POST" && !defined.emplace(o.bulk_id, i).second)
            o.invalid = scim_error(400, "uniqueness", "bulkId '" + o.bulk_id + "' is used twice");
        pending.push_back(std::move(o));
    }

    // RFC 7644 §3.7.2: an operation may refer to a bulkId defined later in the request. Run, in
    // request order, the first operation whose references are all settled (created, or failed);
    // when none is, the rest wait on each other: the first of them fails as circular, which
    // settles its bulkId and lets the ones waiting on it fail in turn.
    std::map<std::string, std::string> ids;  // bulkId -> created resource id
    std::set<std::string> failed;            // bulkIds whose POST failed
    std::map<std::size_t, nlohmann::json> results;
    long long errors = 0;
    auto settled = [&](const Operation& o) {
        return std::all_of(o.refs.begin(), o.refs.end(), [&](const std::string& r) {
            return ids.count(r) || failed.count(r) || !defined.count(r);
        });
    };
    while (!pending.empty() && !(fail_on_errors && errors >= *fail_on_errors)) {
        auto next = std::find_if(pending.begin(), pending.end(), settled);
        std::optional<Error> refused;
        if (next == pending.end()) {
            next = pending.begin();
            refused = scim_error(409, "invalidValue", "circular bulkId references: this operation and the ones it refers to "
                                                      "wait on each other; split them into two requests");
        }
        Operation o = std::move(*next);
        pending.erase(next);
        nlohmann::json result = nlohmann::json::object();
        if (!o.method.empty()) result["method"] = o.method;
        if (!o.bulk_id.empty()) result["bulkId"] = o.bulk_id;
        if (!o.version.empty()) result["version"] = o.version;
        if (!refused) refused = o.invalid;
        for (const auto& r : o.refs) {
            if (refused) break;
            if (!defined.count(r))
                refused = scim_error(409, "invalidValue", "'bulkId:" + r + "' names no POST operation of this request");
            else if (failed.count(r))
                refused = scim_error(409, "invalidValue", "'bulkId:" + r + "' was not created: its operation failed");
        }
        std::optional<Outcome> outcome;
        if (!refused) {
            const auto found = o.id.rfind(k_prefix, 0) == 0 ? ids.find(o.id.substr(std::string(k_prefix).size())) : ids.end();
            if (found != ids.end()) o.id = found->second;
            resolve_refs(o.data, ids);
            outcome = dispatch(users, groups, who, o.method, o.type, o.id, o.data, o.version);
            if (outcome->error) refused = outcome->error;
        }
        if (refused) {
            result["status"] = std::to_string(scim_status(*refused));
            result["response"] = scim_error_body(*refused);
            const auto defining = defined.find(o.bulk_id);
            if (o.method == "POST" && defining != defined.end() && defining->second == o.index) failed.insert(o.bulk_id);
            ++errors;
        } else {
            result["status"] = std::to_string(outcome->status);
            if (outcome->resource) {
                result["location"] = outcome->resource->body["meta"]["location"];
                result["version"] = outcome->resource->etag;
                if (o.method == "POST") ids[o.bulk_id] = outcome->resource->body["id"].get<std::string>();
            }
        }
        results[o.index] = result;
    }
    // Answered in request order; operations failOnErrors kept from running are left out.
    nlohmann::json out = nlohmann::json::array();
    for (auto& [index, result] : results) out.push_back(std::move(result));
    return nlohmann::json{{"schemas", {k_bulk_response_schema}}, {"Operations", out}};
}

}  // namespace janua::scim
