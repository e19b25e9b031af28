/**
 * Where the published declarations say `any`: every AnyKeyword in the .d.ts files under a folder,
 * found by parsing them (comments that say "any" do not count). An exported API that leaks `any`
 * switches off the user's type checking exactly where they call into Tessera.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export function anyInDeclarations(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".d.ts")) scan(p);
    }
  };
  const scan = (file: string): void => {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.AnyKeyword) {
        const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
        found.push(`${relative(dir, file)}:${line + 1}: ${sf.text.split("\n")[line].trim()}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  };
  walk(dir);
  return found;
}
