// Our own shim over libzstd: the frame-size sentinels are macros with arithmetic
// ((0ULL - 1), (0ULL - 2)), which Swift does not import, so they are exposed here.
#ifndef ANYUN_CZSTD_SHIM_H
#define ANYUN_CZSTD_SHIM_H

#include <zstd.h>

static inline unsigned long long anyun_zstd_contentsize_unknown(void) { return ZSTD_CONTENTSIZE_UNKNOWN; }
static inline unsigned long long anyun_zstd_contentsize_error(void) { return ZSTD_CONTENTSIZE_ERROR; }

#endif
