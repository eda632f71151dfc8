#pragma once
// Custom CSS an organization may add to its hosted pages, limited to what restyles them: rules
// whose selectors name the pages' own elements and classes, with properties from an allow-list
// and values without url(), @-rules, escapes or comments. No external loads (they would leak who
// signs in, and CSS attribute selectors can read typed passwords via background URLs), no
// content injection. Rejected input gets an error naming the first offending part.

#include "core/common/result.hpp"

#include <string>

namespace janua::branding {

constexpr std::size_t k_max_custom_css = 8192;

// The normalized stylesheet ("selector{property:value;...}" per rule).
Result<std::string> sanitize_css(const std::string& css);

}  // namespace janua::branding
