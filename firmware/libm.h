/* The C maths functions the core uses, declared for a bare-metal target (no Glibc module): newlib's
 * libm defines them. Imported by firmware/LibM.swift through a module map, so Swift calls them
 * with the C calling convention (an @_silgen_name declaration would use Swift's, which on
 * armv7em passes doubles differently). */
double cos(double x);
double sin(double x);
float expf(float x);
float logf(float x);
