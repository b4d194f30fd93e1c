// SDP and statistics helpers of the SDK.

/** The `candidate:...` strings of an SDP. */
export function sdpCandidates(sdp) {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2));
}

/**
 * Hold (`a=sendonly`) or resume (`a=sendrecv`) in every live media section of an offer; a
 * section that had `recvonly`/`inactive` (nothing to send) gets `inactive` on hold.
 */
export function setDirection(sdp, hold) {
  const out = [];
  let live = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) live = !/^m=\S+ 0 /.test(line);
    if (live && /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) {
      const was = line.slice(2);
      const sends = was === 'sendrecv' || was === 'sendonly';
      out.push(`a=${hold ? (sends ? 'sendonly' : 'inactive') : (sends ? 'sendrecv' : 'recvonly')}`);
      continue;
    }
    out.push(line);
  }
  return out.join('\r\n');
}

/** A small summary of RTCPeerConnection.getStats(): bytes, packets, frames, loss, RTT. */
export async function summarizeStats(pc) {
  const out = {
    at: Date.now(),
    audioIn: { bytes: 0, packets: 0, packetsLost: 0, jitterMs: null, energy: 0, codec: null },
    audioOut: { bytes: 0, packets: 0, codec: null },
    videoIn: { bytes: 0, packets: 0, packetsLost: 0, framesDecoded: 0, width: null, height: null, fps: null, codec: null },
    videoOut: { bytes: 0, packets: 0, framesEncoded: 0, width: null, height: null, codec: null },
    rttMs: null,
    ice: pc.iceConnectionState,
    connection: pc.connectionState,
    dtls: null,
    pair: null,
  };
  const report = await pc.getStats();
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  const codec = (s) => (s.codecId && byId.get(s.codecId) ? byId.get(s.codecId).mimeType : null);
  let pairId = null;
  report.forEach((s) => {
    const kind = s.kind || s.mediaType;
    if (s.type === 'inbound-rtp' && kind === 'audio') {
      const a = out.audioIn;
      a.bytes += s.bytesReceived || 0;
      a.packets += s.packetsReceived || 0;
      a.packetsLost += s.packetsLost || 0;
      a.energy += s.totalAudioEnergy || 0;
      if (s.jitter != null) a.jitterMs = Math.round(s.jitter * 1000);
      a.codec = codec(s) || a.codec;
    } else if (s.type === 'outbound-rtp' && kind === 'audio') {
      out.audioOut.bytes += s.bytesSent || 0;
      out.audioOut.packets += s.packetsSent || 0;
      out.audioOut.codec = codec(s) || out.audioOut.codec;
    } else if (s.type === 'inbound-rtp' && kind === 'video') {
      const v = out.videoIn;
      v.bytes += s.bytesReceived || 0;
      v.packets += s.packetsReceived || 0;
      v.packetsLost += s.packetsLost || 0;
      v.framesDecoded += s.framesDecoded || 0;
      v.width = s.frameWidth ?? v.width;
      v.height = s.frameHeight ?? v.height;
      v.fps = s.framesPerSecond ?? v.fps;
      v.codec = codec(s) || v.codec;
    } else if (s.type === 'outbound-rtp' && kind === 'video') {
      const v = out.videoOut;
      v.bytes += s.bytesSent || 0;
      v.packets += s.packetsSent || 0;
      v.framesEncoded += s.framesEncoded || 0;
      v.width = s.frameWidth ?? v.width;
      v.height = s.frameHeight ?? v.height;
      v.codec = codec(s) || v.codec;
    } else if (s.type === 'transport') {
      out.dtls = s.dtlsState || out.dtls;
      pairId = s.selectedCandidatePairId || pairId;
    }
  });
  if (!pairId) {
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pairId = s.id;
    });
  }
  const pair = pairId && byId.get(pairId);
  if (pair) {
    const cand = (id) => {
      const c = byId.get(id);
      return c ? { address: c.address || c.ip, port: c.port, type: c.candidateType, protocol: c.protocol } : null;
    };
    if (pair.currentRoundTripTime != null) out.rttMs = Math.round(pair.currentRoundTripTime * 1000);
    out.pair = { local: cand(pair.localCandidateId), remote: cand(pair.remoteCandidateId) };
  }
  return out;
}
