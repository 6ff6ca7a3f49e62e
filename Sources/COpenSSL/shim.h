// Our own shim over OpenSSL 3 (libcrypto): wraps the macros Swift cannot import.
#ifndef ANYUN_COPENSSL_SHIM_H
#define ANYUN_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/obj_mac.h>

static inline void anyun_openssl_free(void *pointer) { OPENSSL_free(pointer); }

// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long anyun_bio_mem_contents(BIO *bio, char **contents) {
    return BIO_get_mem_data(bio, contents);
}

static inline int anyun_evp_pkey_keypair_selection(void) { return EVP_PKEY_KEYPAIR; }
static inline int anyun_evp_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }

// A passphrase callback that always declines: without it OpenSSL would prompt on the
// controlling terminal when handed an encrypted PEM, which a server must never do.
static int anyun_no_passphrase(char *buffer, int size, int rwflag, void *userdata) {
    (void)buffer; (void)size; (void)rwflag; (void)userdata;
    return -1;
}

static inline EVP_PKEY *anyun_pem_read_private_key(BIO *bio) {
    return PEM_read_bio_PrivateKey(bio, NULL, anyun_no_passphrase, NULL);
}

static inline EVP_PKEY *anyun_pem_read_public_key(BIO *bio) {
    return PEM_read_bio_PUBKEY(bio, NULL, anyun_no_passphrase, NULL);
}

// OpenSSL keeps some string arguments by pointer: OSSL_PARAM_BLD stores each key name
// until OSSL_PARAM_BLD_to_param, and EVP_PKEY_CTX_new_from_name keeps the key type.
// A Swift String passed as `const char *` only lives for the call, so these wrappers
// pass C string literals, which live for the whole process.
static inline EVP_PKEY_CTX *anyun_sm2_context_new(void) {
    return EVP_PKEY_CTX_new_from_name(NULL, SN_sm2, NULL);
}

static inline int anyun_param_push_sm2_group(OSSL_PARAM_BLD *builder) {
    return OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, SN_sm2, 0);
}

static inline int anyun_param_push_public_point(OSSL_PARAM_BLD *builder, const void *point, size_t length) {
    return OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point, length);
}

static inline int anyun_param_push_private_scalar(OSSL_PARAM_BLD *builder, const BIGNUM *scalar) {
    return OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_PRIV_KEY, scalar);
}

#endif
