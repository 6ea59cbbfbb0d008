import { Inject, Injectable } from '@nestjs/common';
import type { SpeechEndEvent, TurnOutcome, UtteranceEvent } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { LOGGER, METRICS } from '@dh/runtime';
import { IdempotencyStore } from '@dh/streams';
import type { HistoryEntry } from '../history/history-entry.js';
import { HistoryRepository } from '../history/history.repository.js';
import { userEntry } from '../history/prompt-builder.js';
import { offlineReply } from '../persona/offline-reply.js';
import { type Persona, greetingFor } from '../persona/persona.js';
import { PersonaStore } from '../persona/persona.store.js';
import { ContentFilterStore } from '../text/content-filter.store.js';
import { joinSpeech, toSpeechText } from '../text/speech-text.js';
import { LlmAnswer } from './llm-answer.js';
import { ReplyRouter } from './reply-router.js';
import { SentenceQueue } from './sentence-queue.js';
import { TurnProgressRepository } from './turn-progress.repository.js';
import type { TurnRoute } from './turn-route.js';
import { TurnSpeaker } from './turn-speaker.js';

// The done marker outlives any redelivery of the utterance.
const DONE_TTL_S = 86_400;

/**
 * Answers one guest utterance exactly once, even when the process dies mid-turn and the utterance is
 * delivered again: progress is kept in Redis, sentences already enqueued are skipped, and the end of the
 * turn (speech.end and history) is written in one transaction before the done marker.
 */
@Injectable()
export class TurnService {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly idempotency: IdempotencyStore,
    private readonly progress: TurnProgressRepository,
    private readonly router: ReplyRouter,
    private readonly personas: PersonaStore,
    private readonly queue: SentenceQueue,
    private readonly llmAnswer: LlmAnswer,
    private readonly filters: ContentFilterStore,
    private readonly history: HistoryRepository,
  ) {}

  /** Resolves once the turn is answered; throws to leave the utterance pending (shutdown, Redis away). */
  async handle(utterance: UtteranceEvent, signal: AbortSignal): Promise<void> {
    const { turnId } = utterance;
    const doneId = `turn:${turnId}`;
    if (await this.idempotency.isDone(doneId)) {
      this.logger.info({ turnId }, 'turn already answered; skipping');
      return;
    }
    const startedAt = Date.now();
    await this.history.cutInterruptedAnswers(utterance.room);
    const previous = await this.progress.load(turnId);
    if (previous.sentences.length > 0) {
      this.logger.info({ turnId, sentences: previous.sentences.length }, 'resuming an interrupted turn');
    }
    const speaker = new TurnSpeaker(utterance, this.queue, this.progress, previous.sentences);
    let outcome = previous.outcome;
    if (!previous.finished) {
      if (!outcome) {
        const route = previous.route ?? (await this.progress.saveRoute(turnId, await this.router.route(utterance)));
        outcome = await this.speak(route, utterance, this.personas.current(), speaker, startedAt, signal);
        await this.progress.recordOutcome(turnId, outcome);
      }
      const end: SpeechEndEvent = {
        type: 'speech.end',
        turnId,
        room: utterance.room,
        seq: utterance.seq,
        sentences: speaker.count,
        outcome,
        at: Date.now(),
      };
      await this.progress.finish(utterance, end, historyEntries(outcome, utterance, speaker.spoken));
      this.metrics.turns.inc({ outcome });
      this.logger.info(
        {
          turnId,
          room: utterance.room,
          seq: utterance.seq,
          outcome,
          sentences: speaker.count,
          ms: Date.now() - startedAt,
        },
        'turn answered',
      );
    }
    await this.idempotency.markDone(doneId, DONE_TTL_S);
    await this.progress.clear(turnId);
  }

  private async speak(
    route: TurnRoute,
    utterance: UtteranceEvent,
    persona: Persona,
    speaker: TurnSpeaker,
    startedAt: number,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    // Fixed phrases take no LLM time: llmMs 0.
    const phrase = async (text: string, outcome: TurnOutcome) => {
      await speaker.say(toSpeechText(text) || text, 0);
      return outcome;
    };
    switch (route) {
      case 'greeting': {
        // A name that would be refused as a message is not spoken either: the guest is greeted without it.
        const name = this.filters.current().blocks(utterance.name) ? '' : utterance.name;
        return phrase(greetingFor(persona, name), 'greeting');
      }
      case 'rate_limited':
        return phrase(persona.replies.rateLimited, 'rate_limited');
      case 'too_long':
        return phrase(persona.replies.tooLong, 'too_long');
      case 'refused':
        return phrase(persona.replies.refusal, 'refused');
      case 'offline':
        return phrase(offlineReply(persona, utterance.text), 'offline');
      case 'llm':
        return this.llmAnswer.speak(utterance, persona, speaker, startedAt, signal);
    }
  }
}

/** What the room remembers of a turn: answered exchanges and greetings; refusals and failures are forgotten. */
function historyEntries(outcome: TurnOutcome, utterance: UtteranceEvent, spoken: string[]): HistoryEntry[] {
  const answer = spoken.reduce((all, sentence) => (all ? joinSpeech(all, sentence) : sentence), '');
  switch (outcome) {
    case 'greeting':
      return [{ role: 'assistant', content: answer, turnId: utterance.turnId }];
    case 'answered':
    case 'interrupted':
      return [userEntry(utterance), { role: 'assistant', content: answer, turnId: utterance.turnId }];
    case 'apology':
    case 'refused':
    case 'offline':
    case 'rate_limited':
    case 'too_long':
      return [];
  }
}
