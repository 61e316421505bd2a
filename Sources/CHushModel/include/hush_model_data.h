#ifndef HUSH_MODEL_DATA_H
#define HUSH_MODEL_DATA_H
#include <stddef.h>

/// The bundled default model file (models/hush-default.hush), linked in as read-only data so that
/// the core needs no file system: on a device it lives in flash next to the code.
const unsigned char *hush_bundled_model_bytes(void);

/// Size in bytes of the bundled model file.
size_t hush_bundled_model_size(void);

#endif
