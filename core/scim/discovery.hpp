#pragma once
// /scim/v2/ServiceProviderConfig, /Schemas and /ResourceTypes: what this server really supports.

#include <nlohmann/json.hpp>

#include <string>

namespace janua::scim {

nlohmann::json service_provider_config(const std::string& base_url);
nlohmann::json schemas(const std::string& base_url);  // each with meta; a JSON array
nlohmann::json resource_types(const std::string& base_url);  // a JSON array

}  // namespace janua::scim
