/*
 * hush.h: the C API of Hush, real-time speech denoising with a dynamically pruned network.
 *
 * Link libhush.a (`swift build -c release --product hush` builds .build/release/libhush.a);
 * examples/c/build.sh shows every flag a static Swift library needs on Linux.
 *
 * Model of use, in the spirit of RNNoise:
 *
 *     hush_state *st;
 *     if (hush_create(NULL, 0, &st) != HUSH_OK) ...           // bundled model
 *     hush_process(st, in, n, out, cap, &written);             // any n, any number of times
 *     hush_flush(st, out, cap, &written);                      // end of stream
 *     hush_destroy(st);
 *
 * Samples are mono floats at hush_sample_rate() (16 kHz for the bundled model), full scale ±1.
 * hush_process takes ANY number of samples (not a fixed frame size): the engine buffers
 * internally and runs one frame per completed hop (256 samples). Output is the raw stream, which
 * trails the input by hush_output_delay() samples (256); drop that many leading output samples
 * and call hush_flush at the end to get output aligned with the input and of the same length
 * (examples/c/denoise_wav.c does exactly that).
 *
 * Memory (choice "b"): the engine's objects allocate their buffers in their initialisers, so the
 * caller cannot hand in the memory (an RNNoise-style hush_init into caller storage would need the
 * Swift objects rebuilt around one arena). Instead hush_get_size() reports how many heap bytes
 * hush_create() will take, hush_create() allocates them once, and nothing allocates after that:
 * hush_process, hush_flush, hush_set_budget, hush_get_last_frame_stats and hush_reset make no
 * heap allocation (tested with a counting allocator). A failed allocation inside hush_create
 * aborts, as the Swift runtime's allocator does; budget the heap with hush_get_size().
 *
 * Errors are return codes, never aborts: every pointer and size is checked. A NULL state gives
 * HUSH_ERR_INVALID_ARGUMENT; a destroyed state is detected on a best-effort basis only.
 * A state is not thread-safe; use one state per stream. Creating states on several threads at
 * once is safe (FFTW's planner is locked).
 */
#ifndef HUSH_H
#define HUSH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes. HUSH_OK is 0; every error is negative. */
typedef enum hush_status {
    HUSH_OK = 0,
    /** A NULL or destroyed state, a NULL buffer with a non-zero size, an out-of-range value. */
    HUSH_ERR_INVALID_ARGUMENT = -1,
    /** The model bytes are not a valid Hush model (magic, version, CRC, shapes: training/FORMAT.md). */
    HUSH_ERR_INVALID_MODEL = -2,
    /** The output buffer cannot hold what the call must write; nothing was consumed. */
    HUSH_ERR_BUFFER_TOO_SMALL = -3,
    /** FFTW could not plan the model's FFT size. */
    HUSH_ERR_FFT_UNAVAILABLE = -4
} hush_status;

/** Opaque engine state: one per audio stream. */
typedef struct hush_state hush_state;

/** Cost and activity of the last frame the network ran. */
typedef struct hush_frame_stats {
    /** Multiply-accumulates of the dense network (every channel, no gates). */
    uint64_t dense_macs;
    /** Multiply-accumulates executed, gates included, counted where the work was done. */
    uint64_t executed_macs;
    /** Active channels over all gated blocks divided by their total channels, in [0, 1]. */
    float active_fraction;
    /** The budget in force. */
    float budget;
    /** Frames run since creation or the last reset/flush (0: no frame yet; the rest is 0 too). */
    uint64_t frames;
} hush_frame_stats;

/** A static, human-readable string for a status code (never NULL). */
const char *hush_status_string(int status);

/** The library version, e.g. "0.1.0" (static string). */
const char *hush_version(void);

/**
 * Heap bytes hush_create() takes for this model (NULL and 0: the bundled model): the engine's
 * buffers (weights, network state and scratch, STFT and FFT buffers; firmware-notes/ lists them)
 * plus an allowance of 256 KiB for the first state of a process, when FFTW and the Swift runtime
 * build process-wide tables (measured: about 220 KB; a later state needs under 1 KB beyond the
 * buffers). An upper bound, checked against glibc's accounting by examples/c and against a
 * counting allocator by the tests. Returns 0 for an invalid model. Validating the model
 * allocates temporarily (freed before return).
 */
size_t hush_get_size(const uint8_t *model, size_t model_size);

/**
 * Creates a state. model/model_size: the bytes of a .hush model file, copied (the caller may
 * free them afterwards); NULL and 0 select the model linked into the library.
 * On success *out receives the state; on error *out is set to NULL.
 */
hush_status hush_create(const uint8_t *model, size_t model_size, hush_state **out);

/** Frees the state. NULL is ignored. */
void hush_destroy(hush_state *state);

/**
 * Exactly how many samples the next hush_process() of n input samples will write (a multiple of
 * the hop, at most n + hop − 1). Returns 0 for a NULL state.
 */
size_t hush_max_output(const hush_state *state, size_t n);

/**
 * Pushes n samples (any n, 0 included) and writes every completed output sample to out.
 * out_capacity must be at least hush_max_output(state, n), else HUSH_ERR_BUFFER_TOO_SMALL and
 * nothing is consumed. *written receives the count written. in may be NULL only when n is 0;
 * in and out must not overlap.
 */
hush_status hush_process(hush_state *state, const float *in, size_t n, float *out,
                         size_t out_capacity, size_t *written);

/** The most samples hush_flush() can write (hush_output_delay() + one hop). */
size_t hush_max_flush(const hush_state *state);

/**
 * Ends the stream: writes every sample still held, so that the total output equals the total
 * input plus hush_output_delay(). Then resets the state for a new stream.
 */
hush_status hush_flush(hush_state *state, float *out, size_t out_capacity, size_t *written);

/**
 * Sets the budget b in (0, 1]: each gated block computes at most ceil(b * channels) channels,
 * from the next frame on (histories stay consistent). Anything else, NaN included, gives
 * HUSH_ERR_INVALID_ARGUMENT and leaves the budget unchanged.
 */
hush_status hush_set_budget(hush_state *state, float budget);

/** The budget in force, or 0 for a NULL state. */
float hush_get_budget(const hush_state *state);

/** Copies the last frame's statistics into *stats. */
hush_status hush_get_last_frame_stats(const hush_state *state, hush_frame_stats *stats);

/** Forgets all history and buffered samples: the next sample starts a new stream. */
hush_status hush_reset(hush_state *state);

/** The model's sample rate in Hz (16000 for the bundled model), or 0 for a NULL state. */
uint32_t hush_sample_rate(const hush_state *state);

/** Hop: samples consumed per frame (256). 0 for a NULL state. */
size_t hush_hop_size(const hush_state *state);

/** Samples by which the output stream trails the input stream (256). 0 for a NULL state. */
size_t hush_output_delay(const hush_state *state);

/**
 * Algorithmic latency in samples (one frame, 512 = 32 ms at 16 kHz): from the first input sample
 * of a frame to the last output sample it affects. 0 for a NULL state.
 */
size_t hush_latency_samples(const hush_state *state);

#ifdef __cplusplus
}
#endif

#endif /* HUSH_H */
