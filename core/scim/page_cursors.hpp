#pragma once
// Keyset paging behind SCIM's startIndex (RFC 7644 §3.4.2.4). SCIM pages by index, which SQL
// answers with OFFSET: the database walks and drops every row before startIndex, so a
// page-through of N users costs O(N²). An IdP's import asks for startIndex = 1, 1+count,
// 1+2·count, ...: after serving a full page januad remembers where the next one begins (the
// last row's sort key), and a request for exactly that startIndex of the same list (organization,
// filter, default order) seeks past the key through the index instead (O(page)). Any other
// startIndex, or a walk this process has not seen (another januad behind a load balancer, an
// expired entry), falls back to OFFSET, which is correct, only slower.
//
// The seek follows rows, not positions: when users before the cursor are deleted mid-walk, the
// next page still starts after the last user served (OFFSET would skip as many users as were
// deleted). Bounded: at most k_capacity walks, each forgotten k_ttl after its last page.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace janua::scim {

class PageCursors {
public:
    // The sort key of the last row served: created_at as PostgreSQL's text (exact to the
    // microsecond when cast back) and the id.
    struct Cursor {
        std::string created_at;
        std::string id;
    };
    static constexpr std::size_t k_capacity = 1024;
    static constexpr std::chrono::minutes k_ttl{15};

    // `walk` names the list (organization, filter and its values); start_index the page asked for.
    std::optional<Cursor> find(const std::string& walk, long long start_index);
    void remember(const std::string& walk, long long next_start_index, Cursor cursor);
    std::size_t size();

private:
    struct Entry {
        Cursor cursor;
        std::chrono::steady_clock::time_point at;
    };
    std::mutex m_mutex;
    std::map<std::string, Entry> m_entries;  // walk + '\n' + startIndex
};

}  // namespace janua::scim
