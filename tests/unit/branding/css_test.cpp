// Branding values and the custom-CSS subset (core/branding), without a database.
#include "core/branding/branding.hpp"
#include "core/branding/css.hpp"

#include <catch2/catch.hpp>

using namespace janua;

TEST_CASE("custom CSS within the subset is normalized", "[branding]") {
    auto css = branding::sanitize_css("main > h1 , .error { font-size: 2rem; COLOR: rgb(10, 20, 30) }\nbutton:hover{border-radius:0;}");
    REQUIRE(css);
    CHECK(*css == "main>h1,.error{font-size:2rem;color:rgb(10, 20, 30);}button:hover{border-radius:0;}");
    CHECK(branding::sanitize_css("").value().empty());
}

TEST_CASE("custom CSS that could load, inject or read is refused", "[branding]") {
    for (const char* bad : {
             "body{background:url(https://evil.example/x)}",              // external load
             "body{background:URL(x)}",                                  // any case
             "input[value^=a]{color:red}",                               // attribute selector
             "@import 'x.css';",                                         // at-rule
             "body{color:red}</style><script>alert(1)</script>",         // markup
             "body{color:\\72 ed}",                                      // escapes
             "h1{position:fixed}",                                       // property outside the list
             "h1::after{content:'x'}",                                   // content injection
             "div{color:red}",                                           // not an element of the pages
             ".other{color:red}",                                        // not a class of the pages
             "h1{color:red",                                             // unclosed
             "h1{color:red}}",                                           // stray brace
             "h1{a{color:red}}",                                         // nesting
             "h1{color:expression(alert(1))}",                           // legacy script
             "h1{color:var(--x)}",                                       // functions outside the list
             "h1{color:red!important}",                                  // !important
             "h1{/* c */color:red}",                                     // comments
             "h1{color:r\xc3\xa9" "d}",                                  // non-ASCII
         }) {
        INFO(bad);
        auto css = branding::sanitize_css(bad);
        REQUIRE_FALSE(css);
        CHECK(css.error().code == ErrorCode::validation);
        CHECK(css.error().message.rfind("custom_css: ", 0) == 0);
    }
    CHECK_FALSE(branding::sanitize_css(std::string(branding::k_max_custom_css + 1, ' ')));
}

TEST_CASE("branding bodies are validated field by field", "[branding]") {
    auto ok = branding::branding_from_json({{"product_name", "Acme ID"},
                                            {"logo_url", "https://cdn.example.com/logo.png"},
                                            {"preset", "dark"},
                                            {"primary_color", "#ABC"},
                                            {"default_locale", "es"}});
    REQUIRE(ok);
    CHECK(ok->primary_color == std::optional<std::string>("#aabbcc"));
    CHECK(ok->colors().background == "#0d1117");  // from the dark preset
    CHECK(ok->colors().primary == "#aabbcc");
    for (const auto& [body, field] : std::vector<std::pair<nlohmann::json, std::string>>{
             {{{"logo_url", "http://cdn.example.com/logo.png"}}, "logo_url"},
             {{{"logo_url", "javascript:alert(1)"}}, "logo_url"},
             {{{"logo_url", "https://x.example/a\"onerror=\"x"}}, "logo_url"},
             {{{"primary_color", "red"}}, "primary_color"},
             {{{"text_color", "#12345g"}}, "text_color"},
             {{{"preset", "neon"}}, "preset"},
             {{{"product_name", ""}}, "product_name"},
             {{{"product_name", "a\nb"}}, "product_name"},
             {{{"default_locale", "fr"}}, "default_locale"},
             {{{"colour", "#fff"}}, "colour"},
             {{{"custom_css", 5}}, "custom_css"}}) {
        INFO(body.dump());
        auto b = branding::branding_from_json(body);
        REQUIRE_FALSE(b);
        CHECK(b.error().details["field"] == field);
    }
}

TEST_CASE("the page stylesheet picks readable button text and hosts are normalized", "[branding]") {
    branding::Branding light;
    light.primary_color = "#ffee00";
    CHECK(branding::page_stylesheet(light).find("button{background:#ffee00;color:#000000") != std::string::npos);
    branding::Branding dark;
    dark.primary_color = "#101010";
    CHECK(branding::page_stylesheet(dark).find("color:#ffffff") != std::string::npos);
    CHECK(branding::normalize_host("Login.Example.COM:8443") == std::optional<std::string>("login.example.com"));
    CHECK(branding::normalize_host("login.example.com.") == std::optional<std::string>("login.example.com"));
    CHECK_FALSE(branding::normalize_host("localhost"));
    CHECK_FALSE(branding::normalize_host("[::1]:80"));
    CHECK_FALSE(branding::normalize_host("a..b"));
    CHECK_FALSE(branding::normalize_host("evil.example/x"));
}
