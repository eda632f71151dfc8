// The apply file reader: every problem with its file, line and field; YAML scalars keep their
// types; secrets come from the environment or a file and never from the document itself.
#include "core/provisioning/document.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using janua::provisioning::parse_document;

TEST_CASE("apply files: problems name the line and the field, all at once", "[provisioning]") {
    auto doc = parse_document("organizations:\n"
                              "  - slug: Bad Slug\n"
                              "    roles:\n"
                              "      - name: owner\n"
                              "        permissions: [\"x\"]\n"
                              "    members:\n"
                              "      - email: a@example.com\n"
                              "      - email: A@example.com\n"
                              "    webhooks:\n"
                              "      - url: https://h.example.com\n"
                              "        event_types: [\"\"]\n"
                              "        enabled: maybe\n",
                              "t.yaml", "");
    REQUIRE_FALSE(doc);
    const auto& message = doc.error().message;
    CHECK(message.find("t.yaml:2: organizations[0].slug: must be 1-63") != std::string::npos);
    CHECK(message.find("t.yaml:4: organizations[0].roles[0].name: 'owner' is a built-in role") != std::string::npos);
    CHECK(message.find("t.yaml:5: organizations[0].roles[0].permissions[0]: must look like") != std::string::npos);
    CHECK(message.find("t.yaml:8: organizations[0].members[1].email: member 'a@example.com' is listed twice") != std::string::npos);
    CHECK(message.find("t.yaml:12: organizations[0].webhooks[0].enabled: must be true or false") != std::string::npos);
    CHECK(doc.error().details.size() >= 5);
    CHECK(doc.error().details[0]["line"] == 2);  // in the order of the file
}

TEST_CASE("apply files: empty and partial files manage nothing they leave out", "[provisioning]") {
    auto empty = parse_document("", "e.yaml", "");
    REQUIRE(empty);
    CHECK(empty->organizations.empty());
    CHECK_FALSE(empty->clients.has_value());
    auto partial = parse_document("organizations:\n  - slug: acme\n    roles:\n", "p.yaml", "");
    REQUIRE(partial);
    REQUIRE(partial->organizations.size() == 1);
    CHECK_FALSE(partial->organizations[0].name.has_value());
    CHECK(partial->organizations[0].roles.has_value());  // `roles:` with nothing is an empty list
    CHECK(partial->organizations[0].roles->empty());
    CHECK_FALSE(partial->organizations[0].members.has_value());
}

TEST_CASE("apply files: settings keep YAML types and quoted scalars stay strings", "[provisioning]") {
    auto doc = parse_document("organizations:\n  - slug: acme\n    settings: {seats: 25, ratio: 0.5, sso: true, code: \"007\", none: null}\n",
                              "s.yaml", "");
    REQUIRE(doc);
    CHECK(*doc->organizations[0].settings ==
          nlohmann::json({{"seats", 25}, {"ratio", 0.5}, {"sso", true}, {"code", "007"}, {"none", nullptr}}));
}

TEST_CASE("apply files: client secrets come from the environment or a file, never inline", "[provisioning]") {
    const auto dir = std::filesystem::temp_directory_path() / "janua-doc-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "secret") << "from-a-file-0123456789-0123456789-0123\n";
    ::setenv("JANUA_DOC_TEST_SECRET", "from-the-env-0123456789-0123456789-012", 1);
    auto doc = parse_document("clients:\n"
                              "  - client_id: a\n    name: A\n    secret_from: {env: JANUA_DOC_TEST_SECRET}\n"
                              "  - client_id: b\n    name: B\n    secret_file: secret\n"
                              "  - client_id: c\n    name: C\n",
                              "c.yaml", dir.string());
    REQUIRE(doc);
    REQUIRE(doc->clients->size() == 3);
    CHECK((*doc->clients)[0].secret == "from-the-env-0123456789-0123456789-012");
    CHECK((*doc->clients)[1].secret == "from-a-file-0123456789-0123456789-0123");
    CHECK_FALSE((*doc->clients)[2].secret.has_value());
    CHECK_FALSE((*doc->clients)[0].settings.contains("secret_from"));
    auto inline_secret = parse_document("clients:\n  - client_id: a\n    name: A\n    client_secret: oops\n", "i.yaml", "");
    REQUIRE_FALSE(inline_secret);
    CHECK(inline_secret.error().message.find("i.yaml:4: clients[0].client_secret") != std::string::npos);
    CHECK(inline_secret.error().message.find("oops") == std::string::npos);
    auto both = parse_document("clients:\n  - client_id: a\n    name: A\n    secret_from: {env: X, file: y}\n", "b.yaml", "");
    REQUIRE_FALSE(both);
    std::filesystem::remove_all(dir);
}

TEST_CASE("apply files: a secret file is read no further than the size limit", "[provisioning]") {
    const auto dir = std::filesystem::temp_directory_path() / "janua-doc-big-secret";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "huge") << std::string(1 << 20, 'x');  // one line of a megabyte, no newline
    auto doc = parse_document("clients:\n  - client_id: a\n    name: A\n    secret_file: huge\n", "h.yaml", dir.string());
    std::filesystem::remove_all(dir);
    REQUIRE_FALSE(doc);
    CHECK(doc.error().message.find("the secret is longer than 4096 bytes") != std::string::npos);
    // A device never ends its first line: the read stops at the limit instead of running forever.
    auto device = parse_document("clients:\n  - client_id: a\n    name: A\n    secret_file: /dev/zero\n", "d.yaml", "");
    REQUIRE_FALSE(device);
    CHECK(device.error().message.find("the secret is longer than 4096 bytes") != std::string::npos);
}
