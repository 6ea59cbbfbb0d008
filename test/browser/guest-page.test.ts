import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import { PageHarness } from './page-harness.js';

describe('the guest page in Chromium: join, type, hear and read the answer', () => {
  const h = new PageHarness();
  let page: Page;
  const requested = new Set<string>();

  before(async () => {
    await h.start();
    // The narrowest phone the page is built for.
    page = await h.open({ viewport: { width: 360, height: 640 } });
    page.on('request', (request) => requested.add(request.url()));
    page.on('websocket', (socket) => requested.add(socket.url()));
  });
  after(() => h.stop());

  test('joins, connects, and the avatar greets the guest in the subtitles', async () => {
    await h.join(page, '小明');
    await page
      .getByTestId('connection-state')
      .and(page.locator('[data-state="connected"]'))
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('subtitles').getByText('小明', { exact: false }).first().waitFor({ timeout: 30_000 });
  });

  test('with no speech-to-text configured, the page says voice input is off', async () => {
    const notice = page.locator('[data-testid="notice"][data-code="voice_off"]');
    await notice.waitFor({ timeout: 10_000 });
    assert.match((await notice.textContent()) ?? '', /语音输入.*打字/);
  });

  test('nothing is wider than a 360 px phone', async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(overflow, 0, 'no sideways scrolling');
  });

  test('a typed message is answered in the subtitles while the avatar speaks, then listens', async () => {
    const avatar = page.getByTestId('avatar');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="avatar"]')?.getAttribute('data-state') === 'listening',
      undefined,
      { timeout: 30_000 },
    );
    const states: string[] = [];
    await page.exposeFunction('__recordState', (state: string) => states.push(state));
    await page.evaluate(() => {
      const element = document.querySelector('[data-testid="avatar"]')!;
      new MutationObserver(() =>
        (window as unknown as { __recordState(s: string): void }).__recordState(
          element.getAttribute('data-state') ?? '',
        ),
      ).observe(element, { attributes: true, attributeFilter: ['data-state'] });
    });
    await h.say(page, '今天天气怎么样');
    await page
      .getByTestId('subtitles')
      .getByText('今天天气怎么样', { exact: false })
      .last()
      .waitFor({ timeout: 30_000 });
    await page
      .locator('[data-testid="subtitle-line"][data-from="avatar"]')
      .filter({ hasText: '今天天气怎么样' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="avatar"]')?.getAttribute('data-state') === 'listening',
      undefined,
      { timeout: 30_000 },
    );
    assert.ok(states.includes('speaking'), `avatar states seen: ${states.join(' → ')}`);
    assert.equal(await avatar.getAttribute('data-state'), 'listening');
    assert.equal(await page.getByTestId('chat-input').inputValue(), '', 'the input is cleared after sending');
  });

  test('removed from the room, the page says so and offers to rejoin; rejoining works', async () => {
    const rooms = new RoomServiceClient(h.stack.livekit.httpUrl, h.stack.livekit.apiKey, h.stack.livekit.apiSecret);
    const [room] = await rooms.listRooms();
    const guest = (await rooms.listParticipants(room!.name)).find((p) => p.identity !== 'dh-avatar');
    await rooms.removeParticipant(room!.name, guest!.identity);

    const rejoin = page.getByTestId('rejoin');
    await rejoin.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.getByTestId('connection-state').getAttribute('data-state'), 'disconnected');
    assert.equal(await page.getByTestId('chat-input').isDisabled(), true, 'no typing while disconnected');
    await rejoin.click();
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="avatar"][data-state="listening"]').waitFor({ timeout: 30_000 });
    await h.say(page, '我回来了');
    await page
      .locator('[data-testid="subtitle-line"][data-from="avatar"]')
      .filter({ hasText: '我回来了' })
      .first()
      .waitFor({ timeout: 30_000 });
  });

  test('the page asked nothing of any other server', () => {
    const gateway = new URL(h.stack.gatewayUrl).host;
    const livekit = new URL(h.stack.livekit.url).host;
    const outside = [...requested].filter((url) => {
      const { protocol, host } = new URL(url);
      if (protocol === 'data:' || protocol === 'blob:') return false;
      return host !== gateway && host !== livekit;
    });
    assert.deepEqual(outside, []);
    assert.ok(requested.size > 3, 'requests were recorded');
  });
});

describe("the passcode flow, with the owner's own avatar images", () => {
  const avatarDir = mkdtempSync(join(tmpdir(), 'dh-avatar-'));
  for (const [file, color] of [
    ['idle', '#f90'],
    ['mouth-half', '#fa0'],
    ['mouth-open', '#fb0'],
    ['blink', '#fc0'],
  ]) {
    const body = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="${color}"/></svg>`;
    writeFileSync(join(avatarDir, `${file}.svg`), body);
  }
  const h = new PageHarness({ serviceEnv: { gateway: { GUEST_PASSCODE: 'sesame-42', AVATAR_DIR: avatarDir } } });
  before(() => h.start());
  after(async () => {
    await h.stop();
    rmSync(avatarDir, { recursive: true, force: true });
  });

  test('a wrong passcode is refused in Chinese, the right one lets the guest in', async () => {
    const page = await h.open({ viewport: { width: 1280, height: 800 } });
    await page.getByTestId('join-passcode').waitFor();
    await h.join(page, '小红', 'wrong');
    const error = page.getByTestId('join-error');
    await error.waitFor({ state: 'visible' });
    assert.match((await error.textContent()) ?? '', /口令/);
    await h.join(page, '小红', 'sesame-42');
    await page
      .getByTestId('connection-state')
      .and(page.locator('[data-state="connected"]'))
      .waitFor({ timeout: 30_000 });

    const idle = page.getByTestId('avatar').locator('img[src="/avatar/idle.svg"]');
    await idle.waitFor({ timeout: 10_000 });
    const loaded = await idle.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    assert.ok(loaded, 'the owner image is served and drawn');
  });
});

describe('WebRTC blocked: the conversation goes on as text over /ws', () => {
  const h = new PageHarness();
  before(() => h.start());
  after(() => h.stop());

  test('the page says so and the typed message is still answered', async () => {
    const page = await h.open({ blockWebRtc: true });
    await h.join(page, '小刚');
    await page.getByTestId('fallback-banner').waitFor({ state: 'visible', timeout: 45_000 });
    await h.say(page, '听得到吗');
    await page
      .locator('[data-testid="subtitle-line"][data-from="avatar"]')
      .filter({ hasText: '听得到吗' })
      .first()
      .waitFor({ timeout: 30_000 });
  });
});
