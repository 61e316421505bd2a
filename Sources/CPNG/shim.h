#ifndef HUSH_CPNG_SHIM_H
#define HUSH_CPNG_SHIM_H
#include <png.h>
#endif
