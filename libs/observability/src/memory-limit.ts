import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { Gauge, type Registry } from 'prom-client';

/** Where the container's memory limit is: cgroup v2 first, then v1. */
export const CGROUP_MEMORY_LIMIT_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

/**
 * This process's memory limit in bytes (its container's, as Compose sets it), or undefined when there is none:
 * no cgroup file, `max`, or a figure at least the host's memory (cgroup v1's "unlimited" is near 2^63).
 */
export function readMemoryLimit(files = CGROUP_MEMORY_LIMIT_FILES, hostBytes = totalmem()): number | undefined {
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (!/^\d+$/.test(text)) return undefined;
    const bytes = Number(text);
    return bytes > 0 && bytes < hostBytes ? bytes : undefined;
  }
  return undefined;
}

/** `dh_memory_limit_bytes`, for RSS-against-limit panels and alerts; absent when the process has no limit. */
export function exportMemoryLimit(registry: Registry, limitBytes = readMemoryLimit()): void {
  if (limitBytes === undefined) return;
  new Gauge({
    name: 'dh_memory_limit_bytes',
    help: 'Memory limit of this service’s container (cgroup), bytes',
    registers: [registry],
  }).set(limitBytes);
}
