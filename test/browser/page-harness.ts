import type { BrowserContext, Page } from 'playwright-core';
import { type BrowserOptions, Stack, type StackOptions, launchBrowser } from '@dh/testing';

/** The whole stack plus Debian's Chromium, for driving the guest page as a guest would. */
export class PageHarness {
  readonly stack: Stack;
  private browsers: { context: BrowserContext; close: () => Promise<void> }[] = [];

  constructor(options: StackOptions = {}) {
    this.stack = new Stack(options);
  }

  async start(): Promise<void> {
    await this.stack.start();
  }

  async stop(): Promise<void> {
    for (const browser of this.browsers) await browser.close();
    await this.stack.stop();
  }

  /** A fresh browser (own profile) with the page open. */
  async open(options: BrowserOptions = {}, path = '/'): Promise<Page> {
    const browser = await launchBrowser(options);
    this.browsers.push(browser);
    const page = await browser.context.newPage();
    await page.goto(`${this.stack.gatewayUrl}${path}`);
    return page;
  }

  /** Fills the join form and enters the room. */
  async join(page: Page, name: string, passcode?: string): Promise<void> {
    await page.getByTestId('join-name').fill(name);
    if (passcode !== undefined) await page.getByTestId('join-passcode').fill(passcode);
    await page.getByTestId('join-submit').click();
  }

  async say(page: Page, text: string): Promise<void> {
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-send').click();
  }
}
