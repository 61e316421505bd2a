// Embeds models/hush-default.hush (found through the target's header search path) as .rodata.
// A firmware build may embed another model file from that path instead, by defining
// HUSH_BUNDLED_MODEL as its quoted name (firmware/build.sh: the int8 model).
#ifndef HUSH_BUNDLED_MODEL
#define HUSH_BUNDLED_MODEL "hush-default.hush"
#endif
    .section .rodata
    .balign 16
    .global hush_bundled_model_begin
hush_bundled_model_begin:
    .incbin HUSH_BUNDLED_MODEL
    .global hush_bundled_model_end
hush_bundled_model_end:
    .section .note.GNU-stack,"",%progbits
