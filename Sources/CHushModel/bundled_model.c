#include "hush_model_data.h"

extern const unsigned char hush_bundled_model_begin[];
extern const unsigned char hush_bundled_model_end[];

const unsigned char *hush_bundled_model_bytes(void) { return hush_bundled_model_begin; }

size_t hush_bundled_model_size(void) {
    return (size_t)(hush_bundled_model_end - hush_bundled_model_begin);
}
