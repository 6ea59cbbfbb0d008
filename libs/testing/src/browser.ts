import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  /** A WAV file the fake microphone plays; without it Chromium's fake device beeps. */
  fakeAudioFile?: string;
  /** Let no WebRTC traffic through (as where UDP is blocked): signalling works, media cannot connect. */
  blockWebRtc?: boolean;
  /** Pretend the guest refused the microphone. */
  denyMicrophone?: boolean;
  locale?: string;
}

/**
 * Page script: every RTCPeerConnection may use relay candidates only and has no TURN server, so ICE gathers
 * nothing and never connects while signalling (a WebSocket) works: what a guest behind a firewall that drops
 * UDP and unknown TCP ports sees. Chromium's own `--force-webrtc-ip-handling-policy` still connects over
 * loopback, hence a script.
 */
const BLOCK_WEBRTC_MEDIA = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  class Blocked extends Native {
    constructor(config) { super({ ...(config || {}), iceServers: [], iceTransportPolicy: 'relay' }); }
    setConfiguration(config) { super.setConfiguration({ ...(config || {}), iceServers: [], iceTransportPolicy: 'relay' }); }
  }
  window.RTCPeerConnection = Blocked;
})();`;

/**
 * Debian's Chromium driven by playwright-core, as a guest's phone or laptop: headless, no sandbox (root),
 * no background networking (the machine's network is closed), a fresh profile, a fake microphone.
 */
export async function launchBrowser(
  options: BrowserOptions = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'dh-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (!options.denyMicrophone) args.push('--use-fake-ui-for-media-stream');
  if (options.fakeAudioFile) args.push(`--use-file-for-fake-audio-capture=${options.fakeAudioFile}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    viewport: options.viewport ?? { width: 390, height: 844 },
    locale: options.locale ?? 'zh-CN',
    ...(options.denyMicrophone ? {} : { permissions: ['microphone'] }),
  });
  if (options.blockWebRtc) await context.addInitScript(BLOCK_WEBRTC_MEDIA);
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
