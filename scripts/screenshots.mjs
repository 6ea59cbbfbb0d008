#!/usr/bin/env node
// `make screenshots`: what guests see, at a phone's 390×844 and a laptop's 1280×800, written to docs/screenshots/.
// Runs the real stack (DeepSeek replaced by the local fake, scripted with a friendly answer) and Debian's
// Chromium; each size shows the join screen and the room after one exchange. Chinese text needs a CJK font on
// this machine (Debian: fonts-noto-cjk), as every guest's phone has; the page itself loads no fonts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, launchBrowser } from '../libs/testing/dist/src/index.js';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs/screenshots');
mkdirSync(out, { recursive: true });

const sizes = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
];
const question = '你好开心，今天有什么好玩的事吗？';
const answer = '当然有！今天阳光正好，适合出去散散步。你最近在忙什么呢？';

const stack = new Stack();
const say = (line) => process.stdout.write(`[screenshots] ${line}\n`);
try {
  await stack.start();
  stack.deepseek.setDefault(() => answer);
  for (const { name, viewport } of sizes) {
    const browser = await launchBrowser({ viewport });
    try {
      const page = await browser.context.newPage();
      await page.goto(stack.gatewayUrl);
      await page.getByTestId('join-name').fill('小明');
      // Let the blinking and breathing settle into a frame that is not mid-blink.
      await page.waitForTimeout(600);
      await shoot(page, `join-${name}`);

      await page.getByTestId('join-submit').click();
      await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
      // The greeting is spoken first; the question follows once it has been heard.
      await page.locator('[data-testid="subtitle-line"][data-from="avatar"]').first().waitFor({ timeout: 30_000 });
      await avatarState(page, 'listening');
      await page.getByTestId('chat-input').fill(question);
      await page.getByTestId('chat-send').click();
      await page
        .locator('[data-testid="subtitle-line"][data-from="avatar"]')
        .filter({ hasText: '你最近在忙什么' })
        .waitFor({ timeout: 30_000 });
      await avatarState(page, 'listening');
      await page.waitForTimeout(400);
      await shoot(page, `room-${name}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await stack.stop();
}
process.exit(0);

async function avatarState(page, state) {
  await page.locator(`[data-testid="avatar"][data-state="${state}"]`).waitFor({ timeout: 30_000 });
}

async function shoot(page, file) {
  const path = join(out, `${file}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  say(`docs/screenshots/${file}.png`);
}
