#pragma once
// Percent-encoding (RFC 3986) and application/x-www-form-urlencoded bodies.

#include <map>
#include <optional>
#include <string>

namespace janua {

// Everything but unreserved characters is encoded.
std::string percent_encode(const std::string& text);
// '+' becomes a space when `plus_is_space` (forms); nullopt for a malformed escape.
std::optional<std::string> percent_decode(const std::string& text, bool plus_is_space = true);
// name=value&... ; nullopt when an escape is malformed. A repeated name keeps its first value
// and is reported through `duplicate` (OAuth forbids repeated parameters).
std::optional<std::map<std::string, std::string>> parse_form(const std::string& body, std::string* duplicate = nullptr);

}  // namespace janua
