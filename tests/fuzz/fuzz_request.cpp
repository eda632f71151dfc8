// libFuzzer target: the daemon's request layer on arbitrary requests — the pipeline (routing,
// path parameters, CORS, proxy headers, request ids, error envelope), header and cookie parsing,
// JSON bodies and the OAuth client body rules an admin or a self-registering client sends. The
// input is split into method, path, header block and body by NUL bytes.
#include "core/oidc/client.hpp"
#include "daemon/http.hpp"
#include "daemon/pipeline.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace janua;
using namespace janua::daemon;

namespace {

struct Harness {
    DaemonContext context;
    Router router;
    Harness() {
        context.config.cors_origins = {"https://app.example"};
        context.config.base_url = "http://localhost:4100";
        context.config.trusted_proxies = {"10.0.0.0/8", "::1"};
        // Nowhere to connect: a handler reaching the database gets a fast 503.
        context.pool = std::make_unique<db::Pool>(db::PoolSettings{"postgresql://127.0.0.1:1/none", 1, 1, 10, 0, "fuzz"});
        router.add("POST", "/api/v1/things/{id}/items/{item}", Access::public_route, [](Request& r) {
            auto body = parse_json_object(r);
            if (!body) return error_response(body.error(), r.request_id);
            auto name = string_member(*body, "name");
            (void)oidc::client_spec_from_json(*body);
            (void)bearer_token(r);
            (void)cookie(r, "janua_session");
            return Response::json(200, {{"id", r.param("id")}, {"item", r.param("item")}, {"ok", name.ok()}});
        });
        router.add("GET", "/api/v1/things", Access::public_route, [](Request& r) {
            return Response::json(200, {{"q", r.query_param("q").value_or("")}, {"ip", meta_of(r).ip}});
        });
    }
};

std::vector<std::string> split(std::string_view input, char sep, std::size_t parts) {
    std::vector<std::string> out;
    while (out.size() + 1 < parts) {
        const auto at = input.find(sep);
        if (at == std::string_view::npos) break;
        out.emplace_back(input.substr(0, at));
        input.remove_prefix(at + 1);
    }
    out.emplace_back(input);
    out.resize(parts);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Harness harness;
    const auto fields = split(std::string_view(reinterpret_cast<const char*>(data), size), '\0', 4);
    Request request;
    request.method = fields[0];
    request.path = fields[1];
    request.body = fields[3];
    request.remote_addr = "10.1.2.3";
    for (const auto& line : split(fields[2], '\n', 16)) {
        const auto colon = line.find(':');
        if (colon != std::string::npos) request.headers.emplace(line.substr(0, colon), line.substr(colon + 1));
    }
    const auto question = request.path.find('?');
    if (question != std::string::npos) {
        for (const auto& pair : split(request.path.substr(question + 1), '&', 8)) {
            const auto eq = pair.find('=');
            if (eq != std::string::npos) request.query.emplace(pair.substr(0, eq), pair.substr(eq + 1));
        }
        request.path.resize(question);
    }
    Pipeline pipeline(harness.router, harness.context);
    Response response = pipeline.handle(request);
    if (response.status < 100 || response.status > 599) std::abort();
    return 0;
}
