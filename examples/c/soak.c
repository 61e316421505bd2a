/*
 * soak: streams SECONDS of generated audio through libhush.a (include/hush.h), faster than real
 * time, in random chunk sizes, changing the budget every second of audio, and prints one summary:
 * RSS at the start and the end, non-finite or out-of-range output samples, and per-frame time
 * percentiles. Exit status 1 if any output sample is bad or a call fails.
 *
 *   usage: soak SECONDS SPEECH.wav
 *
 * The audio is the speech file tiled, with level changes every few seconds, white noise whose
 * level drifts, and once a minute a burst of NaN/Inf samples (which the engine must sanitise).
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hush.h"

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) kib = atol(line + 6);
    }
    if (f) fclose(f);
    return kib;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint32_t lcg = 12345;
static float noise(void) {
    lcg = lcg * 1664525u + 1013904223u;
    return (float)(lcg >> 8) / 16777216.0f * 2.0f - 1.0f;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SECONDS SPEECH.wav\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[1]);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *file = sf_open(argv[2], SFM_READ, &info);
    if (!file || info.channels != 1) {
        fprintf(stderr, "%s: need a mono file\n", argv[2]);
        return 2;
    }
    float *speech = malloc(sizeof(float) * (size_t)info.frames);
    sf_count_t speech_len = sf_readf_float(file, speech, info.frames);
    sf_close(file);

    hush_state *st = NULL;
    if (hush_create(NULL, 0, &st) != HUSH_OK) return 1;
    int rate = (int)hush_sample_rate(st);
    size_t total = (size_t)(seconds * rate);
    size_t frames_expected = total / 256 + 4;
    double *frame_times = malloc(sizeof(double) * frames_expected);
    /* Touch every page now, so the soak's own bookkeeping does not show up as RSS growth. (A
     * non-zero fill: the compiler may turn malloc + memset(0) into calloc, which touches nothing.) */
    memset(frame_times, 0xff, sizeof(double) * frames_expected);
    size_t timed = 0;
    enum { MAX_CHUNK = 4096 };
    float in[MAX_CHUNK], out[MAX_CHUNK + 1024];
    const float budgets[] = {1.0f, 0.25f, 0.5f, 0.75f};
    size_t pos = 0, bad = 0, produced = 0;
    long rss_start = -1;
    int next_second = 0;
    while (pos < total) {
        size_t n = 1 + (size_t)((lcg >> 4) % MAX_CHUNK);
        if (n > total - pos) n = total - pos;
        for (size_t i = 0; i < n; i++) {
            size_t t = pos + i;
            float gain = 0.2f + 0.8f * (float)((t / (size_t)(3 * rate)) % 5) / 4.0f;
            float level = 0.01f + 0.05f * (float)((t / (size_t)(7 * rate)) % 4);
            float x = gain * speech[t % (size_t)speech_len] + level * noise();
            if (t % (size_t)(60 * rate) < 40) x = (t & 1) ? NAN : INFINITY;
            in[i] = x;
        }
        if ((int)((pos + n) / (size_t)rate) >= next_second) {
            hush_set_budget(st, budgets[next_second % 4]);
            next_second++;
        }
        size_t written = 0;
        double t0 = now();
        if (hush_process(st, in, n, out, sizeof out / sizeof out[0], &written) != HUSH_OK) return 1;
        double dt = now() - t0;
        /* A call that completed k frames spent about dt/k on each. */
        for (size_t k = written / 256, j = 0; j < k && timed < frames_expected; j++) {
            frame_times[timed++] = dt / (double)k;
        }
        for (size_t i = 0; i < written; i++) {
            if (!isfinite(out[i]) || fabsf(out[i]) > 1.0f) bad++;
        }
        produced += written;
        pos += n;
        if (rss_start < 0 && pos >= (size_t)(60 * rate)) rss_start = rss_kib();
    }
    size_t flushed = 0;
    if (hush_flush(st, out, sizeof out / sizeof out[0], &flushed) != HUSH_OK) return 1;
    long rss_end = rss_kib();
    hush_destroy(st);
    qsort(frame_times, timed, sizeof(double), compare);
    double hop_ms = 1000.0 * 256 / rate;
    printf("| path | audio s | frames timed | RSS after 60 s (KiB) | RSS at end (KiB) | drift (KiB) | bad samples | p50 ms | p99 ms | max ms | hop ms |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    printf("| C API | %.0f | %zu | %ld | %ld | %ld | %zu | %.3f | %.3f | %.3f | %.1f |\n",
           seconds, timed, rss_start, rss_end, rss_end - rss_start, bad,
           1000 * frame_times[timed / 2], 1000 * frame_times[(size_t)(timed * 0.99)],
           1000 * frame_times[timed - 1], hop_ms);
    free(frame_times);
    free(speech);
    return bad == 0 && produced + flushed == total + 256 ? 0 : 1;
}
