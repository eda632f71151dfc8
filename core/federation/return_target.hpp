#pragma once
// Where the browser may be sent after an upstream login: a path on this server (the main use is
// continuing a pending /oauth/authorize request of januad's own provider), or an absolute URL on
// BASE_URL's or FRONTEND_URL's origin. Anything else would make the callback an open redirect.

#include <optional>
#include <string>

namespace janua::federation {

// The target, or nullopt when it is not allowed.
std::optional<std::string> checked_return_to(const std::string& value, const std::string& base_url,
                                             const std::string& frontend_url);

}  // namespace janua::federation
