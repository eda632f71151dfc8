#pragma once
// Owning handles for OpenSSL objects, private to core/crypto. Each frees its object with the
// matching OpenSSL call, so early returns on a failed check cannot leak.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace janua::crypto::detail {

template <class T, void (*Free)(T*)>
struct OpensslDeleter {
    void operator()(T* object) const { Free(object); }
};

template <class T, void (*Free)(T*)>
using OpensslPtr = std::unique_ptr<T, OpensslDeleter<T, Free>>;

inline void free_bio(BIO* bio) {
    BIO_free_all(bio);
}

using PkeyCtxPtr = OpensslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = OpensslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = OpensslPtr<BIO, free_bio>;
using BignumPtr = OpensslPtr<BIGNUM, BN_free>;
using ParamBldPtr = OpensslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OpensslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using EcdsaSigPtr = OpensslPtr<ECDSA_SIG, ECDSA_SIG_free>;

// Keys are immutable once built and safe to use from many threads at once, so copies of a
// SigningKey or VerificationKey share one EVP_PKEY.
using SharedPkey = std::shared_ptr<EVP_PKEY>;

inline SharedPkey share_pkey(EVP_PKEY* key) {
    return SharedPkey(key, EVP_PKEY_free);
}

// Throw for an OpenSSL failure that cannot happen with valid inputs (allocation, a missing
// built-in algorithm). Clear the error queue so it does not leak into unrelated later calls.
[[noreturn]] inline void throw_openssl(const char* what) {
    ERR_clear_error();
    throw std::runtime_error(std::string(what) + " failed in OpenSSL");
}

template <class T>
T* checked(T* object, const char* what) {
    if (object == nullptr) throw_openssl(what);
    return object;
}

}  // namespace janua::crypto::detail
