/**
 * The one error type for the user's mistakes: a bad argument, a file that is missing, unreadable
 * or malformed, an output that cannot be written. The CLI prints it as one line and exits 2;
 * anything else that escapes a command is our bug (src/cli/main.ts says so and asks for a report).
 * Every part of Tessera that reads user input throws this (or a subclass), so the rule holds by
 * construction as new file formats arrive.
 */
export interface UserErrorWhere {
  /** The command-line argument at fault, as typed: "--vcd", "--param rows". */
  readonly argument?: string;
  /** The file at fault. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** The field (column, JSON key, parameter) at fault. */
  readonly field?: string;
}

export class UserError extends Error {
  readonly where: UserErrorWhere;

  /** `message` says what is wrong and how to mend it; `where` is prefixed as "file:line: field: ". */
  constructor(message: string, where: UserErrorWhere = {}) {
    super(oneLine(prefix(where) + message));
    this.name = "UserError";
    this.where = where;
  }
}

function prefix(w: UserErrorWhere): string {
  const at = w.file ? `${w.file}${w.line !== undefined ? `:${w.line}` : ""}` : "";
  const parts = [w.argument, at, w.field].filter((x): x is string => !!x);
  return parts.length ? parts.join(": ") + ": " : "";
}

/** Messages are one line: embedded newlines (a tool's output, a stack) are folded. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}

/** The errno code of a Node fs error ("ENOENT"), for messages. */
export function errnoCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
}
