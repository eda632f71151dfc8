#include "core/scim/page_cursors.hpp"

#include <algorithm>

namespace janua::scim {

namespace {
std::string key_of(const std::string& walk, long long start_index) { return walk + '\n' + std::to_string(start_index); }
}  // namespace

std::optional<PageCursors::Cursor> PageCursors::find(const std::string& walk, long long start_index) {
    std::lock_guard lock(m_mutex);
    const auto found = m_entries.find(key_of(walk, start_index));
    if (found == m_entries.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() - found->second.at > k_ttl) {
        m_entries.erase(found);
        return std::nullopt;
    }
    return found->second.cursor;
}

void PageCursors::remember(const std::string& walk, long long next_start_index, Cursor cursor) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_mutex);
    if (m_entries.size() >= k_capacity) {
        std::erase_if(m_entries, [&](const auto& e) { return now - e.second.at > k_ttl; });
        if (m_entries.size() >= k_capacity)
            m_entries.erase(std::min_element(m_entries.begin(), m_entries.end(),
                                             [](const auto& a, const auto& b) { return a.second.at < b.second.at; }));
    }
    m_entries[key_of(walk, next_start_index)] = Entry{std::move(cursor), now};
}

std::size_t PageCursors::size() {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

}  // namespace janua::scim
