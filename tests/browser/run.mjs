#!/usr/bin/env node
// Drives JsSIP test pages in headless Chromium (playwright-core, Debian's /usr/bin/chromium).
// Prints progress as JSON lines on stderr and ONE JSON result line on stdout; exit 0 = pass.
//
//   node run.mjs selftest                                   no server: two raw RTCPeerConnections
//   node run.mjs selftest-ws                                no server: JsSIP registers (digest) at a
//                                                           fake registrar over ws, subprotocol sip
//   node run.mjs call-out   --ws URL --accounts alice:alice123[,u1:pw-u1...] --targets bob[,..]
//   node run.mjs answer     --ws URL --accounts bob:bob123 [--video]
//   node run.mjs pair       --ws URL --accounts u1:pw-u1,u2:pw-u2
//   node run.mjs setup-time --ws URL --accounts alice:alice123 --targets bob --repeat 10
//                           [--peer-page]  (the target is a second page answering, not a phone)
// Common options: --domain localhost  --sample 2 (s between the two stats samples)
//   --media-timeout 15  --deadline 120 (s for the whole run)  --hold 0 (s to stay in call after
//   sampling; answer: how long to wait for the far end to hang up)  --tone 660 (Hz of the fake mic)
//   --register-only (call-out: register and report; for checking the WebSocket path alone)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { build } from './build.mjs';
import { startFakeRegistrar } from './fake-registrar.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------------------ arguments
function parseArgs(argv) {
  const [scenario, ...rest] = argv;
  const o = { scenario, domain: 'localhost', sample: 2, mediaTimeout: 15, deadline: 120,
    hold: 0, repeat: 5, tone: 660, video: false, accounts: [], targets: [],
    registerOnly: false, peerPage: false, callTimeout: 20 };
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i];
    const v = () => {
      if (i + 1 >= rest.length) fail(`option ${k} needs a value`, 2);
      return rest[++i];
    };
    switch (k) {
      case '--ws': o.ws = v(); break;
      case '--domain': o.domain = v(); break;
      case '--accounts': o.accounts = v().split(',').map((a) => {
        const [user, password] = a.split(':');
        if (!password) fail(`account "${a}" must be user:password`, 2);
        return { user, password };
      }); break;
      case '--targets': o.targets = v().split(','); break;
      case '--sample': o.sample = Number(v()); break;
      case '--media-timeout': o.mediaTimeout = Number(v()); break;
      case '--call-timeout': o.callTimeout = Number(v()); break;
      case '--deadline': o.deadline = Number(v()); break;
      case '--hold': o.hold = Number(v()); break;
      case '--ice-restart': o.iceRestart = true; break;
      case '--repeat': o.repeat = Number(v()); break;
      case '--tone': o.tone = Number(v()); break;
      case '--video': o.video = true; break;
      case '--register-only': o.registerOnly = true; break;
      case '--peer-page': o.peerPage = true; break;
      case '--contact-host': o.contactHost = v(); break;
      default: fail(`unknown option ${k}`, 2);
    }
  }
  return o;
}

// ------------------------------------------------------------------------------ output
let resultPrinted = false;
function progress(type, detail = {}) {
  process.stderr.write(JSON.stringify({ event: type, at: Date.now(), ...detail }) + '\n');
}
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
  process.stderr.write(`run.mjs: ${message}\n`);
  process.exit(code);
}

/** Bounds a promise: rejects with a clear message after `seconds`. */
function within(seconds, what, promise) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Failure(`timeout after ${seconds}s: ${what}`)),
        seconds * 1000);
    }),
  ]).finally(() => clearTimeout(timer));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------ static server
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wav': 'audio/wav' };
function serve() {
  const roots = { '/build/': path.join(HERE, 'build'), '/': path.join(HERE, 'page') };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const prefix = url.pathname.startsWith('/build/') ? '/build/' : '/';
    const rel = url.pathname.slice(prefix.length) || 'index.html';
    const file = path.join(roots[prefix], path.normalize(rel));
    if (!file.startsWith(roots[prefix]) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}


// ------------------------------------------------------------------------------ browser
async function launch(o) {
  const browser = await launchChromium(o.tone);
  if (!browser) fail(`chromium not found at ${CHROMIUM}`, 3);
  return browser;
}

async function openPage(browser, base, name) {
  const context = await browser.newContext();
  await context.grantPermissions(['microphone', 'camera'], { origin: base });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning' || process.env.JSSIP_DEBUG) {
      progress('console', { page: name, type: m.type(), text: m.text().slice(0, process.env.JSSIP_DEBUG ? 20000 : 300) });
    }
  });
  page.on('pageerror', (e) => progress('pageerror', { page: name, error: String(e) }));
  await page.goto(`${base}/index.html${process.env.JSSIP_DEBUG ? "?debug" : ""}`, { timeout: 15000 });
  await page.waitForFunction(() => Boolean(window.T), null, { timeout: 15000 });
  page.name = name;
  return page;
}

// ------------------------------------------------------------------------------ page helpers
const stats = (page) => page.evaluate(() => window.T.stats());

async function register(page, o, account) {
  progress('registering', { page: page.name, user: account.user, ws: o.ws });
  try {
    await within(15, `registration of ${account.user} at ${o.ws}`,
      page.evaluate(([a, ws, d, ch]) => window.T.register(a.user, a.password, ws, d, ch),
        [account, o.ws, o.domain, o.contactHost || '127.0.0.1']));
  } catch (e) {
    const events = await page.evaluate(() => window.T.events()).catch(() => []);
    const hint = events.some((x) => x.type === 'ws-connected') ? ''
      : ' (the WebSocket never opened: is SIP over WebSocket enabled there?)';
    throw new Failure(`${account.user}: ${e.message}${hint}`, { events });
  }
  progress('registered', { page: page.name, user: account.user });
}

/** Waits until the call is confirmed and inbound audio bytes arrived (and video, if asked). */
async function awaitMedia(page, o, { video }) {
  const t = o.mediaTimeout + o.callTimeout;
  try {
    await page.waitForFunction(async (v) => {
      const s = await window.T.stats();
      if (s.endCause) throw new Error(`call ended: ${s.endCause}`);
      return s.audioIn.bytes > 0 && (!v || s.videoIn.framesDecoded > 0);
    }, video, { timeout: t * 1000, polling: 100 });
  } catch (e) {
    const s = await stats(page).catch(() => null);
    const events = await page.evaluate(() => window.T.events()).catch(() => []);
    throw new Failure(`${page.name}: no media within ${t}s (${e.message.split('\n')[0]})`,
      { stats: s, events });
  }
}

/**
 * Polls T.stats() every 20 ms until `test` returns true (a string: fails with it), at most
 * `ms`. Returns the last stats.
 */
async function pollStats(page, test, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await stats(page);
    const r = test(s);
    if (typeof r === 'string') throw new Failure(`${what}: ${r}`, { stats: s });
    if (r) return s;
    if (Date.now() > deadline) throw new Failure(`timeout after ${ms} ms: ${what}`, { stats: s });
    await sleep(20);
  }
}

/** Two stats samples `o.sample` s apart; growth of the counters between them. */
async function sample(page, o) {
  const a = await stats(page);
  await sleep(o.sample * 1000);
  const b = await stats(page);
  return {
    audioInGrowth: b.audioIn.bytes - a.audioIn.bytes,
    audioOutGrowth: b.audioOut.bytes - a.audioOut.bytes,
    audioEnergyGrowth: b.audioIn.energy - a.audioIn.energy,
    framesDecodedGrowth: b.videoIn.framesDecoded - a.videoIn.framesDecoded,
    framesEncodedGrowth: b.videoOut.framesEncoded - a.videoOut.framesEncoded,
    last: b,
  };
}

/** Candidates in what the page sent, and the selected pair: both must be on 127.0.0.1. */
async function loopbackCheck(page, s) {
  const sent = await page.evaluate(() => window.T.sentCandidates());
  const problems = [];
  if (sent.length === 0) problems.push('no candidate in the SDP sent');
  for (const c of sent) if (c.split(/\s+/)[4] !== '127.0.0.1') problems.push(`sent ${c}`);
  const p = s.last.pair;
  if (!p) problems.push('no selected candidate pair');
  else {
    if (p.local?.address !== '127.0.0.1') problems.push(`local ${JSON.stringify(p.local)}`);
    if (p.remote?.address !== '127.0.0.1') problems.push(`remote ${JSON.stringify(p.remote)}`);
  }
  return { sentCandidates: sent.length, problems };
}

function mediaOk(s, { video }) {
  const why = [];
  if (!(s.audioInGrowth > 0)) why.push('inbound audio bytes did not grow');
  if (!(s.audioOutGrowth > 0)) why.push('outbound audio bytes did not grow');
  if (video && !(s.framesDecodedGrowth > 0)) why.push('no video frames decoded');
  return why;
}

/**
 * Restarts ICE from {@code page} (a re-INVITE with new credentials), checks the server answered
 * with new credentials of its own and that media keeps flowing on every page in {@code check}.
 */
async function iceRestart(page, o, check, errors, who) {
  const ufrag = (sdp) => ((sdp || '').match(/a=ice-ufrag:(\S+)/) || [])[1];
  const before = ufrag(await page.evaluate(() => window.T.receivedSdp()));
  await page.evaluate(() => window.T.restartIce());
  const after = ufrag(await page.evaluate(() => window.T.receivedSdp()));
  progress('ice-restarted', { page: page.name, before, after });
  if (!after || after === before) errors.push(`${who}: the server kept its ICE credentials on restart`);
  await sleep(1000);
  const out = {};
  for (const p of check) {
    // media resumes after the new checks (and, for video, the next keyframe): up to 3 samples
    let s;
    let why = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      s = await sample(p, o);
      why = mediaOk(s, { video: o.video || check.length > 1 });
      if (why.length === 0) break;
    }
    errors.push(...why.map((w) => `${p.name} after ICE restart: ${w}`));
    out[p.name] = { audioInGrowth: s.audioInGrowth, framesDecodedGrowth: s.framesDecodedGrowth,
      pair: s.last.pair };
  }
  return out;
}

async function hangupAll(pages) {
  await Promise.all(pages.map((p) => p.evaluate(() => window.T.stop()).catch(() => {})));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

// ------------------------------------------------------------------------------ scenarios
const scenarios = {
  /** No server: two pages, raw RTCPeerConnections with the same filter, audio+video. */
  async selftest(browser, base, o) {
    const [a, b] = [await openPage(browser, base, 'A'), await openPage(browser, base, 'B')];
    const offer = await within(15, 'offer', a.evaluate(() => window.T.rawOffer({ video: true })));
    const answer = await within(15, 'answer', b.evaluate((sdp) => window.T.rawAnswer(sdp, { video: true }), offer));
    await a.evaluate((sdp) => window.T.rawAccept(sdp), answer);
    o.callTimeout = 0;
    await Promise.all([awaitMedia(a, o, { video: true }), awaitMedia(b, o, { video: true })]);
    const [sa, sb] = await Promise.all([sample(a, o), sample(b, o)]);
    const all = await a.evaluate(() => window.T.allLocalCandidates());
    const sentA = await a.evaluate(() => window.T.sentCandidates());
    const la = await loopbackCheck(a, sa);
    const lb = await loopbackCheck(b, sb);
    const why = [...mediaOk(sa, { video: true }).map((w) => `A: ${w}`),
      ...mediaOk(sb, { video: true }).map((w) => `B: ${w}`),
      ...la.problems.map((w) => `A: ${w}`), ...lb.problems.map((w) => `B: ${w}`)];
    if (all.length <= sentA.length) {
      // Not an error, but then the filter proved nothing on this machine.
      progress('note', { text: 'the filter removed no candidate: it is untested here' });
    }
    return { ok: why.length === 0, errors: why, gatheredCandidates: all.length,
      filteredOut: all.length - sentA.length,
      A: { ...sa, loopback: la }, B: { ...sb, loopback: lb } };
  },

  /** No server: the page's JsSIP registers with digest at fake-registrar.mjs over ws. */
  async 'selftest-ws'(browser, base, o) {
    const reg = await startFakeRegistrar({ alice: 'alice123' });
    try {
      const page = await openPage(browser, base, 'P1');
      await register(page, { ...o, ws: reg.url }, { user: 'alice', password: 'alice123' });
      const errors = [];
      if (reg.seen.subprotocol !== 'sip') errors.push(`subprotocol ${reg.seen.subprotocol}`);
      if (reg.seen.challenges < 1) errors.push('REGISTER was not challenged');
      if (!/transport=ws/.test(reg.seen.registered[0]?.contact || '')) errors.push('contact without transport=ws');
      await hangupAll([page]);
      return { ok: errors.length === 0, errors, ...reg.seen };
    } finally {
      reg.close();
    }
  },

  /** Each account registers and calls its target (a phone that answers and echoes). */
  async 'call-out'(browser, base, o) {
    need(o, 'ws', 'accounts');
    if (!o.registerOnly) need(o, 'targets');
    const pages = [];
    for (let i = 0; i < o.accounts.length; i++) pages.push(await openPage(browser, base, `P${i + 1}`));
    await Promise.all(pages.map((p, i) => register(p, o, o.accounts[i])));
    if (o.registerOnly) return { ok: true, registered: o.accounts.map((a) => a.user) };
    const target = (i) => o.targets[Math.min(i, o.targets.length - 1)];
    await Promise.all(pages.map((p, i) => p.evaluate(([t, v]) => window.T.call(t, { audio: true, video: v }),
      [target(i), o.video])));
    progress('calling', { calls: pages.length });
    await Promise.all(pages.map((p) => awaitMedia(p, o, { video: o.video })));
    const samples = await Promise.all(pages.map((p) => sample(p, o)));
    const calls = [];
    const errors = [];
    for (let i = 0; i < pages.length; i++) {
      const lb = await loopbackCheck(pages[i], samples[i]);
      const why = [...mediaOk(samples[i], { video: o.video }), ...lb.problems];
      errors.push(...why.map((w) => `${o.accounts[i].user}->${target(i)}: ${w}`));
      const t = samples[i].last.times;
      calls.push({ user: o.accounts[i].user, target: target(i), ...samples[i], loopback: lb,
        setupMs: t.inviteSent && t.firstAudioIn ? Math.round(t.firstAudioIn - t.inviteSent) : null });
    }
    if (o.iceRestart) {
      for (let i = 0; i < pages.length; i++) {
        calls[i].afterIceRestart = await iceRestart(pages[i], o, [pages[i]], errors,
          o.accounts[i].user);
      }
    }
    if (o.hold > 0) await sleep(o.hold * 1000);
    await hangupAll(pages);
    return { ok: errors.length === 0, errors, calls };
  },

  /** Registers, answers the first incoming call, checks media, waits for the far end's BYE. */
  async answer(browser, base, o) {
    need(o, 'ws', 'accounts');
    const page = await openPage(browser, base, 'callee');
    await page.evaluate((v) => window.T.answerCalls({ video: v }), o.video);
    await register(page, o, o.accounts[0]);
    progress('waiting-for-call', { user: o.accounts[0].user });
    o.callTimeout = Math.max(o.callTimeout, 60);
    await awaitMedia(page, o, { video: o.video });
    progress('media', { page: page.name });
    const s = await sample(page, o);
    const lb = await loopbackCheck(page, s);
    const errors = [...mediaOk(s, { video: o.video }), ...lb.problems];
    // Stay in the call until the far end hangs up (bounded by --hold, default 30 s).
    const holdS = o.hold > 0 ? o.hold : 30;
    const ended = await page.waitForFunction(() => window.T.endCause(),
      null, { timeout: holdS * 1000, polling: 200 }).then((h) => h.jsonValue()).catch(() => null);
    await hangupAll([page]);
    return { ok: errors.length === 0, errors, ...s, loopback: lb, endCause: ended };
  },

  /** Two pages: A calls B with audio+video through the server, B answers with video. */
  async pair(browser, base, o) {
    need(o, 'ws', 'accounts');
    if (o.accounts.length < 2) fail('pair needs two accounts', 2);
    const a = await openPage(browser, base, 'A');
    const b = await openPage(browser, base, 'B');
    await b.evaluate(() => window.T.answerCalls({ video: true }));
    await Promise.all([register(a, o, o.accounts[0]), register(b, o, o.accounts[1])]);
    await a.evaluate((t) => window.T.call(t, { audio: true, video: true }), o.accounts[1].user);
    await Promise.all([awaitMedia(a, o, { video: true }), awaitMedia(b, o, { video: true })]);
    const [sa, sb] = await Promise.all([sample(a, o), sample(b, o)]);
    const [la, lb] = [await loopbackCheck(a, sa), await loopbackCheck(b, sb)];
    const errors = [...mediaOk(sa, { video: true }).map((w) => `A: ${w}`),
      ...mediaOk(sb, { video: true }).map((w) => `B: ${w}`),
      ...la.problems.map((w) => `A: ${w}`), ...lb.problems.map((w) => `B: ${w}`)];
    const restart = o.iceRestart ? await iceRestart(a, o, [a, b], errors, 'A') : undefined;
    await hangupAll([a, b]);
    return { ok: errors.length === 0, errors, A: { ...sa, loopback: la }, B: { ...sb, loopback: lb },
      afterIceRestart: restart };
  },

  /**
   * Time from the INVITE leaving the page (JsSIP 'sending') to inbound audio bytes > 0 on the
   * caller and on the far end. With a phone echoing RTP, echoed audio on the caller proves both
   * directions; with --peer-page the far end is a second page and is measured too.
   */
  async 'setup-time'(browser, base, o) {
    need(o, 'ws', 'accounts');
    const caller = await openPage(browser, base, 'caller');
    await register(caller, o, o.accounts[0]);
    let callee = null;
    let target = o.targets[0];
    if (o.peerPage) {
      if (o.accounts.length < 2) fail('--peer-page needs a second account', 2);
      callee = await openPage(browser, base, 'callee');
      await callee.evaluate(() => window.T.answerCalls({ video: false }));
      await register(callee, o, o.accounts[1]);
      target = o.accounts[1].user;
    }
    if (!target) fail('setup-time needs --targets or --peer-page', 2);
    const runs = [];
    for (let i = 0; i < o.repeat; i++) {
      await caller.evaluate((t) => window.T.call(t, { audio: true, video: false }), target);
      await awaitMedia(caller, o, { video: false });
      if (callee) await awaitMedia(callee, o, { video: false });
      // Playwright's waitForFunction takes the promise T.stats() returns for a truthy value
      // (awaitMedia can pass at once): poll from here until the page stamped firstAudioIn.
      for (const p of callee ? [caller, callee] : [caller]) {
        await pollStats(p, (s) => s.endCause ? `call ended: ${s.endCause}` : Boolean(s.times.firstAudioIn && (p !== caller || s.times.inviteSent)),
          (o.callTimeout + o.mediaTimeout) * 1000, `${p.name}: audio in`);
      }
      const tc = (await stats(caller)).times;
      const run = { callerMs: Math.round(tc.firstAudioIn - tc.inviteSent) };
      if (callee) {
        const te = (await stats(callee)).times;
        run.farEndMs = Math.round(te.firstAudioIn - tc.inviteSent);
      }
      run.bothWaysMs = Math.max(run.callerMs, run.farEndMs ?? run.callerMs);
      runs.push(run);
      progress('setup-time', { run: i + 1, ...run, times: tc });
      await caller.evaluate(() => window.T.hangup());
      await caller.waitForFunction(() => window.T.stats().then((s) => Boolean(s.endCause)), null,
        { timeout: 10000, polling: 100 }).catch(() => { throw new Failure('hangup not confirmed'); });
      await sleep(300);
    }
    await hangupAll(callee ? [caller, callee] : [caller]);
    return { ok: true, runs: runs.length, medianBothWaysMs: median(runs.map((r) => r.bothWaysMs)),
      medianCallerMs: median(runs.map((r) => r.callerMs)),
      medianFarEndMs: callee ? median(runs.map((r) => r.farEndMs)) : null, detail: runs };
  },
};

function need(o, ...keys) {
  for (const k of keys) {
    if (!o[k] || (Array.isArray(o[k]) && o[k].length === 0)) fail(`${o.scenario} needs --${k}`, 2);
  }
}

// ------------------------------------------------------------------------------ main
async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!scenarios[o.scenario]) {
    fail(`usage: run.mjs (${Object.keys(scenarios).join('|')}) [options]; see the header`, 2);
  }
  const started = Date.now();
  await build();
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser = null;
  const watchdog = setTimeout(() => {
    printResult({ ok: false, scenario: o.scenario, error: `deadline of ${o.deadline}s exceeded` });
    process.stderr.write(`run.mjs: deadline of ${o.deadline}s exceeded\n`);
    if (browser) browser.process?.()?.kill('SIGKILL');
    process.exit(4);
  }, o.deadline * 1000);
  let code = 1;
  try {
    browser = await launch(o);
    progress('browser', { version: browser.version(), page: base });
    const r = await scenarios[o.scenario](browser, base, o);
    printResult({ scenario: o.scenario, ms: Date.now() - started, ...r });
    code = r.ok ? 0 : 1;
    if (!r.ok) process.stderr.write(`run.mjs: FAILED: ${r.errors.join('; ')}\n`);
  } catch (e) {
    printResult({ ok: false, scenario: o.scenario, error: e.message, ...(e.detail || {}) });
    process.stderr.write(`run.mjs: FAILED: ${e.message}\n`);
  } finally {
    clearTimeout(watchdog);
    if (browser) await within(10, 'browser close', browser.close()).catch(() => {});
    server.close();
  }
  process.exit(code);
}

main();
