#pragma once
// The CLI's remote mode: calls to a running januad with a bearer token. API error envelopes
// come back as Errors with the same codes, so both modes share exit codes and messages.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace janua::cli {

struct RemoteTarget {
    std::string server;  // base URL, e.g. http://127.0.0.1:4100
    std::string token;
};

// `body` null: no body. A 204 gives a JSON null.
Result<nlohmann::json> remote_call(const RemoteTarget& target, const std::string& method, const std::string& path,
                                   const nlohmann::json& body = nullptr);

// GET `path` and hand the body to `sink` as it arrives (exports too large to hold); an error
// envelope becomes an Error as in remote_call. `sink` returns false to stop.
Status remote_download(const RemoteTarget& target, const std::string& path,
                       const std::function<bool(const char* data, std::size_t size)>& sink);

// POST a raw body (a file upload) instead of JSON; the answer is handled as remote_call's.
Result<nlohmann::json> remote_upload(const RemoteTarget& target, const std::string& path, const std::string& body,
                                     const std::string& content_type);

std::string url_encode(const std::string& text);

// A form POST to an OAuth endpoint (RFC 6749 errors come back as a body, not as an Error):
// the status and the JSON body. An Error only when januad cannot be reached or answers
// something that is not JSON.
struct FormReply {
    int status = 0;
    nlohmann::json body;
};
Result<FormReply> remote_form(const std::string& server, const std::string& path,
                              const std::vector<std::pair<std::string, std::string>>& form);

}  // namespace janua::cli
