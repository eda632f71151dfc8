#pragma once

#include <string>

namespace janua::mail {

// Return `text` safe to place in HTML element content and in quoted attribute values.
std::string html_escape(const std::string& text);

}  // namespace janua::mail
