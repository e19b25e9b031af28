#!/usr/bin/env -S node --interrupt-budget=16000
// The `tessera` command as users install it: the compiled CLI in dist/ (built by `npm run build`,
// which `npm pack`, `npm publish` and installs from git run through prepack/prepare), so no
// TypeScript loader runs at start-up. Work on Tessera itself uses bin/tessera-dev.js (tsx on src/).
// The V8 flags make generated simulation code reach optimized code within a few thousand cycles:
// with defaults, a 64x64 grid's hundreds of code chunks took tens of seconds to tier up.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`tessera: the compiled CLI ${fileURLToPath(entry)} is missing; run 'npm run build' in ${fileURLToPath(new URL("..", import.meta.url))}\n`);
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
