#!/usr/bin/env node
// The `tessera` command: registers tsx so Node runs the TypeScript sources directly (no build
// step), then hands the arguments to src/cli/main.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
