// Branding and languages against a real januad and PostgreSQL: /api/v1/white-label (branding,
// custom domains by Host header), /api/v1/localization (catalogs, an organization's wording), and
// what they change on the hosted pages, the account console and the emails.
#include "tests/integration/oidc/form_browser.hpp"
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;
using janua::test::oidc::FormBrowser;
namespace oidc = janua::test::oidc;

namespace {

const std::string k_host = "login.acme.example";
const std::string k_white_label = "/api/v1/white-label";
const std::string k_localization = "/api/v1/localization";

HttpResponse page(const Server& s, const std::string& path, std::map<std::string, std::string> headers = {}) {
    return http("GET", s.base(), path, "", headers);
}

// The decoded text of every mail to `to`, waiting until one contains `marker`.
std::string mail_text(const MailDir& mail, const std::string& to, const std::string& marker) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (true) {
        std::string all;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(mail.path(), ec)) {
            std::ifstream in(entry.path());
            std::stringstream raw;
            raw << in.rdbuf();
            const std::string message = raw.str();
            if (message.substr(0, message.find("\r\n\r\n")).find(to) == std::string::npos) continue;
            all += decoded_bodies(message) + "\n";
        }
        if (all.find(marker) != std::string::npos || std::chrono::steady_clock::now() > deadline) {
            INFO(mail.listing());
            REQUIRE(all.find(marker) != std::string::npos);
            return all;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

long long audit_count(const Server& s, const std::string& org_id, const std::string& action) {
    return count_rows(s, "SELECT count(*) FROM audit_events WHERE organization_id = '" + org_id + "' AND action = '" +
                             action + "'");
}

}  // namespace

TEST_CASE("white-label: organization branding is validated, audited and shown on its custom domain", "[branding]") {
    Server s;
    const auto owner = make_user(s, "owner@acme.example");
    const auto member = make_user(s, "member@acme.example");
    const auto other = make_user(s, "owner@other.example");
    const auto root = make_user(s, "root@example.com", true);
    const std::string org = make_org(s, owner, "acme")["id"];
    const std::string other_org = make_org(s, other, "other")["id"];
    add_member(s, org, owner.token, member, "member");
    const std::string path = k_white_label + "/organizations/" + org;

    SECTION("defaults before any change, presets listed") {
        auto current = ok_json(call(s, "GET", path, owner.token));
        CHECK(current["preset"] == "default");
        CHECK(current["product_name"].is_null());
        CHECK(current["updated_at"].is_null());
        auto presets = ok_json(call(s, "GET", k_white_label + "/presets", ""));
        CHECK(presets["data"].size() == 3);
        CHECK(presets["data"][1]["id"] == "dark");
    }

    SECTION("bad values, other organizations and plain members change nothing") {
        for (const json& bad : {json{{"primary_color", "orange"}}, json{{"logo_url", "javascript:alert(1)"}},
                                json{{"custom_css", "body{background:url(https://evil.example/)}"}},
                                json{{"custom_css", "input[type=password]{color:red}"}}, json{{"preset", "neon"}},
                                json{{"unknown", true}}}) {
            INFO(bad.dump());
            auto r = call(s, "PUT", path, owner.token, bad);
            CHECK(r.status == 422);
            CHECK(error_code(r) == "VALIDATION_ERROR");
        }
        CHECK(call(s, "PUT", path, member.token, {{"product_name", "Member"}}).status == 403);
        CHECK(call(s, "PUT", path, other.token, {{"product_name", "Other"}}).status == 404);
        CHECK(call(s, "PUT", path, "", {{"product_name", "Anyone"}}).status == 401);
        CHECK(count_rows(s, "SELECT count(*) FROM organization_branding") == 0);
        CHECK(audit_count(s, org, "branding.updated") == 0);
    }

    SECTION("the branding shows on the mapped host only, and goes when it is reset") {
        auto saved = ok_json(call(s, "PUT", path, owner.token,
                                  {{"product_name", "Acme ID"}, {"logo_url", "https://cdn.acme.example/logo.png"},
                                   {"primary_color", "#F60"}, {"custom_css", "h1 { font-size: 2rem }"}}));
        CHECK(saved["primary_color"] == "#ff6600");
        CHECK(saved["custom_css"] == "h1{font-size:2rem;}");
        CHECK(audit_count(s, org, "branding.updated") == 1);

        // Only platform admins map domains; one organization per name.
        const json mapping = {{"organization_id", org}, {"domain", k_host}};
        CHECK(call(s, "POST", k_white_label + "/domains", owner.token, mapping).status == 403);
        CHECK(call(s, "POST", k_white_label + "/domains", root.token, {{"organization_id", org}, {"domain", "Bad Name"}}).status == 422);
        ok_json(call(s, "POST", k_white_label + "/domains", root.token, mapping), 201);
        auto taken = call(s, "POST", k_white_label + "/domains", root.token, {{"organization_id", other_org}, {"domain", k_host}});
        CHECK(taken.status == 409);
        // Mapping a name the organization already has answers with that name and records nothing.
        ok_json(call(s, "POST", k_white_label + "/domains", root.token, {{"organization_id", org}, {"domain", "auth.acme.example"}}), 201);
        CHECK(ok_json(call(s, "POST", k_white_label + "/domains", root.token, mapping), 201)["domain"] == k_host);
        CHECK(call(s, "DELETE", k_white_label + "/domains/auth.acme.example", root.token).status == 204);
        CHECK(ok_json(call(s, "GET", path + "/domains", owner.token))["data"][0]["domain"] == k_host);
        CHECK(call(s, "GET", path + "/domains", other.token).status == 404);
        CHECK(audit_count(s, org, "branding.domain_added") == 2);

        auto branded = page(s, "/login", {{"Host", k_host + ":443"}});
        REQUIRE(branded.status == 200);
        CHECK(branded.body.find("<title>Sign in · Acme ID</title>") != std::string::npos);
        CHECK(branded.body.find("Sign in to Acme ID") != std::string::npos);
        CHECK(branded.body.find("<img class=\"brand-logo\" src=\"https://cdn.acme.example/logo.png\"") != std::string::npos);
        CHECK(branded.body.find("button{background:#ff6600") != std::string::npos);
        CHECK(branded.body.find("h1{font-size:2rem;}") != std::string::npos);
        CHECK(branded.header("Content-Security-Policy").find("img-src https://cdn.acme.example") != std::string::npos);
        auto current = ok_json(call(s, "GET", k_white_label + "/current", ""));
        CHECK(current["product_name"] == "Janua");
        auto plain = page(s, "/login");
        CHECK(plain.body.find("Acme ID") == std::string::npos);
        CHECK(plain.header("Content-Security-Policy").find("img-src") == std::string::npos);
        auto via_host = http("GET", s.base(), k_white_label + "/current", "", {{"Host", k_host}});
        CHECK(body_of(via_host)["product_name"] == "Acme ID");

        CHECK(call(s, "DELETE", path, owner.token).status == 204);
        CHECK(page(s, "/login", {{"Host", k_host}}).body.find("Acme ID") == std::string::npos);
        CHECK(audit_count(s, org, "branding.reset") == 1);
        CHECK(call(s, "DELETE", k_white_label + "/domains/" + k_host, owner.token).status == 403);
        CHECK(call(s, "DELETE", k_white_label + "/domains/" + k_host, root.token).status == 204);
        CHECK(call(s, "DELETE", k_white_label + "/domains/" + k_host, root.token).status == 404);
    }
}

TEST_CASE("localization: catalogs, Spanish hosted pages and emails, an organization's own wording", "[branding][i18n]") {
    MailDir mail;
    Server s(mail.env());
    const auto owner = make_user(s, "owner@acme.example");
    const std::string org = make_org(s, owner, "acme")["id"];
    const auto root = make_user(s, "root@example.com", true);

    SECTION("the locales and their catalogs") {
        auto locales = ok_json(call(s, "GET", k_localization + "/locales", ""));
        REQUIRE(locales["data"].size() == 2);
        CHECK(locales["data"][1]["native_name"] == "Español");
        CHECK(locales["data"][0]["keys"] == locales["data"][1]["keys"]);
        auto es = ok_json(call(s, "GET", k_localization + "/translations/es", ""));
        CHECK(es["messages"]["login.submit"] == "Iniciar sesión");
        CHECK(es["messages"].size() == locales["data"][1]["keys"]);
        auto fr = call(s, "GET", k_localization + "/translations/fr", "");
        CHECK(fr.status == 404);
        CHECK(error_code(fr) == "NOT_FOUND_ERROR");
        auto detected = http("GET", s.base(), k_localization + "/detect", "", {{"Accept-Language", "de, es;q=0.5"}});
        CHECK(body_of(detected)["locale"] == "es");
    }

    SECTION("hosted pages follow ui_locales, then Accept-Language") {
        auto spanish = page(s, "/login", {{"Accept-Language", "es-MX,es;q=0.9,en;q=0.5"}});
        CHECK(spanish.body.find("<html lang=\"es\">") != std::string::npos);
        CHECK(spanish.body.find("Contraseña") != std::string::npos);
        CHECK(spanish.body.find("Iniciar sesión con una llave de acceso") != std::string::npos);
        CHECK(spanish.body.find("Password") == std::string::npos);
        // The application asked for Spanish in its authorization request; the browser says English.
        const std::string return_to = oidc::url_encode("/oauth/authorize?client_id=x&ui_locales=es");
        auto asked = page(s, "/login?return_to=" + return_to, {{"Accept-Language", "en"}});
        CHECK(asked.body.find("<html lang=\"es\">") != std::string::npos);
        // A failed sign-in answers in the same language.
        FormBrowser b{s.base(), {}};
        auto form = b.send("GET", "/login", "", {{"Accept-Language", "es"}});
        auto failed = b.send("POST", "/login",
                             oidc::form({{"csrf_token", FormBrowser::field(form.body, "csrf_token")},
                                        {"email", owner.email}, {"password", "wrong password"}}),
                             {{"Accept-Language", "es"}});
        CHECK(failed.status == 401);
        CHECK(failed.body.find("El correo, el nombre de usuario o la contraseña no son correctos.") != std::string::npos);
        auto english = page(s, "/login", {{"Accept-Language", "fr, en;q=0.1"}});
        CHECK(english.body.find("<html lang=\"en\">") != std::string::npos);
    }

    SECTION("emails use the recipient's language; invitations the inviting organization's look") {
        ok_json(call(s, "PUT", k_white_label + "/organizations/" + org, owner.token,
                     {{"product_name", "Acme ID"}, {"primary_color", "#224466"}, {"default_locale", "es"}}));
        // Account mail keeps the platform's look and wording, whatever organizations the person is in.
        ok_json(call(s, "PATCH", "/api/v1/auth/me", owner.token, {{"locale", "es-ES"}}));
        ok_json(http("POST", s.base(), "/api/v1/auth/password/forgot", json{{"email", owner.email}}.dump()), 202);
        auto text = mail_text(mail, owner.email, "Alguien pidió restablecer la contraseña de tu cuenta de Janua");
        CHECK(text.find("El enlace caduca en 1 hora") != std::string::npos);
        CHECK(text.find("Acme ID") == std::string::npos);
        CHECK(text.find("#224466") == std::string::npos);

        ok_json(call(s, "POST", "/api/v1/organizations/" + org + "/invitations", owner.token,
                     {{"email", "new-person@acme.example"}}),
                201);
        auto invitation = mail_text(mail, "new-person@acme.example", "Acme ID");
        CHECK(invitation.find("te invitó a unirte a Org acme en Acme ID") != std::string::npos);
        CHECK(invitation.find("background: #224466") != std::string::npos);
        CHECK(invitation.find("lang=\"es\"") != std::string::npos);
    }

    SECTION("an organization's wording replaces the shipped text on its domain") {
        const std::string path = k_localization + "/organizations/" + org + "/translations/es";
        auto unknown = call(s, "PUT", path, owner.token, {{"texts", {{"login.nope", "x"}}}});
        CHECK(unknown.status == 422);
        // Mail wording is not the organization's to change (it goes out under the platform's sender).
        auto mail_key = call(s, "PUT", path, owner.token, {{"texts", {{"mail.reset.intro", "Llama al +1 555 0100 para {app}"}}}});
        CHECK(mail_key.status == 422);
        CHECK(error_of(mail_key)["message"].get<std::string>().find("mail wording") != std::string::npos);
        auto placeholders = call(s, "PUT", path, owner.token, {{"texts", {{"login.heading", "Entra"}}}});
        CHECK(placeholders.status == 422);
        CHECK(error_of(placeholders)["message"].get<std::string>().find("{name}") != std::string::npos);
        CHECK(call(s, "PUT", k_localization + "/organizations/" + org + "/translations/fr", owner.token,
                   {{"texts", json::object()}}).status == 404);
        CHECK(count_rows(s, "SELECT count(*) FROM organization_translations") == 0);

        auto saved = ok_json(call(s, "PUT", path, owner.token,
                                  {{"texts", {{"login.submit", "Entrar"}, {"login.heading", "Bienvenido a {name}"}}}}));
        CHECK(saved["texts"]["login.submit"] == "Entrar");
        CHECK(ok_json(call(s, "GET", path, owner.token))["texts"].size() == 2);
        ok_json(call(s, "POST", k_white_label + "/domains", root.token, {{"organization_id", org}, {"domain", k_host}}), 201);
        auto branded = page(s, "/login", {{"Host", k_host}, {"Accept-Language", "es"}});
        CHECK(branded.body.find(">Entrar</button>") != std::string::npos);
        CHECK(branded.body.find("Bienvenido a Janua") != std::string::npos);
        auto catalog = body_of(http("GET", s.base(), k_localization + "/translations/es", "", {{"Host", k_host}}));
        CHECK(catalog["messages"]["login.submit"] == "Entrar");
        // Elsewhere, and in English, the shipped text.
        CHECK(page(s, "/login", {{"Accept-Language", "es"}}).body.find(">Iniciar sesión</button>") != std::string::npos);
        CHECK(page(s, "/login", {{"Host", k_host}, {"Accept-Language", "en"}}).body.find(">Sign in</button>") != std::string::npos);
        CHECK(audit_count(s, org, "branding.translations_updated") == 1);
        CHECK(call(s, "DELETE", path, owner.token).status == 204);
        CHECK(page(s, "/login", {{"Host", k_host}, {"Accept-Language", "es"}}).body.find(">Entrar</button>") == std::string::npos);
    }
}

TEST_CASE("localization: the account console is complete in Spanish", "[branding][i18n][account]") {
    janua::test::oidc::OidcServer s;
    FormBrowser b{s.base(), {}};
    b.sign_in(s.email, "/account");
    auto english = b.send("GET", "/account");
    REQUIRE(english.status == 200);
    CHECK(english.body.find("Signed-in sessions") != std::string::npos);
    auto saved = b.post("/account/profile", {{"csrf_token", FormBrowser::field(english.body, "csrf_token")}, {"locale", "es"}});
    REQUIRE(saved.status == 302);
    auto spanish = b.send("GET", "/account?done=profile");
    INFO(spanish.body);
    CHECK(spanish.body.find("<html lang=\"es\">") != std::string::npos);
    CHECK(spanish.body.find("Tu cuenta de Janua") != std::string::npos);
    CHECK(spanish.body.find("Se guardó tu perfil.") != std::string::npos);
    CHECK(spanish.body.find("Sesiones iniciadas") != std::string::npos);
    // None of the English words of the console is left.
    for (const char* word : {"Profile", "Password", "Two-step verification", "Passkeys", "Signed-in sessions",
                             "Linked accounts", "Applications", "Sign out", "Save profile", "Change password",
                             "Add a passkey", "Send confirmation link", "Actions"}) {
        INFO(word);
        CHECK(spanish.body.find(">" + std::string(word) + "<") == std::string::npos);
    }
    auto mismatch = b.post("/account/password", {{"csrf_token", FormBrowser::field(spanish.body, "csrf_token")},
                                                 {"current_password", k_password},
                                                 {"new_password", "a new password 1"},
                                                 {"confirm_password", "another one 2"}});
    CHECK(mismatch.status == 422);
    CHECK(mismatch.body.find("Las dos contraseñas nuevas no coinciden.") != std::string::npos);
}
