/**
 * A progress bar for long runs, drawn only on a terminal and never with --json (so pipes and
 * scripts see clean output). The bar appears after a short delay, so quick runs draw nothing.
 */
import cliProgress from "cli-progress";
import type { Io } from "./io.js";

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };
const SHOW_AFTER_MS = 300;

export function progress(io: Io, opts: { json?: boolean; label: string }): Progress {
  if (!io.isTTY || opts.json || !io.progressStream) return NONE;
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total, label) {
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS) return;
        bar = new cliProgress.SingleBar(
          { stream: io.progressStream, clearOnComplete: true, hideCursor: true, format: "{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}" },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { label: label ?? opts.label });
      }
      bar.setTotal(total);
      bar.update(done, { label: label ?? opts.label });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
