package org.opentelephony.gateway.webrtc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.opentelephony.gateway.it.WsSipClient;
import org.opentelephony.media.dtls.DtlsCertificate;
import org.opentelephony.media.dtls.DtlsRole;
import org.opentelephony.media.dtls.DtlsSession;
import org.opentelephony.media.rtp.PacketKind;
import org.opentelephony.media.rtp.RtpPacket;
import org.opentelephony.media.srtp.SrtpKeys;
import org.opentelephony.media.srtp.SrtpSession;

/**
 * One browser call without a browser: what Chromium with JsSIP does on the wire, for load and
 * bad-input tests. SIP over WebSocket (subprotocol sip, digest) via {@link WsSipClient}; a WebRTC
 * offer (UDP/TLS/RTP/SAVPF, BUNDLE, rtcp-mux, its own ICE credentials, the fingerprint of a real
 * {@link DtlsCertificate}, {@code a=setup:actpass}, its 127.0.0.1 host candidate); full ICE with
 * an ice4j agent ({@link PeerIce}); DTLS as client or server as the answer's {@code a=setup}
 * says ({@link DtlsSession}); SRTP ({@link SrtpSession}) on 20 ms PCMU packets sent by
 * {@link #sendAudio()}; every packet that comes back is authenticated and counted.
 *
 * <p>Threads: {@link #call} and {@link #hangup} on the caller's thread; {@link #sendAudio()}
 * from one sender thread; received datagrams on the ICE reader thread; DTLS on its own thread.
 */
public final class SyntheticBrowser implements AutoCloseable, DtlsSession.Listener {
  private static final int PCMU_PAYLOAD = 160;
  private static final int RTP_HEADER = 12;

  private final String name;
  private final String user;
  private final String password;
  private final WsSipClient sip;
  private final PeerIce ice;
  private final DtlsCertificate certificate;
  private final String offeredFingerprint;
  private final long ssrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
  private final byte[] sendBuf = new byte[RTP_HEADER + PCMU_PAYLOAD + SrtpSession.MAX_OVERHEAD];
  private final byte[] recvBuf = new byte[1500 + SrtpSession.MAX_OVERHEAD];
  private volatile int seq = ThreadLocalRandom.current().nextInt(0, 1 << 16);
  private volatile int windowStart = -1;
  private volatile int windowEnd = -1;
  private final AtomicLong windowReceived = new AtomicLong();
  private long timestamp = ThreadLocalRandom.current().nextLong(0, 1L << 32);

  private volatile DtlsSession dtls;
  private volatile SrtpSession srtp;
  private volatile String dtlsFailure;

  // dialog (caller's thread)
  private final String callId = "synth-" + WsSipClient.rnd();
  private final String fromTag = WsSipClient.rnd();
  private String toHeader;
  private String remoteTarget;
  private int cseq = 1;

  /** Packets and times; times are System.nanoTime() values, 0 until they happen. */
  public final AtomicLong sent = new AtomicLong();
  public final AtomicLong received = new AtomicLong();
  public final AtomicLong receivedAuthFailures = new AtomicLong();
  public volatile long inviteSentNanos;
  public volatile long answeredNanos;
  public volatile long iceDoneNanos;
  public volatile long dtlsDoneNanos;
  public volatile long firstMediaNanos;

  private SyntheticBrowser(String name, String user, String password, WsSipClient sip,
      DtlsCertificate certificate, String offeredFingerprint) {
    this.name = name;
    this.user = user;
    this.password = password;
    this.sip = sip;
    this.certificate = certificate;
    this.offeredFingerprint = offeredFingerprint;
    this.ice = new PeerIce(name, this::onDatagram);
  }

  /**
   * Opens the WebSocket; the SDP will carry {@code certificate}'s own fingerprint.
   *
   * @param http a shared client (one selector thread for all connections)
   */
  public static SyntheticBrowser connect(HttpClient http, URI ws, String user, String password,
      DtlsCertificate certificate) throws Exception {
    return connect(http, ws, user, password, certificate, certificate.fingerprint());
  }

  /**
   * Like {@link #connect(HttpClient, URI, String, String, DtlsCertificate)} but announcing
   * {@code sdpFingerprint} in the offer, whatever certificate DTLS then shows (a bad-input test).
   */
  public static SyntheticBrowser connect(HttpClient http, URI ws, String user, String password,
      DtlsCertificate certificate, String sdpFingerprint) throws Exception {
    WsSipClient sip = WsSipClient.connect(http, ws, user);
    try {
      return new SyntheticBrowser(user + "-" + Long.toHexString(System.nanoTime() & 0xffffff),
          user, password, sip, certificate, sdpFingerprint);
    } catch (RuntimeException e) {
      sip.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ signalling

  /**
   * INVITE {@code target} (answering the 407 challenge), waits for the 200 (at most
   * {@code answerMillis}), ACKs it and starts ICE; DTLS starts once ICE completes.
   *
   * @throws IllegalStateException when the call is refused
   */
  public void call(String target, long answerMillis) throws Exception {
    String ruri = "sip:" + target + "@localhost";
    String offer = offerSdp();
    inviteSentNanos = System.nanoTime();
    sip.send(invite(ruri, offer, null));
    String r = finalResponse(answerMillis);
    if (r.startsWith("SIP/2.0 407")) {
      sip.send(ack(r, ruri, cseq));
      cseq++;
      String auth = sip.digest(WsSipClient.header(r, "Proxy-Authenticate"), "INVITE", ruri,
          password);
      sip.send(invite(ruri, offer, auth));
      r = finalResponse(answerMillis);
    }
    if (!r.startsWith("SIP/2.0 200")) {
      throw new IllegalStateException(name + ": INVITE answered "
          + r.lines().findFirst().orElse(""));
    }
    answeredNanos = System.nanoTime();
    toHeader = WsSipClient.header(r, "To");
    String contact = WsSipClient.header(r, "Contact");
    remoteTarget = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
    sip.send(ack(r, remoteTarget, cseq));
    answer(body(r));
  }

  private String finalResponse(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
      String r = sip.await("SIP/2.0 ", left);
      int status = Integer.parseInt(r.substring(8, 11));
      if (status >= 200 && r.contains(callId)) {
        return r;
      }
    }
  }

  private String offerSdp() {
    String sid = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    StringBuilder s = new StringBuilder()
        .append("v=0\r\n")
        .append("o=- ").append(sid).append(" 2 IN IP4 127.0.0.1\r\n")
        .append("s=-\r\n")
        .append("t=0 0\r\n")
        .append("a=group:BUNDLE 0\r\n")
        .append("a=msid-semantic: WMS synth\r\n")
        .append("m=audio ").append(ice.port()).append(" UDP/TLS/RTP/SAVPF 0\r\n")
        .append("c=IN IP4 127.0.0.1\r\n")
        .append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
    for (String c : ice.candidates()) {
      s.append("a=").append(c).append("\r\n");
    }
    s.append("a=end-of-candidates\r\n")
        .append("a=ice-ufrag:").append(ice.ufrag()).append("\r\n")
        .append("a=ice-pwd:").append(ice.pwd()).append("\r\n")
        .append("a=fingerprint:").append(offeredFingerprint).append("\r\n")
        .append("a=setup:actpass\r\n")
        .append("a=mid:0\r\n")
        .append("a=sendrecv\r\n")
        .append("a=msid:synth audio0\r\n")
        .append("a=rtcp-mux\r\n")
        .append("a=rtpmap:0 PCMU/8000\r\n")
        .append("a=ssrc:").append(ssrc).append(" cname:synth\r\n");
    return s.toString();
  }

  private String invite(String ruri, String sdp, String proxyAuth) {
    byte[] body = sdp.getBytes(StandardCharsets.UTF_8);
    return "INVITE " + ruri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/WS " + sip.host() + ";branch=z9hG4bK" + WsSipClient.rnd() + "\r\n"
        + "Max-Forwards: 69\r\n"
        + "To: <" + ruri + ">\r\n"
        + "From: <sip:" + user + "@localhost>;tag=" + fromTag + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " INVITE\r\n"
        + "Contact: <sip:" + user + "@" + sip.host() + ";transport=ws;ob>\r\n"
        + (proxyAuth == null ? "" : "Proxy-Authorization: " + proxyAuth + "\r\n")
        + "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n"
        + "Supported: ice,replaces,outbound\r\n"
        + "User-Agent: SyntheticBrowser (opentelephony bench)\r\n"
        + "Content-Type: application/sdp\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n" + sdp;
  }

  private String ack(String response, String ruri, int ackCseq) {
    return "ACK " + ruri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/WS " + sip.host() + ";branch=z9hG4bK" + WsSipClient.rnd() + "\r\n"
        + "Max-Forwards: 69\r\n"
        + "To: " + WsSipClient.header(response, "To") + "\r\n"
        + "From: <sip:" + user + "@localhost>;tag=" + fromTag + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + ackCseq + " ACK\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  /** Sends BYE and waits (at most {@code millis}) for its final response; false if none. */
  public boolean hangup(long millis) {
    if (remoteTarget == null) {
      return false;
    }
    cseq++;
    try {
      sip.send("BYE " + remoteTarget + " SIP/2.0\r\n"
          + "Via: SIP/2.0/WS " + sip.host() + ";branch=z9hG4bK" + WsSipClient.rnd() + "\r\n"
          + "Max-Forwards: 69\r\n"
          + "To: " + toHeader + "\r\n"
          + "From: <sip:" + user + "@localhost>;tag=" + fromTag + "\r\n"
          + "Call-ID: " + callId + "\r\n"
          + "CSeq: " + cseq + " BYE\r\n"
          + "Content-Length: 0\r\n\r\n");
      String r = sip.await("SIP/2.0 ", millis);
      return r.contains(" BYE\r\n") || r.contains(" BYE\n") || r.startsWith("SIP/2.0 2");
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  private static String body(String msg) {
    int i = msg.indexOf("\r\n\r\n");
    return i < 0 ? "" : msg.substring(i + 4);
  }

  /** The answer's ICE and DTLS parameters: starts ICE, prepares DTLS for the role it says. */
  private void answer(String sdp) {
    String ufrag = null;
    String pwd = null;
    String fingerprint = null;
    String setup = "actpass";
    List<String> candidates = new ArrayList<>();
    for (String l : sdp.split("\r?\n")) {
      if (l.startsWith("a=ice-ufrag:")) {
        ufrag = l.substring(12).trim();
      } else if (l.startsWith("a=ice-pwd:")) {
        pwd = l.substring(10).trim();
      } else if (l.startsWith("a=fingerprint:")) {
        fingerprint = l.substring(14).trim();
      } else if (l.startsWith("a=setup:")) {
        setup = l.substring(8).trim();
      } else if (l.startsWith("a=candidate:")) {
        candidates.add(l.substring(2).trim());
      }
    }
    if (ufrag == null || pwd == null || fingerprint == null) {
      throw new IllegalStateException(name + ": answer without ICE/DTLS parameters:\n" + sdp);
    }
    // the answerer's a=setup: active -> it connects, we serve; passive -> we connect
    DtlsRole role = setup.equals("active") ? DtlsRole.SERVER : DtlsRole.CLIENT;
    dtls = new DtlsSession(certificate, role, fingerprint, ice::send, this, name);
    ice.setRemote(ufrag, pwd, candidates);
    ice.start();
    Thread t = new Thread(this::startDtlsWhenIceIsUp, "synth-ice-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void startDtlsWhenIceIsUp() {
    try {
      if (ice.awaitCompleted(15_000)) {
        iceDoneNanos = System.nanoTime();
        dtls.start();
      } else {
        dtlsFailure = "ICE did not complete: " + ice.state();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ DTLS-SRTP

  @Override
  public void onConnected(SrtpKeys keys) {
    srtp = new SrtpSession(keys);
    dtlsDoneNanos = System.nanoTime();
  }

  @Override
  public void onFailed(String reason) {
    dtlsFailure = reason;
  }

  /** Why our DTLS failed (or ICE, before it), null if it did not. */
  public String dtlsFailure() {
    return dtlsFailure;
  }

  public boolean srtpReady() {
    return srtp != null;
  }

  // ------------------------------------------------------------------ media

  /** One 20 ms PCMU packet (silence-ish payload), SRTP-protected; false before keys. */
  public boolean sendAudio() {
    SrtpSession s = srtp;
    if (s == null) {
      return false;
    }
    byte[] b = sendBuf;
    int n = nextPacket(s);
    if (n <= 0) {
      return false;
    }
    try {
      ice.send(b, 0, n);
      sent.incrementAndGet();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The next audio packet with the last byte of its SRTP tag flipped: the server must drop it
   * (authentication failure) and count it. Uses up a sequence number, as a real one would.
   */
  public boolean sendAudioWithBrokenTag() throws IOException {
    SrtpSession s = srtp;
    if (s == null) {
      return false;
    }
    byte[] b = sendBuf;
    int n = nextPacket(s); // like sendAudio, but not counted as sent
    if (n <= 0) {
      return false;
    }
    b[n - 1] ^= 0x01;
    ice.send(b, 0, n);
    return true;
  }

  /** Writes the next 20 ms PCMU packet into {@code sendBuf} and protects it: its length. */
  private int nextPacket(SrtpSession s) {
    byte[] b = sendBuf;
    b[0] = (byte) 0x80;
    RtpPacket.setPayloadType(b, 0, 0); // PCMU
    RtpPacket.setSequence(b, 0, seq);
    RtpPacket.setTimestamp(b, 0, timestamp);
    RtpPacket.setSsrc(b, 0, ssrc);
    for (int i = 0; i < PCMU_PAYLOAD; i++) {
      b[RTP_HEADER + i] = (byte) (0xFF - (i & 0x0F)); // near-silence in mu-law
    }
    seq = (seq + 1) & 0xFFFF;
    timestamp = (timestamp + PCMU_PAYLOAD) & 0xFFFFFFFFL;
    return s.protectRtp(b, 0, RTP_HEADER + PCMU_PAYLOAD);
  }

  /** Sends {@code data} as is over the selected ICE pair (garbage, forged packets). */
  public void sendRaw(byte[] data) throws IOException {
    ice.send(data, 0, data.length);
  }

  /** Our ICE socket's port on 127.0.0.1. */
  public int icePort() {
    return ice.port();
  }

  private void onDatagram(byte[] buf, int off, int len) {
    switch (PacketKind.classify(buf, off, len)) {
      case DTLS -> {
        DtlsSession d = dtls;
        if (d != null) {
          d.onPacket(buf, off, len);
        }
      }
      case RTP -> {
        SrtpSession s = srtp;
        if (s == null || len > 1500) {
          return;
        }
        System.arraycopy(buf, off, recvBuf, 0, len);
        int n = s.unprotectRtp(recvBuf, 0, len);
        if (n > 0) {
          countInWindow(((recvBuf[2] & 0xFF) << 8) | (recvBuf[3] & 0xFF));
          if (received.incrementAndGet() == 1) {
            firstMediaNanos = System.nanoTime();
          }
        } else {
          receivedAuthFailures.incrementAndGet();
        }
      }
      default -> {
        // RTCP from the server (its reports) and anything else: not counted as audio
      }
    }
  }

  /**
   * Starts a measuring window: from the next packet sent, echoes are counted by their sequence
   * number (so packets in flight at either edge are neither lost nor counted twice).
   */
  public void startWindow() {
    windowReceived.set(0);
    windowEnd = -1;
    windowStart = seq;
  }

  /** Ends the window at the next packet to send; returns how many packets it holds. */
  public int endWindow() {
    int end = seq;
    windowEnd = end;
    return (end - windowStart) & 0xFFFF;
  }

  /** Echoes received of the packets sent in the window (wait an RTT after endWindow). */
  public long windowReceived() {
    return windowReceived.get();
  }

  private void countInWindow(int rtpSeq) {
    int start = windowStart;
    if (start < 0) {
      return;
    }
    int d = (rtpSeq - start) & 0xFFFF;
    int end = windowEnd;
    if (d < 0x8000 && (end < 0 || d < ((end - start) & 0xFFFF))) {
      windowReceived.incrementAndGet();
    }
  }

  /** Milliseconds from the INVITE to the first audio packet back; -1 if none yet. */
  public long setupMillis() {
    long f = firstMediaNanos;
    return f == 0 ? -1 : (f - inviteSentNanos) / 1_000_000L;
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    DtlsSession d = dtls;
    if (d != null) {
      d.close();
    }
    ice.close();
    SrtpSession s = srtp;
    if (s != null) {
      s.close();
    }
    sip.close();
  }
}
