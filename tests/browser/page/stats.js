// A small summary of RTCPeerConnection.getStats() for the test driver.

export async function summarize(pc) {
  const out = {
    audioIn: { bytes: 0, packets: 0, energy: 0, level: 0, codec: null },
    audioOut: { bytes: 0, packets: 0, codec: null },
    videoIn: { bytes: 0, framesDecoded: 0, codec: null },
    videoOut: { bytes: 0, framesEncoded: 0, codec: null },
    ice: pc ? pc.iceConnectionState : null,
    connection: pc ? pc.connectionState : null,
    dtls: null,
    pair: null,
  };
  if (!pc) return out;
  const report = await pc.getStats();
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  const codec = (s) => (s.codecId && byId.get(s.codecId) ? byId.get(s.codecId).mimeType : null);
  let pairId = null;
  report.forEach((s) => {
    const kind = s.kind || s.mediaType;
    if (s.type === 'inbound-rtp' && kind === 'audio') {
      out.audioIn.bytes += s.bytesReceived || 0;
      out.audioIn.packets += s.packetsReceived || 0;
      out.audioIn.energy += s.totalAudioEnergy || 0;
      out.audioIn.level = Math.max(out.audioIn.level, s.audioLevel || 0);
      out.audioIn.codec = codec(s) || out.audioIn.codec;
    } else if (s.type === 'outbound-rtp' && kind === 'audio') {
      out.audioOut.bytes += s.bytesSent || 0;
      out.audioOut.packets += s.packetsSent || 0;
      out.audioOut.codec = codec(s) || out.audioOut.codec;
    } else if (s.type === 'inbound-rtp' && kind === 'video') {
      out.videoIn.bytes += s.bytesReceived || 0;
      out.videoIn.framesDecoded += s.framesDecoded || 0;
      out.videoIn.codec = codec(s) || out.videoIn.codec;
    } else if (s.type === 'outbound-rtp' && kind === 'video') {
      out.videoOut.bytes += s.bytesSent || 0;
      out.videoOut.framesEncoded += s.framesEncoded || 0;
      out.videoOut.codec = codec(s) || out.videoOut.codec;
    } else if (s.type === 'transport') {
      out.dtls = s.dtlsState || out.dtls;
      out.iceTransport = s.iceState || out.iceTransport;
      pairId = s.selectedCandidatePairId || pairId;
    }
  });
  if (!pairId) {
    // Fallback where the transport entry does not name the pair.
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pairId = s.id;
    });
  }
  const pair = pairId && byId.get(pairId);
  if (pair) {
    const cand = (id) => {
      const c = byId.get(id);
      return c ? { address: c.address || c.ip, port: c.port, type: c.candidateType,
        protocol: c.protocol } : null;
    };
    out.pair = { state: pair.state, local: cand(pair.localCandidateId),
      remote: cand(pair.remoteCandidateId), rttMs: pair.currentRoundTripTime != null
        ? Math.round(pair.currentRoundTripTime * 1000) : null };
  }
  return out;
}
