// Debian's Chromium as both drivers (run.mjs for JsSIP pages, sdk-run.mjs for SDK pages)
// launch it: headless, fake camera, a sine tone as the fake microphone, loopback allowed.
// The flags are those of /work/shared/DEPENDENCIES.md; --headless comes from Playwright.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** A 16-bit mono 48 kHz sine (10 s, looped by Chromium) for the fake microphone. */
export function toneFile(hz) {
  const dir = path.join(HERE, 'build');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `tone-${hz}.wav`);
  if (fs.existsSync(file)) return file;
  const rate = 48000;
  const n = rate * 10;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write('WAVE', 8);
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22); buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34); buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    buf.writeInt16LE(Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  fs.writeFileSync(file, buf);
  return file;
}

/** Launches Chromium whose fake microphone plays a {@code toneHz} sine; null if not installed. */
export async function launchChromium(toneHz) {
  if (!fs.existsSync(CHROMIUM)) return null;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${toneFile(toneHz)}`,
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
