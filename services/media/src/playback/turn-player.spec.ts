import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pcm, SpeechEndEvent, SpeechSentenceEvent } from '@dh/contracts';
import { type SentenceSink, TurnPlayer } from './turn-player.js';

const room = 'p-test';

function sentence(turnId: string, seq: number, index: number): SpeechSentenceEvent {
  return {
    type: 'speech.sentence',
    turnId,
    room,
    seq,
    index,
    text: `${turnId}#${index}`,
    audioKey: null,
    sampleRate: 22050,
    llmMs: 0,
    synthMs: 0,
    at: Date.now(),
  };
}

function end(turnId: string, seq: number, sentences: number): SpeechEndEvent {
  return { type: 'speech.end', turnId, room, seq, sentences, outcome: 'answered', at: Date.now() };
}

class RecordingSink implements SentenceSink {
  readonly played: string[] = [];
  readonly finished: [string, number][] = [];
  idles = 0;
  private waiters: (() => void)[] = [];
  async play(event: SpeechSentenceEvent): Promise<void> {
    this.played.push(event.text);
  }
  waiting(): void {}
  idle(): void {
    this.idles += 1;
    for (const w of this.waiters.splice(0)) w();
  }
  turnFinished(turnId: string, played: number): void {
    this.finished.push([turnId, played]);
  }
  untilIdle(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const noAudio = Promise.resolve<Pcm | null>(null);

describe('TurnPlayer', () => {
  test('plays sentences in index order whatever order they arrive in', async () => {
    const sink = new RecordingSink();
    const player = new TurnPlayer(sink, { stallMs: 5_000 });
    const idle = sink.untilIdle();
    const acks = [
      player.addSentence(sentence('t1', 1, 2), noAudio),
      player.addSentence(sentence('t1', 1, 0), noAudio),
      player.addEnd(end('t1', 1, 3)),
      player.addSentence(sentence('t1', 1, 1), noAudio),
    ];
    await Promise.all(acks);
    await idle;
    assert.deepEqual(sink.played, ['t1#0', 't1#1', 't1#2']);
    assert.deepEqual(sink.finished, [['t1', 3]]);
    await player.close();
  });

  test('plays turns by sequence number, waiting for an expected earlier turn', async () => {
    const sink = new RecordingSink();
    const player = new TurnPlayer(sink, { stallMs: 5_000 });
    player.expect('a', 1);
    player.expect('b', 2);
    const later = [player.addSentence(sentence('b', 2, 0), noAudio), player.addEnd(end('b', 2, 1))];
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(sink.played, [], 'turn 2 must wait for turn 1');
    const idle = sink.untilIdle();
    await Promise.all([player.addSentence(sentence('a', 1, 0), noAudio), player.addEnd(end('a', 1, 1)), ...later]);
    await idle;
    assert.deepEqual(sink.played, ['a#0', 'b#0']);
    await player.close();
  });

  test('a duplicate delivery is acknowledged without playing twice', async () => {
    const sink = new RecordingSink();
    const player = new TurnPlayer(sink, { stallMs: 5_000 });
    const idle = sink.untilIdle();
    await Promise.all([
      player.addSentence(sentence('t', 1, 0), noAudio),
      player.addSentence(sentence('t', 1, 0), noAudio),
      player.addEnd(end('t', 1, 1)),
    ]);
    await idle;
    await player.addSentence(sentence('t', 1, 0), noAudio); // after the turn finished
    await player.addEnd(end('t', 1, 1));
    assert.deepEqual(sink.played, ['t#0']);
    await player.close();
  });

  test('a stalled turn is given up and the next one plays', async () => {
    const sink = new RecordingSink();
    const player = new TurnPlayer(sink, { stallMs: 100 });
    player.expect('lost', 1);
    const idle = sink.untilIdle();
    await Promise.all([player.addSentence(sentence('next', 2, 0), noAudio), player.addEnd(end('next', 2, 1))]);
    await idle;
    assert.deepEqual(sink.played, ['next#0']);
    assert.deepEqual(sink.finished, [
      ['lost', 0],
      ['next', 1],
    ]);
    await player.close();
  });

  test('close releases every held delivery', async () => {
    const sink = new RecordingSink();
    const player = new TurnPlayer(sink, { stallMs: 60_000 });
    const held = player.addSentence(sentence('t', 1, 1), noAudio); // index 0 never comes
    await player.close();
    await held;
    assert.deepEqual(sink.played, []);
  });
});
