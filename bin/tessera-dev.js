#!/usr/bin/env -S node --interrupt-budget=16000
// The `tessera` command for work on Tessera itself: registers tsx so Node runs the TypeScript
// sources in src/ directly (no build step, never stale), then hands the arguments to
// src/cli/main.ts. Users run bin/tessera.js, the compiled CLI in dist/.
// The V8 flags make generated simulation code reach optimized code within a few thousand cycles:
// with defaults, a 64x64 grid's hundreds of code chunks took tens of seconds to tier up.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
