// Avatars (core/avatars, core/storage) against a real januad and PostgreSQL: upload as a raw body
// and as a browser form, the public image URL and its headers, replacement and removal (old
// objects deleted), every refusal leaving the avatar as it was, the platform-admin routes, and the
// same flow on a real S3-compatible server (s3rver) whose requests an independent SigV4
// implementation checks.
#include "tests/integration/avatars/avatar_support.hpp"

using namespace janua::test;
using namespace janua::test::avatars;

namespace {

const std::string k_me = "/api/v1/users/me/avatar";

// One user's avatar state: the profile's avatar_url and the avatar rows.
std::string avatar_state(const Server& s, const std::string& user_id) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    auto r = w.exec_params(
        "SELECT coalesce(u.avatar_url, '-') || ' ' || coalesce((SELECT object_key || content_type || size_bytes "
        "FROM user_avatars WHERE user_id = u.id), '-') FROM users u WHERE u.id = $1",
        user_id);
    return r[0][0].as<std::string>();
}

long long audit_count(const Server& s, const std::string& action, const std::string& actor_id) {
    return count_rows(s, "SELECT count(*) FROM audit_events WHERE action = '" + action + "' AND actor_id = '" + actor_id + "'");
}

}  // namespace

TEST_CASE("avatars are uploaded, served, replaced and removed on local disk", "[avatars]") {
    TempDir storage;
    Server s(Env{{"STORAGE_DIR", storage.path}});
    auto alice = make_user(s, "alice@example.com");

    auto uploaded = ok_json(upload_raw(s, k_me, alice.token, k_png, "image/png"));
    CHECK(uploaded["content_type"] == "image/png");
    CHECK(uploaded["width"] == 2);
    CHECK(uploaded["height"] == 3);
    CHECK(uploaded["size_bytes"] == static_cast<int>(k_png.size()));
    const std::string url = uploaded["url"];
    CHECK(url == s.base() + "/api/v1/avatars/" + uploaded["id"].get<std::string>());
    // The profile (and with it the OIDC picture claim) points at the upload.
    CHECK(ok_json(call(s, "GET", "/api/v1/auth/me", alice.token))["avatar_url"] == url);
    CHECK(ok_json(call(s, "GET", k_me, alice.token))["id"] == uploaded["id"]);
    CHECK(storage.files() == std::vector<std::string>{"avatars/" + uploaded["id"].get<std::string>()});

    // Anyone with the URL gets the image, as an image only.
    auto image = http("GET", s.base(), path_of(url));
    REQUIRE(image.status == 200);
    CHECK(image.body == k_png);
    CHECK(image.header("Content-Type") == "image/png");
    CHECK(image.header("X-Content-Type-Options") == "nosniff");
    CHECK(image.header("Content-Security-Policy").find("sandbox") != std::string::npos);
    CHECK(image.header("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
    CHECK(image.header("Cache-Control") == "public, max-age=3600");

    // A browser form replaces it: new URL, old one gone, old file deleted.
    auto replaced = ok_json(upload_form(s, k_me, alice.token, k_gif, "image/gif"));
    CHECK(replaced["id"] != uploaded["id"]);
    CHECK(replaced["content_type"] == "image/gif");
    CHECK(http("GET", s.base(), path_of(url)).status == 404);
    auto gif = http("GET", s.base(), path_of(replaced["url"]));
    CHECK(gif.body == k_gif);
    CHECK(gif.header("Content-Type") == "image/gif");
    CHECK(storage.files() == std::vector<std::string>{"avatars/" + replaced["id"].get<std::string>()});
    CHECK(count_rows(s, "SELECT count(*) FROM storage_deletions") == 0);

    CHECK(call(s, "DELETE", k_me, alice.token).status == 204);
    CHECK(http("GET", s.base(), path_of(replaced["url"])).status == 404);
    CHECK(ok_json(call(s, "GET", "/api/v1/auth/me", alice.token))["avatar_url"].is_null());
    CHECK(storage.files().empty());
    auto again = call(s, "DELETE", k_me, alice.token);
    CHECK(again.status == 404);
    CHECK(error_of(again)["code"] == "NOT_FOUND_ERROR");
    CHECK(call(s, "GET", k_me, alice.token).status == 404);

    CHECK(audit_count(s, "user.avatar_updated", alice.id) == 2);
    CHECK(audit_count(s, "user.avatar_removed", alice.id) == 1);

    SECTION("a URL set by hand after an upload survives removing the upload") {
        ok_json(upload_raw(s, k_me, alice.token, k_png, "image/png"));
        ok_json(call(s, "PATCH", "/api/v1/auth/me", alice.token, {{"avatar_url", "https://cdn.example.com/me.png"}}));
        CHECK(call(s, "DELETE", k_me, alice.token).status == 204);
        CHECK(ok_json(call(s, "GET", "/api/v1/auth/me", alice.token))["avatar_url"] == "https://cdn.example.com/me.png");
        CHECK(storage.files().empty());
    }
}

TEST_CASE("refused avatar uploads change nothing", "[avatars]") {
    TempDir storage;
    Server s(Env{{"STORAGE_DIR", storage.path}, {"AVATAR_MAX_BYTES", "2048"}, {"AVATAR_MAX_DIMENSION", "64"}});
    auto bob = make_user(s, "bob@example.com");
    auto kept = ok_json(upload_raw(s, k_me, bob.token, k_png, "image/png"));
    const std::string before = avatar_state(s, bob.id);
    const auto files = storage.files();

    const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.cookie)</script></svg>";
    std::string big_png = k_png + std::string(2048, '\0');  // a PNG header, over AVATAR_MAX_BYTES
    std::string huge = k_png;
    huge[16] = 0x01;  // width 2 -> 16777218 pixels, over AVATAR_MAX_DIMENSION
    struct Case {
        std::string name;
        HttpResponse response;
        int status;
        std::string code;
    };
    const std::vector<Case> cases = {
        {"SVG as itself", upload_raw(s, k_me, bob.token, svg, "image/svg+xml"), 422, "VALIDATION_ERROR"},
        {"SVG declared as PNG", upload_raw(s, k_me, bob.token, svg, "image/png"), 422, "VALIDATION_ERROR"},
        {"HTML in a form", upload_form(s, k_me, bob.token, "<html><script>1</script></html>", "image/gif"), 422, "VALIDATION_ERROR"},
        {"PNG declared as JPEG", upload_raw(s, k_me, bob.token, k_png, "image/jpeg"), 422, "VALIDATION_ERROR"},
        {"GIF declared as octet-stream", upload_form(s, k_me, bob.token, k_gif, "application/octet-stream"), 422, "VALIDATION_ERROR"},
        {"too many bytes", upload_raw(s, k_me, bob.token, big_png, "image/png"), 413, "PAYLOAD_TOO_LARGE"},
        {"too many pixels", upload_raw(s, k_me, bob.token, huge, "image/png"), 422, "VALIDATION_ERROR"},
        {"empty body", upload_raw(s, k_me, bob.token, "", "image/png"), 422, "VALIDATION_ERROR"},
        {"form without a file field", upload_form(s, k_me, bob.token, k_png, "image/png", "picture"), 422, "VALIDATION_ERROR"},
        {"no token", upload_raw(s, k_me, "", k_png, "image/png"), 401, ""},
    };
    for (const auto& c : cases) {
        INFO(c.name << ": " << c.response.status << " " << c.response.body);
        CHECK(c.response.status == c.status);
        if (!c.code.empty()) CHECK(error_of(c.response)["code"] == c.code);
        CHECK(avatar_state(s, bob.id) == before);
        CHECK(storage.files() == files);
    }
    CHECK(error_of(cases[3].response)["details"]["detected"] == "image/png");
    CHECK(http("GET", s.base(), path_of(kept["url"])).body == k_png);
    CHECK(audit_count(s, "user.avatar_updated", bob.id) == 1);
}

TEST_CASE("platform admins manage any user's avatar and nobody else can", "[avatars]") {
    TempDir storage;
    Server s(Env{{"STORAGE_DIR", storage.path}});
    auto admin = make_user(s, "root@example.com", true);
    auto carol = make_user(s, "carol@example.com");
    auto dave = make_user(s, "dave@example.com");
    const std::string carols = "/api/v1/users/" + carol.id + "/avatar";

    auto refused = upload_raw(s, carols, dave.token, k_png, "image/png");
    CHECK(refused.status == 403);
    CHECK(error_of(refused)["code"] == "AUTHORIZATION_ERROR");
    CHECK(call(s, "DELETE", carols, dave.token).status == 403);
    CHECK(avatar_state(s, carol.id) == "- -");

    auto set = ok_json(upload_raw(s, carols, admin.token, k_png, "image/png"));
    CHECK(ok_json(call(s, "GET", "/api/v1/auth/me", carol.token))["avatar_url"] == set["url"]);
    CHECK(ok_json(call(s, "GET", carols, admin.token))["id"] == set["id"]);
    CHECK(audit_count(s, "user.avatar_updated", admin.id) == 1);
    CHECK(call(s, "DELETE", carols, dave.token).status == 403);
    CHECK(call(s, "DELETE", carols, admin.token).status == 204);
    CHECK(audit_count(s, "user.avatar_removed", admin.id) == 1);
    CHECK(storage.files().empty());

    // Deleting a user deletes their image too (the trigger queues it, the sweep job deletes it).
    auto kept = ok_json(upload_raw(s, "/api/v1/users/" + dave.id + "/avatar", admin.token, k_gif, "image/gif"));
    CHECK(storage.files().size() == 1);
    CHECK(call(s, "DELETE", "/api/v1/users/" + dave.id, admin.token).status == 204);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!storage.files().empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(storage.files().empty());
    CHECK(http("GET", s.base(), path_of(kept["url"])).status == 404);

    CHECK(upload_raw(s, "/api/v1/users/00000000-0000-4000-8000-000000000000/avatar", admin.token, k_png, "image/png").status == 404);
    CHECK(upload_raw(s, "/api/v1/users/not-a-uuid/avatar", admin.token, k_png, "image/png").status == 404);
    CHECK(storage.files().empty());
    // Ids that are not current avatars, or not ids at all, are simply not found.
    for (const std::string& id : {std::string(43, 'A'), std::string("..%2F..%2Fetc%2Fpasswd"), std::string("x")})
        CHECK(http("GET", s.base(), "/api/v1/avatars/" + id).status == 404);
}

TEST_CASE("an upload the store cannot take keeps the previous avatar", "[avatars]") {
    TempDir scratch;
    const std::string blocked = scratch.path + "/not-a-directory";
    { std::ofstream(blocked) << "x"; }
    Server s(Env{{"STORAGE_DIR", blocked + "/storage"}});
    auto erin = make_user(s, "erin@example.com");
    auto failed = upload_raw(s, k_me, erin.token, k_png, "image/png");
    CHECK(failed.status == 503);
    CHECK(error_of(failed)["code"] == "SERVICE_UNAVAILABLE");
    CHECK(error_of(failed)["message"].get<std::string>().find(blocked) == std::string::npos);  // no paths leak
    CHECK(avatar_state(s, erin.id) == "- -");
    CHECK(count_rows(s, "SELECT count(*) FROM user_avatars") == 0);
}

TEST_CASE("avatars live in a real S3-compatible store with AWS Signature Version 4", "[avatars][s3]") {
    const std::string key_id = "JANUATESTKEY";
    const std::string secret = "janua/test+secret=0123456789";
    S3Server s3("janua-avatars", key_id, secret);
    SecretFile secret_file(secret + "\n");
    Env env = {{"STORAGE_BACKEND", "s3"},          {"S3_ENDPOINT", s3.endpoint()},    {"S3_BUCKET", "janua-avatars"},
               {"S3_ACCESS_KEY_ID", key_id},       {"S3_SECRET_ACCESS_KEY_FILE", secret_file.path}};
    Server s(env);
    auto frank = make_user(s, "frank@example.com");

    auto first = ok_json(upload_raw(s, k_me, frank.token, k_png, "image/png"));
    auto image = http("GET", s.base(), path_of(first["url"]));
    CHECK(image.status == 200);
    CHECK(image.body == k_png);
    CHECK(image.header("Content-Type") == "image/png");

    auto second = ok_json(upload_form(s, k_me, frank.token, k_gif, "image/gif"));
    CHECK(http("GET", s.base(), path_of(second["url"])).body == k_gif);
    CHECK(http("GET", s.base(), path_of(first["url"])).status == 404);
    CHECK(count_rows(s, "SELECT count(*) FROM storage_deletions") == 0);  // the old object's DELETE went through

    // The store failing a PUT: 503, and the avatar stays the GIF.
    const std::string before = avatar_state(s, frank.id);
    s3.fail_puts(true);
    auto failed = upload_raw(s, k_me, frank.token, k_png, "image/png");
    CHECK(failed.status == 503);
    CHECK(error_of(failed)["code"] == "SERVICE_UNAVAILABLE");
    CHECK(avatar_state(s, frank.id) == before);
    CHECK(http("GET", s.base(), path_of(second["url"])).body == k_gif);
    s3.fail_puts(false);

    CHECK(call(s, "DELETE", k_me, frank.token).status == 204);
    CHECK(http("GET", s.base(), path_of(second["url"])).status == 404);
    CHECK(count_rows(s, "SELECT count(*) FROM storage_deletions") == 0);

    // Every request januad made passed the independent signature check: PUT, GET, PUT, DELETE
    // (the replaced object), GET, PUT (failed on purpose), GET, DELETE.
    auto stats = s3.stats();
    INFO(s3.log());
    CHECK(stats["rejected"] == 0);
    CHECK(stats["verified"].get<int>() >= 8);

    SECTION("a wrong secret is refused by the store and changes nothing") {
        Env wrong = env;
        wrong.erase("S3_SECRET_ACCESS_KEY_FILE");
        wrong["S3_SECRET_ACCESS_KEY"] = secret + "-wrong";
        Server other(wrong);
        auto gina = make_user(other, "gina@example.com");
        auto refused = upload_raw(other, k_me, gina.token, k_png, "image/png");
        CHECK(refused.status == 503);
        CHECK(avatar_state(other, gina.id) == "- -");
        CHECK(s3.stats()["rejected"].get<int>() >= 1);
    }
}
