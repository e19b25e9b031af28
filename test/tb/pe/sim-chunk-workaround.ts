/**
 * WORKAROUND, remove once src/sim/compiled.ts is fixed: when a chunk boundary of the generated
 * `memw` function falls on a memory write port, the port's operands are loaded in the previous
 * chunk and the write in the next one throws "ReferenceError: v<id> is not defined" (any design
 * with more than TESSERA_CHUNK write ports in a domain whose operands are distinct signals). Chunks
 * of 256 statements keep every write port of these tests' designs in one chunk. Import this module
 * before anything that loads the simulator.
 */
process.env.TESSERA_CHUNK ??= "256";
export {};
