// Our own shim over libgcrypt: Swift cannot call C variadic functions (gcry_control)
// nor function-like macros (gcry_cipher_final), so they are wrapped here.
#ifndef ANYUN_CGCRYPT_SHIM_H
#define ANYUN_CGCRYPT_SHIM_H

#include <gcrypt.h>

// Initialises libgcrypt once for the whole process and returns the runtime version,
// or NULL if the runtime library is older than the headers we compiled against.
// Secure memory is disabled: we never ask for it (no GCRY_*_SECURE flags), and
// leaving it on would need mlock privileges and print warnings.
// If another library in the process already finished initialisation, it is left as is.
static inline const char *anyun_gcry_initialize(void) {
    const char *version = gcry_check_version(GCRYPT_VERSION);
    if (version == NULL) {
        return NULL;
    }
    if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
    return version;
}

static inline const char *anyun_gcry_header_version(void) { return GCRYPT_VERSION; }

static inline gcry_error_t anyun_gcry_cipher_final(gcry_cipher_hd_t handle) {
    return gcry_cipher_final(handle);
}

#endif
