/*
 * denoise_wav: denoises a 16 kHz WAV file with libhush.a through include/hush.h, and prints the
 * network's per-frame statistics.
 *
 *   usage: denoise_wav IN.wav OUT.wav [budget]
 *
 * libsndfile reads and writes the files (the example's only extra dependency; the library itself
 * does no file I/O). The input must be at the model's rate; several channels are averaged. The
 * output is aligned with the input and of the same length, as `hush denoise` writes it: the first
 * hush_output_delay() samples of the stream are dropped and hush_flush() drains the tail.
 * Audio goes through in blocks of 160 samples (10 ms), deliberately not a multiple of the hop, to
 * show that hush_process takes any count.
 *
 * The same audio also runs, in lockstep, through a second state built the RNNoise way in caller
 * memory: hush_model_init and hush_init into ONE malloc'd block (a static buffer or external RAM
 * works the same); the program prints the byte counts, checks that those inits took no heap, and
 * fails unless both paths produce identical samples.
 */
#include <malloc.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hush.h"

#define BLOCK 160

/* Heap bytes in use (glibc), to compare what hush_create takes with hush_get_size(). */
static size_t heap_in_use(void) { return mallinfo2().uordblks + mallinfo2().hblkhd; }

/* Writes the part of out[0..n) that lies after the first `skip` stream samples, as 16-bit samples
 * rounded to the nearest (ties to even, as lrintf does by default) and clipped, as `hush denoise`
 * writes them. */
static int emit(SNDFILE *file, const float *out, size_t n, size_t *stream_pos, size_t skip) {
    size_t from = *stream_pos >= skip ? 0 : skip - *stream_pos;
    *stream_pos += n;
    if (from >= n) return 0;
    short pcm[256];
    while (from < n) {
        sf_count_t count = (sf_count_t)(n - from < 256 ? n - from : 256);
        for (sf_count_t i = 0; i < count; i++) {
            long v = lrintf(out[from + (size_t)i] * 32768.0f);
            pcm[i] = (short)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        }
        if (sf_write_short(file, pcm, count) != count) return -1;
        from += (size_t)count;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s IN.wav OUT.wav [budget]\n", argv[0]);
        return 2;
    }
    SF_INFO in_info;
    memset(&in_info, 0, sizeof in_info);
    SNDFILE *in = sf_open(argv[1], SFM_READ, &in_info);
    if (!in) {
        fprintf(stderr, "%s: %s\n", argv[1], sf_strerror(NULL));
        return 1;
    }

    size_t predicted = hush_get_size(NULL, 0);
    size_t heap_before = heap_in_use();
    hush_state *st = NULL;
    hush_status status = hush_create(NULL, 0, &st);
    if (status != HUSH_OK) {
        fprintf(stderr, "hush_create: %s\n", hush_status_string(status));
        sf_close(in);
        return 1;
    }
    size_t taken = heap_in_use() - heap_before;
    float budget = argc == 4 ? (float)atof(argv[3]) : 0.0f;
    if (argc == 4) {
        status = hush_set_budget(st, budget);
        if (status != HUSH_OK) {
            fprintf(stderr, "budget %s: %s\n", argv[3], hush_status_string(status));
            hush_destroy(st);
            sf_close(in);
            return 1;
        }
    }

    /* Caller memory: one block holds the loaded model, then the state (any alignment). */
    size_t model_bytes = hush_model_get_size(NULL, 0);
    hush_model *model = NULL;
    hush_state *st2 = NULL;
    size_t state_bytes = 0, caller_heap = 0;
    unsigned char *block = NULL;
    {
        /* Sizing the state needs a loaded model: load it once into a probe block first. A device
         * with a fixed model would hard-code both numbers (firmware-notes/ prints them). */
        unsigned char *probe = malloc(model_bytes);
        hush_model *probe_model = NULL;
        if (probe && hush_model_init(probe, model_bytes, NULL, 0, &probe_model) == HUSH_OK)
            state_bytes = hush_state_get_size(probe_model);
        free(probe);
        block = state_bytes ? malloc(model_bytes + state_bytes) : NULL;
        size_t before = heap_in_use();
        status = block ? hush_model_init(block, model_bytes, NULL, 0, &model) : HUSH_ERR_INVALID_ARGUMENT;
        if (status == HUSH_OK) status = hush_init(block + model_bytes, state_bytes, model, budget, &st2);
        caller_heap = heap_in_use() - before;
        if (status != HUSH_OK) {
            fprintf(stderr, "caller-memory init: %s\n", hush_status_string(status));
            free(block);
            hush_destroy(st);
            sf_close(in);
            return 1;
        }
    }
    if ((uint32_t)in_info.samplerate != hush_sample_rate(st)) {
        fprintf(stderr, "%s: %d Hz, the model runs at %u Hz (resample first, e.g. with sox)\n",
                argv[1], in_info.samplerate, hush_sample_rate(st));
        hush_destroy(st);
        free(block);
        sf_close(in);
        return 1;
    }

    SF_INFO out_info = {.samplerate = in_info.samplerate, .channels = 1,
                        .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *out_file = sf_open(argv[2], SFM_WRITE, &out_info);
    if (!out_file) {
        fprintf(stderr, "%s: %s\n", argv[2], sf_strerror(NULL));
        hush_destroy(st);
        free(block);
        sf_close(in);
        return 1;
    }
    sf_command(out_file, SFC_SET_CLIPPING, NULL, SF_TRUE);

    /* Every buffer is sized once, up front: hush_process writes at most BLOCK + hop − 1. */
    int channels = in_info.channels;
    float *frames = malloc(sizeof(float) * BLOCK * (size_t)channels);
    float mono[BLOCK];
    size_t capacity = BLOCK + hush_hop_size(st) + hush_max_flush(st);
    float *out = malloc(sizeof(float) * capacity);
    float *out2 = malloc(sizeof(float) * capacity);
    size_t mismatches = 0;
    size_t skip = hush_output_delay(st), stream_pos = 0, total_in = 0, frames_seen = 0;
    unsigned long long executed = 0, dense = 0;
    double active = 0;
    int failed = frames == NULL || out == NULL || out2 == NULL;
    hush_frame_stats stats;

    printf("hush %s: %u Hz, hop %zu, latency %zu samples (%.1f ms), output delay %zu, budget %.2f\n",
           hush_version(), hush_sample_rate(st), hush_hop_size(st), hush_latency_samples(st),
           1000.0 * (double)hush_latency_samples(st) / hush_sample_rate(st), skip, hush_get_budget(st));
    printf("memory: hush_get_size %zu bytes; hush_create took %zu bytes of heap\n", predicted, taken);
    printf("caller memory: model %zu bytes (hush_model_get_size), state %zu bytes (hush_state_get_size), "
           "one block of %zu; hush_model_init + hush_init took %zu bytes of heap\n",
           model_bytes, state_bytes, model_bytes + state_bytes, caller_heap);

    sf_count_t got;
    while (!failed && (got = sf_readf_float(in, frames, BLOCK)) > 0) {
        for (sf_count_t i = 0; i < got; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += frames[i * channels + c];
            mono[i] = channels == 1 ? sum : sum * (1.0f / channels);
        }
        size_t written = 0;
        status = hush_process(st, mono, (size_t)got, out, capacity, &written);
        if (status != HUSH_OK) {
            fprintf(stderr, "hush_process: %s\n", hush_status_string(status));
            failed = 1;
            break;
        }
        size_t written2 = 0;
        if (hush_process(st2, mono, (size_t)got, out2, capacity, &written2) != HUSH_OK || written2 != written ||
            memcmp(out, out2, written * sizeof(float)) != 0)
            mismatches++;
        total_in += (size_t)got;
        if (written > 0 && hush_get_last_frame_stats(st, &stats) == HUSH_OK) {
            /* One block of 160 < hop completes at most one frame: these are that frame's stats. */
            frames_seen++;
            executed += stats.executed_macs;
            dense += stats.dense_macs;
            active += stats.active_fraction;
            if (stats.frames % 50 == 0)
                printf("frame %llu: %llu of %llu MACs executed (%.1f%%), active fraction %.3f, "
                       "speech probability %.2f%s\n",
                       (unsigned long long)stats.frames, (unsigned long long)stats.executed_macs,
                       (unsigned long long)stats.dense_macs,
                       100.0 * (double)stats.executed_macs / (double)stats.dense_macs,
                       stats.active_fraction, stats.speech_probability,
                       stats.speech_probability < 0 ? " (model has no head)" : "");
        }
        if (emit(out_file, out, written, &stream_pos, skip) != 0) failed = 1;
    }
    if (!failed) {
        size_t written = 0;
        status = hush_flush(st, out, capacity, &written);
        if (status != HUSH_OK) {
            fprintf(stderr, "hush_flush: %s\n", hush_status_string(status));
            failed = 1;
        } else if (emit(out_file, out, written, &stream_pos, skip) != 0) {
            failed = 1;
        }
        size_t written2 = 0;
        if (hush_flush(st2, out2, capacity, &written2) != HUSH_OK || written2 != written ||
            memcmp(out, out2, written * sizeof(float)) != 0)
            mismatches++;
    }
    if (!failed) {
        if (mismatches == 0) {
            printf("caller-memory state: output identical to the hush_create state\n");
        } else {
            fprintf(stderr, "caller-memory state: %zu blocks differ from the hush_create state\n", mismatches);
            failed = 1;
        }
    }
    if (!failed && frames_seen > 0)
        printf("%zu samples, %zu frames: mean %.0f of %.0f MACs per frame executed (saving %.1f%%), "
               "mean active fraction %.3f\n",
               total_in, frames_seen, (double)executed / frames_seen, (double)dense / frames_seen,
               100.0 * (1.0 - (double)executed / (double)dense), active / frames_seen);

    hush_destroy(st);
    /* Caller memory: nothing to tear down but the block (no hush_deinit needed). */
    free(block);
    free(frames);
    free(out);
    free(out2);
    sf_close(in);
    if (sf_close(out_file) != 0) failed = 1;
    if (caller_heap > 0) {
        fprintf(stderr, "hush_model_init + hush_init took %zu bytes of heap, expected none\n", caller_heap);
        failed = 1;
    }
    if (taken > predicted) {
        fprintf(stderr, "hush_create took %zu bytes, more than hush_get_size's %zu\n", taken, predicted);
        failed = 1;
    }
    return failed ? 1 : 0;
}
