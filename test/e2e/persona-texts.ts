import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@dh/testing';

interface PersonaFile {
  greeting: string;
  replies: Record<'apology' | 'midStreamApology' | 'refusal' | 'offline' | 'tooLong' | 'rateLimited', string>;
}

/** The shipped persona, so tests expect exactly what guests hear. */
export const persona = JSON.parse(readFileSync(join(repoRoot(), 'config/persona.json'), 'utf8')) as PersonaFile;
