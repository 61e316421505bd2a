/*
 * hush_ladspa.h: the ports of Hush's LADSPA plug-in (libhush-ladspa.so, label "hush", ID 4875).
 * Hosts find everything through ladspa_descriptor() (ladspa.h); this header only names the port
 * numbers for host code and tests.
 */
#ifndef HUSH_LADSPA_H
#define HUSH_LADSPA_H

enum {
    HUSH_LADSPA_INPUT = 0,              /* audio in, mono, any host rate */
    HUSH_LADSPA_OUTPUT = 1,             /* audio out: the input denoised, delayed by "latency" */
    HUSH_LADSPA_BUDGET = 2,             /* control in: budget b in [0.05, 1] (default 1) */
    HUSH_LADSPA_ATTENUATION_LIMIT = 3,  /* control in: dB in [0, 80] (default 20; below 1 counts as 1) */
    HUSH_LADSPA_LATENCY = 4,            /* control out: the constant delay, in samples */
    HUSH_LADSPA_PORTS = 5
};

#endif
