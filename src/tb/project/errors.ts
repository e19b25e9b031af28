/**
 * A mistake in the user's project (a testbench file that is missing, does not load, exports no
 * testbench, or a config that names one wrongly). A UserError: the CLI reports it on one line
 * with exit 2; it is the user's to mend, not a failing testbench and not our bug.
 */
import { UserError } from "../../io/user-error.js";

export class ProjectError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}
