// What a service's RSS is made of, from its own /metrics (prom-client's default metrics): V8's heap, memory
// held outside it by JS objects (Buffers, typed arrays), and the rest (code, native libraries such as
// libwebrtc, thread stacks, malloc arenas).
import type { ServiceName } from '@dh/contracts';
import type { Stack } from '@dh/testing';
import { procStatusMb } from './process-memory.js';
import { sumSamples } from './prometheus-text.js';

export interface MemoryParts {
  rssMb: number;
  /** From /proc: anonymous memory (heaps, malloc arenas, stacks) and mapped files (code of node, libwebrtc). */
  anonMb: number;
  fileMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
}

/** `read` applied to each service's /metrics text (empty when it does not answer). */
async function perService<T>(stack: Stack, read: (name: ServiceName, text: string) => T): Promise<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const name of Object.keys(stack.services) as ServiceName[])
    out[name] = read(name, await stack.metrics(name).catch(() => ''));
  return out;
}

export function serviceMemory(stack: Stack): Promise<Record<string, MemoryParts>> {
  return perService(stack, (name, text) => {
    const mb = (metric: string) => sumSamples(text, metric) / 1024 / 1024;
    const pid = stack.services[name].process?.pid;
    return {
      rssMb: mb('process_resident_memory_bytes'),
      anonMb: procStatusMb(pid, 'RssAnon'),
      fileMb: procStatusMb(pid, 'RssFile'),
      heapTotalMb: mb('nodejs_heap_size_total_bytes'),
      heapUsedMb: mb('nodejs_heap_size_used_bytes'),
      externalMb: mb('nodejs_external_memory_bytes'),
    };
  });
}

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
}

/**
 * The event loop's delay since the last scrape, p99 and max in ms (prom-client resets its histogram at each
 * scrape): how long work waited for the single JS thread. Scrape once to start a window, once to end it.
 */
export function eventLoopLag(stack: Stack): Promise<Record<string, LoopLag>> {
  return perService(stack, (_name, text) => ({
    p99Ms: sumSamples(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    maxMs: sumSamples(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
  }));
}
