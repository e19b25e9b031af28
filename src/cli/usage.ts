/** Exit codes of `tessera`, and the error that means "the command line was wrong" (exit 2). */
import { UserError, type UserErrorWhere } from "../io/user-error.js";

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/** A UserError raised by the command line itself (bad argument, bad combination of options). */
export class UsageError extends UserError {
  constructor(message: string, where?: UserErrorWhere) {
    super(message, where);
    this.name = "UsageError";
  }
}
