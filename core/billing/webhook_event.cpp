#include "core/billing/webhook_event.hpp"

#include "core/billing/plan.hpp"
#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <vector>

namespace janua::billing {
namespace {

Error bad_signature(const std::string& why) {
    Error e = make_error(ErrorCode::authentication, "invalid Janua-Signature: " + why);
    e.details = {{"reason", "invalid_signature"}};
    return e;
}

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, "event " + field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

bool all_digits(const std::string& s) {
    if (s.empty() || s.size() > 12) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string rfc3339(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::optional<std::string> text(const nlohmann::json& object, const char* name) {
    if (!object.contains(name) || !object[name].is_string()) return std::nullopt;
    return object[name].get<std::string>();
}

}  // namespace

Status verify_signature(const std::string& header, const std::string& body, const std::string& secret,
                        std::int64_t now, int tolerance_seconds) {
    if (header.empty()) return bad_signature("the header is missing");
    if (header.size() > 1024) return bad_signature("the header is too long");
    std::string timestamp;
    std::vector<std::string> macs;
    std::size_t start = 0;
    while (start <= header.size()) {
        const auto comma = header.find(',', start);
        const std::string item = header.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto eq = item.find('=');
        if (eq != std::string::npos) {
            const std::string key = item.substr(0, eq);
            const std::string value = item.substr(eq + 1);
            if (key == "t") timestamp = value;
            if (key == "v1") macs.push_back(value);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (!all_digits(timestamp)) return bad_signature("expected t=<unix seconds>,v1=<hex>");
    if (macs.empty()) return bad_signature("no v1 signature");
    const std::int64_t t = std::stoll(timestamp);
    if (t < now - tolerance_seconds || t > now + tolerance_seconds) {
        Error e = bad_signature("the timestamp is more than " + std::to_string(tolerance_seconds) +
                                " seconds from now (a stale or replayed request, or a clock off)");
        e.details = {{"reason", "stale_timestamp"}};
        return e;
    }
    const std::string expected = crypto::hex_encode(crypto::hmac_sha256(secret, timestamp + "." + body));
    bool matched = false;
    for (const auto& mac : macs) matched |= crypto::constant_time_equals(expected, mac);
    if (!matched) return bad_signature("no v1 signature matches the body");
    return Ok{};
}

Result<BillingEvent> parse_event(const std::string& body) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception&) {
        return make_error(ErrorCode::bad_request, "the event is not valid JSON");
    }
    if (!doc.is_object()) return make_error(ErrorCode::bad_request, "the event must be a JSON object");
    BillingEvent e;
    auto id = text(doc, "id");
    if (!id || id->empty() || id->size() > 255) return invalid("id", "is required: the provider's unique event id (at most 255 characters)");
    e.id = *id;
    auto type = text(doc, "type");
    if (!type || (*type != "subscription.created" && *type != "subscription.updated" && *type != "subscription.canceled"))
        return invalid("type", "must be subscription.created, subscription.updated or subscription.canceled");
    e.type = *type;
    if (doc.contains("created") && !doc["created"].is_null()) {
        if (!doc["created"].is_number_integer()) return invalid("created", "must be a Unix time in seconds");
        e.created = doc["created"].get<std::int64_t>();
    }
    if (!doc.contains("data") || !doc["data"].is_object()) return invalid("data", "is required: an object");
    const auto& data = doc["data"];
    auto org = text(data, "organization_id");
    if (!org || !is_uuid(*org)) return invalid("data.organization_id", "is required: an organization id");
    e.organization_id = *org;
    e.plan_id = text(data, "plan_id");
    if (e.type != "subscription.canceled" && (!e.plan_id || e.plan_id->empty())) return invalid("data.plan_id", "is required");
    if (e.type == "subscription.canceled") {
        e.status = "canceled";
    } else {
        auto status = text(data, "status");
        if (!status || !valid_status(*status)) return invalid("data.status", "must be active, trialing, past_due or canceled");
        e.status = *status;
    }
    if (data.contains("current_period_end") && !data["current_period_end"].is_null()) {
        const auto& end = data["current_period_end"];
        if (end.is_number_integer()) e.current_period_end = rfc3339(end.get<std::int64_t>());
        else if (end.is_string() && parse_rfc3339(end.get<std::string>())) e.current_period_end = end.get<std::string>();
        else return invalid("data.current_period_end", "must be an RFC 3339 time or a Unix time in seconds");
    }
    if (auto provider = text(data, "provider"); provider && !provider->empty() && provider->size() <= 64) e.provider = *provider;
    if (auto external = text(data, "external_id"); external && external->size() <= 255) e.external_id = *external;
    return e;
}

}  // namespace janua::billing
