/*
 * Hush as a LADSPA plug-in: a thin C shell over include/hush_stream.h, so a PipeWire or
 * PulseAudio filter chain, sox or any LADSPA host runs exactly the pipeline of `hush stream`
 * (any host rate through libsoxr, the full band at 44.1/48 kHz).
 *
 * LADSPA's run() must return as many samples as it is given, at any block size, while the
 * pipeline emits in bursts (a hop at a time, through the resamplers' blocks). So the output
 * goes through a FIFO primed with `latency` zeros, the most input the stream can ever hold back
 * (hush_stream_latency_samples, measured when the stream is created): the FIFO never runs dry,
 * the delay is constant and reported on the "latency" port for the host to compensate. Blocks
 * are fed in slices of SLICE samples so the buffers sized at instantiation cover any block size.
 * run() allocates nothing and takes no locks; a stream is (re)built in activate() only.
 */
#include <ladspa.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hush_ladspa.h"
#include "hush_stream.h"

enum { SLICE = 1024 };

static const float default_budget = 1.0f;
static const float default_limit = 20.0f;  /* the bundled model's; LADSPA_HINT_DEFAULT_LOW of 0…80 */

typedef struct {
    LADSPA_Data *ports[HUSH_LADSPA_PORTS];
    unsigned long rate;
    hush_stream *stream;
    int used;             /* the stream has seen audio since it was built */
    size_t latency;
    float *fifo;          /* ring of output samples not yet handed to the host */
    size_t fifo_capacity, fifo_read, fifo_count;
    float *emitted;       /* what one slice makes the stream emit */
    size_t emitted_capacity;
    float budget, limit;  /* the values in force, to notice port changes */
} Plugin;

static void fifo_prime(Plugin *p) {
    memset(p->fifo, 0, p->fifo_capacity * sizeof(float));
    p->fifo_read = 0;
    p->fifo_count = p->latency;
}

static LADSPA_Handle instantiate(const LADSPA_Descriptor *descriptor, unsigned long rate) {
    (void)descriptor;
    Plugin *p = calloc(1, sizeof(Plugin));
    if (!p) return NULL;
    p->rate = rate;
    if (rate > UINT32_MAX || hush_stream_create(NULL, 0, (uint32_t)rate, 0, &p->stream) != HUSH_OK) {
        free(p);
        return NULL;
    }
    p->latency = hush_stream_latency_samples(p->stream);
    /* At most latency + SLICE samples are pending in the stream, so one slice emits at most that
     * many, and the FIFO never holds more than latency + SLICE before a slice is taken out. */
    p->emitted_capacity = p->latency + SLICE;
    p->fifo_capacity = 2 * (p->latency + SLICE);
    p->emitted = malloc(p->emitted_capacity * sizeof(float));
    p->fifo = malloc(p->fifo_capacity * sizeof(float));
    if (!p->emitted || !p->fifo) {
        hush_stream_destroy(p->stream);
        free(p->emitted);
        free(p->fifo);
        free(p);
        return NULL;
    }
    p->budget = default_budget;
    p->limit = default_limit;
    fifo_prime(p);
    return p;
}

static void connect_port(LADSPA_Handle handle, unsigned long port, LADSPA_Data *data) {
    if (port < HUSH_LADSPA_PORTS) ((Plugin *)handle)->ports[port] = data;
}

/* A fresh stream for a fresh run of audio (built here, never in run()). */
static void activate(LADSPA_Handle handle) {
    Plugin *p = handle;
    if (p->used) {
        hush_stream *fresh = NULL;
        if (hush_stream_create(NULL, 0, (uint32_t)p->rate, 0, &fresh) == HUSH_OK) {
            hush_stream_destroy(p->stream);
            p->stream = fresh;
            p->budget = default_budget;
            p->limit = default_limit;
        }
        p->used = 0;
    }
    fifo_prime(p);
}

static void apply_controls(Plugin *p) {
    const LADSPA_Data *b = p->ports[HUSH_LADSPA_BUDGET], *l = p->ports[HUSH_LADSPA_ATTENUATION_LIMIT];
    if (b && *b != p->budget && hush_stream_set_budget(p->stream, fminf(fmaxf(*b, 0.05f), 1.0f)) == HUSH_OK)
        p->budget = *b;
    if (l && *l != p->limit) {
        if (hush_stream_set_attenuation_limit(p->stream, fmaxf(*l, 1.0f)) == HUSH_OK) p->limit = *l;
    }
}

static void run(LADSPA_Handle handle, unsigned long count) {
    Plugin *p = handle;
    const LADSPA_Data *in = p->ports[HUSH_LADSPA_INPUT];
    LADSPA_Data *out = p->ports[HUSH_LADSPA_OUTPUT];
    if (p->ports[HUSH_LADSPA_LATENCY]) *p->ports[HUSH_LADSPA_LATENCY] = (LADSPA_Data)p->latency;
    if (!in || !out) return;
    apply_controls(p);
    p->used = 1;
    for (unsigned long done = 0; done < count;) {
        size_t n = count - done < SLICE ? count - done : SLICE;
        size_t written = 0;
        /* Input is read before the same slice of output is written: in-place buffers are fine. */
        if (hush_stream_process(p->stream, in + done, n, p->emitted, p->emitted_capacity, &written) != HUSH_OK)
            written = 0;  /* cannot happen with the capacities above; keep the pace regardless */
        for (size_t i = 0; i < written && p->fifo_count < p->fifo_capacity; i++, p->fifo_count++)
            p->fifo[(p->fifo_read + p->fifo_count) % p->fifo_capacity] = p->emitted[i];
        for (size_t i = 0; i < n; i++) {
            if (p->fifo_count > 0) {
                out[done + i] = p->fifo[p->fifo_read];
                p->fifo_read = (p->fifo_read + 1) % p->fifo_capacity;
                p->fifo_count--;
            } else {
                out[done + i] = 0;  /* an underrun: impossible while latency is the stream's worst case */
            }
        }
        done += n;
    }
}

static void cleanup(LADSPA_Handle handle) {
    Plugin *p = handle;
    hush_stream_destroy(p->stream);
    free(p->emitted);
    free(p->fifo);
    free(p);
}

static const LADSPA_PortDescriptor port_kinds[HUSH_LADSPA_PORTS] = {
    LADSPA_PORT_INPUT | LADSPA_PORT_AUDIO,
    LADSPA_PORT_OUTPUT | LADSPA_PORT_AUDIO,
    LADSPA_PORT_INPUT | LADSPA_PORT_CONTROL,
    LADSPA_PORT_INPUT | LADSPA_PORT_CONTROL,
    LADSPA_PORT_OUTPUT | LADSPA_PORT_CONTROL,
};

static const char *const port_names[HUSH_LADSPA_PORTS] = {
    "Input", "Output", "Budget", "Attenuation limit (dB)", "latency",
};

static const LADSPA_PortRangeHint port_hints[HUSH_LADSPA_PORTS] = {
    {0, 0, 0},
    {0, 0, 0},
    {LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_DEFAULT_1, 0.05f, 1.0f},
    {LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | LADSPA_HINT_DEFAULT_LOW, 0.0f, 80.0f},
    {0, 0, 0},
};

static const LADSPA_Descriptor descriptor = {
    .UniqueID = 4875,
    .Label = "hush",
    .Properties = LADSPA_PROPERTY_HARD_RT_CAPABLE,
    .Name = "Hush speech denoiser (dynamically pruned network)",
    .Maker = "Hush",
    .Copyright = "see the Hush repository",
    .PortCount = HUSH_LADSPA_PORTS,
    .PortDescriptors = port_kinds,
    .PortNames = port_names,
    .PortRangeHints = port_hints,
    .instantiate = instantiate,
    .connect_port = connect_port,
    .activate = activate,
    .run = run,
    .cleanup = cleanup,
};

const LADSPA_Descriptor *ladspa_descriptor(unsigned long index) {
    return index == 0 ? &descriptor : NULL;
}
