#pragma once
// The CLI's remote mode: calls to a running januad with a bearer token. API error envelopes
// come back as Errors with the same codes, so both modes share exit codes and messages.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace janua::cli {

struct RemoteTarget {
    std::string server;  // base URL, e.g. http://127.0.0.1:4100
    std::string token;
};

// `body` null: no body. A 204 gives a JSON null.
Result<nlohmann::json> remote_call(const RemoteTarget& target, const std::string& method, const std::string& path,
                                   const nlohmann::json& body = nullptr);

// POST a raw body (a file upload) instead of JSON; the answer is handled as remote_call's.
Result<nlohmann::json> remote_upload(const RemoteTarget& target, const std::string& path, const std::string& body,
                                     const std::string& content_type);

std::string url_encode(const std::string& text);

}  // namespace janua::cli
