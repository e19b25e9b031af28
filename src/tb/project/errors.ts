/**
 * A mistake in the user's project (a testbench file that is missing, does not load, exports no
 * testbench, or a config that names one wrongly). The CLI reports it on one line as a usage error
 * (exit 2): it is the user's to mend, not a failing testbench and not our bug.
 */
export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}
