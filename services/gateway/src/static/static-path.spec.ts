import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedEncodings } from './accept-encoding.js';
import { liveKitOrigins } from './security-headers.js';
import { isHashedName, safeRelativePath } from './static-path.js';

test('safeRelativePath: plain paths pass, traversal, hidden files, NUL and backslashes do not', () => {
  assert.equal(safeRelativePath('/'), '');
  assert.equal(safeRelativePath('/assets/main-ABC.js'), 'assets/main-ABC.js');
  assert.equal(safeRelativePath('//assets//x.js'), 'assets/x.js');
  assert.equal(safeRelativePath('/%E5%BC%80%E5%BF%83.png'), '开心.png');
  for (const bad of [
    '/../x',
    '/a/../../x',
    '/%2e%2e/x',
    '/..%2fx',
    '/.env',
    '/a/.git/config',
    '/x%00.js',
    '/a\\b',
    '/%5c..',
    '/%FF',
  ])
    assert.equal(safeRelativePath(bad), null, bad);
});

test('isHashedName: esbuild and Vite hashes, not ordinary names', () => {
  for (const hashed of ['assets/main-NLP5MOX4.js', 'chunk-AE7NEBHY.js', 'main-NLP5MOX4.css.map', 'index-B-a_c9Xy.js'])
    assert.ok(isHashedName(hashed), hashed);
  for (const plain of ['favicon.svg', 'index.html', 'mouth-open.png', 'blink-animation.css', 'app-settings.js'])
    assert.ok(!isHashedName(plain), plain);
});

test('acceptedEncodings: names, q-values, and the wildcard', () => {
  assert.deepEqual([...acceptedEncodings('gzip, deflate, br')], ['br', 'gzip']);
  assert.deepEqual([...acceptedEncodings('gzip;q=0.5, br;q=0')], ['gzip']);
  assert.deepEqual([...acceptedEncodings('*')], ['br', 'gzip']);
  assert.deepEqual([...acceptedEncodings('*, br;q=0')], ['gzip']);
  assert.deepEqual([...acceptedEncodings('identity')], []);
  assert.deepEqual([...acceptedEncodings(undefined)], []);
  assert.deepEqual([...acceptedEncodings('GZIP;Q=1')], ['gzip']);
});

test('liveKitOrigins: the signalling origin and its HTTP twin, secure or not', () => {
  assert.deepEqual(liveKitOrigins('ws://127.0.0.1:7880'), ['ws://127.0.0.1:7880', 'http://127.0.0.1:7880']);
  assert.deepEqual(liveKitOrigins('wss://lk.example.com/path'), ['wss://lk.example.com', 'https://lk.example.com']);
  assert.deepEqual(liveKitOrigins('https://lk.example.com:8443'), [
    'wss://lk.example.com:8443',
    'https://lk.example.com:8443',
  ]);
  assert.deepEqual(liveKitOrigins('not a url'), []);
});
