/*
 * A minimal LADSPA host for the plug-in tests: loads a plug-in, runs raw mono float samples from
 * stdin through it in blocks of a given size (1, 7, 8192, … : what hosts do), writes raw floats
 * to stdout and the reported latency to stderr. No conversions, so its output can be compared
 * bit for bit with `hush denoise --float`.
 *   usage: block_host PLUGIN.so RATE BLOCK [BUDGET [LIMIT_DB]] < in.f32 > out.f32
 */
#include <dlfcn.h>
#include <ladspa.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s PLUGIN.so RATE BLOCK [BUDGET [LIMIT_DB]]\n", argv[0]); return 2; }
    void *so = dlopen(argv[1], RTLD_NOW);
    if (!so) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    LADSPA_Descriptor_Function get = (LADSPA_Descriptor_Function)dlsym(so, "ladspa_descriptor");
    const LADSPA_Descriptor *d = get ? get(0) : NULL;
    if (!d) { fprintf(stderr, "no descriptor\n"); return 1; }
    unsigned long rate = strtoul(argv[2], NULL, 10), block = strtoul(argv[3], NULL, 10);
    LADSPA_Data budget = argc > 4 ? (LADSPA_Data)atof(argv[4]) : 1.0f;
    LADSPA_Data limit = argc > 5 ? (LADSPA_Data)atof(argv[5]) : 20.0f, latency = -1;
    float *in = malloc(block * sizeof(float)), *out = malloc(block * sizeof(float));
    LADSPA_Handle h = d->instantiate(d, rate);
    if (!h || !in || !out) { fprintf(stderr, "instantiate failed\n"); return 1; }
    d->connect_port(h, 0, in);
    d->connect_port(h, 1, out);
    d->connect_port(h, 2, &budget);
    d->connect_port(h, 3, &limit);
    d->connect_port(h, 4, &latency);
    if (d->activate) d->activate(h);
    size_t n;
    while ((n = fread(in, sizeof(float), block, stdin)) > 0) {
        d->run(h, n);
        fwrite(out, sizeof(float), n, stdout);
    }
    fprintf(stderr, "latency %.0f\n", latency);
    if (d->deactivate) d->deactivate(h);
    d->cleanup(h);
    free(in);
    free(out);
    return 0;
}
