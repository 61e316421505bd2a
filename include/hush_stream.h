/*
 * hush_stream.h: Hush for desktop hosts (audio plug-ins, Python, applications) at ANY sample rate:
 * the very pipeline `hush stream` and `hush denoise` run, behind a C API. Where hush.h is the
 * device core (model rate only, no Foundation, caller memory), this adds what a desktop caller
 * would otherwise rewrite: NaN/Inf sanitising, the 20 Hz DC blocker, libsoxr resampling to the
 * model's rate and back, delay compensation, and the full band above 8 kHz at 44.1/48 kHz. So its
 * output is sample for sample what the CLI writes as float for the same audio and options.
 *
 * Link the shared library `libhush-stream.so` (`swift build -c release --product hush-stream`),
 * which also exports hush.h's functions; it needs the Swift runtime (its RUNPATH names the
 * toolchain's), libsoxr, libsndfile and FFTW.
 *
 *     hush_stream *s;
 *     hush_stream_create(NULL, 0, 48000, 0, &s);               // bundled model, 48 kHz
 *     size_t cap = hush_stream_max_output(s, n);               // room for what one call can emit
 *     hush_stream_process(s, in, n, out, cap, &written);       // any n, any number of times
 *     hush_stream_finish(s, out, hush_stream_max_finish(s), &written);   // end of stream
 *     hush_stream_destroy(s);
 *
 * With delay compensation (the default) the output is aligned with the input and, after
 * hush_stream_finish, exactly as long: output sample k is the denoised input sample k, emitted
 * once enough later input has arrived (hush_stream_latency_samples() at most). The number of
 * samples one call emits varies (a hop's worth at a time, through the resamplers' blocks); a
 * caller that needs a constant pace (an audio callback) keeps a FIFO primed with that latency,
 * as the LADSPA plug-in does. Creation allocates (the engine, libsoxr's filters on first use);
 * process and finish allocate nothing in the steady state and take no locks. One stream per
 * thread at a time; creating streams on several threads at once is safe.
 */
#ifndef HUSH_STREAM_H
#define HUSH_STREAM_H

#include "hush.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque stream: a model-owning denoiser inside the rate-converting pipeline. */
typedef struct hush_stream hush_stream;

/** hush_stream_create flags (bitwise or). */
enum {
    /** Skip the DC blocker (a 20 Hz high-pass before analysis), as `--keep-dc`. */
    HUSH_STREAM_KEEP_DC = 1,
    /** Cut the output at the model's Nyquist frequency (8 kHz), as `--no-full-band`. */
    HUSH_STREAM_NO_FULL_BAND = 2,
    /** Emit the raw stream (the input delayed by the engine's 16 ms), as `--no-delay-compensation`. */
    HUSH_STREAM_NO_DELAY_COMPENSATION = 4
};

/**
 * Creates a stream at `rate` Hz (1000…384000) over a model file's bytes (NULL, 0: the bundled
 * model), with `flags`. On failure *out is NULL: HUSH_ERR_INVALID_ARGUMENT (rate, flags, NULL
 * out), HUSH_ERR_INVALID_MODEL, HUSH_ERR_FFT_UNAVAILABLE.
 */
hush_status hush_stream_create(const uint8_t *model, size_t model_size, uint32_t rate, unsigned flags,
                               hush_stream **out);

/** Frees a stream (NULL is ignored). */
void hush_stream_destroy(hush_stream *stream);

/** The most samples the next hush_stream_process of `n` samples can write (0 for NULL). */
size_t hush_stream_max_output(const hush_stream *stream, size_t n);

/**
 * Pushes `n` mono float samples (full scale ±1; NaN/Inf are replaced and counted) and writes
 * what comes out to `out` (capacity `out_capacity`), setting *written. A capacity below
 * hush_stream_max_output(stream, n) is HUSH_ERR_BUFFER_TOO_SMALL and nothing is consumed.
 */
hush_status hush_stream_process(hush_stream *stream, const float *in, size_t n, float *out,
                                size_t out_capacity, size_t *written);

/** The most samples hush_stream_finish can write now (0 for NULL). */
size_t hush_stream_max_finish(const hush_stream *stream);

/**
 * Ends the stream: drains the resamplers and the engine and writes the rest, so that the whole
 * output is as long as the whole input. Afterwards only hush_stream_destroy is meaningful.
 */
hush_status hush_stream_finish(hush_stream *stream, float *out, size_t out_capacity, size_t *written);

/** Sets the budget in (0, 1] from the next frame on (HUSH_ERR_INVALID_ARGUMENT otherwise). */
hush_status hush_stream_set_budget(hush_stream *stream, float budget);

/** Sets the attenuation limit in dB (> 0; INFINITY: none) from the next frame on. */
hush_status hush_stream_set_attenuation_limit(hush_stream *stream, float db);

/** The budget in force (the model's until set; 0 for NULL). */
float hush_stream_get_budget(const hush_stream *stream);

/** The attenuation limit in dB in force (INFINITY: none; the model's until set; 0 for NULL). */
float hush_stream_get_attenuation_limit(const hush_stream *stream);

/** Cost and activity of the last frame (as hush_get_last_frame_stats). */
hush_status hush_stream_get_last_frame_stats(const hush_stream *stream, hush_frame_stats *stats);

/** The stream's rate, Hz (0 for NULL). */
uint32_t hush_stream_rate(const hush_stream *stream);

/** The model's rate, Hz, at which the engine runs inside (0 for NULL). */
uint32_t hush_stream_model_rate(const hush_stream *stream);

/** The engine's hop at the model's rate, samples (0 for NULL). */
size_t hush_stream_hop_size(const hush_stream *stream);

/**
 * The most input samples that can arrive after a sample before it is emitted (hop collection,
 * the engine's delay and both resamplers' look-ahead), measured when the stream was created by
 * running a probe stream of the same rate and flags over silence one sample at a time; a fixed
 * delay of this many samples never underruns. 0 for NULL.
 */
size_t hush_stream_latency_samples(const hush_stream *stream);

/** Input samples replaced so far because they were NaN, infinite or absurdly large. */
uint64_t hush_stream_sanitized_samples(const hush_stream *stream);

/**
 * Mono from `frames` frames of `channels` interleaved channels, with the CLI's bits (the
 * channels summed in order, times 1/channels; one channel is copied): what `hush denoise` does to
 * a multi-channel file before denoising. `mono` holds `frames` floats and may not overlap
 * `interleaved`. Errors: channels 0, or a NULL pointer with frames > 0: HUSH_ERR_INVALID_ARGUMENT.
 */
hush_status hush_downmix(const float *interleaved, size_t frames, unsigned channels, float *mono);

#ifdef __cplusplus
}
#endif

#endif
