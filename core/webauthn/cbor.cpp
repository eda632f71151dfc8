#include "core/webauthn/cbor.hpp"

namespace janua::webauthn::cbor {
namespace {

class Reader {
public:
    explicit Reader(std::string_view input) : m_input(input) {}

    std::optional<Value> item(int depth) {
        if (depth > k_max_depth) return fail("nested too deeply");
        if (m_pos >= m_input.size()) return fail("truncated");
        const auto initial = static_cast<unsigned char>(m_input[m_pos++]);
        const int major = initial >> 5;
        const int info = initial & 0x1f;
        if (major == 7) return simple(info);
        auto argument = read_argument(info);
        if (!argument) return std::nullopt;
        Value v;
        switch (major) {
            case 0:
                if (*argument > static_cast<std::uint64_t>(INT64_MAX)) return fail("integer out of range");
                v.type = Value::Type::unsigned_int;
                v.integer = static_cast<std::int64_t>(*argument);
                return v;
            case 1:
                if (*argument > static_cast<std::uint64_t>(INT64_MAX)) return fail("integer out of range");
                v.type = Value::Type::negative_int;
                v.integer = -1 - static_cast<std::int64_t>(*argument);
                return v;
            case 2:
            case 3: {
                if (*argument > remaining()) return fail("string longer than the input");
                v.type = major == 2 ? Value::Type::bytes : Value::Type::text;
                v.string = std::string(m_input.substr(m_pos, static_cast<std::size_t>(*argument)));
                m_pos += static_cast<std::size_t>(*argument);
                return v;
            }
            case 4: {
                // Every element takes at least one byte: a count beyond the rest is a lie.
                if (*argument > remaining()) return fail("array longer than the input");
                if (*argument > k_max_entries) return fail("array has too many elements");
                v.type = Value::Type::array;
                v.array = std::make_shared<Array>();
                v.array->reserve(static_cast<std::size_t>(*argument));
                for (std::uint64_t i = 0; i < *argument; ++i) {
                    auto element = item(depth + 1);
                    if (!element) return std::nullopt;
                    v.array->push_back(std::move(*element));
                }
                return v;
            }
            case 5: {
                if (*argument > remaining() / 2) return fail("map longer than the input");
                if (*argument > k_max_entries) return fail("map has too many entries");
                v.type = Value::Type::map;
                v.map = std::make_shared<Map>();
                v.map->reserve(static_cast<std::size_t>(*argument));
                for (std::uint64_t i = 0; i < *argument; ++i) {
                    auto key = item(depth + 1);
                    if (!key) return std::nullopt;
                    if (!key->is_int() && key->type != Value::Type::text) return fail("map key is not an integer or text");
                    for (const auto& [k, _] : *v.map)
                        if (k.type == key->type && k.integer == key->integer && k.string == key->string)
                            return fail("duplicate map key");
                    auto value = item(depth + 1);
                    if (!value) return std::nullopt;
                    v.map->emplace_back(std::move(*key), std::move(*value));
                }
                return v;
            }
            default: return fail("tags are not supported");
        }
    }

    std::size_t position() const { return m_pos; }
    const std::string& error() const { return m_error; }

private:
    std::size_t remaining() const { return m_input.size() - m_pos; }

    std::nullopt_t fail(const char* why) {
        if (m_error.empty()) m_error = why;
        return std::nullopt;
    }

    std::optional<std::uint64_t> read_argument(int info) {
        if (info < 24) return static_cast<std::uint64_t>(info);
        int bytes = 0;
        switch (info) {
            case 24: bytes = 1; break;
            case 25: bytes = 2; break;
            case 26: bytes = 4; break;
            case 27: bytes = 8; break;
            default: return fail(info == 31 ? "indefinite lengths are not supported" : "reserved additional information");
        }
        if (remaining() < static_cast<std::size_t>(bytes)) return fail("truncated");
        std::uint64_t value = 0;
        for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(m_input[m_pos++]);
        return value;
    }

    std::optional<Value> simple(int info) {
        Value v;
        if (info == 20 || info == 21) {
            v.type = Value::Type::boolean;
            v.boolean = info == 21;
            return v;
        }
        if (info == 22) return v;  // null
        return fail("floats and other simple values are not supported");
    }

    std::string_view m_input;
    std::size_t m_pos = 0;
    std::string m_error;
};

}  // namespace

const Value* Value::find(std::int64_t key) const {
    if (type != Type::map || !map) return nullptr;
    for (const auto& [k, v] : *map)
        if (k.is_int() && k.integer == key) return &v;
    return nullptr;
}

const Value* Value::find(std::string_view key) const {
    if (type != Type::map || !map) return nullptr;
    for (const auto& [k, v] : *map)
        if (k.type == Type::text && k.string == key) return &v;
    return nullptr;
}

std::optional<Decoded> decode_prefix(std::string_view input, std::string* error) {
    Reader reader(input);
    auto value = reader.item(0);
    if (!value) {
        if (error) *error = reader.error();
        return std::nullopt;
    }
    return Decoded{std::move(*value), reader.position()};
}

std::optional<Value> decode(std::string_view input, std::string* error) {
    auto decoded = decode_prefix(input, error);
    if (!decoded) return std::nullopt;
    if (decoded->consumed != input.size()) {
        if (error) *error = "trailing bytes after the CBOR item";
        return std::nullopt;
    }
    return std::move(decoded->value);
}

}  // namespace janua::webauthn::cbor
