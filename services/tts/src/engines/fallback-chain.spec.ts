import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pcm } from '@dh/contracts';
import { type FallbackEvent, FallbackChain } from './fallback-chain.js';
import type { SynthesizeOptions, TtsEngine } from './tts-engine.js';
import { TtsError, abortedError } from './tts-error.js';

type Behaviour = 'ok' | TtsError | 'hang';

/** An in-memory engine whose next answers are scripted; it answers `ok` when the script is empty. */
class ScriptedEngine implements TtsEngine {
  readonly sampleRate = 16_000;
  readonly script: Behaviour[] = [];
  calls = 0;

  constructor(readonly name: string) {}

  voiceKey(): string {
    return `${this.name}-voice`;
  }

  async synthesize(_text: string, { signal }: SynthesizeOptions): Promise<Pcm> {
    this.calls += 1;
    const behaviour = this.script.shift() ?? 'ok';
    if (behaviour === 'hang')
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(abortedError(signal, this.name)), { once: true }),
      );
    if (behaviour instanceof TtsError) throw behaviour;
    return { sampleRate: this.sampleRate, samples: Buffer.from(this.name) };
  }
}

const failure = (retryable = true) => new TtsError('engine_failed', 'scripted failure', { retryable });
const signal = () => new AbortController().signal;

function chainOf(names: string[], options: { failureThreshold?: number; cooldownMs?: number } = {}) {
  let now = 0;
  const events: FallbackEvent[] = [];
  const unhealthy: string[] = [];
  const engines = names.map((name) => new ScriptedEngine(name));
  const chain = new FallbackChain(engines, {
    ...options,
    now: () => now,
    onFallback: (event) => events.push(event),
    onUnhealthy: (name) => unhealthy.push(name),
  });
  return { chain, engines, events, unhealthy, advance: (ms: number) => (now += ms) };
}

void describe('FallbackChain', () => {
  void test('the first healthy engine speaks and is reported as the speaker', async () => {
    const { chain, engines, events } = chainOf(['openai', 'espeak']);
    const spoken = await chain.speak('你好', { signal: signal() });
    assert.equal(spoken.engine, engines[0]);
    assert.equal(spoken.pcm.samples.toString(), 'openai');
    assert.equal(engines[1]!.calls, 0);
    assert.deepEqual(events, []);
    assert.equal(chain.name, 'openai');
    assert.equal(chain.voiceKey('x'), 'openai-voice');
  });

  void test('a failure, retryable or not, hands the sentence to the next engine', async () => {
    for (const error of [failure(true), failure(false)]) {
      const { chain, engines, events } = chainOf(['openai', 'edge', 'espeak']);
      engines[0]!.script.push(error);
      engines[1]!.script.push(new TtsError('unavailable', 'down', { retryable: true }));
      const spoken = await chain.speak('你好', { signal: signal() });
      assert.equal(spoken.engine.name, 'espeak');
      assert.deepEqual(events, [
        { from: 'openai', to: 'edge', reason: 'engine_failed' },
        { from: 'edge', to: 'espeak', reason: 'unavailable' },
      ]);
    }
  });

  void test('when every engine fails, the last engine’s error is the answer', async () => {
    const { chain, engines } = chainOf(['openai', 'espeak']);
    const last = new TtsError('engine_failed', 'espeak broke', { retryable: true });
    engines[0]!.script.push(failure());
    engines[1]!.script.push(last);
    await assert.rejects(chain.speak('x', { signal: signal() }), (error) => error === last);
  });

  void test('an engine that failed N times in a row is skipped during the cool-down, then tried once', async () => {
    const { chain, engines, events, unhealthy, advance } = chainOf(['openai', 'espeak'], {
      failureThreshold: 2,
      cooldownMs: 60_000,
    });
    engines[0]!.script.push(failure(), failure());
    await chain.speak('a', { signal: signal() });
    assert.equal(chain.isHealthy('openai'), true);
    await chain.speak('b', { signal: signal() });
    assert.equal(chain.isHealthy('openai'), false);
    assert.deepEqual(unhealthy, ['openai']);
    assert.deepEqual(
      chain.lookupOrder().map((e) => e.name),
      ['openai', 'espeak'],
    );

    const spoken = await chain.speak('c', { signal: signal() });
    assert.equal(spoken.engine.name, 'espeak');
    assert.equal(engines[0]!.calls, 2, 'skipped, not asked');
    assert.deepEqual(events.at(-1), { from: 'openai', to: 'espeak', reason: 'unhealthy' });

    advance(60_000);
    const again = await chain.speak('d', { signal: signal() });
    assert.equal(again.engine.name, 'openai', 'the trial succeeded');
    assert.equal(engines[0]!.calls, 3);
    assert.equal(chain.isHealthy('openai'), true);
    assert.deepEqual(
      chain.lookupOrder().map((e) => e.name),
      ['openai'],
    );
  });

  void test('the last engine is asked even when it is unhealthy', async () => {
    const { chain, engines } = chainOf(['espeak'], { failureThreshold: 1 });
    engines[0]!.script.push(failure());
    await assert.rejects(chain.speak('a', { signal: signal() }));
    assert.equal(chain.isHealthy('espeak'), false);
    const spoken = await chain.speak('b', { signal: signal() });
    assert.equal(spoken.engine.name, 'espeak');
  });

  void test('a cancelled synthesis does not fall back and does not count against the engine', async () => {
    const { chain, engines, events } = chainOf(['openai', 'espeak'], { failureThreshold: 1 });
    engines[0]!.script.push('hang');
    const controller = new AbortController();
    const pending = chain.speak('a', { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (error) => error instanceof TtsError && error.code === 'aborted');
    assert.equal(engines[1]!.calls, 0);
    assert.deepEqual(events, []);
    assert.equal(chain.isHealthy('openai'), true);
  });

  void test('an engine slower than attemptTimeoutMs gives way to the next', async () => {
    const engines = [new ScriptedEngine('openai'), new ScriptedEngine('espeak')];
    const events: FallbackEvent[] = [];
    const chain = new FallbackChain(engines, { attemptTimeoutMs: 20, onFallback: (event) => events.push(event) });
    engines[0]!.script.push('hang');
    const spoken = await chain.speak('a', { signal: signal() });
    assert.equal(spoken.engine.name, 'espeak');
    assert.deepEqual(events, [{ from: 'openai', to: 'espeak', reason: 'timeout' }]);
  });

  void test('empty output falls back but says nothing about the engine’s health', async () => {
    const { chain, engines } = chainOf(['openai', 'espeak'], { failureThreshold: 1 });
    engines[0]!.script.push(new TtsError('empty_output', 'nothing', { retryable: false }));
    const spoken = await chain.speak('……', { signal: signal() });
    assert.equal(spoken.engine.name, 'espeak');
    assert.equal(chain.isHealthy('openai'), true);
  });

  void test('needs at least one engine', () => {
    assert.throws(() => new FallbackChain([]), RangeError);
  });
});
