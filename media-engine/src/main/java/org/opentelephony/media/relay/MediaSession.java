package org.opentelephony.media.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.media.sdp.Codec;
import org.opentelephony.media.sdp.Direction;
import org.opentelephony.media.sdp.MediaDescription;
import org.opentelephony.media.sdp.Profile;
import org.opentelephony.media.sdp.SdpParseException;
import org.opentelephony.media.sdp.SdpWriter;
import org.opentelephony.media.sdp.SessionDescription;
import org.opentelephony.media.sdp.TransportParams;

/**
 * The media of one call, anchored on the server: for each media line a {@link Stream} with a port
 * pair per leg. Offer/answer (RFC 3264) passes through here in both directions; each body handed
 * to a leg points that leg at the server. Signalling methods are called from one thread at a time
 * (the call's executor); packets flow on the relay threads.
 */
public final class MediaSession {
  private static final Logger LOG = LogManager.getLogger(MediaSession.class);

  /** The two legs of a call. */
  public enum Side {
    CALLER, CALLEE;

    public Side other() {
      return this == CALLER ? CALLEE : CALLER;
    }
  }

  private final String id;
  private final MediaEngine engine;
  private final List<Stream> streams = new ArrayList<>();
  private final long[] sessionIds = new long[2];
  private final long[] versions = new long[2];
  /** Each side's media profile: a plain phone's RTP or a browser's DTLS-SRTP. */
  private final Profile[] profiles = {Profile.PLAIN, Profile.PLAIN};
  /** Each side's browser transport, when that side is (or is being offered as) a browser. */
  private final WebRtcLeg[] legs = new WebRtcLeg[2];
  private Side offerer;
  private Side lastOfferer;
  private String pendingOffer;
  private volatile boolean answered;
  private volatile long answeredAtMillis;
  private volatile boolean closed;
  private volatile boolean timeoutReported;

  MediaSession(String id, MediaEngine engine) {
    this.id = id;
    this.engine = engine;
    sessionIds[0] = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
    sessionIds[1] = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
  }

  public String id() {
    return id;
  }

  /**
   * An offer from {@code from}: returns the offer for the other leg, with the same formats and
   * the server's address and ports, in the profile the other leg already uses.
   */
  public String offer(Side from, String sdp) throws SdpParseException {
    return offer(from, sdp, profiles[from.other().ordinal()]);
  }

  /**
   * An offer from {@code from}, rendered for the other leg in profile {@code to}: a browser gets
   * the server's ICE candidates and certificate, a phone plain RTP. Calling again with the same
   * body and another profile renders the same offer for another fork of the call.
   */
  public String offer(Side from, String sdp, Profile to) throws SdpParseException {
    if (offerer == from && sdp.equals(pendingOffer)) {
      return renderOffer(from.other(), to);
    }
    SessionDescription sd = SessionDescription.parse(sdp);
    List<MediaDescription> media = sd.media();
    if (media.size() < streams.size()) {
      throw new SdpParseException("an offer must not remove media lines (RFC 3264 8)");
    }
    Profile fromProfile = Profile.of(sd);
    acceptProfile(from, fromProfile, sd);
    for (int i = 0; i < media.size(); i++) {
      MediaDescription m = media.get(i);
      Stream s = i < streams.size() ? streams.get(i) : newStream(m.type());
      s.offer = m;
      s.offered = relayable(m.codecs());
      s.added = m.isAudio() && engine.transcodingAvailable() ? Bridging.addable(s.offered)
          : List.of();
      s.rejected = m.rejected() || !m.isRtp();
      BrowserLines.note(s, from, m, i);
      s.endpoint(from).webrtc = legs[from.ordinal()];
      if (!s.rejected && fromProfile == Profile.PLAIN) {
        setRemote(s.endpoint(from), sd, m);
      }
    }
    offerer = from;
    lastOfferer = null;
    pendingOffer = sdp;
    return renderOffer(from.other(), to);
  }

  /** A candidate the browser on {@code side} trickled after its body (RFC 8838). */
  public void addRemoteCandidate(Side side, String candidate) {
    WebRtcLeg leg = legs[side.ordinal()];
    if (leg != null && candidate != null && candidate.startsWith("candidate:")) {
      leg.addRemoteCandidate(candidate);
    }
  }

  private String renderOffer(Side to, Profile profile) throws SdpParseException {
    WebRtcLeg leg = profile == Profile.WEBRTC ? leg(to, true) : null;
    SdpWriter out = writer(to, leg != null ? BrowserLines.bundle(streams, to, streamId(to)) : List.of());
    for (int i = 0; i < streams.size(); i++) {
      Stream s = streams.get(i);
      if (s.mids[to.ordinal()] == null) {
        s.mids[to.ordinal()] = String.valueOf(i);
      }
      List<Codec> toOffer = new ArrayList<>(s.offered);
      toOffer.addAll(s.added);
      int port = s.rejected ? 0 : leg != null ? leg.defaultPort() : s.endpoint(to).ports.rtpPort();
      out.media(s.offer, port, toOffer, s.offer.direction(),
          leg != null ? BrowserLines.section(leg, s, to, i, "actpass", engine.certificate().fingerprint(), streamId(to)) : null);
      s.endpoint(to).webrtc = leg;
    }
    return out.toString();
  }

  /**
   * The answer from {@code from} to the pending offer: returns the answer for the offerer, and
   * sets up payload-type mapping for the formats both legs share.
   *
   * @throws SdpParseException when the answer is unusable or shares no format with the offer
   */
  public String answer(Side from, String sdp) throws SdpParseException {
    if (offerer == null && lastOfferer == from.other()) {
      offerer = lastOfferer; // the answer again, e.g. in the 200 after a 183 (RFC 3261 13.2.1)
    }
    if (offerer == null || offerer == from) {
      throw new SdpParseException("an answer without a pending offer from the other leg");
    }
    SessionDescription sd = SessionDescription.parse(sdp);
    List<MediaDescription> media = sd.media();
    if (media.size() != streams.size()) {
      throw new SdpParseException("the answer has " + media.size() + " media lines, the offer "
          + streams.size());
    }
    Profile fromProfile = Profile.of(sd);
    if (fromProfile == Profile.WEBRTC && legs[from.ordinal()] == null) {
      throw new SdpParseException("a DTLS-SRTP answer to a plain RTP offer");
    }
    acceptProfile(from, fromProfile, sd);
    Side to = offerer;
    WebRtcLeg toLeg = legs[to.ordinal()];
    for (int i = 0; i < media.size(); i++) {
      if (media.get(i).rejected()) {
        streams.get(i).rejected = true; // before the BUNDLE group is written
      }
    }
    SdpWriter out = writer(to, toLeg != null ? BrowserLines.bundle(streams, to, streamId(to)) : List.of());
    for (int i = 0; i < media.size(); i++) {
      MediaDescription m = media.get(i);
      Stream s = streams.get(i);
      s.endpoint(from).webrtc = legs[from.ordinal()];
      if (m.rejected() || s.rejected) {
        s.rejected = true;
        out.media(s.offer, 0, s.offered, Direction.INACTIVE,
            toLeg != null ? BrowserLines.section(toLeg, s, to, i, toLeg.answerSetup(), engine.certificate().fingerprint(), streamId(to)) : null);
        continue;
      }
      BrowserLines.note(s, from, m, i);
      if (fromProfile == Profile.PLAIN) {
        setRemote(s.endpoint(from), sd, m);
      }
      stopTranscoding(s);
      List<Codec> common = mapPayloadTypes(s, s.endpoint(from), s.endpoint(to),
          relayable(m.codecs()));
      if (!Bridging.hasMedia(common)) {
        Codec transcoded = startTranscoding(s, s.endpoint(from), s.endpoint(to), m.codecs());
        if (transcoded != null) {
          common.add(0, transcoded);
        }
      }
      if (!Bridging.hasMedia(common)) {
        throw new SdpParseException("no common format for m=" + m.type() + ": offered "
            + names(s.offered) + ", answered " + names(m.codecs()));
      }
      s.direction = m.direction();
      int port = toLeg != null ? toLeg.defaultPort() : s.endpoint(to).ports.rtpPort();
      out.media(s.offer, port, common, m.direction(),
          toLeg != null ? BrowserLines.section(toLeg, s, to, i, toLeg.answerSetup(), engine.certificate().fingerprint(), streamId(to)) : null);
    }
    for (Side side : Side.values()) {
      WebRtcLeg leg = legs[side.ordinal()];
      if (leg != null) {
        leg.route(streams, side);
      }
    }
    answered = true;
    pendingOffer = null;
    answeredAtMillis = engine.clock().millis();
    lastOfferer = offerer;
    offerer = null;
    return out.toString();
  }

  /**
   * Maps the answerer's formats to the offerer's: packets between the legs get the receiving
   * leg's payload type. Returns the offerer's formats in the answerer's order of preference.
   */
  private static List<Codec> mapPayloadTypes(Stream s, Endpoint answerer, Endpoint offerer,
      List<Codec> answered) {
    Arrays.fill(answerer.ptOut, -1);
    Arrays.fill(offerer.ptOut, -1);
    List<Codec> common = new ArrayList<>();
    for (Codec a : answered) {
      for (Codec o : s.offered) {
        if (o.sameFormat(a) && !common.contains(o)) {
          answerer.ptOut[a.payloadType()] = o.payloadType();
          offerer.ptOut[o.payloadType()] = a.payloadType();
          common.add(o);
          if (!a.isTelephoneEvent() && a.clockRate() > 0) {
            answerer.clockRate = a.clockRate();
            offerer.clockRate = a.clockRate();
          }
          break;
        }
      }
    }
    return common;
  }

  /**
   * The answerer chose a format the server added to the offer (it shares none with the offerer):
   * transcode between it and the offerer's matching format, one path per direction. Returns the
   * offerer's format to put in its answer, or null when the answer chose nothing bridgeable.
   */
  private Codec startTranscoding(Stream s, Endpoint answerer, Endpoint offerer,
      List<Codec> answered) {
    for (Codec a : answered) {
      boolean added = s.added.stream().anyMatch(x -> x.sameFormat(a));
      Codec o = added ? Bridging.partner(a, s.offered) : null;
      if (o == null) {
        continue;
      }
      var pool = engine.transcodePool();
      var drops = engine.counters().transcodeOverload;
      offerer.transcode = new TranscodingPath(o.payloadType(), a.payloadType(),
          Bridging.transcoder(o, a), answerer, pool, drops);
      answerer.transcode = new TranscodingPath(a.payloadType(), o.payloadType(),
          Bridging.transcoder(a, o), offerer, pool, drops);
      offerer.clockRate = o.clockRate();
      answerer.clockRate = a.clockRate();
      LOG.debug("session {}: transcoding {} <-> {}", id, o.key(), a.key());
      return o;
    }
    return null;
  }

  private static void stopTranscoding(Stream s) {
    for (Endpoint e : new Endpoint[] {s.caller, s.callee}) {
      TranscodingPath t = e.transcode;
      e.transcode = null;
      if (t != null) {
        t.close();
      }
    }
  }

  /** True when a stream of this session is transcoded (for statistics and tests). */
  public boolean transcoding() {
    for (Stream s : streams) {
      if (s.caller.transcode != null) {
        return true;
      }
    }
    return false;
  }

  private void setRemote(Endpoint e, SessionDescription sd, MediaDescription m)
      throws SdpParseException {
    String host = sd.connectionOf(m);
    if (SessionDescription.isHoldAddress(host)) {
      return; // on hold the old way: the device keeps its address, it just wants no media
    }
    int rtcpPort = m.port() + 1;
    for (String l : m.otherLines()) {
      if (l.startsWith("a=rtcp:")) {
        try {
          rtcpPort = Integer.parseInt(l.substring(7).split(" ")[0].trim());
        } catch (NumberFormatException ex) {
          throw new SdpParseException("bad a=rtcp port: " + l);
        }
      }
    }
    e.setRemote(new InetSocketAddress(host, m.port()), new InetSocketAddress(host, rtcpPort));
  }

  private Stream newStream(String type) throws SdpParseException {
    try {
      boolean video = type.equalsIgnoreCase("video");
      Endpoint caller = new Endpoint(Side.CALLER, engine.ports().allocate(), video);
      Endpoint callee;
      try {
        callee = new Endpoint(Side.CALLEE, engine.ports().allocate(), video);
      } catch (IOException e) {
        caller.close();
        throw e;
      }
      Stream s = new Stream(type, caller, callee);
      streams.add(s);
      engine.register(this, s);
      return s;
    } catch (IOException e) {
      LOG.warn("session {}: {}", id, e.getMessage());
      throw new SdpParseException("no media port available");
    }
  }

  private SdpWriter writer(Side to, List<String> sessionLines) {
    int i = to.ordinal();
    // session-level a=/b= lines describe the other leg's transport: none is passed on
    return new SdpWriter(engine.advertisedAddress(), sessionIds[i], ++versions[i], sessionLines);
  }

  /**
   * Checks that a body's profile fits its side and takes in a browser's ICE/DTLS parameters. A
   * plain answer from a fork that was also offered as a browser drops that browser transport.
   */
  private void acceptProfile(Side side, Profile p, SessionDescription sd)
      throws SdpParseException {
    int i = side.ordinal();
    if (p == Profile.WEBRTC) {
      if (!engine.webrtcAvailable()) {
        throw new SdpParseException("DTLS-SRTP (browser) media is not enabled on this server");
      }
      TransportParams params = TransportParams.of(sd);
      try {
        leg(side, false).setRemote(params);
      } catch (IOException e) {
        throw new SdpParseException("ICE restart failed: " + e.getMessage());
      }
    } else if (legs[i] != null) {
      if (legs[i].hasRemote()) {
        throw new SdpParseException("a browser leg cannot change to plain RTP");
      }
      legs[i].close();
      legs[i] = null;
    }
    profiles[i] = p;
  }

  /** This side's browser transport, created on first use; it controls ICE if it offers. */
  private WebRtcLeg leg(Side side, boolean weOffer) throws SdpParseException {
    int i = side.ordinal();
    if (legs[i] == null) {
      if (!engine.webrtcAvailable()) {
        throw new SdpParseException("DTLS-SRTP (browser) media is not enabled on this server");
      }
      try {
        legs[i] = new WebRtcLeg(id + "/" + side.name().toLowerCase(java.util.Locale.ROOT),
            engine, weOffer);
      } catch (IOException e) {
        LOG.warn("session {}: no ICE transport: {}", id, e.getMessage());
        throw new SdpParseException("no ICE transport available");
      }
    }
    return legs[i];
  }

  /** The media stream id the server announces to a browser on {@code to} (a=msid). */
  private String streamId(Side to) {
    return "ot" + Long.toHexString(sessionIds[to.ordinal()]);
  }

  /** The formats the relay can carry: everything but repair formats (see Codec#isRepair). */
  private static List<Codec> relayable(List<Codec> codecs) {
    List<Codec> out = new ArrayList<>();
    for (Codec c : codecs) {
      if (!c.isRepair()) {
        out.add(c);
      }
    }
    return out;
  }

  private static String names(List<Codec> codecs) {
    StringBuilder sb = new StringBuilder();
    for (Codec c : codecs) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(c.name()).append('/').append(c.clockRate());
    }
    return sb.toString();
  }

  /** Per-stream, per-leg statistics. */
  public List<StreamStats> stats() {
    List<StreamStats> out = new ArrayList<>();
    for (Stream s : streams) {
      out.add(new StreamStats(s.type, s.caller.stats.snapshot(s.caller.clockRate),
          s.callee.stats.snapshot(s.callee.clockRate)));
    }
    return out;
  }

  /** Each browser leg's transport state (ICE, DTLS, SRTP); plain legs are absent. */
  public List<TransportStats> transports() {
    List<TransportStats> out = new ArrayList<>();
    for (Side side : Side.values()) {
      WebRtcLeg leg = legs[side.ordinal()];
      if (leg != null) {
        WebRtcLeg.Info i = leg.info();
        out.add(new TransportStats(side, i.ice(), i.selectedPair(), i.dtls(), i.dtlsFailure(),
            i.srtpAuthFailures(), i.srtpReplays(), i.droppedBeforeKeys(), i.unroutable(),
            i.malformed()));
      }
    }
    return out;
  }

  /** One browser leg's transport: where ICE and DTLS stand and what SRTP rejected. */
  public record TransportStats(Side side, String ice, String selectedPair, String dtls,
      String dtlsFailure, long srtpAuthFailures, long srtpReplays, long droppedBeforeKeys,
      long unroutable, long malformed) {
  }

  /** The profile each side speaks, for diagnostics. */
  public Profile profile(Side side) {
    return profiles[side.ordinal()];
  }

  /** What one media line saw on each leg. */
  public record StreamStats(String type, LegStats.Snapshot caller, LegStats.Snapshot callee) {
  }

  /**
   * Millis of the last packet in either direction on any stream, or of the answer if none came
   * yet; -1 while no answer exists or while a stream is on hold (inactivity does not apply).
   */
  long lastActivity() {
    if (!answered || closed) {
      return -1;
    }
    long last = answeredAtMillis;
    for (Stream s : streams) {
      if (s.onHold()) {
        return -1;
      }
      last = Math.max(last, Math.max(s.caller.lastPacketMillis, s.callee.lastPacketMillis));
    }
    return last;
  }

  boolean markTimeoutReported() {
    if (timeoutReported) {
      return false;
    }
    timeoutReported = true;
    return true;
  }

  List<Stream> streams() {
    return streams;
  }

  /** Releases the ports; the relay threads forget the streams. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    engine.unregister(this);
    for (int i = 0; i < legs.length; i++) {
      if (legs[i] != null) {
        legs[i].close();
      }
    }
    for (Stream s : streams) {
      s.close();
    }
  }
}
