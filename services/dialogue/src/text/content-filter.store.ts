import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@dh/observability';
import { CONFIG, LOGGER } from '@dh/runtime';
import type { DialogueConfig } from '../dialogue.config.js';
import { WatchedFile } from '../files/watched-file.js';
import { ContentFilter, parseWordList } from './content-filter.js';

const SHIPPED_LIST = join('config', 'blocked-words.txt');

/**
 * The shipped word list lives in the application's own `config/` folder, found from this file rather than the
 * working directory, so it applies however the service is started. The owner's list (BLOCKED_WORDS_FILE)
 * adds to it; both are re-read when they change.
 */
export function findShippedWordList(from = import.meta.dirname): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, SHIPPED_LIST);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

@Injectable()
export class ContentFilterStore {
  private readonly files: WatchedFile<string[]>[] = [];
  private lists: string[][] = [];
  private filter = new ContentFilter([]);

  constructor(@Inject(CONFIG) config: DialogueConfig, @Inject(LOGGER) logger: Logger) {
    const events = {
      loaded: (path: string) => logger.info({ path }, 'blocked word list loaded'),
      missing: (path: string) => logger.warn({ path }, 'blocked word list missing'),
      invalid: (path: string, reason: string) => logger.error({ path, reason }, 'blocked word list unreadable'),
    };
    const shipped = findShippedWordList();
    if (shipped) this.files.push(new WatchedFile(shipped, parseWordList, [], events));
    else logger.warn({ file: SHIPPED_LIST }, 'shipped blocked word list not found');
    if (config.BLOCKED_WORDS_FILE) {
      this.files.push(new WatchedFile(resolve(config.BLOCKED_WORDS_FILE), parseWordList, [], events));
    }
    // Read once at start so that a problem with the file shows in the log before the first guest.
    this.current();
  }

  current(): ContentFilter {
    const lists = this.files.map((file) => file.current());
    // WatchedFile returns the same array until the file changes, so identity tells whether to rebuild.
    if (lists.length !== this.lists.length || lists.some((list, i) => list !== this.lists[i])) {
      this.lists = lists;
      this.filter = new ContentFilter(lists.flat());
    }
    return this.filter;
  }
}
