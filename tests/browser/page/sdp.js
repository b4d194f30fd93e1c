// Keeping WebRTC media on the loopback: Chromium gathers host candidates on every interface
// (with --allow-loopback-in-peer-connection also on lo). The SDP we send keeps only UDP host
// candidates on 127.0.0.1, so the far end can only reach us there.

export const LOOPBACK = '127.0.0.1';

/** Splits an SDP into its session part and its m-sections (arrays of lines, no CRLF). */
export function sections(sdp) {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const out = [[]];
  for (const l of lines) {
    if (l.startsWith('m=')) out.push([]);
    out[out.length - 1].push(l);
  }
  return { session: out[0], media: out.slice(1) };
}

/** `a=candidate:` fields: foundation component transport priority address port typ type ... */
export function parseCandidate(line) {
  const f = line.replace(/^a=/, '').replace(/^candidate:/, '').split(/\s+/);
  return { component: f[1], transport: (f[2] || '').toLowerCase(), address: f[4],
    port: Number(f[5]), type: f[7] };
}

export function isLoopbackUdpHost(line) {
  const c = parseCandidate(line);
  return c.transport === 'udp' && c.address === LOOPBACK && c.type === 'host';
}

/**
 * Drops every candidate that is not a UDP host candidate on 127.0.0.1, and points the
 * m-line port and c= line of each section at the remaining RTP candidate.
 */
export function filterSdp(sdp) {
  const { session, media } = sections(sdp);
  const outMedia = media.map((sec) => {
    const kept = sec.filter((l) => !l.startsWith('a=candidate:') || isLoopbackUdpHost(l));
    const rtp = kept.filter((l) => l.startsWith('a=candidate:'))
      .map(parseCandidate).find((c) => c.component === '1');
    if (!rtp) return kept;
    return kept.map((l) => {
      if (l.startsWith('m=')) {
        const f = l.split(' ');
        if (f[1] !== '0') f[1] = String(rtp.port);
        return f.join(' ');
      }
      if (l.startsWith('c=IN IP')) return `c=IN IP4 ${LOOPBACK}`;
      if (l.startsWith('a=rtcp:')) return l.replace(/IN IP[46] \S+/, `IN IP4 ${LOOPBACK}`);
      return l;
    });
  });
  return [...session, ...outMedia.flat()].join('\r\n') + '\r\n';
}

function mid(sec) {
  const l = sec.find((x) => x.startsWith('a=mid:'));
  return l ? l.slice(6) : null;
}

/**
 * True when the description can be sent: every live m-section has a 127.0.0.1 UDP host
 * candidate, or carries no candidates at all and is bundled behind a section that has one
 * (with bundlePolicy max-bundle Chromium gathers for the first section only).
 */
export function loopbackReady(sdp) {
  if (!sdp) return false;
  const { session, media } = sections(sdp);
  const bundles = [...session, ...media.flat()]
    .filter((l) => l.startsWith('a=group:BUNDLE '))
    .map((l) => l.slice('a=group:BUNDLE '.length).trim().split(/\s+/));
  const byMid = new Map(media.map((s) => [mid(s), s]));
  const hasLoopback = (s) => s.some((l) => l.startsWith('a=candidate:') && isLoopbackUdpHost(l));
  const live = media.filter((s) => !/^m=\S+ 0 /.test(s[0]));
  if (live.length === 0) return false;
  return live.every((s) => {
    if (hasLoopback(s)) return true;
    if (s.some((l) => l.startsWith('a=candidate:'))) return false;
    const group = bundles.find((g) => g.includes(mid(s)));
    return Boolean(group && byMid.get(group[0]) && hasLoopback(byMid.get(group[0])));
  });
}

/** Every candidate line of an SDP (to prove the filter left only loopback ones). */
export function candidates(sdp) {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
}
