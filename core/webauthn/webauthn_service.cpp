// The WebAuthn ceremonies (WebAuthn L3 sections 7.1 and 7.2).
#include "core/webauthn/webauthn_service.hpp"

#include "core/identity/audit_events.hpp"
#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/identity/user_repository.hpp"
#include "core/webauthn/attestation.hpp"
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/cose_key.hpp"

#include <algorithm>

namespace janua::webauthn {
namespace {

using identity::RequestMeta;
using nlohmann::json;

constexpr std::size_t k_max_client_data = 16 * 1024;
constexpr std::size_t k_max_blob = 64 * 1024;

Error invalid(const std::string& message) { return make_error(ErrorCode::validation, message); }
Error refused(const std::string& message) { return make_error(ErrorCode::authentication, message); }

audit::Event event(const std::string& action, const RequestMeta& meta, const std::optional<std::string>& user_id,
                   const std::string& outcome = "success") {
    auto e = identity::request_event(action, meta);
    e.outcome = outcome;
    e.actor_type = user_id ? "user" : "anonymous";
    e.actor_id = user_id;
    e.target_type = "user";
    e.target_id = user_id;
    return e;
}

// The user handle: the user id's 16 bytes (random, carries nothing personal).
std::string user_handle(const std::string& user_id) {
    std::string hex;
    for (char c : user_id)
        if (c != '-') hex += c;
    return crypto::hex_decode(hex).value_or("");
}

// A base64url member of `object` (under `response` when nested), decoded and bounded.
Result<std::string> b64_member(const json& object, const char* name, std::size_t max_bytes, bool required = true) {
    if (!object.is_object() || !object.contains(name) || object[name].is_null()) {
        if (!required) return std::string();
        return invalid(std::string("credential: ") + name + " is required");
    }
    if (!object[name].is_string()) return invalid(std::string("credential: ") + name + " must be a base64url string");
    const auto& text = object[name].get_ref<const std::string&>();
    if (text.size() > max_bytes * 4 / 3 + 4) return invalid(std::string("credential: ") + name + " is too large");
    auto bytes = crypto::base64url_decode(text, crypto::Base64Padding::optional);
    if (!bytes) return invalid(std::string("credential: ") + name + " is not valid base64url");
    return *bytes;
}

struct ClientData {
    std::string raw;
    std::string challenge;  // raw bytes
};

// Check clientDataJSON (section 7.1 steps 7-11 / 7.2 steps 10-14): type, origin, not cross-origin.
Result<ClientData> check_client_data(const std::string& raw, const std::string& type,
                                     const std::vector<std::string>& origins) {
    auto parsed = json::parse(raw, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return invalid("clientDataJSON is not a JSON object");
    if (!parsed.contains("type") || parsed["type"] != type) return invalid("clientDataJSON type must be " + type);
    if (!parsed.contains("challenge") || !parsed["challenge"].is_string()) return invalid("clientDataJSON has no challenge");
    auto challenge = crypto::base64url_decode(parsed["challenge"].get<std::string>(), crypto::Base64Padding::optional);
    if (!challenge) return invalid("clientDataJSON challenge is not base64url");
    if (!parsed.contains("origin") || !parsed["origin"].is_string() ||
        std::find(origins.begin(), origins.end(), parsed["origin"].get<std::string>()) == origins.end())
        return refused("the origin of this passkey ceremony is not allowed (WEBAUTHN_ORIGIN)");
    if (parsed.contains("crossOrigin") && parsed["crossOrigin"] == true)
        return refused("cross-origin passkey ceremonies are not allowed");
    return ClientData{raw, *challenge};
}

Result<json> credential_object(const json& credential) {
    if (!credential.is_object()) return invalid("credential must be a PublicKeyCredential JSON object");
    if (!credential.contains("type") || credential["type"] != "public-key") return invalid("credential type must be public-key");
    if (!credential.contains("response") || !credential["response"].is_object())
        return invalid("credential: response is required");
    return credential["response"];
}

}  // namespace

json to_json(const store::Credential& c) {
    return {{"id", c.id},
            {"name", c.name},
            {"credential_id", crypto::base64url_encode(c.credential_id)},
            {"algorithm", c.algorithm},
            {"transports", c.transports},
            {"aaguid", crypto::hex_encode(c.aaguid)},
            {"attestation_format", c.attestation_format},
            {"backup_eligible", c.backup_eligible},
            {"backed_up", c.backup_state},
            {"sign_count", c.sign_count},
            {"flagged", !c.flagged_at.empty()},
            {"created_at", c.created_at},
            {"last_used_at", c.last_used_at.empty() ? json(nullptr) : json(c.last_used_at)}};
}

WebAuthnService::WebAuthnService(WebAuthnSettings settings, db::Pool& pool, identity::AuthService* auth)
    : m_settings(std::move(settings)), m_pool(pool), m_auth(auth) {}

Result<json> WebAuthnService::begin_registration(const std::string& user_id, const std::string& attestation) {
    if (attestation != "none" && attestation != "direct") return invalid("attestation must be none or direct");
    return m_pool.transact([&](db::Transaction& tx) -> Result<json> {
        auto user = identity::users::find_by_id(tx, user_id);
        if (!user) return make_error(ErrorCode::not_found, "user not found");
        const auto existing = store::list(tx, user_id);
        if (static_cast<int>(existing.size()) >= m_settings.max_passkeys)
            return make_error(ErrorCode::conflict, "you have the most passkeys allowed (MAX_PASSKEYS_PER_IDENTITY); delete one first");
        const std::string challenge = crypto::random_bytes(32);
        store::put_challenge(tx, challenge, "registration", user_id, m_settings.challenge_seconds);
        json exclude = json::array();
        for (const auto& c : existing) {
            json d = {{"type", "public-key"}, {"id", crypto::base64url_encode(c.credential_id)}};
            if (!c.transports.empty()) d["transports"] = c.transports;
            exclude.push_back(d);
        }
        std::string display = user->display_name.value_or("");
        if (display.empty()) display = user->email;
        return json{{"rp", {{"id", m_settings.rp_id}, {"name", m_settings.rp_name}}},
                    {"user", {{"id", crypto::base64url_encode(user_handle(user_id))}, {"name", user->email}, {"displayName", display}}},
                    {"challenge", crypto::base64url_encode(challenge)},
                    {"pubKeyCredParams", json::array({{{"type", "public-key"}, {"alg", k_cose_es256}},
                                                      {{"type", "public-key"}, {"alg", k_cose_eddsa}},
                                                      {{"type", "public-key"}, {"alg", k_cose_rs256}}})},
                    {"timeout", m_settings.challenge_seconds * 1000},
                    {"excludeCredentials", exclude},
                    {"authenticatorSelection",
                     {{"residentKey", "required"}, {"requireResidentKey", true}, {"userVerification", "required"}}},
                    {"attestation", attestation},
                    {"extensions", {{"credProps", true}}}};
    });
}

Result<store::Credential> WebAuthnService::complete_registration(const std::string& user_id, const json& credential,
                                                                 const std::string& name, const RequestMeta& meta) {
    auto response = credential_object(credential);
    if (!response) return response.error();
    auto raw_id = b64_member(credential, "rawId", 1023);
    if (!raw_id) return raw_id.error();
    auto client_data_raw = b64_member(*response, "clientDataJSON", k_max_client_data);
    if (!client_data_raw) return client_data_raw.error();
    auto attestation_raw = b64_member(*response, "attestationObject", k_max_blob);
    if (!attestation_raw) return attestation_raw.error();
    if (name.size() > 100) return invalid("name must be at most 100 characters");
    std::vector<std::string> transports;
    if (response->contains("transports") && (*response)["transports"].is_array())
        for (const auto& t : (*response)["transports"])
            if (t.is_string() && t.get_ref<const std::string&>().size() <= 32 && transports.size() < 8)
                transports.push_back(t.get<std::string>());

    auto client_data = check_client_data(*client_data_raw, "webauthn.create", m_settings.origins);
    if (!client_data) return client_data.error();
    auto object = parse_attestation_object(*attestation_raw);
    if (!object) return object.error();

    return m_pool.transact([&](db::Transaction& tx) -> Result<store::Credential> {
        // Spent whatever happens next: a challenge is good for one try.
        if (!store::consume_challenge(tx, client_data->challenge, "registration", user_id))
            return refused("the registration challenge is unknown, expired or already used; begin again");
        const auto& data = object->parsed;
        if (!crypto::constant_time_equals(data.rp_id_hash, crypto::sha256(m_settings.rp_id)))
            return refused("the passkey was created for another relying party (rpIdHash)");
        if (!data.user_present()) return refused("the authenticator did not report user presence");
        if (!data.user_verified()) return refused("the authenticator did not verify the user (user verification is required)");
        if (!data.attested) return invalid("attestationObject carries no credential");
        if (data.attested->credential_id != *raw_id) return invalid("rawId does not match the attested credential id");
        auto key = public_key_from_cose(data.attested->public_key_cose);
        if (!key) return key.error();
        auto verified = verify_attestation(*object, crypto::sha256(client_data->raw), *key);
        if (!verified) return verified.error();
        if (store::count(tx, user_id) >= m_settings.max_passkeys)
            return make_error(ErrorCode::conflict, "you have the most passkeys allowed (MAX_PASSKEYS_PER_IDENTITY)");
        if (store::credential_exists(tx, data.attested->credential_id))
            return make_error(ErrorCode::conflict, "this passkey is already registered");
        store::Credential c;
        c.user_id = user_id;
        c.credential_id = data.attested->credential_id;
        c.public_key = data.attested->public_key;
        c.algorithm = key->algorithm;
        c.sign_count = data.sign_count;
        c.transports = transports;
        c.aaguid = data.attested->aaguid;
        c.attestation_format = object->fmt;
        c.user_verified = data.user_verified();
        c.backup_eligible = data.backup_eligible();
        c.backup_state = data.backup_state();
        c.name = name.empty() ? "Passkey" : name;
        auto stored = store::insert(tx, c);
        auto e = event("passkey.registered", meta, user_id);
        e.details = {{"passkey_id", stored.id}, {"attestation", verified->type}, {"format", object->fmt},
                     {"algorithm", key->algorithm}};
        audit::record(tx, e);
        return stored;
    });
}

Result<json> WebAuthnService::begin_authentication() {
    const std::string challenge = crypto::random_bytes(32);
    m_pool.transact([&](db::Transaction& tx) {
        store::put_challenge(tx, challenge, "authentication", "", m_settings.challenge_seconds);
    });
    return json{{"challenge", crypto::base64url_encode(challenge)},
                {"timeout", m_settings.challenge_seconds * 1000},
                {"rpId", m_settings.rp_id},
                {"allowCredentials", json::array()},
                {"userVerification", "required"}};
}

Result<WebAuthnService::Asserted> WebAuthnService::verify_assertion(db::Transaction& tx, const json& credential,
                                                                    const RequestMeta& meta) {
    auto response = credential_object(credential);
    if (!response) return response.error();
    auto raw_id = b64_member(credential, "rawId", 1023);
    if (!raw_id) return raw_id.error();
    auto client_data_raw = b64_member(*response, "clientDataJSON", k_max_client_data);
    if (!client_data_raw) return client_data_raw.error();
    auto auth_data_raw = b64_member(*response, "authenticatorData", k_max_blob);
    if (!auth_data_raw) return auth_data_raw.error();
    auto signature = b64_member(*response, "signature", 1024);
    if (!signature) return signature.error();
    auto handle = b64_member(*response, "userHandle", 64, false);
    if (!handle) return handle.error();

    auto client_data = check_client_data(*client_data_raw, "webauthn.get", m_settings.origins);
    if (!client_data) return client_data.error();
    auto data = parse_authenticator_data(*auth_data_raw);
    if (!data) return data.error();
    if (!store::consume_challenge(tx, client_data->challenge, "authentication", ""))
        return refused("the sign-in challenge is unknown, expired or already used; begin again");

    auto found = store::find_by_credential_id(tx, *raw_id);
    if (!found) {
        audit::record(tx, [&] {
            auto e = event("passkey.signin", meta, std::nullopt, "failure");
            e.details = {{"reason", "unknown_credential"}};
            return e;
        }());
        return refused("this passkey is not registered here");
    }
    auto fail = [&](const std::string& reason, const std::string& message) -> Error {
        auto e = event("passkey.signin", meta, found->user_id, "failure");
        e.details = {{"reason", reason}, {"passkey_id", found->id}};
        audit::record(tx, e);
        return refused(message);
    };
    if (!handle->empty() && *handle != user_handle(found->user_id))
        return fail("user_handle_mismatch", "the passkey's user handle does not match its owner");
    if (!crypto::constant_time_equals(data->rp_id_hash, crypto::sha256(m_settings.rp_id)))
        return fail("rp_id_mismatch", "the assertion is for another relying party (rpIdHash)");
    if (!data->user_present()) return fail("no_user_presence", "the authenticator did not report user presence");
    if (!data->user_verified()) return fail("no_user_verification", "the authenticator did not verify the user");
    auto key = public_key_from_cose_bytes(found->public_key);
    if (!key) return key.error();
    if (!verify_signature(*key, *auth_data_raw + crypto::sha256(client_data->raw), *signature))
        return fail("bad_signature", "the passkey signature is wrong");
    if (!found->flagged_at.empty()) return fail("flagged", "this passkey is blocked (a possible clone was detected); use another way to sign in");
    // A counter that does not move forward means two copies of the key exist (section 6.1.1).
    if ((data->sign_count != 0 || found->sign_count != 0) && data->sign_count <= found->sign_count) {
        store::flag(tx, found->id, "sign count went from " + std::to_string(found->sign_count) + " to " +
                                       std::to_string(data->sign_count));
        auto e = event("passkey.sign_count_regression", meta, found->user_id, "failure");
        e.details = {{"passkey_id", found->id}, {"stored", found->sign_count}, {"presented", data->sign_count}};
        audit::record(tx, e);
        return refused("this passkey's signature counter went backwards (a possible clone); it is now blocked");
    }
    if (data->backup_eligible() != found->backup_eligible)
        return fail("backup_eligibility_changed", "the passkey's backup eligibility changed");
    store::record_use(tx, found->id, data->sign_count, data->backup_state());
    auto user = identity::users::lock_by_id(tx, found->user_id);
    if (!user || user->status != "ACTIVE") return fail("account_not_active", "this account cannot sign in");
    if (const auto until = parse_rfc3339(user->locked_until); until && *until > unix_seconds_now()) {
        Error locked = make_error(ErrorCode::account_locked, "too many failed sign-ins; the account is locked for a while");
        locked.retry_after_seconds = static_cast<int>(*until - unix_seconds_now());
        return locked;
    }
    found->sign_count = data->sign_count;
    return Asserted{*user, *found};
}

Result<identity::AuthResult> WebAuthnService::complete_authentication(const json& credential, const RequestMeta& meta) {
    if (!m_auth) return make_error(ErrorCode::internal, "sign-ins are not available here");
    return m_pool.transact([&](db::Transaction& tx) -> Result<identity::AuthResult> {
        auto asserted = verify_assertion(tx, credential, meta);
        if (!asserted) return asserted.error();
        identity::AuthResult result{asserted->user, std::nullopt, false, std::nullopt};
        result.tokens = m_auth->complete_signin(tx, asserted->user, k_passkey_amr, meta, "passkey");
        return result;
    });
}

Result<identity::BrowserSignin> WebAuthnService::complete_browser_authentication(const json& credential,
                                                                                 const RequestMeta& meta) {
    if (!m_auth) return make_error(ErrorCode::internal, "sign-ins are not available here");
    return m_pool.transact([&](db::Transaction& tx) -> Result<identity::BrowserSignin> {
        auto asserted = verify_assertion(tx, credential, meta);
        if (!asserted) return asserted.error();
        return m_auth->complete_browser_signin(tx, asserted->user, k_passkey_amr, meta, "passkey");
    });
}

std::vector<store::Credential> WebAuthnService::list(const std::string& user_id) {
    return m_pool.transact([&](db::Transaction& tx) { return store::list(tx, user_id); });
}

Result<store::Credential> WebAuthnService::rename(const std::string& user_id, const std::string& id,
                                                  const std::string& name, const RequestMeta& meta) {
    if (name.empty() || name.size() > 100) return invalid("name must be 1 to 100 characters");
    if (!is_uuid(id)) return make_error(ErrorCode::not_found, "passkey not found");
    return m_pool.transact([&](db::Transaction& tx) -> Result<store::Credential> {
        auto renamed = store::rename(tx, user_id, id, name);
        if (!renamed) return make_error(ErrorCode::not_found, "passkey not found");
        auto e = event("passkey.renamed", meta, user_id);
        e.details = {{"passkey_id", id}};
        audit::record(tx, e);
        return *renamed;
    });
}

Status WebAuthnService::remove(const std::string& user_id, const std::string& id, const RequestMeta& meta) {
    if (!is_uuid(id)) return make_error(ErrorCode::not_found, "passkey not found");
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        if (!store::remove(tx, user_id, id)) return make_error(ErrorCode::not_found, "passkey not found");
        auto e = event("passkey.deleted", meta, user_id);
        e.details = {{"passkey_id", id}};
        audit::record(tx, e);
        return Ok{};
    });
}

}  // namespace janua::webauthn
