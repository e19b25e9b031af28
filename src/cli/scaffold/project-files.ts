/**
 * The project half of what `tessera new` writes: package.json (Tessera as a dependency, the test
 * tools pinned to the versions Tessera itself is tested with), tsconfig, tessera.config.ts, a
 * README with the commands, and .gitignore.
 */

export interface ProjectSpec {
  /** npm package name of the new project. */
  readonly name: string;
  /** What package.json's dependency on tessera says: a version range, a tarball, a git URL, file:... */
  readonly tesseraSpec: string;
  /** Versions of the dev tools, from Tessera's own package.json. */
  readonly versions: Readonly<Record<string, string>>;
}

/** The dev tools a new project gets, by the name Tessera's package.json pins them under. */
export const DEV_TOOLS = ["vitest", "vite", "@fast-check/vitest", "fast-check", "typescript", "@types/node"] as const;

export function packageJson(p: ProjectSpec): string {
  const devDependencies = Object.fromEntries(DEV_TOOLS.map((t) => [t, p.versions[t]]));
  const pkg = {
    name: p.name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      test: "vitest run",
      typecheck: "tsc --noEmit",
      "run-all": "tessera run all",
      verilog: "tessera emit mac -o build/mac.v",
    },
    dependencies: { tessera: p.tesseraSpec },
    devDependencies,
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

// skipLibCheck is off so `tsc --noEmit` also checks Tessera's published types.
export const TSCONFIG_JSON = JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ["node"],
    },
    include: ["src", "tb", "test", "tessera.config.ts"],
  },
  null,
  2,
) + "\n";

export const CONFIG_TS = `// Which files hold this project's testbenches: \`tessera list\`, \`run\`, \`run all\`, \`verify\`,
// \`emit\`, \`cosim\` and \`sweep\` offer them next to Tessera's built-in ones.
import { defineConfig } from "tessera";

export default defineConfig({
  testbenches: ["tb/mac.tb.ts"],
});
`;

export const GITIGNORE = "node_modules/\nwaves/\nbuild/\n";

export function readme(name: string): string {
  return `# ${name}

A hardware design in [Tessera](https://github.com/tessera-hdl/tessera): a signed multiply-accumulate
unit, its golden model, a testbench and property tests.

\`\`\`sh
npm install && npm test        # property tests: the simulated design against the golden model
npx tessera run all            # every testbench (Tessera's and this project's); VCD in waves/
\`\`\`

| file | what it is |
| --- | --- |
| \`src/mac.ts\` | the design, in Tessera's HDL |
| \`src/mac.golden.ts\` | its golden model: plain TypeScript on numbers |
| \`tb/mac.tb.ts\` | the testbench the command line runs (\`tessera run mac\`) |
| \`test/mac.test.ts\` | fast-check property tests (vitest) |
| \`tessera.config.ts\` | which files hold testbenches |

More:

\`\`\`sh
npx tessera run mac --param width=16 --seed 7 --vcd waves/mac.vcd   # one run; gtkwave waves/mac.vcd waves/mac.gtkw
npx tessera verify mac --runs 200                                   # random parameters and seeds
npx tessera emit mac -o build/mac.v                                 # Verilog of the design
npx tessera cosim mac                                               # against Verilator, cycle by cycle
npx tessera run ./tb/mac.tb.ts                                      # a testbench file by path
\`\`\`

To add a testbench, export another \`Testbench\` from a file and list the file in
\`tessera.config.ts\`.
`;
}
