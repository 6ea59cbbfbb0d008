import { readFileSync } from 'node:fs';

/** A memory field of /proc/<pid>/status in MB (VmRSS, RssAnon, RssFile, …); NaN once the process has gone. */
export function procStatusMb(pid: number | undefined, field: string): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size of a process in MB (what `ps` shows as RSS). */
export const rssMb = (pid: number | undefined): number => procStatusMb(pid, 'VmRSS');
