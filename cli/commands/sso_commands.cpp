// janua sso configure|list|get|test|delete|metadata: an organization's SAML 2.0 connection.
// Direct mode acts as an operator on the database; remote mode calls
// /api/v1/organizations/{org}/sso (sso:read / sso:write) and /api/v1/sso/saml/connections.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"
#include "core/config/config.hpp"
#include "core/crypto/field_cipher.hpp"
#include "core/saml/service.hpp"

#include <fstream>
#include <memory>
#include <sstream>

namespace janua::cli {
namespace {

const std::vector<Column> k_columns = {{"organization_slug", "ORGANIZATION"}, {"enabled", "ENABLED"},
                                       {"idp.entity_id", "IDP ENTITY ID"},   {"allowed_domains", "DOMAINS"},
                                       {"jit_provisioning", "JIT"},          {"updated_at", "UPDATED"}};

struct SsoArgs {
    std::string org, metadata_file, metadata_url, entity_id, sso_url, slo_url, default_role, default_return_to;
    std::string enabled, jit, idp_initiated, sign_requests, assertions_signed, response_signed, sha1;
    std::string email_attr, first_name_attr, last_name_attr, groups_attr;
    std::vector<std::string> cert_files, domains, group_roles, attributes;
    int clock_skew = -1;
};

std::string sso_path(const std::string& org) { return "/api/v1/organizations/" + url_encode(org) + "/sso"; }

Result<std::string> read_text(const std::string& path, const std::string& flag) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::validation, "cannot read " + flag + " '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The service for direct mode: the CLI signs nobody in, so it has no auth service.
saml::SamlService direct_saml(DirectServices& s, const config::Config& cfg) {
    return saml::SamlService(s.pool(), crypto::make_field_keyring(cfg.field_encryption_keys, cfg.secret_key), nullptr,
                             saml::SamlSettings{cfg.base_url, cfg.webhook_allow_private, cfg.webhook_timeout_seconds, 600});
}

Result<nlohmann::json> configure_body(const SsoArgs& a) {
    nlohmann::json body = nlohmann::json::object();
    const int sources = int(!a.metadata_file.empty()) + int(!a.metadata_url.empty()) + int(!a.entity_id.empty());
    if (sources > 1)
        return make_error(ErrorCode::validation, "give one of --metadata-file, --metadata-url, or --entity-id with --sso-url and --cert-file");
    if (!a.metadata_file.empty()) {
        auto xml = read_text(a.metadata_file, "--metadata-file");
        if (!xml) return xml.error();
        body["metadata_xml"] = *xml;
    }
    if (!a.metadata_url.empty()) body["metadata_url"] = a.metadata_url;
    if (!a.entity_id.empty() || !a.sso_url.empty() || !a.cert_files.empty()) {
        if (a.entity_id.empty() || a.sso_url.empty() || a.cert_files.empty())
            return make_error(ErrorCode::validation, "a manual IdP needs --entity-id, --sso-url and at least one --cert-file");
        body["idp_entity_id"] = a.entity_id;
        body["idp_sso_url"] = a.sso_url;
        body["idp_certificates"] = nlohmann::json::array();
        for (const auto& f : a.cert_files) {
            auto pem = read_text(f, "--cert-file");
            if (!pem) return pem.error();
            body["idp_certificates"].push_back(*pem);
        }
    }
    if (!a.slo_url.empty()) body["idp_slo_url"] = a.slo_url;
    auto on_off = [&](const std::string& value, const char* member) {
        if (!value.empty()) body[member] = value == "on";
    };
    on_off(a.enabled, "enabled");
    on_off(a.jit, "jit_provisioning");
    on_off(a.idp_initiated, "allow_idp_initiated");
    on_off(a.sign_requests, "sign_authn_requests");
    on_off(a.assertions_signed, "want_assertions_signed");
    on_off(a.response_signed, "want_response_signed");
    on_off(a.sha1, "allow_sha1");
    if (!a.domains.empty()) body["allowed_domains"] = a.domains;
    if (!a.default_role.empty()) body["default_role"] = a.default_role;
    if (!a.default_return_to.empty()) body["default_return_to"] = a.default_return_to;
    if (a.clock_skew >= 0) body["clock_skew_seconds"] = a.clock_skew;
    nlohmann::json mapping = nlohmann::json::object();
    if (!a.email_attr.empty()) mapping["email"] = a.email_attr;
    if (!a.first_name_attr.empty()) mapping["first_name"] = a.first_name_attr;
    if (!a.last_name_attr.empty()) mapping["last_name"] = a.last_name_attr;
    if (!a.groups_attr.empty()) mapping["groups"] = a.groups_attr;
    if (!mapping.empty()) body["attribute_mapping"] = mapping;
    if (!a.group_roles.empty()) {
        nlohmann::json roles = nlohmann::json::object();
        for (const auto& pair : a.group_roles) {
            const auto eq = pair.rfind('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
                return make_error(ErrorCode::validation, "--group-role takes GROUP=ROLE, e.g. --group-role Engineering=admin");
            roles[pair.substr(0, eq)] = pair.substr(eq + 1);
        }
        body["group_roles"] = roles;
    }
    return body;
}

}  // namespace

void add_sso_commands(CommandTable& table) {
    table.noun("sso", "Enterprise single sign-on: an organization's SAML 2.0 identity provider (Okta, Entra ID, ...)");
    auto a = std::make_shared<SsoArgs>();
    const std::vector<std::string> on_off = {"on", "off"};

    auto& configure = table.add("sso", "configure",
                                "Create or update an organization's SAML connection from IdP metadata (file or URL) or "
                                "from an entity id, SSO URL and certificate(s); prints the connection with the SP "
                                "values to give the IdP");
    configure.option("--org", &a->org, "the organization (id or slug)", true)
        .option("--metadata-file", &a->metadata_file, "the IdP's SAML metadata XML (downloaded from Okta/Entra ID)")
        .option("--metadata-url", &a->metadata_url, "fetch the IdP's metadata from this https URL")
        .option("--entity-id", &a->entity_id, "the IdP entity id (issuer), without metadata")
        .option("--sso-url", &a->sso_url, "the IdP single sign-on URL (HTTP-Redirect), without metadata")
        .option("--cert-file", &a->cert_files, "an IdP signing certificate (PEM); repeat during a key rollover")
        .option("--slo-url", &a->slo_url, "the IdP single logout URL (HTTP-Redirect)")
        .option("--allowed-domain", &a->domains, "an email domain the IdP may sign in (repeat; also routes ?domain=)")
        .option("--default-role", &a->default_role, "role of users provisioned just in time (default member)")
        .option("--group-role", &a->group_roles, "map an IdP group to a role: GROUP=ROLE (repeat)")
        .option("--email-attribute", &a->email_attr, "SAML attribute holding the email (default email; \"\" = NameID)")
        .option("--first-name-attribute", &a->first_name_attr, "SAML attribute holding the first name (default firstName)")
        .option("--last-name-attribute", &a->last_name_attr, "SAML attribute holding the last name (default lastName)")
        .option("--groups-attribute", &a->groups_attr, "SAML attribute holding the groups (default groups)")
        .option("--default-return-to", &a->default_return_to, "where an IdP-initiated login lands (a path, e.g. /account)")
        .option("--clock-skew", &a->clock_skew, "seconds of clock difference tolerated (default 120, max 600)")
        .choice("--enabled", &a->enabled, on_off, "turn the connection on or off")
        .choice("--jit", &a->jit, on_off, "create unknown users on first login (default on)")
        .choice("--idp-initiated", &a->idp_initiated, on_off, "accept unsolicited responses (default off)")
        .choice("--sign-requests", &a->sign_requests, on_off, "sign AuthnRequests (default on)")
        .choice("--want-assertions-signed", &a->assertions_signed, on_off, "require a signed Assertion (default on)")
        .choice("--want-response-signed", &a->response_signed, on_off, "require a signed Response (default off)")
        .choice("--allow-sha1", &a->sha1, on_off, "accept SHA-1 signatures from legacy IdPs (default off)");
    configure.example =
        "janua sso configure --org acme --metadata-file okta-metadata.xml --allowed-domain acme.example --output json";
    configure.run = [a](CliContext& ctx) {
        auto body = configure_body(*a);
        if (!body) return ctx.fail(body.error());
        return run_either(
            ctx,
            [&](DirectServices& s) { return direct_saml(s, *ctx.config()).configure(rbac::direct_caller(), a->org, *body); },
            [&] { return ctx.call("PUT", sso_path(a->org), *body); });
    };

    auto& list = table.add("sso", "list", "List every organization's SAML connection (platform admins)");
    list.run = [](CliContext& ctx) {
        return run_either(
            ctx, [&](DirectServices& s) { return direct_saml(s, *ctx.config()).list(); },
            [&] { return ctx.call("GET", "/api/v1/sso/saml/connections"); }, k_columns);
    };

    auto& get = table.add("sso", "get", "Show an organization's SAML connection and the SP values for the IdP");
    get.option("--org", &a->org, "the organization (id or slug)", true);
    get.run = [a](CliContext& ctx) {
        return run_either(
            ctx, [&](DirectServices& s) { return direct_saml(s, *ctx.config()).get(a->org); },
            [&] { return ctx.call("GET", sso_path(a->org)); });
    };

    auto& test = table.add("sso", "test",
                           "Check a connection: fetch and validate the IdP metadata, check the certificates, and show "
                           "what a login with the given attributes would map to");
    test.option("--org", &a->org, "the organization (id or slug)", true)
        .option("--attribute", &a->attributes, "a sample SAML attribute NAME=VALUE (repeat; e.g. email=ann@acme.example)");
    test.example = "janua sso test --org acme --attribute email=ann@acme.example --attribute groups=Engineering";
    test.run = [a](CliContext& ctx) {
        nlohmann::json attributes = nlohmann::json::object();
        for (const auto& pair : a->attributes) {
            const auto eq = pair.find('=');
            if (eq == std::string::npos || eq == 0)
                return ctx.fail("--attribute takes NAME=VALUE, e.g. --attribute email=ann@acme.example", exit_usage);
            attributes[pair.substr(0, eq)].push_back(pair.substr(eq + 1));
        }
        nlohmann::json body = nlohmann::json::object();
        if (!attributes.empty()) body["attributes"] = attributes;
        auto result = call_either(
            ctx, [&](DirectServices& s) { return direct_saml(s, *ctx.config()).test(rbac::direct_caller(), a->org, body); },
            [&] { return ctx.call("POST", sso_path(a->org) + "/test", body); });
        if (!result) return static_cast<int>(exit_usage);
        const int printed = print_result(ctx, *result);
        // A failed check is a failed command, so scripts and CI notice.
        if (printed == 0 && (*result)->value("ok", false) == false) return static_cast<int>(exit_error);
        return printed;
    };

    auto& remove = table.add("sso", "delete", "Delete an organization's SAML connection; SSO sign-ins stop (needs --yes)");
    remove.option("--org", &a->org, "the organization (id or slug)", true);
    remove.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("deleting the SAML connection of '" + a->org + "'")) return static_cast<int>(exit_usage);
        const nlohmann::json done = {{"deleted", a->org}};
        return run_either(
            ctx, [&](DirectServices& s) { return status_as(direct_saml(s, *ctx.config()).remove(rbac::direct_caller(), a->org), done); },
            [&] { return remote_as(ctx.call("DELETE", sso_path(a->org)), done); });
    };

    auto& metadata = table.add("sso", "metadata",
                               "Print the SP metadata XML to upload to the IdP (json output: {\"xml\": ...})");
    metadata.option("--org", &a->org, "the organization (id or slug)", true);
    metadata.example = "janua sso metadata --org acme > janua-sp-metadata.xml";
    metadata.run = [a](CliContext& ctx) {
        auto result = call_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto xml = direct_saml(s, *ctx.config()).sp_metadata(a->org);
                if (!xml) return xml.error();
                return nlohmann::json{{"xml", *xml}};
            },
            [&]() -> Result<nlohmann::json> {
                auto got = ctx.call("GET", sso_path(a->org));
                if (!got) return got.error();
                return nlohmann::json{{"xml", (*got)["sp"]["metadata_xml"]}};
            });
        if (!result) return static_cast<int>(exit_usage);
        if (!*result) return ctx.fail(result->error());
        if (ctx.format() == OutputFormat::table) {
            ctx.out() << (**result)["xml"].get<std::string>();
            return 0;
        }
        return ctx.print(**result);
    };
}

}  // namespace janua::cli
