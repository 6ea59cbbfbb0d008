import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@dh/testing';

/** `mem_limit` per service in docker-compose.yml, in MiB (empty when the file cannot be read). */
export function composeMemoryLimitsMiB(): Record<string, number> {
  const limits: Record<string, number> = {};
  let text: string;
  try {
    text = readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8');
  } catch {
    return limits;
  }
  let inServices = false;
  let service: string | undefined;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inServices = line.startsWith('services:');
    const name = /^ {2}([a-z0-9_-]+):\s*$/.exec(line)?.[1];
    if (inServices && name) service = name;
    const limit = /^ {4}mem_limit:\s*(\d+)([mg])\s*$/i.exec(line);
    if (inServices && service && limit)
      limits[service] = Number(limit[1]) * (limit[2]!.toLowerCase() === 'g' ? 1024 : 1);
  }
  return limits;
}
