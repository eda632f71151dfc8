#pragma once
// What a hosted page looks like for this request: the product name, the words in the reader's
// language (with the organization's own wording), and the organization's branding when the page
// is served on its custom domain. Built per request by daemon/routes/page_look.cpp.

#include "core/i18n/text.hpp"

#include <optional>
#include <string>

namespace janua::daemon::pages {

struct Look {
    std::string app_name = "Janua";
    i18n::Text t;
    std::string stylesheet;               // the branding's CSS (sanitized), appended to the frame's
    std::optional<std::string> logo_url;  // https only
};

}  // namespace janua::daemon::pages
