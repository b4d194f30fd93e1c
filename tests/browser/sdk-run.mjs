#!/usr/bin/env node
// Drives pages that use the JavaScript SDK (served by the server under test at /sdk/) in
// headless Chromium. Same conventions as run.mjs: progress as JSON lines on stderr, ONE JSON
// result line on stdout, exit 0 = pass, every wait bounded, --deadline for the whole run.
//
//   node sdk-run.mjs SCENARIO (--server http://127.0.0.1:8080 | --fake) [options]
//
// Scenarios (two accounts A,B from --accounts, default u1:pw-u1,u2:pw-u2):
//   load        the SDK imports as a module; the demo page renders (screenshots desktop+phone)
//   video-call  A calls B with video and extraParam, B answers with video; media both ways,
//               updates both ways, B ends; state sequences, reasons, getById, history
//   reject      B rejects                    cancel   A ends before B answers
//   no-answer   nobody answers (--no-answer S: the server's configured timeout)
//   forbidden   A (an account without video, --accounts) makes a video call: 403
//   hold        A holds (sendonly re-offer) then resumes: A's inbound audio stops, then flows
//   reconnect   in a call A's WebSocket is closed; the SDK reconnects, the call goes on with media
//   call-out    A calls --target (a phone) with audio, media both ways, A ends after --hold s
//   answer      A answers the first incoming call (audio), media both ways, waits for the end
//   demo        the demo page UI in two pages: A calls B with video, B answers with video;
//               a screenshot of A during the call (--screenshot FILE)
// Options: --deadline 120  --sample 2  --media-timeout 20  --hold 0  --target bob
//   --no-answer 3 (s)  --shots DIR (load)  --screenshot FILE (demo)  --no-filter (no loopback
//   SDP filter)  --tone 660  --window 10 (s, --fake: reconnection window)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { build as esbuild } from 'esbuild';
import { startFakeApiServer } from './fake-api-server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------------------ arguments
function parseArgs(argv) {
  const [scenario, ...rest] = argv;
  const o = { scenario, deadline: 120, sample: 2, mediaTimeout: 20, hold: 0, noAnswer: 3,
    tone: 660, filter: true, window: 10, accounts: [{ user: 'u1', password: 'pw-u1' },
      { user: 'u2', password: 'pw-u2' }] };
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i];
    const v = () => {
      if (i + 1 >= rest.length) fail(`option ${k} needs a value`, 2);
      return rest[++i];
    };
    switch (k) {
      case '--server': o.server = v().replace(/\/+$/, ''); break;
      case '--fake': o.fake = true; break;
      case '--accounts': o.accounts = v().split(',').map((a) => {
        const [user, password] = a.split(':');
        if (!password) fail(`account "${a}" must be user:password`, 2);
        return { user, password };
      }); break;
      case '--target': o.target = v(); break;
      case '--deadline': o.deadline = Number(v()); break;
      case '--sample': o.sample = Number(v()); break;
      case '--media-timeout': o.mediaTimeout = Number(v()); break;
      case '--hold': o.hold = Number(v()); break;
      case '--no-answer': o.noAnswer = Number(v()); break;
      case '--window': o.window = Number(v()); break;
      case '--shots': o.shots = v(); break;
      case '--screenshot': o.screenshot = v(); break;
      case '--tone': o.tone = Number(v()); break;
      case '--no-filter': o.filter = false; break;
      default: fail(`unknown option ${k}`, 2);
    }
  }
  return o;
}

// ------------------------------------------------------------------------------ output
let resultPrinted = false;
const progress = (type, detail = {}) =>
  process.stderr.write(JSON.stringify({ event: type, at: Date.now(), ...detail }) + '\n');
function printResult(r) {
  if (resultPrinted) return;
  resultPrinted = true;
  process.stdout.write(JSON.stringify(r) + '\n');
}
class Failure extends Error {
  constructor(message, detail = {}) { super(message); this.detail = detail; }
}
function fail(message, code = 1) {
  printResult({ ok: false, error: message });
  process.stderr.write(`sdk-run.mjs: ${message}\n`);
  process.exit(code);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function within(seconds, what, promise) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`timeout after ${seconds}s: ${what}`)), seconds * 1000);
  })]).finally(() => clearTimeout(timer));
}

// ------------------------------------------------------------------------------ browser

async function launch(o) {
  const browser = await launchChromium(o.tone);
  if (!browser) fail(`chromium not found at ${CHROMIUM}`, 3);
  return browser;
}

/** The harness module (harness.js + page/sdp.js), the SDK itself left to the server. */
async function harnessCode() {
  const r = await esbuild({
    entryPoints: [path.join(HERE, 'sdk-page', 'harness.js')], bundle: true, format: 'esm',
    write: false, target: 'chrome120', external: ['/sdk/*'], logLevel: 'warning',
  });
  return r.outputFiles[0].text;
}

async function newPage(browser, o, name, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['microphone', 'camera'], { origin: o.server });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') {
      progress('console', { page: name, type: m.type(), text: m.text().slice(0, 300) });
    }
  });
  page.on('pageerror', (e) => progress('pageerror', { page: name, error: String(e) }));
  page.name = name;
  return page;
}

/** A page of the server (the demo page at /) with the SDK harness on window.H. */
async function harnessPage(browser, o, name) {
  const page = await newPage(browser, o, name);
  await page.goto(`${o.server}/`, { timeout: 15000 });
  await page.addScriptTag({ type: 'module', content: o.harness });
  await page.waitForFunction(() => Boolean(window.H), null, { timeout: 15000 });
  await page.evaluate((f) => window.H.init({ loopbackFilter: f }), o.filter);
  return page;
}

const H = (page, fn, ...args) => page.evaluate(([f, a]) => window.H[f](...a), [fn, args]);

async function login(page, account) {
  progress('login', { page: page.name, user: account.user });
  try {
    await within(15, `login of ${account.user}`, H(page, 'login', account.user, account.password));
  } catch (e) {
    throw new Failure(`${page.name}: login failed: ${e.message.split('\n')[0]}`);
  }
  progress('logged-in', { page: page.name, user: account.user });
}

const events = (page) => H(page, 'events');

/** Waits for an SDK event matching `pred` (a function source over the event `e`). */
async function awaitEvent(page, what, predSrc, seconds = 15) {
  try {
    const h = await page.waitForFunction(([src]) => {
      // eslint-disable-next-line no-new-func
      const pred = new Function('e', `return (${src});`);
      return window.H.events().find((e) => pred(e)) || null;
    }, [predSrc], { timeout: seconds * 1000, polling: 50 });
    return await h.jsonValue();
  } catch (e) {
    throw new Failure(`${page.name}: no ${what} within ${seconds}s`, { events: await events(page).catch(() => []) });
  }
}

const stateOf = (page, id) => H(page, 'get', id).then((c) => c && c.state);
const statesSeen = async (page, id) => (await events(page))
  .filter((e) => e.name === 'call:stateChange' && e.callId === id).map((e) => e.state);
const endReason = async (page, id) => (await events(page))
  .find((e) => e.name === 'call:stateChange' && e.callId === id && e.state === 'ENDED')?.reason ?? null;

async function awaitState(page, id, state, seconds) {
  return awaitEvent(page, `state ${state}`, `e.name === 'call:stateChange' && e.callId === ${JSON.stringify(id)} && e.state === ${JSON.stringify(state)}`, seconds);
}

/** Waits until inbound audio bytes (and decoded video frames, if asked) arrived. */
async function awaitMedia(page, id, o, { video }) {
  try {
    await page.waitForFunction(async ([cid, v]) => {
      const s = await window.H.stats(cid);
      return s && s.audioIn.bytes > 0 && (!v || s.videoIn.framesDecoded > 0);
    }, [id, video], { timeout: o.mediaTimeout * 1000, polling: 100 });
  } catch (e) {
    throw new Failure(`${page.name}: no media within ${o.mediaTimeout}s`, {
      stats: await H(page, 'stats', id).catch(() => null), events: await events(page).catch(() => []) });
  }
}

async function sample(page, id, o) {
  const a = await H(page, 'stats', id);
  await sleep(o.sample * 1000);
  const b = await H(page, 'stats', id);
  return {
    audioInGrowth: b.audioIn.bytes - a.audioIn.bytes,
    audioOutGrowth: b.audioOut.bytes - a.audioOut.bytes,
    framesDecodedGrowth: b.videoIn.framesDecoded - a.videoIn.framesDecoded,
    framesEncodedGrowth: b.videoOut.framesEncoded - a.videoOut.framesEncoded,
    last: b,
  };
}

function mediaProblems(s, { video }, who) {
  const why = [];
  if (!(s.audioInGrowth > 0)) why.push(`${who}: inbound audio bytes did not grow`);
  if (!(s.audioOutGrowth > 0)) why.push(`${who}: outbound audio bytes did not grow`);
  if (video && !(s.framesDecodedGrowth > 0)) why.push(`${who}: no video frames decoded`);
  return why;
}

async function loopbackProblems(page, s, who) {
  const sent = await H(page, 'sentCandidates');
  const why = [];
  for (const c of sent) if (c.split(/\s+/)[4] !== '127.0.0.1') why.push(`${who}: sent ${c}`);
  const p = s.last.pair;
  if (!p) why.push(`${who}: no selected candidate pair`);
  else if (p.local?.address !== '127.0.0.1' || p.remote?.address !== '127.0.0.1') {
    why.push(`${who}: selected pair ${JSON.stringify(p)}`);
  }
  return why;
}

const DOCUMENTED = ['RINGING', 'CONNECTING', 'TALKING', 'ENDED'];
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Two harness pages, logged in; B is the callee. */
async function twoPages(browser, o) {
  const a = await harnessPage(browser, o, 'A');
  const b = await harnessPage(browser, o, 'B');
  await login(b, o.accounts[1]);
  await login(a, o.accounts[0]);
  return [a, b];
}

/** A calls B; B sees call:receive. Returns the call id. */
async function ring(a, b, o, opts) {
  const r = await within(20, 'call.make', H(a, 'attempt', 'make', o.accounts[1].user, opts));
  if (!r.ok) throw new Failure(`A: call.make failed: ${r.code} ${r.message}`, { events: await events(a) });
  const id = r.value;
  progress('calling', { callId: id });
  const rec = await awaitEvent(b, 'call:receive', `e.name === 'call:receive' && e.callId === ${JSON.stringify(id)}`, 15);
  return { id, rec };
}

// ------------------------------------------------------------------------------ scenarios
const scenarios = {
  async load(browser, o) {
    const errors = [];
    const shots = o.shots || path.join(HERE, 'build');
    fs.mkdirSync(shots, { recursive: true });
    const out = { screenshots: [] };
    for (const [label, viewport] of [['desktop', { width: 1280, height: 860 }], ['phone', { width: 390, height: 844 }]]) {
      const page = await newPage(browser, o, label, viewport);
      await page.goto(`${o.server}/`, { timeout: 15000 });
      const info = await page.evaluate(async () => {
        const m = await import('/sdk/opentelephony.js');
        return { exports: Object.keys(m).sort(), version: m.VERSION, demo: Boolean(window.demo?.client),
          title: document.title, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth };
      });
      out[label] = info;
      if (!info.exports.includes('create')) errors.push(`${label}: the module has no create()`);
      if (!info.demo) errors.push(`${label}: the demo page did not start`);
      if (info.scrollWidth > info.innerWidth + 1) errors.push(`${label}: page wider than the window (${info.scrollWidth} > ${info.innerWidth})`);
      if (o.accounts[0]) {
        await page.fill('#user', o.accounts[0].user);
        await page.fill('#password', o.accounts[0].password);
        await page.click('#login');
        await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'connected', null, { timeout: 15000 })
          .catch(() => errors.push(`${label}: the demo page did not log in`));
      }
      const file = path.join(shots, `demo-${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
      out.screenshots.push(file);
      await page.context().close();
    }
    return { ok: errors.length === 0, errors, ...out };
  },

  async 'video-call'(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const extra = 'order=42&topic=demo';
    const { id, rec } = await ring(a, b, o, { audio: true, video: true, extraParam: extra });
    const errors = [];
    if (rec.extraParam !== extra) errors.push(`B: extraParam ${JSON.stringify(rec.extraParam)}`);
    if (rec.caller !== o.accounts[0].user) errors.push(`B: caller ${rec.caller}`);
    if (!rec.video) errors.push('B: call:receive without video');
    await within(20, 'answer', H(b, 'answer', id, { video: true }));
    await Promise.all([awaitState(a, id, 'TALKING', 20), awaitState(b, id, 'TALKING', 20)]);
    await Promise.all([awaitMedia(a, id, o, { video: true }), awaitMedia(b, id, o, { video: true })]);
    const [sa, sb] = await Promise.all([sample(a, id, o), sample(b, id, o)]);
    errors.push(...mediaProblems(sa, { video: true }, 'A'), ...mediaProblems(sb, { video: true }, 'B'));
    errors.push(...await loopbackProblems(a, sa, 'A'), ...await loopbackProblems(b, sb, 'B'));
    // custom data both ways
    await H(a, 'update', id, 'from-A');
    await H(b, 'update', id, JSON.stringify({ from: 'B' }));
    await awaitEvent(b, 'call:update from A', `e.name === 'call:update' && e.info === 'from-A'`, 10)
      .catch((e) => errors.push(e.message));
    await awaitEvent(a, 'call:update from B', `e.name === 'call:update' && e.info === '{"from":"B"}'`, 10)
      .catch((e) => errors.push(e.message));
    await H(b, 'end', id);
    await Promise.all([awaitState(a, id, 'ENDED', 10), awaitState(b, id, 'ENDED', 10)]);
    const seqA = await statesSeen(a, id);
    const seqB = await statesSeen(b, id);
    if (!same(seqA, DOCUMENTED)) errors.push(`A: states ${seqA.join(',')}`);
    if (!same(seqB, DOCUMENTED)) errors.push(`B: states ${seqB.join(',')}`);
    const reasons = { A: await endReason(a, id), B: await endReason(b, id) };
    if (reasons.A !== 'hangup_remote') errors.push(`A: end reason ${reasons.A}`);
    if (reasons.B !== 'hangup_local') errors.push(`B: end reason ${reasons.B}`);
    const after = await H(a, 'get', id);
    if (after?.state !== 'ENDED') errors.push(`A: getById after the end: ${JSON.stringify(after)}`);
    let history = null;
    for (let i = 0; i < 20 && !history; i++) {
      const h = await H(a, 'history');
      history = h.find((c) => c.callId === id) || null;
      if (!history) await sleep(250);
    }
    if (!history) errors.push('A: the call is not in history()');
    return { ok: errors.length === 0, errors, callId: id, statesA: seqA, statesB: seqB, reasons,
      A: sa, B: sb, history, getById: after };
  },

  async reject(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const { id } = await ring(a, b, o, { audio: true, video: false });
    await awaitState(a, id, 'RINGING', 10);
    await H(b, 'reject', id);
    await Promise.all([awaitState(a, id, 'ENDED', 10), awaitState(b, id, 'ENDED', 10)]);
    const reasons = { A: await endReason(a, id), B: await endReason(b, id) };
    const errors = [];
    if (reasons.A !== 'rejected') errors.push(`A: end reason ${reasons.A}`);
    if (reasons.B !== 'rejected') errors.push(`B: end reason ${reasons.B}`);
    return { ok: errors.length === 0, errors, reasons, statesA: await statesSeen(a, id), statesB: await statesSeen(b, id) };
  },

  async cancel(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const { id } = await ring(a, b, o, { audio: true, video: true });
    await awaitState(a, id, 'RINGING', 10);
    await H(a, 'end', id);
    await Promise.all([awaitState(a, id, 'ENDED', 10), awaitState(b, id, 'ENDED', 10)]);
    const reasons = { A: await endReason(a, id), B: await endReason(b, id) };
    const errors = [];
    if (!['canceled', 'hangup_local'].includes(reasons.A)) errors.push(`A: end reason ${reasons.A}`);
    if (reasons.B !== 'canceled') errors.push(`B: end reason ${reasons.B}`);
    const late = await H(b, 'attempt', 'answer', id, { video: false });
    if (late.ok) errors.push('B: answering a canceled call succeeded');
    return { ok: errors.length === 0, errors, reasons, lateAnswer: late };
  },

  async 'no-answer'(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const { id } = await ring(a, b, o, { audio: true, video: false });
    const t0 = Date.now();
    await Promise.all([awaitState(a, id, 'ENDED', o.noAnswer + 10), awaitState(b, id, 'ENDED', o.noAnswer + 10)]);
    const reasons = { A: await endReason(a, id), B: await endReason(b, id) };
    const errors = [];
    if (reasons.A !== 'no_answer') errors.push(`A: end reason ${reasons.A}`);
    if (!['no_answer', 'canceled'].includes(reasons.B)) errors.push(`B: end reason ${reasons.B}`);
    return { ok: errors.length === 0, errors, reasons, endedAfterMs: Date.now() - t0 };
  },

  async forbidden(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const r = await H(a, 'attempt', 'make', o.accounts[1].user, { audio: true, video: true });
    const errors = [];
    if (r.ok || r.code !== 403) errors.push(`A: video call.make gave ${JSON.stringify(r)}`);
    const ev = await events(a);
    const err = ev.find((e) => e.name === 'call:error' && e.code === 403);
    if (!err) errors.push('A: no call:error 403');
    const ended = ev.find((e) => e.name === 'call:stateChange' && e.state === 'ENDED');
    if (ended?.reason !== 'forbidden') errors.push(`A: ENDED reason ${ended?.reason}`);
    await sleep(500);
    if ((await events(b)).some((e) => e.name === 'call:receive')) errors.push('B: a forbidden call rang');
    return { ok: errors.length === 0, errors, attempt: r, error: err || null };
  },

  async reconnect(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const { id } = await ring(a, b, o, { audio: true, video: true });
    await H(b, 'answer', id, { video: true });
    await Promise.all([awaitState(a, id, 'TALKING', 20), awaitState(b, id, 'TALKING', 20)]);
    await Promise.all([awaitMedia(a, id, o, { video: true }), awaitMedia(b, id, o, { video: true })]);
    const dropAt = Date.now();
    await H(a, 'drop');
    await awaitEvent(a, 'reconnecting', `e.name === 'connection:change' && e.state === 'reconnecting'`, 5);
    await page_wait_connected(a, 15);
    const reconnectMs = Date.now() - dropAt;
    progress('reconnected', { ms: reconnectMs });
    const errors = [];
    if (await stateOf(a, id) !== 'TALKING') errors.push(`A: state after reconnection ${await stateOf(a, id)}`);
    if (await stateOf(b, id) !== 'TALKING') errors.push(`B: state after reconnection ${await stateOf(b, id)}`);
    const [sa, sb] = await Promise.all([sample(a, id, o), sample(b, id, o)]);
    errors.push(...mediaProblems(sa, { video: true }, 'A'), ...mediaProblems(sb, { video: true }, 'B'));
    // signalling works again over the new socket, both ways
    await H(a, 'update', id, 'after-reconnect-A');
    await awaitEvent(b, 'update after reconnection', `e.name === 'call:update' && e.info === 'after-reconnect-A'`, 10)
      .catch((e) => errors.push(e.message));
    await H(b, 'update', id, 'after-reconnect-B');
    await awaitEvent(a, 'update after reconnection', `e.name === 'call:update' && e.info === 'after-reconnect-B'`, 10)
      .catch((e) => errors.push(e.message));
    await H(a, 'end', id);
    await Promise.all([awaitState(a, id, 'ENDED', 10), awaitState(b, id, 'ENDED', 10)]);
    const reasons = { A: await endReason(a, id), B: await endReason(b, id) };
    if (reasons.A !== 'hangup_local') errors.push(`A: end reason ${reasons.A}`);
    if (reasons.B !== 'hangup_remote') errors.push(`B: end reason ${reasons.B}`);
    const conn = (await events(a)).filter((e) => e.name === 'connection:change').map((e) => e.state);
    return { ok: errors.length === 0, errors, reconnectMs, connectionStates: conn, A: sa, B: sb, reasons };
  },

  async hold(browser, o) {
    const [a, b] = await twoPages(browser, o);
    const { id } = await ring(a, b, o, { audio: true, video: false });
    await H(b, 'answer', id, { video: false });
    await Promise.all([awaitState(a, id, 'TALKING', 20), awaitState(b, id, 'TALKING', 20)]);
    await awaitMedia(a, id, o, { video: false });
    const errors = [];
    await within(15, 'hold', H(a, 'hold', id));
    await sleep(500);
    const held = await sample(a, id, o);
    if (held.audioInGrowth > 0) errors.push(`A: audio still arrives on hold (${held.audioInGrowth} bytes)`);
    if (!(held.audioOutGrowth > 0)) errors.push('A: sends nothing on hold (sendonly)');
    await within(15, 'resume', H(a, 'resume', id));
    await sleep(500);
    const resumed = await sample(a, id, o);
    errors.push(...mediaProblems(resumed, { video: false }, 'A after resume'));
    await H(a, 'end', id);
    await awaitState(b, id, 'ENDED', 10);
    return { ok: errors.length === 0, errors, held: { in: held.audioInGrowth, out: held.audioOutGrowth },
      resumed: { in: resumed.audioInGrowth, out: resumed.audioOutGrowth } };
  },

  async 'call-out'(browser, o) {
    if (!o.target) fail('call-out needs --target', 2);
    const a = await harnessPage(browser, o, 'A');
    await login(a, o.accounts[0]);
    const r = await within(20, 'call.make', H(a, 'attempt', 'make', o.target, { audio: true, video: false }));
    if (!r.ok) throw new Failure(`call.make failed: ${r.code} ${r.message}`, { events: await events(a) });
    const id = r.value;
    await awaitState(a, id, 'TALKING', 30);
    await awaitMedia(a, id, o, { video: false });
    const s = await sample(a, id, o);
    const errors = [...mediaProblems(s, { video: false }, 'A'), ...await loopbackProblems(a, s, 'A')];
    if (o.hold > 0) await sleep(o.hold * 1000);
    await H(a, 'end', id);
    await awaitState(a, id, 'ENDED', 10).catch((e) => errors.push(e.message));
    return { ok: errors.length === 0, errors, callId: id, ...s, states: await statesSeen(a, id), reason: await endReason(a, id) };
  },

  async answer(browser, o) {
    const a = await harnessPage(browser, o, 'A');
    await H(a, 'autoAnswer', { video: false });
    await login(a, o.accounts[0]);
    progress('waiting-for-call', { user: o.accounts[0].user });
    const rec = await awaitEvent(a, 'call:receive', `e.name === 'call:receive'`, Math.max(60, o.hold));
    const id = rec.callId;
    await awaitState(a, id, 'TALKING', 20);
    await awaitMedia(a, id, o, { video: false });
    const s = await sample(a, id, o);
    const errors = [...mediaProblems(s, { video: false }, 'A'), ...await loopbackProblems(a, s, 'A')];
    const ended = await awaitState(a, id, 'ENDED', o.hold > 0 ? o.hold : 30).then((e) => e.reason).catch(() => null);
    return { ok: errors.length === 0, errors, callId: id, caller: rec.caller, ...s, endReason: ended };
  },

  async demo(browser, o) {
    const shot = o.screenshot || path.join(HERE, 'build', 'demo-video-call.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    const pages = [];
    for (const [i, name] of [[0, 'A'], [1, 'B']]) {
      const p = await newPage(browser, o, name);
      await p.goto(`${o.server}/`, { timeout: 15000 });
      await p.waitForFunction(() => Boolean(window.demo?.client), null, { timeout: 15000 });
      if (o.filter) {
        // keep media on 127.0.0.1 when run outside a loopback-only namespace
        await p.addScriptTag({ type: 'module', content: o.harness });
        // a module script runs asynchronously: wait until it has defined window.H
        await p.waitForFunction(() => Boolean(window.H?.__filter), null, { timeout: 15000 });
        await p.evaluate(() => {
          window.demo.client.options.sdpTransform = window.H.__filter;
          window.demo.client.options.candidateFilter = window.H.__candidateFilter;
        });
      }
      await p.fill('#user', o.accounts[i].user);
      await p.fill('#password', o.accounts[i].password);
      await p.click('#login');
      await p.waitForFunction(() => document.getElementById('conn').dataset.state === 'connected', null, { timeout: 15000 });
      pages.push(p);
    }
    const [a, b] = pages;
    await a.fill('#to', o.accounts[1].user);
    await a.check('#video');
    await a.click('#make');
    await b.waitForSelector('#incoming:not([hidden])', { timeout: 15000 });
    await b.check('#answer-video');
    await b.click('#answer');
    const talking = () => document.getElementById('state').dataset.state === 'TALKING';
    await a.waitForFunction(talking, null, { timeout: 20000 });
    await a.waitForFunction(() => {
      const v = document.querySelector('#videos video.ot-remote');
      return v && v.videoWidth > 0 && v.currentTime > 0.5;
    }, null, { timeout: o.mediaTimeout * 1000 });
    // wait for a statistics refresh so the card shows figures
    await a.waitForFunction(() => /frames/.test(document.getElementById('stats').textContent), null, { timeout: 10000 }).catch(() => {});
    await a.screenshot({ path: shot, fullPage: true });
    const info = await a.evaluate(() => {
      const v = document.querySelector('#videos video.ot-remote');
      return { remoteVideo: { width: v.videoWidth, height: v.videoHeight },
        stats: document.getElementById('stats').textContent, log: document.getElementById('log').children.length };
    });
    await b.click('#end');
    await a.waitForFunction(() => document.getElementById('state').dataset.state === 'ENDED', null, { timeout: 10000 });
    await a.waitForFunction(() => document.querySelectorAll('#history tbody tr td').length > 1, null, { timeout: 10000 }).catch(() => {});
    const historyRows = await a.evaluate(() => document.querySelectorAll('#history tbody tr').length);
    return { ok: info.remoteVideo.width > 0, errors: info.remoteVideo.width > 0 ? [] : ['no remote video'], screenshot: shot, ...info, historyRows };
  },
};

async function page_wait_connected(page, seconds) {
  await page.waitForFunction(() => window.H.connection() === 'connected', null, { timeout: seconds * 1000, polling: 50 })
    .catch(async () => { throw new Failure(`${page.name}: not reconnected within ${seconds}s`, { events: await events(page) }); });
}

// ------------------------------------------------------------------------------ main
async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!scenarios[o.scenario]) fail(`usage: sdk-run.mjs (${Object.keys(scenarios).join('|')}) (--server URL | --fake) [options]`, 2);
  let fake = null;
  if (o.fake) {
    fake = await startFakeApiServer({ noAnswerMs: o.noAnswer * 1000, windowMs: o.window * 1000,
      permissions: Object.fromEntries(o.scenario === 'forbidden' ? [[o.accounts[0].user, { video: false }]] : []) });
    o.server = fake.url;
  }
  if (!o.server) fail('give --server URL or --fake', 2);
  o.harness = await harnessCode();
  const started = Date.now();
  let browser = null;
  const watchdog = setTimeout(() => {
    printResult({ ok: false, scenario: o.scenario, error: `deadline of ${o.deadline}s exceeded` });
    if (browser) browser.process?.()?.kill('SIGKILL');
    process.exit(4);
  }, o.deadline * 1000);
  let code = 1;
  try {
    browser = await launch(o);
    progress('browser', { version: browser.version(), server: o.server });
    const r = await scenarios[o.scenario](browser, o);
    printResult({ scenario: o.scenario, ms: Date.now() - started, ...r });
    code = r.ok ? 0 : 1;
    if (!r.ok) process.stderr.write(`sdk-run.mjs: FAILED: ${r.errors.join('; ')}\n`);
  } catch (e) {
    printResult({ ok: false, scenario: o.scenario, error: e.message, ...(e.detail || {}) });
    process.stderr.write(`sdk-run.mjs: FAILED: ${e.message}\n`);
  } finally {
    clearTimeout(watchdog);
    if (browser) await within(10, 'browser close', browser.close()).catch(() => {});
    if (fake) fake.close();
  }
  process.exit(code);
}

main();
