/**
 * The clock the pops are timed on: ms of the machine's monotonic clock (CLOCK_MONOTONIC, which
 * `process.hrtime` reads). Every process on the machine reads the same one, so a ring timed in the
 * simulators' process and a `call.offered` timed in the desktops' process compare directly, without
 * setting one process's clock against another's; and unlike the wall clock, NTP never steps it.
 * `performance.now()` counts from each process's own start instead.
 */
export const machineMs = (): number => Number(process.hrtime.bigint()) / 1e6;
