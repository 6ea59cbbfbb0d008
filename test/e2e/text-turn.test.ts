import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { type GuestClient, Stack, envelopeLikeness, espeakSpeech, loudnessEnvelope, sleep, waitFor } from '@dh/testing';
import { persona } from './persona-texts.js';

/** The transcriptions of one answer: its segments share the turn id (`<turnId>-<index>`). */
function turnOf(segmentId: string): string {
  return segmentId.slice(0, segmentId.lastIndexOf('-'));
}

describe('a guest types, the avatar answers in voice', () => {
  const stack = new Stack();
  let guest: GuestClient;

  before(async () => {
    await stack.start();
    guest = await stack.guest('小明');
  });
  after(() => stack.stop());

  test('greets the guest by name', async () => {
    const [greeting] = await guest.waitForTranscriptions(1);
    assert.equal(greeting!.text.replace(/\s/g, ''), persona.greeting.replace('{name}', '小明').replace(/\s/g, ''));
    assert.equal(greeting!.from, AVATAR_IDENTITY);
  });

  test('answers two messages, each exactly once and in order, with voiced audio', async () => {
    await guest.waitForTranscriptions(1);
    const greetingCount = guest.transcriptions.length;
    const firstAt = await guest.say('第一条消息');
    await waitFor('the first answer', () => guest.transcriptions.some((t) => t.text.includes('第一条消息')), 30_000);
    const secondAt = await guest.say('第二条消息');
    await waitFor('the second answer', () => guest.transcriptions.some((t) => t.text.includes('第二条消息')), 30_000);
    await waitFor('both answers complete', () => guest.avatarState === 'listening', 20_000);
    await sleep(1_000); // a duplicate would arrive in this time

    const answers = guest.transcriptions.slice(greetingCount);
    const turns = [...new Set(answers.map((t) => turnOf(t.segmentId)))];
    assert.equal(turns.length, 2, `two answers, got ${answers.map((t) => t.text).join(' | ')}`);
    assert.equal(new Set(answers.map((t) => t.segmentId)).size, answers.length, 'no sentence twice');
    const [first, second] = turns.map((id) => answers.filter((t) => turnOf(t.segmentId) === id));
    assert.ok(
      first!.some((t) => t.text.includes('第一条消息')),
      'first answer first',
    );
    assert.ok(
      second!.some((t) => t.text.includes('第二条消息')),
      'second answer second',
    );
    for (const t of answers) {
      assert.equal(t.from, AVATAR_IDENTITY);
      assert.equal(t.final, true);
      assert.ok(t.trackId.startsWith('TR_'));
    }
    const firstVoice = guest.firstVoicedAfter(firstAt);
    const secondVoice = guest.firstVoicedAfter(secondAt);
    assert.ok(firstVoice !== undefined && secondVoice !== undefined, 'voiced audio for both answers');
    assert.ok(guest.voicedFramesBetween(secondAt, Date.now()) > 20, 'the answer is heard, not a click');
  });

  test('the second request carries the first exchange as history and the persona as system message', () => {
    const requests = stack.deepseek.requests.filter((r) =>
      r.body.messages?.some((m) => m.content.includes('第二条消息')),
    );
    assert.equal(requests.length, 1, 'one DeepSeek request for the second message');
    const body = requests[0]!.body;
    assert.equal(body.model, 'deepseek-flash');
    assert.deepEqual(body.thinking, { type: 'disabled' });
    assert.equal(body.stream, true);
    const messages = body.messages!;
    assert.equal(messages[0]!.role, 'system');
    assert.ok(messages[0]!.content.includes('开心'));
    const firstUser = messages.findIndex((m) => m.role === 'user' && m.content.includes('第一条消息'));
    assert.ok(firstUser > 0, 'the first message is in the history');
    assert.equal(messages[firstUser + 1]!.role, 'assistant');
    assert.ok(messages[firstUser + 1]!.content.includes('第一条消息'), 'with the answer that was given');
    assert.equal(messages.at(-1)!.role, 'user');
    assert.ok(messages.at(-1)!.content.includes('第二条消息'));
    assert.equal(requests[0]!.authorization, 'Bearer sk-test-key');
  });

  test('nothing is left pending, and the metrics moved', async () => {
    await waitFor('all acknowledged', async () => {
      const p = await stack.pending();
      return p.utterances === 0 && p.speech === 0 && p.ttsJobs === 0;
    });
    assert.match(await stack.metrics('media'), /dh_turn_latency_seconds_count\{[^}]*input="text"[^}]*\} 2/);
    assert.match(await stack.metrics('dialogue'), /dh_llm_tokens_total\{[^}]*kind="completion"[^}]*\} \d+/);
    assert.match(await stack.metrics('gateway'), /dh_joins_total\{[^}]*result="ok"[^}]*\} 1/);
    assert.match(await stack.metrics('tts'), /dh_tts_synthesis_seconds_count/);
  });

  test('every service exports the contract’s metric names, and the owner’s figures moved', async () => {
    const value = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    const dialogue = await stack.metrics('dialogue');
    for (const kind of ['cache_hit', 'cache_miss', 'completion']) {
      assert.match(dialogue, new RegExp(`^dh_llm_tokens_total\\{[^}]*kind="${kind}"[^}]*\\} \\d+`, 'm'));
    }
    assert.ok(value(dialogue, /^dh_llm_cost_cny_total(?:\{[^}]*\})? (\S+)$/m) > 0, 'spend counted');
    assert.ok(value(dialogue, /^dh_llm_month_cost_cny(?:\{[^}]*\})? (\S+)$/m) > 0, 'and in the month’s ledger');
    assert.equal(value(dialogue, /^dh_llm_budget_cny(?:\{[^}]*\})? (\S+)$/m), 30);
    const gateway = await stack.metrics('gateway');
    for (const name of [
      'dh_guests',
      'dh_egress_bits_per_second',
      'dh_traffic_month_bytes',
      'dh_traffic_budget_bytes',
      'dh_governor_level',
    ]) {
      assert.match(gateway, new RegExp(`^${name}(\\{[^}]*\\})? \\S+$`, 'm'), name);
    }
    assert.equal(value(gateway, /^dh_traffic_budget_bytes(?:\{[^}]*\})? (\S+)$/m), 300 * 1024 ** 3);
    assert.match(dialogue, /^dh_stream_pending\{[^}]*stream="stream:utterances"[^}]*\} \d+/m);
    assert.match(await stack.metrics('media'), /^dh_stream_pending\{[^}]*stream="stream:speech"[^}]*\} \d+/m);
    for (const service of ['gateway', 'dialogue', 'tts', 'media'] as const) {
      const text = await stack.metrics(service);
      const rss = value(text, /^process_resident_memory_bytes(?:\{[^}]*\})? (\S+)$/m);
      assert.ok(rss > 10 * 1024 ** 2, `${service} RSS ${rss}`);
      // Nothing personal in labels: no guest's name, identity, room or words.
      for (const personal of ['小明', guest.join.identity, guest.join.room, '第一条消息'])
        assert.ok(!text.includes(personal), `${service} /metrics names ${personal}`);
    }
  });

  test('what the guest hears is the sentence spoken, not noise or a repeated snippet', async () => {
    await waitFor('the avatar to listen', () => guest.avatarState === 'listening', 30_000);
    const sentence = '今天的天气非常好，我们一起去公园散步吧。';
    stack.deepseek.enqueue({ stream: sentence });
    const stop = guest.recordLevels();
    await guest.say('说一句话');
    await waitFor('the answer', () => guest.transcriptions.some((t) => t.text === sentence), 30_000);
    await waitFor('the answer to be heard', () => guest.avatarState === 'listening', 30_000);
    const meant = loudnessEnvelope(espeakSpeech(sentence)); // the tts service's engine and voice
    const heard = stop().slice(0, meant.length);
    const likeness = envelopeLikeness(heard, meant);
    console.log(`likeness of the heard voice to espeak-ng's sentence: ${likeness.toFixed(2)}`);
    assert.ok(likeness > 0.7, `the loudness of what was heard follows espeak-ng's sentence (${likeness.toFixed(2)})`);
  });
});
