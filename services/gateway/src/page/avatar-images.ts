import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { AvatarImageUrls } from '@dh/contracts';
import { CONFIG } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';

/** The four images the owner may drop in AVATAR_DIR, by the name /api/config gives them. */
const POSES: Record<keyof AvatarImageUrls, string> = {
  idle: 'idle',
  mouthHalf: 'mouth-half',
  mouthOpen: 'mouth-open',
  blink: 'blink',
};
/** Looked for in this order: the first that exists is the one used. */
const EXTENSIONS = ['png', 'webp', 'svg'] as const;
const FILE_NAME = /^(idle|mouth-half|mouth-open|blink)\.(png|webp|svg)$/;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The owner's own avatar: four images in AVATAR_DIR (relative to the working directory). Looked up on each
 * request, so images dropped in or removed take effect at the next page load, without a restart.
 */
@Injectable()
export class AvatarImages {
  private readonly dir: string;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.dir = resolve(process.cwd(), config.AVATAR_DIR);
  }

  /** The URL of each image, or null unless all four are there (the page then draws its own avatar). */
  async urls(): Promise<AvatarImageUrls | null> {
    const entries = await Promise.all(
      Object.entries(POSES).map(async ([pose, name]) => {
        for (const extension of EXTENSIONS) {
          const file = `${name}.${extension}`;
          if (await isFile(join(this.dir, file))) return [pose, `/avatar/${file}`] as const;
        }
        return undefined;
      }),
    );
    if (entries.some((entry) => entry === undefined)) return null;
    return Object.fromEntries(entries as [string, string][]) as unknown as AvatarImageUrls;
  }

  /** The path of `/avatar/<name>`, or null for any name but the four images (no listing, no other file). */
  path(name: string): string | null {
    return FILE_NAME.test(name) ? join(this.dir, name) : null;
  }
}
