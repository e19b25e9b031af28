/**
 * Verilator `--lint-only -Wall` warnings the emitted Verilog is allowed to produce, and why.
 * Everything else is a failure of the lint test. Keep this list short: each entry is a class of
 * warning that says something about the *design* or the file layout, never a Verilog construct
 * the emitter could write better.
 */
export interface AllowedWarning {
  readonly code: string;
  readonly why: string;
}

export const LINT_ALLOWLIST: readonly AllowedWarning[] = [
  {
    code: "DECLFILENAME",
    why: "a design is emitted as one file holding all its modules; Verilator wants one module per file named after it",
  },
  {
    code: "UNUSEDSIGNAL",
    why: "the design leaves inputs or bits unread (a port kept for interface symmetry, a slice of a wider value, a submodule output the parent ignores); the emitter keeps every user signal",
  },
];
