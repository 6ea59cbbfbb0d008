import { Inject, Injectable } from '@nestjs/common';
import type { TurnOutcome, UtteranceEvent } from '@dh/contracts';
import type { Logger } from '@dh/observability';
import { CONFIG, LOGGER } from '@dh/runtime';
import { TurnCancels } from '@dh/streams';
import type { DialogueConfig } from '../dialogue.config.js';
import { HistoryRepository } from '../history/history.repository.js';
import { buildMessages } from '../history/prompt-builder.js';
import { LlmAbortedError, LlmError } from '../llm/llm-errors.js';
import { LlmService } from '../llm/llm.service.js';
import type { Persona } from '../persona/persona.js';
import { ContentFilterStore } from '../text/content-filter.store.js';
import { SentenceSplitter } from '../text/sentence-splitter.js';
import type { TurnSpeaker } from './turn-speaker.js';

// A runaway answer is cut here: LLM_MAX_TOKENS normally ends it long before, and jobs are indexed to 1 000.
const MAX_SENTENCES = 100;
/**
 * How often a streaming answer looks for a barge-in between sentences: a long sentence still streaming is
 * billed token by token, and one EXISTS every quarter second per answer costs Redis nothing.
 */
const CANCEL_POLL_MS = 250;

/**
 * The LLM path of a turn: the request from persona, history and message; each sentence enqueued the moment
 * it is complete; the answer checked against the word list sentence by sentence; an apology when the LLM
 * fails. Only LlmAbortedError (shutdown) escapes, leaving the turn to its next delivery.
 */
@Injectable()
export class LlmAnswer {
  constructor(
    @Inject(CONFIG) private readonly config: DialogueConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly llm: LlmService,
    private readonly history: HistoryRepository,
    private readonly filters: ContentFilterStore,
    private readonly cancels: TurnCancels,
  ) {}

  async speak(
    utterance: UtteranceEvent,
    persona: Persona,
    speaker: TurnSpeaker,
    startedAt: number,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    const messages = buildMessages(persona, await this.history.load(utterance.room), utterance);
    const splitter = new SentenceSplitter({ maxChars: this.config.SENTENCE_MAX_CHARS });
    const filter = this.filters.current();
    const elapsed = () => Date.now() - startedAt;
    let blocked = false;
    let interrupted = false;
    // A barge-in aborts the request at once, not only at the next sentence boundary.
    const cancelled = new AbortController();
    const watch = setInterval(() => {
      this.cancels
        .isCancelled(utterance.turnId)
        .then((yes) => {
          if (!yes) return;
          interrupted = true;
          cancelled.abort();
        })
        .catch(() => undefined); // Redis away: the check before each sentence still stops the answer
    }, CANCEL_POLL_MS);
    // Returns false when the answer stops here: a blocked sentence, or the guest spoke over it (barge-in).
    const say = async (sentences: string[]): Promise<boolean> => {
      for (const sentence of sentences) {
        if (await this.cancels.isCancelled(utterance.turnId)) {
          interrupted = true;
          return false;
        }
        if (filter.blocks(sentence)) {
          blocked = true;
          return false;
        }
        if (speaker.count >= MAX_SENTENCES) return true;
        await speaker.say(sentence, elapsed());
      }
      return true;
    };
    try {
      const stream = this.llm.answer(messages, utterance.turnId, AbortSignal.any([signal, cancelled.signal]));
      for await (const delta of stream) {
        // Leaving the loop ends the generator, which aborts the request.
        if (!(await say(splitter.push(delta)))) break;
      }
      if (!blocked && !interrupted) await say(splitter.flush());
    } catch (error) {
      // Aborted by the barge-in watch, not by shutdown: the answer simply ends here.
      if (error instanceof LlmAbortedError && interrupted && !signal.aborted)
        return this.interrupted(utterance, speaker);
      if (error instanceof LlmAbortedError || !(error instanceof LlmError)) throw error;
      const midStream = speaker.count > 0;
      this.logger.warn(
        { turnId: utterance.turnId, error: error.name, statusCode: error.statusCode, sentences: speaker.count },
        midStream ? 'llm failed mid-answer; apologizing' : 'llm failed; apologizing',
      );
      await speaker.sayLast(midStream ? persona.replies.midStreamApology : persona.replies.apology, elapsed());
      return 'apology';
    } finally {
      clearInterval(watch);
    }
    if (interrupted) return this.interrupted(utterance, speaker);
    if (blocked) {
      this.logger.warn({ turnId: utterance.turnId, sentences: speaker.count }, 'answer hit the word list; refusing');
      await speaker.sayLast(persona.replies.refusal, elapsed());
      return 'refused';
    }
    if (speaker.count === 0) {
      // The model said nothing speakable (only emoji or markdown): the guest still gets an answer.
      await speaker.sayLast(persona.replies.apology, elapsed());
      return 'apology';
    }
    return 'answered';
  }

  private interrupted(utterance: UtteranceEvent, speaker: TurnSpeaker): TurnOutcome {
    this.logger.info({ turnId: utterance.turnId, sentences: speaker.count }, 'answer interrupted by the guest');
    return 'interrupted';
  }
}
