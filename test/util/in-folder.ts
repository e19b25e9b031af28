/**
 * Run `fn` with `dir` as the process's working folder, as a user's shell would (the CLI resolves
 * relative paths and finds project configs from there), then go back. Test files run in their own
 * processes (vitest's forks pool), so this changes nothing for other files.
 */
export async function inFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}
