/*
 * Minimal start-up for QEMU's mps2-an500 (Cortex-M7): the vector table the core reads at reset
 * (initial stack pointer, reset handler) and a reset handler that enables the FPU and enters
 * newlib's `_start`
 * (rdimon: zeroes .bss, connects stdio to the host through semihosting, runs main, exits through
 * semihosting). QEMU loads every section at its link address, so nothing needs copying.
 */
extern unsigned long __stack_top;
extern void _start(void);

static void fault(void) {
    for (;;) {}
}

/* Swift's armv7em code uses the FPU (soft-float calling convention, VFP instructions): switch
 * coprocessors 10 and 11 on before anything runs. */
#define CPACR (*(volatile unsigned long *)0xE000ED88UL)

void Reset_Handler(void) {
    CPACR |= 0xFUL << 20;
    __asm volatile("dsb\n\tisb");
    _start();
}

__attribute__((section(".vectors"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))&__stack_top,
    Reset_Handler,
    fault, fault, fault, fault, fault, 0, 0, 0, 0, fault, fault, 0, fault, fault,
};
