#pragma once
// The daemon's own request/response types. Only daemon/server.cpp knows cpp-httplib; everything
// else (pipeline, routes, tests) works on these plain structs.

#include "core/common/result.hpp"
#include "core/identity/auth_service.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace janua::daemon {

struct CaseInsensitiveLess {
    bool operator()(const std::string& a, const std::string& b) const;
};

using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

// One part of a multipart/form-data body. The listener parses such bodies itself (bounded by
// MAX_REQUEST_BODY_BYTES); Request::body is then empty and the parts are here, by field name.
struct FormPart {
    std::string filename;
    std::string content_type;
    std::string content;
};

struct Request {
    std::string method;
    std::string path;
    std::string body;
    std::string remote_addr;
    HeaderMap headers;
    std::multimap<std::string, std::string> query;
    std::multimap<std::string, FormPart> form_parts;  // multipart/form-data bodies only
    std::string raw_query;  // the query string as received, still percent-encoded (SAML Redirect signatures)
    std::map<std::string, std::string> path_params;  // filled by the router
    std::string request_id;                          // filled by the pipeline
    std::string route;                               // matched pattern, for metrics and logs
    std::optional<identity::Principal> principal;    // set by the pipeline for authenticated calls

    std::string header(const std::string& name) const;
    std::optional<std::string> query_param(const std::string& name) const;
    const std::string& param(const std::string& name) const { return path_params.at(name); }
};

struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    // Set for a body produced while it is sent (chunked transfer encoding): called once with a
    // writer that returns false when the client went away; `body` is then ignored. A failure
    // after the first byte can only cut the stream short, so writers end with a completeness
    // marker their readers check.
    std::function<bool(const std::function<bool(const std::string&)>& write)> stream;

    void set_header(const std::string& name, const std::string& value);
    bool has_header(const std::string& name) const;

    static Response json(int status, const nlohmann::json& body);
    static Response no_content();
};

// The HTTP status for a domain error code.
int http_status(ErrorCode code);

// The API.md error envelope: {"error":{"code","message","details","request_id"}}.
Response error_response(const Error& error, const std::string& request_id);

// Parse a JSON object body; a clear 400 otherwise.
Result<nlohmann::json> parse_json_object(const Request& request);

// A string member of a JSON body: empty when absent; an error when present but not a string.
Result<std::string> string_member(const nlohmann::json& body, const char* name);

// The bearer token of the Authorization header, if any.
std::optional<std::string> bearer_token(const Request& request);

identity::RequestMeta meta_of(const Request& request);

// The value of one cookie from the Cookie header; empty when absent.
std::string cookie(const Request& request, const std::string& name);

}  // namespace janua::daemon
