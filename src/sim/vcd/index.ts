export { VcdWriter, type VcdWriterOptions } from "./writer.js";
export type { TraceSource, TraceVar, TraceClock, StoreKind } from "./types.js";
export { STORE_I, STORE_U, STORE_F, STORE_B } from "./types.js";
export { compileFilter, globToRegExp, varPath, type TraceFilter } from "./filter.js";
