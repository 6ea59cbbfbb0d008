// One check's outcome: passed (no problems), failed (problems, each one line) or skipped (with the reason).

/** @returns {{ name: string, status: 'pass' | 'fail', problems: string[], detail?: string }} */
export function result(name, problems, detail) {
  return { name, status: problems.length ? 'fail' : 'pass', problems, ...(detail ? { detail } : {}) };
}

/** @returns {{ name: string, status: 'skip', problems: string[], detail: string }} */
export function skipped(name, reason) {
  return { name, status: 'skip', problems: [], detail: reason };
}

/** Runs a check; an exception (unreadable file, bad YAML) becomes a failure instead of a crash. */
export async function guarded(name, check) {
  try {
    return await check();
  } catch (error) {
    return result(name, [error instanceof Error ? error.message : String(error)]);
  }
}
