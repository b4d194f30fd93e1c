package org.opentelephony.media.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.media.dtls.DtlsRole;
import org.opentelephony.media.dtls.DtlsSession;
import org.opentelephony.media.ice.IceState;
import org.opentelephony.media.ice.IceTransport;
import org.opentelephony.media.rtp.PacketKind;
import org.opentelephony.media.rtp.RtcpPacket;
import org.opentelephony.media.rtp.RtpPacket;
import org.opentelephony.media.sdp.TransportParams;
import org.opentelephony.media.srtp.SrtpKeys;
import org.opentelephony.media.srtp.SrtpSession;

/**
 * A browser's leg of a call: one ICE transport carrying every media line (BUNDLE, rtcp-mux),
 * DTLS on it to agree SRTP keys, and SRTP on every packet. Packets from the browser are told
 * apart by their first byte (RFC 7983), decrypted, routed to their media line by payload type
 * and then take the same path as a plain phone's ({@link PacketPath}). Packets to the browser
 * are encrypted in place and sent over the selected ICE pair.
 */
final class WebRtcLeg implements IceTransport.PacketHandler, IceTransport.StateListener,
    DtlsSession.Listener {
  private static final Logger LOG = LogManager.getLogger(WebRtcLeg.class);

  private final String name;
  private final MediaEngine engine;
  private final IceTransport ice;
  private final Object sendLock = new Object();
  private final byte[] bytes = new byte[RelayLoop.MAX_PACKET + PacketPath.TAIL_ROOM];
  private final PacketPath path;
  /** Stream index for each payload type the browser sends; -1 for types not negotiated. */
  private volatile int[] routes = filled(-1);
  private volatile Endpoint[] endpoints = new Endpoint[0];
  private final Set<String> remoteCandidates = new HashSet<>();
  private final LongAdder beforeKeys = new LongAdder();
  private final LongAdder unroutable = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private TransportParams remote; // signalling thread only
  private volatile DtlsRole role;
  private volatile DtlsSession dtls;
  private volatile SrtpSession srtp;
  private volatile boolean iceUp;
  private volatile boolean closed;

  WebRtcLeg(String name, MediaEngine engine, boolean controlling) throws IOException {
    this.name = name;
    this.engine = engine;
    this.path = new PacketPath(bytes, ByteBuffer.wrap(bytes), engine.counters());
    this.ice = new IceTransport(engine.ice(), name, controlling, this, this);
  }

  // ------------------------------------------------------------------ signalling

  /**
   * The browser's ICE and DTLS parameters from its offer or answer. The first call picks the
   * DTLS role (RFC 8842: whoever is {@code active} connects; the server answers {@code actpass}
   * with {@code passive}); a new ufrag later is an ICE restart.
   */
  void setRemote(TransportParams p) throws IOException {
    if (remote == null) {
      remote = p;
      role = p.setup().equals("passive") ? DtlsRole.CLIENT : DtlsRole.SERVER;
      remoteCandidates.addAll(p.candidates());
      ice.setRemote(p.iceUfrag(), p.icePwd(), p.candidates());
      newDtls(p.fingerprint());
      ice.start();
      return;
    }
    if (!p.iceUfrag().equals(remote.iceUfrag()) || !p.icePwd().equals(remote.icePwd())) {
      LOG.debug("{}: ICE restart", name);
      remoteCandidates.clear();
      remoteCandidates.addAll(p.candidates());
      ice.restart(p.iceUfrag(), p.icePwd(), p.candidates());
    } else {
      for (String c : p.candidates()) {
        if (remoteCandidates.add(c)) {
          ice.addRemoteCandidate(c);
        }
      }
    }
    if (!p.fingerprint().equalsIgnoreCase(remote.fingerprint())) {
      LOG.debug("{}: new certificate fingerprint, new DTLS session", name);
      newDtls(p.fingerprint());
    }
    remote = p;
  }

  /** A candidate trickled by the browser after its body (RFC 8838). */
  void addRemoteCandidate(String candidate) {
    if (remoteCandidates.add(candidate)) {
      ice.addRemoteCandidate(candidate);
    }
  }

  private void newDtls(String fingerprint) {
    DtlsSession old = dtls;
    srtp = null;
    DtlsSession d = new DtlsSession(engine.certificate(), role, fingerprint, this::sendDtls, this,
        name);
    dtls = d;
    if (old != null) {
      old.close();
    }
    if (iceUp) {
      startDtls();
    }
  }

  /**
   * Starts the handshake once ICE is up: its timeout then measures DTLS alone, not the minutes a
   * caller's browser may wait for the callee to answer. Records that arrive first are queued.
   */
  private synchronized void startDtls() {
    DtlsSession d = dtls;
    if (d != null && d.state() == DtlsSession.State.NEW) {
      d.start();
    }
  }

  boolean hasRemote() {
    return remote != null;
  }

  /** The a=setup value for an answer to this browser; offers always say actpass. */
  String answerSetup() {
    return role == DtlsRole.CLIENT ? "active" : "passive";
  }

  String localUfrag() {
    return ice.localUfrag();
  }

  String localPassword() {
    return ice.localPassword();
  }

  List<String> localCandidates() {
    return ice.localCandidates();
  }

  /** The port of the first local candidate, for the m= line (RFC 8839 5.1). */
  int defaultPort() {
    for (String c : ice.localCandidates()) {
      String[] f = c.split(" ");
      if (f.length > 5) {
        try {
          return Integer.parseInt(f[5]);
        } catch (NumberFormatException e) {
          // try the next one
        }
      }
    }
    return 9;
  }

  /** Which endpoint gets the packets of each payload type, after each offer/answer. */
  void route(List<Stream> streams, MediaSession.Side side) {
    int[] r = filled(-1);
    Endpoint[] eps = new Endpoint[streams.size()];
    for (int i = 0; i < streams.size(); i++) {
      Stream s = streams.get(i);
      Endpoint e = s.endpoint(side);
      eps[i] = e;
      if (s.rejected) {
        continue;
      }
      for (int pt = 0; pt < 128; pt++) {
        if (e.ptOut[pt] >= 0 && r[pt] < 0) {
          r[pt] = i;
        }
      }
      TranscodingPath t = e.transcode;
      if (t != null && r[t.inputPayloadType] < 0) {
        r[t.inputPayloadType] = i;
      }
    }
    endpoints = eps;
    routes = r;
  }

  // ------------------------------------------------------------------ packets in

  @Override
  public void onPacket(byte[] in, int off, int len) {
    if (closed) {
      return;
    }
    switch (PacketKind.classify(in, off, len)) {
      case DTLS -> {
        DtlsSession d = dtls;
        if (d != null) {
          d.onPacket(in, off, len);
        }
      }
      case RTP -> media(in, off, len, false);
      case RTCP -> media(in, off, len, true);
      default -> {
        malformed.increment();
        engine.counters().malformed.increment();
      }
    }
  }

  private void media(byte[] in, int off, int len, boolean isRtcp) {
    SrtpSession s = srtp;
    if (s == null) {
      beforeKeys.increment();
      engine.counters().beforeKeys.increment();
      return;
    }
    if (len > RelayLoop.MAX_PACKET) {
      engine.counters().oversized.increment();
      return;
    }
    System.arraycopy(in, off, bytes, 0, len);
    int n = isRtcp ? s.unprotectRtcp(bytes, 0, len) : s.unprotectRtp(bytes, 0, len);
    if (n <= 0) {
      // authentication failure, replay or malformed: counted per leg by the SRTP session
      engine.counters().srtpRejected.increment();
      return;
    }
    long now = engine.clock().millis();
    if (isRtcp) {
      if (RtcpPacket.check(bytes, 0, n) != RtcpPacket.Check.OK) {
        malformed.increment();
        engine.counters().malformed.increment();
        return;
      }
      path.rtcp(rtcpEndpoint(n), n, now);
      return;
    }
    if (RtpPacket.check(bytes, 0, n) != RtpPacket.Check.OK) {
      malformed.increment();
      engine.counters().malformed.increment();
      return;
    }
    int i = routes[RtpPacket.payloadType(bytes, 0)];
    Endpoint[] eps = endpoints;
    if (i < 0 || i >= eps.length) {
      unroutable.increment();
      engine.counters().notForwarded.increment();
      return;
    }
    path.rtp(eps[i], n, now);
  }

  /**
   * The media line an RTCP packet from the browser is about: the stream whose source sent it
   * (an SR's SSRC), else the stream whose packets it reports on or asks a keyframe for.
   */
  private Endpoint rtcpEndpoint(int len) {
    Endpoint[] eps = endpoints;
    long sender = uint32(4);
    long about = len >= 12 ? uint32(8) : -1; // an RR's first source, a feedback's media SSRC
    for (Endpoint e : eps) {
      if (e.inboundSsrc == sender || e.peer.inboundSsrc == about) {
        return e;
      }
    }
    return eps.length > 0 ? eps[0] : null;
  }

  private long uint32(int off) {
    return ((bytes[off] & 0xFFL) << 24) | ((bytes[off + 1] & 0xFFL) << 16)
        | ((bytes[off + 2] & 0xFFL) << 8) | (bytes[off + 3] & 0xFFL);
  }

  // ------------------------------------------------------------------ packets out

  boolean canSend() {
    return srtp != null && !closed;
  }

  /** Encrypts the RTP packet in place ({@code b} has tail room) and sends it to the browser. */
  boolean sendRtp(byte[] b, int len) throws IOException {
    SrtpSession s = srtp;
    if (s == null || closed) {
      return false;
    }
    synchronized (sendLock) {
      int n = s.protectRtp(b, 0, len);
      if (n <= 0) {
        return false;
      }
      ice.send(b, 0, n);
    }
    return true;
  }

  boolean sendRtcp(byte[] b, int len) throws IOException {
    SrtpSession s = srtp;
    if (s == null || closed) {
      return false;
    }
    synchronized (sendLock) {
      int n = s.protectRtcp(b, 0, len);
      if (n <= 0) {
        return false;
      }
      ice.send(b, 0, n);
    }
    return true;
  }

  private void sendDtls(byte[] b, int off, int len) throws IOException {
    ice.send(b, off, len);
  }

  // ------------------------------------------------------------------ transport events

  @Override
  public void onState(IceState from, IceState to) {
    LOG.debug("{}: ICE {} -> {}", name, from, to);
    if (to == IceState.CONNECTED || to == IceState.COMPLETED) {
      if (!iceUp) {
        iceUp = true;
        startDtls();
      } else if (from != IceState.CONNECTED && from != IceState.COMPLETED && srtp != null) {
        // back after an ICE restart or a consent loss: packets were lost, decoders need a key
        requestKeyframes();
      }
    }
  }

  @Override
  public void onConnected(SrtpKeys keys) {
    srtp = new SrtpSession(keys);
    LOG.debug("{}: DTLS-SRTP up ({})", name, keys.profile());
    requestKeyframes();
  }

  /** Asks each video sender on the other leg for a keyframe: this browser can show it now. */
  private void requestKeyframes() {
    for (Endpoint e : endpoints) {
      if (e.video && e.peer.inboundSsrc >= 0) {
        Keyframes.request(e.peer, e.peer.inboundSsrc);
      }
    }
  }

  @Override
  public void onFailed(String reason) {
    engine.counters().dtlsFailed.increment();
    LOG.info("{}: DTLS failed: {}", name, reason);
  }

  /** What this leg's transport is doing, to explain one-way or no audio without a capture. */
  Info info() {
    DtlsSession d = dtls;
    SrtpSession s = srtp;
    SrtpSession.Stats srtpCounts = s != null ? s.stats() : null;
    return new Info(ice.state().name(), ice.selectedPair(),
        d != null ? d.state().name() : "NEW", d != null ? d.failureReason() : null,
        srtpCounts != null ? srtpCounts.authFailures() : 0,
        srtpCounts != null ? srtpCounts.replays() : 0,
        beforeKeys.sum(), unroutable.sum(), malformed.sum());
  }

  /** A snapshot of one browser leg's transport. */
  record Info(String ice, String selectedPair, String dtls, String dtlsFailure,
      long srtpAuthFailures, long srtpReplays, long droppedBeforeKeys, long unroutable,
      long malformed) {
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    DtlsSession d = dtls;
    if (d != null) {
      d.close();
    }
    SrtpSession s = srtp;
    if (s != null) {
      s.close();
    }
    ice.close();
  }

  private static int[] filled(int v) {
    int[] a = new int[128];
    Arrays.fill(a, v);
    return a;
  }
}
