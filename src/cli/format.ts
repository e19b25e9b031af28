/** Plain-text formatting for the CLI: aligned tables and one-line summaries of results. */
import type { Params, TbResult } from "../tb/types.js";

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join("\n") + "\n";
}

export function kv(obj: Params | TbResult["metrics"]): string {
  return Object.entries(obj).map(([k, v]) => `${k}=${v}`).join(" ");
}

export function ms(t: number): string {
  return t < 1000 ? `${t.toFixed(0)} ms` : `${(t / 1000).toFixed(2)} s`;
}
