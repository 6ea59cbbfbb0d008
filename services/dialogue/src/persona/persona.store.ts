import { resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@dh/observability';
import { CONFIG, LOGGER } from '@dh/runtime';
import type { DialogueConfig } from '../dialogue.config.js';
import { WatchedFile } from '../files/watched-file.js';
import { DEFAULT_PERSONA, type Persona } from './persona.js';
import { parsePersona } from './persona-parser.js';

/** The persona file, re-read when the owner edits it; built-in defaults while it is missing. */
@Injectable()
export class PersonaStore {
  private readonly file: WatchedFile<Persona>;

  constructor(@Inject(CONFIG) config: DialogueConfig, @Inject(LOGGER) logger: Logger) {
    this.file = new WatchedFile(resolve(config.PERSONA_FILE), parsePersona, DEFAULT_PERSONA, {
      loaded: (path) => logger.info({ path }, 'persona loaded'),
      missing: (path) => logger.info({ path }, 'persona file missing; using the built-in persona'),
      invalid: (path, reason) => logger.error({ path, reason }, 'persona file invalid; keeping the last good persona'),
    });
    // Read once at start so that a problem with the file shows in the log before the first guest.
    this.current();
  }

  current(): Persona {
    return this.file.current();
  }
}
