import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The folder holding `services/gateway` and `web`: the repository here, `/app` in the image. Found by walking
 * up from this file, so neither the working directory nor where the build put `dist` matters.
 */
export function appRoot(from: string = import.meta.dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'services', 'gateway', 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no app root above ${from}`);
    dir = parent;
  }
}

/** `public/` of this package: the minimal page served until the real one is built. */
export const LEGACY_PUBLIC_DIR = resolve(import.meta.dirname, '../../../public');
