// Embeds models/hush-default.hush (found through the target's header search path) as .rodata.
    .section .rodata
    .balign 16
    .global hush_bundled_model_begin
hush_bundled_model_begin:
    .incbin "hush-default.hush"
    .global hush_bundled_model_end
hush_bundled_model_end:
    .section .note.GNU-stack,"",%progbits
