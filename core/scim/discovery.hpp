#pragma once
// /scim/v2/ServiceProviderConfig, /Schemas and /ResourceTypes: what this server really supports.

#include <nlohmann/json.hpp>

#include <string>

namespace janua::scim {

// max_payload_bytes: the largest request body the server accepts (MAX_REQUEST_BODY_BYTES).
nlohmann::json service_provider_config(const std::string& base_url, long long max_payload_bytes);
nlohmann::json schemas(const std::string& base_url);  // each with meta; a JSON array
nlohmann::json resource_types(const std::string& base_url);  // a JSON array

}  // namespace janua::scim
