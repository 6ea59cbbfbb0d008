import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  edgeSocketUrl,
  edgeTimestamp,
  longVoiceName,
  parseBinaryMessage,
  parseTextMessage,
  secMsGec,
  speechConfigMessage,
  ssmlMessage,
} from './edge-protocol.js';

// 2025-12-12T22:53:59.500Z
const NOW = 1_765_580_039_500;

void describe('edge protocol', () => {
  void test('Sec-MS-GEC hashes the 5-minute Windows file time with the client token', () => {
    // Computed independently with edge-tts's formula (drm.py) in Python.
    assert.equal(secMsGec(NOW), '33D63C1307ED0CE58E5C567D6527842584B2217FB8EC7FC49B6064FACE172F39');
    assert.equal(secMsGec(NOW + 60_000), secMsGec(NOW), 'same 5-minute window');
    assert.notEqual(secMsGec(NOW + 300_000), secMsGec(NOW));
  });

  void test('the socket URL carries the token, a connection id and the GEC pair', () => {
    const url = new URL(edgeSocketUrl('ws://127.0.0.1:9/edge/v1', NOW));
    assert.equal(url.searchParams.get('TrustedClientToken'), '6A5AA1D4EAFF4E9FB37E23D68491D6F4');
    assert.match(url.searchParams.get('ConnectionId') ?? '', /^[0-9a-f]{32}$/);
    assert.equal(url.searchParams.get('Sec-MS-GEC'), secMsGec(NOW));
    assert.match(url.searchParams.get('Sec-MS-GEC-Version') ?? '', /^1-\d+\.\d+\.\d+\.\d+$/);
  });

  void test('timestamps look like JavaScript’s Date#toString in UTC', () => {
    assert.equal(edgeTimestamp(NOW), 'Fri Dec 12 2025 22:53:59 GMT+0000 (Coordinated Universal Time)');
  });

  void test('short voice names become the long form Edge sends', () => {
    assert.equal(
      longVoiceName('zh-CN-XiaoxiaoNeural'),
      'Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)',
    );
    assert.equal(
      longVoiceName('zh-CN-liaoning-XiaobeiNeural'),
      'Microsoft Server Speech Text to Speech Voice (zh-CN-liaoning, XiaobeiNeural)',
    );
  });

  void test('speech.config asks for the output format', () => {
    const { headers, body } = parseTextMessage(speechConfigMessage('raw-24khz-16bit-mono-pcm', NOW));
    assert.equal(headers.get('Path'), 'speech.config');
    const config = JSON.parse(body) as { context: { synthesis: { audio: { outputFormat: string } } } };
    assert.equal(config.context.synthesis.audio.outputFormat, 'raw-24khz-16bit-mono-pcm');
  });

  void test('the SSML message escapes the text and drops control characters', () => {
    const { headers, body } = parseTextMessage(ssmlMessage("Tom & Jerry <3 'x'\u000b", 'en-US-AriaNeural', NOW));
    assert.equal(headers.get('Path'), 'ssml');
    assert.equal(headers.get('Content-Type'), 'application/ssml+xml');
    assert.match(headers.get('X-Timestamp') ?? '', /\(Coordinated Universal Time\)Z$/);
    assert.match(body, /<voice name='Microsoft Server Speech Text to Speech Voice \(en-US, AriaNeural\)'>/);
    assert.match(body, />Tom &amp; Jerry &lt;3 &apos;x&apos; <\/prosody>/);
  });

  void test('binary messages: a big-endian header length, the headers, the audio', () => {
    const head = Buffer.from('X-RequestId:abc\r\nPath:audio\r\n');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(head.length);
    const frame = parseBinaryMessage(Buffer.concat([length, head, Buffer.from([1, 2, 3, 4])]));
    assert.equal(frame?.headers.get('Path'), 'audio');
    assert.deepEqual([...(frame?.data ?? [])], [1, 2, 3, 4]);
    assert.equal(parseBinaryMessage(Buffer.from([0])), null);
    assert.equal(parseBinaryMessage(Buffer.from([0, 200, 1])), null);
  });
});
