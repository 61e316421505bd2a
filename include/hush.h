/*
 * hush.h: the C API of Hush, real-time speech denoising with a dynamically pruned network.
 *
 * Link libhush.a (`swift build -c release --product CHush` builds .build/release/libCHush.a,
 * shipped as libhush.a); examples/c/build.sh shows every flag a static Swift library needs on
 * Linux.
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
 * Memory, RNNoise style: the engine is plain memory. A loaded model is one arena (weights in the
 * engine's layout, its tables, its handle) and a state is another (STFT, FFT buffers, network
 * state and scratch, its handle), both carved by one bump allocator whose "measuring" mode
 * answers the size queries, so the sizes and the inits cannot disagree. Two ways to use it:
 *
 *   caller memory (no heap at all once FFTW's plan for the model's FFT size exists):
 *     size_t msize = hush_model_get_size(NULL, 0);          // NULL, 0: the bundled model
 *     hush_model *m; hush_model_init(model_mem, msize, NULL, 0, &m);
 *     size_t ssize = hush_state_get_size(m);
 *     hush_state *st; hush_init(state_mem, ssize, m, 0.0f, &st);  // 0: the model's budget
 *     ... hush_process / hush_flush / hush_set_budget / hush_reset on st ...
 *     // done: stop using st, then release state_mem (and model_mem once no state uses it).
 *
 *   heap: hush_create() mallocs one block (hush_model_init's arena + hush_init's arena) and
 *     builds exactly the same thing in it; hush_destroy() frees it.
 *
 * The memory may have any alignment: the arenas realign to 64 bytes internally and the sizes
 * include those up to 63 bytes. A size below the query's answer is HUSH_ERR_BUFFER_TOO_SMALL and
 * nothing is written. There is no hush_deinit: a state or model holds nothing but its memory
 * (no heap blocks, no locks, no handles of its own), so releasing the memory is all it takes.
 * hush_destroy() on a hush_init state only marks it dead and never frees caller memory.
 *
 * The one exception: FFTW's plans cannot live in caller memory (FFTW allocates them). They are
 * process-wide, one pair per FFT size, made under a lock by the first init (hush_init,
 * hush_create) for that size and never freed, like RNNoise's static tables; every state of that
 * size executes them on its own buffers (fftwf_execute_dft_r2c/c2r). So the first init of a
 * process allocates those plans (and the Swift runtime its type metadata), once; after that,
 * hush_model_get_size, hush_model_init, hush_state_get_size, hush_init, hush_process, hush_flush,
 * hush_set_budget, hush_get_last_frame_stats and hush_reset make no heap allocation (tested with
 * a counting allocator). hush_create's malloc failing aborts, as the Swift runtime's allocator
 * does; budget the heap with hush_get_size().
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
    /** The output buffer cannot hold what the call must write (nothing was consumed), or the
     *  memory given to hush_model_init/hush_init is smaller than its size query (nothing written). */
    HUSH_ERR_BUFFER_TOO_SMALL = -3,
    /** FFTW could not plan the model's FFT size. */
    HUSH_ERR_FFT_UNAVAILABLE = -4
} hush_status;

/** Opaque engine state: one per audio stream. */
typedef struct hush_state hush_state;

/** Opaque loaded model (weights in the engine's layout): shared by any number of states. */
typedef struct hush_model hush_model;

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
    /** Probability in (0, 1) that the last frame holds speech, from the model's speech-activity
     *  head over the gates (training/FORMAT.md); -1 when unavailable: the model file has no head,
     *  or no frame has run yet. Appended last, so the fields above keep their offsets; the struct
     *  grew from 32 to 40 bytes, so code built against an older hush.h must be rebuilt. */
    float speech_probability;
} hush_frame_stats;

/** A static, human-readable string for a status code (never NULL). */
const char *hush_status_string(int status);

/** The library version, e.g. "0.2.0" (static string; 0.2.0: hush_frame_stats grew to 40 bytes). */
const char *hush_version(void);

/* ---- Caller memory ------------------------------------------------------------------------ */

/**
 * The bytes of the model file linked into the library (read-only data, never freed);
 * *len receives their count (len may be NULL). Passing them to hush_model_init is the same as
 * passing NULL, 0.
 */
const uint8_t *hush_bundled_model_data(size_t *len);

/**
 * Bytes hush_model_init() needs for this model file (NULL and 0: the bundled model), after
 * checking the whole file (container, CRC, architecture, every tensor's shape and values).
 * Float32 (format version 1) and int8-weight (version 2) files are both accepted; an int8 model
 * needs about a quarter of the memory (models/hush-default-int8.hush: 507,651 bytes instead of
 * 1,815,683 on a 64-bit host). Returns 0 for an invalid model. Allocates nothing.
 */
size_t hush_model_get_size(const uint8_t *file, size_t len);

/**
 * Loads a model into `size` bytes at `memory` (any alignment): checks the file, copies the
 * weights into the engine's layout (some transposed), and stores *out, a handle inside `memory`.
 * The file's bytes may be freed afterwards; `memory` must stay untouched while the model is in
 * use. Errors: NULL out or memory, or (NULL, n > 0) file: HUSH_ERR_INVALID_ARGUMENT; a bad file:
 * HUSH_ERR_INVALID_MODEL; size < hush_model_get_size(): HUSH_ERR_BUFFER_TOO_SMALL, with nothing
 * written. On error *out is NULL. Allocates nothing. Read-only afterwards: states on any
 * threads may share one model.
 */
hush_status hush_model_init(void *memory, size_t size, const uint8_t *file, size_t len,
                            hush_model **out);

/** Bytes hush_init() needs for a state over `model`; 0 for a NULL or invalid model. */
size_t hush_state_get_size(const hush_model *model);

/**
 * Builds a state over `model` in `size` bytes at `memory` (any alignment) and stores *out, a
 * handle inside `memory`. The state references the model, which must outlive it. budget <= 0
 * selects the model's default; otherwise it must be in (0, 1] (NaN is refused).
 * Errors: NULL out or memory, a NULL or invalid model, a bad budget: HUSH_ERR_INVALID_ARGUMENT;
 * size < hush_state_get_size(): HUSH_ERR_BUFFER_TOO_SMALL, with nothing written;
 * HUSH_ERR_FFT_UNAVAILABLE. On error *out is NULL. Allocates nothing, except FFTW's shared plan
 * on the first init of the process for the model's FFT size (see the top of this file). To end
 * the state, stop using it and release the memory (hush_deinit is not needed).
 */
hush_status hush_init(void *memory, size_t size, const hush_model *model, float budget,
                      hush_state **out);

/* ---- Heap ------------------------------------------------------------------------------------ */

/**
 * Heap bytes hush_create() takes for this model (NULL and 0: the bundled model): its one block,
 * hush_model_get_size() + the state's size, plus an allowance of 256 KiB for the first state of
 * a process, when FFTW and the Swift runtime build process-wide tables (measured: about 220 KB;
 * a later state takes nothing beyond the block). An upper bound, checked against glibc's
 * accounting by examples/c and against a counting allocator by the tests. Returns 0 for an
 * invalid model. Allocates nothing.
 */
size_t hush_get_size(const uint8_t *model, size_t model_size);

/**
 * Creates a state on the heap: one malloc'd block holding a private copy of the model
 * (hush_model_init) and the state (hush_init). model/model_size: the bytes of a .hush model
 * file, copied (the caller may free them afterwards); NULL and 0 select the model linked into
 * the library. On success *out receives the state; on error *out is set to NULL.
 */
hush_status hush_create(const uint8_t *model, size_t model_size, hush_state **out);

/**
 * Frees a hush_create() state. NULL is ignored. For a hush_init() state it only marks the state
 * dead (later calls on it return HUSH_ERR_INVALID_ARGUMENT, best effort); the memory is yours.
 */
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

/**
 * Sets the attenuation limit in dB, from the next frame on: each bin's gain is
 * floor + (1 - floor) * mask with floor = 10^(-db/20), so nothing is attenuated by more than db
 * (INFINITY: no limit, the gain is the network's mask). A state starts with the model file's
 * limit (the bundled model: 20 dB). db <= 0 or NaN gives HUSH_ERR_INVALID_ARGUMENT and leaves
 * the limit unchanged.
 */
hush_status hush_set_attenuation_limit(hush_state *state, float db);

/** The attenuation limit in force in dB (INFINITY: none), or 0 for a NULL state. */
float hush_get_attenuation_limit(const hush_state *state);

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
