import { readFileSync, statSync } from 'node:fs';

export interface WatchedFileEvents {
  /** The file was read and parsed after it appeared or changed. */
  loaded?: (path: string) => void;
  /** The file is missing (reported once per disappearance). */
  missing?: (path: string) => void;
  /** The file changed but could not be read or parsed; the last good value stays. */
  invalid?: (path: string, reason: string) => void;
}

/**
 * A small file that the owner may edit while the service runs: read again when its mtime or size changes.
 * Checked with a synchronous stat on each use, which costs microseconds for the few uses per turn and needs
 * no watcher that could miss editors' rename-and-replace saves.
 */
export class WatchedFile<T> {
  private version: string | undefined;
  private value: T;
  private everLoaded = false;

  constructor(
    readonly path: string,
    private readonly parse: (content: string) => T,
    private readonly fallback: T,
    private readonly events: WatchedFileEvents = {},
  ) {
    this.value = fallback;
  }

  current(): T {
    let version: string;
    try {
      const stat = statSync(this.path);
      version = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      if (this.version !== 'missing') {
        this.version = 'missing';
        // A file that never loaded falls back to the defaults; a deleted one keeps the last good value.
        if (!this.everLoaded) this.value = this.fallback;
        this.events.missing?.(this.path);
      }
      return this.value;
    }
    if (version === this.version) return this.value;
    this.version = version;
    try {
      this.value = this.parse(readFileSync(this.path, 'utf8'));
      this.everLoaded = true;
      this.events.loaded?.(this.path);
    } catch (error) {
      this.events.invalid?.(this.path, (error as Error).message);
    }
    return this.value;
  }
}
