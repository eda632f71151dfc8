#pragma once
// A small, bounded CBOR (RFC 8949) decoder for what WebAuthn sends: attestation objects, COSE keys,
// attestation statements. Every declared length is checked against the bytes that remain before
// anything is allocated (Debian's libcbor 0.8 trusts declared lengths: five bytes can make it ask
// for ~50 GB), nesting is capped, indefinite lengths, tags and floats are refused: WebAuthn's
// CTAP2 canonical encoding never uses them.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace janua::webauthn::cbor {

struct Value;
using Array = std::vector<Value>;
using Map = std::vector<std::pair<Value, Value>>;  // in encoded order; keys unique

struct Value {
    enum class Type { unsigned_int, negative_int, bytes, text, array, map, boolean, null };
    Type type = Type::null;
    std::int64_t integer = 0;  // unsigned_int and negative_int (the value itself, e.g. -7)
    std::string string;        // bytes and text
    bool boolean = false;
    std::shared_ptr<Array> array;
    std::shared_ptr<Map> map;

    bool is_int() const { return type == Type::unsigned_int || type == Type::negative_int; }
    // The member of a map under integer or text key; null when absent or not a map.
    const Value* find(std::int64_t key) const;
    const Value* find(std::string_view key) const;
};

struct Decoded {
    Value value;
    std::size_t consumed = 0;  // bytes of the input the item took
};

constexpr int k_max_depth = 8;
// WebAuthn's CBOR (attestation objects, COSE keys) holds a handful of entries per container; a
// cap keeps memory and the duplicate-key check small whatever an attacker declares.
constexpr std::uint64_t k_max_entries = 64;

// Decode the first item of `input`; nullopt on any malformation (truncation, a length beyond the
// input, nesting deeper than k_max_depth, duplicate map keys, unsupported major types).
// `error` says what was wrong.
std::optional<Decoded> decode_prefix(std::string_view input, std::string* error = nullptr);
// Decode exactly one item that spans all of `input`.
std::optional<Value> decode(std::string_view input, std::string* error = nullptr);

}  // namespace janua::webauthn::cbor
