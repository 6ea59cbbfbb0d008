import { readFileSync, readdirSync } from 'node:fs';
import { rssMb } from './process-memory.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  rssMb: number;
  /** What the process is, from its command line: worker, job, inference, or the program's name. */
  role: string;
}

/** The roles of a LiveKit Agents worker's processes (bench/peer/agent.mjs and what it forks). */
function role(pid: number): string {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  if (cmdline.includes('job_proc_lazy_main')) return 'job';
  if (cmdline.includes('inference_proc_lazy_main')) return 'inference';
  if (cmdline.includes('agent.mjs')) return 'worker';
  return cmdline.split(' ')[0] ?? '?';
}

/** `pid` and all its descendants, from /proc (a process gone between two reads is skipped). */
export function processTree(pid: number): ProcessInfo[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces and parentheses: fields are counted after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree: ProcessInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    try {
      const rss = rssMb(current);
      if (Number.isNaN(rss)) continue;
      tree.push({ pid: current, ppid: parents.get(current) ?? 0, rssMb: rss, role: role(current) });
    } catch {
      continue;
    }
    for (const [child, parent] of parents) if (parent === current) queue.push(child);
  }
  return tree;
}

export interface TreeMemory {
  totalMb: number;
  processes: number;
  /** MB per role, summed: worker, job (busy and idle alike), inference. */
  byRole: Record<string, number>;
  countByRole: Record<string, number>;
}

export function treeMemory(pid: number): TreeMemory {
  const tree = processTree(pid);
  const byRole: Record<string, number> = {};
  const countByRole: Record<string, number> = {};
  for (const p of tree) {
    byRole[p.role] = (byRole[p.role] ?? 0) + p.rssMb;
    countByRole[p.role] = (countByRole[p.role] ?? 0) + 1;
  }
  return { totalMb: tree.reduce((sum, p) => sum + p.rssMb, 0), processes: tree.length, byRole, countByRole };
}
