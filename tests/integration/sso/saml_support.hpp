#pragma once
// A SAML identity provider for the SSO tests: keys made by openssl in a private directory, and
// tests/e2e/saml-idp.js (samlify) to publish metadata, answer januad's AuthnRequests with signed
// Responses (or forged ones), and send logout messages.

#include "tests/integration/orgs/org_support.hpp"
#include "tests/integration/sso/app_tokens.hpp"

#include <filesystem>

namespace janua::test::sso {

using namespace janua::test::orgs;

inline std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::string form_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

struct KeyPair {
    std::string key;
    std::string cert;
};

class SamlIdp {
public:
    SamlIdp(std::string entity_id = "https://idp.example.test/saml") : m_entity_id(std::move(entity_id)) {
        char pattern[] = "/tmp/janua-saml-idp-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        m_dir = pattern;
        m_keys = make_key("idp");
        m_evil = make_key("evil");
    }
    ~SamlIdp() {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    SamlIdp(const SamlIdp&) = delete;
    SamlIdp& operator=(const SamlIdp&) = delete;

    // An RSA key and a self-signed certificate, as an IdP administrator would make them.
    KeyPair make_key(const std::string& name) {
        const std::string key = m_dir + "/" + name + ".key", cert = m_dir + "/" + name + ".crt";
        auto made = run_process({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                                 "-subj", "/CN=janua-test-" + name, "-keyout", key, "-out", cert});
        INFO(made.err);
        REQUIRE(made.exit_code == 0);
        return KeyPair{read_all(key), read_all(cert)};
    }

    const std::string& entity_id() const { return m_entity_id; }
    const KeyPair& keys() const { return m_keys; }
    const KeyPair& evil() const { return m_evil; }
    std::string sso_url() const { return "http://127.0.0.1:9/idp/sso"; }
    std::string slo_url() const { return "http://127.0.0.1:9/idp/slo"; }
    std::string dir() const { return m_dir; }

    json run(json spec) const {
        spec["key"] = m_keys.key;
        spec["cert"] = m_keys.cert;
        spec["entity_id"] = m_entity_id;
        spec["sso_url"] = sso_url();
        spec["slo_url"] = slo_url();
        auto out = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/saml-idp.js"}, {},
                               spec.dump());
        INFO(out.err);
        REQUIRE(out.exit_code == 0);
        return json::parse(out.out);
    }

    std::string metadata() const { return run({{"op", "metadata"}})["xml"]; }

private:
    std::string m_entity_id;
    std::string m_dir;
    KeyPair m_keys;
    KeyPair m_evil;
};

// The Location of a redirect.
inline std::string location(const HttpResponse& r) { return r.header("Location"); }

// The janua_session cookie value a response sets (empty when none).
inline std::string session_cookie(const HttpResponse& r) {
    for (const auto& [name, value] : r.headers) {
        if (name != "Set-Cookie" && name != "set-cookie") continue;
        if (value.rfind("janua_session=", 0) == 0) return value.substr(14, value.find(';') - 14);
    }
    return {};
}

// POST the IdP's answer to the ACS as the browser would: with the binding cookie of the browser
// that started the sign-in (`binding_cookie`, set by Fixture::respond) unless `cookie` says otherwise.
inline HttpResponse post_acs(const Server& s, const json& response, const std::optional<std::string>& cookie = std::nullopt) {
    std::string body = "SAMLResponse=" + form_encode(response["SAMLResponse"]);
    if (response.contains("RelayState") && !response["RelayState"].get<std::string>().empty())
        body += "&RelayState=" + form_encode(response["RelayState"]);
    std::string binding = cookie ? *cookie : response.value("binding_cookie", std::string());
    std::map<std::string, std::string> headers;
    if (!binding.empty()) headers["Cookie"] = "janua_sso_binding=" + binding;
    return http("POST", s.base(), "/api/v1/sso/saml/acs", body, headers, "application/x-www-form-urlencoded");
}

// The path and query of an absolute URL on the daemon.
inline std::string path_of(const Server& s, const std::string& url) {
    REQUIRE(url.rfind(s.base(), 0) == 0);
    return url.substr(s.base().size());
}

}  // namespace janua::test::sso
