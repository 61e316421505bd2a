/*
 * Hush on a (emulated) microcontroller: reads raw mono float32 samples at 16 kHz through ARM
 * semihosting, denoises them with the C API in caller memory (hush_model_init / hush_init: no
 * heap after init), writes the delay-compensated output, and prints the cost.
 * Cost: SysTick counts the processor clock between frames; under QEMU's `-icount shift=0` every
 * instruction takes 1 ns of virtual time and the mps2 SysTick ticks at 25 MHz, so one tick is
 * 40 instructions (QEMU is not cycle-accurate: instructions, not cycles).
 *   semihosting arguments: IN.f32 OUT.f32 [BUDGET]
 */
#include <stdio.h>
#include <stdlib.h>

#include "hush.h"

enum { CHUNK = 256 };

#define SYST_CSR (*(volatile uint32_t *)0xE000E010UL)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014UL)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018UL)

static void ticks_start(void) {
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u;  /* enabled, processor clock, no interrupt */
}

/* Calibration: a loop of exactly 2 instructions per turn (subs, bne), 1,000,000 turns. */
static uint32_t ticks_for_two_million_instructions(void) {
    uint32_t mark = SYST_CVR, turns = 1000000u;
    __asm volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(turns) : : "cc");
    return (mark - SYST_CVR) & 0xFFFFFFu;
}

/* Ticks since `*last` (the counter counts down and wraps at 2^24), updating `*last`. */
static uint32_t ticks_since(uint32_t *last) {
    uint32_t now = SYST_CVR, elapsed = (*last - now) & 0xFFFFFFu;
    *last = now;
    return elapsed;
}

static float in[CHUNK], out[CHUNK];

int main(int argc, char **argv) {
    if (argc < 3) { printf("usage: hush-firmware IN.f32 OUT.f32 [BUDGET]\n"); return 2; }
    float budget = argc > 3 ? (float)atof(argv[3]) : 0.0f;  /* 0: the model's */
    size_t model_size = hush_model_get_size(NULL, 0);
    void *model_memory = malloc(model_size);
    hush_model *model = NULL;
    if (!model_memory || hush_model_init(model_memory, model_size, NULL, 0, &model) != HUSH_OK) {
        printf("model init failed\n");
        return 1;
    }
    size_t state_size = hush_state_get_size(model);
    void *state_memory = malloc(state_size);
    hush_state *state = NULL;
    int status = state_memory ? hush_init(state_memory, state_size, model, budget, &state) : -1;
    if (status != HUSH_OK) { printf("state init failed: %d\n", status); return 1; }
    printf("model %u bytes, state %u bytes in caller memory\n", (unsigned)model_size, (unsigned)state_size);

    FILE *fin = fopen(argv[1], "rb"), *fout = fopen(argv[2], "wb");
    if (!fin || !fout) { printf("cannot open %s or %s\n", argv[1], argv[2]); return 1; }
    size_t delay = hush_output_delay(state), skipped = 0, total_in = 0, total_out = 0, n, written;
    uint64_t executed = 0, dense = 0, frame_ticks = 0, frames = 0;
    ticks_start();
    printf("calibration: 2000000 instructions took %lu SysTick ticks\n",
           (unsigned long)ticks_for_two_million_instructions());
    while ((n = fread(in, sizeof(float), CHUNK, fin)) > 0) {
        total_in += n;
        uint32_t mark = SYST_CVR;
        if (hush_process(state, in, n, out, CHUNK, &written) != HUSH_OK) { printf("process failed\n"); return 1; }
        if (written > 0) { frame_ticks += ticks_since(&mark); frames++; }
        hush_frame_stats stats;
        if (written > 0 && hush_get_last_frame_stats(state, &stats) == HUSH_OK) {
            executed += stats.executed_macs;
            dense += stats.dense_macs;
        }
        size_t drop = skipped < delay ? (delay - skipped < written ? delay - skipped : written) : 0;
        skipped += drop;
        fwrite(out + drop, sizeof(float), written - drop, fout);
        total_out += written - drop;
    }
    float tail[1024];
    if (hush_flush(state, tail, 1024, &written) != HUSH_OK) { printf("flush failed\n"); return 1; }
    size_t drop = delay > skipped ? delay - skipped : 0;
    if (drop > written) drop = written;
    size_t keep = written - drop;
    if (total_out + keep > total_in) keep = total_in - total_out;
    fwrite(tail + drop, sizeof(float), keep, fout);
    total_out += keep;
    fclose(fin);
    fclose(fout);
    printf("%u samples in, %u out; executed %llu of %llu dense MACs\n", (unsigned)total_in, (unsigned)total_out,
           (unsigned long long)executed, (unsigned long long)dense);
    printf("frames %llu, SysTick ticks per frame %llu (x40 = instructions under -icount shift=0)\n",
           (unsigned long long)frames, (unsigned long long)(frames ? frame_ticks / frames : 0));
    return 0;
}
