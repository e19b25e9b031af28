export { FstWriter, type FstWriterOptions } from "./writer.js";
export { openFstTracer, type FstTraceOptions } from "./tracer.js";
