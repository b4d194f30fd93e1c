package org.opentelephony.sip.media;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.opentelephony.media.relay.LegStats;
import org.opentelephony.media.relay.MediaEngine;
import org.opentelephony.media.relay.MediaSession;
import org.opentelephony.media.sdp.Profile;
import org.opentelephony.media.sdp.SdpParseException;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.sdp.SdpException;

/**
 * Anchors every call's media on the server: each SDP crossing the B2BUA goes through the call's
 * {@link MediaSession}, which points each leg at a relay port of the server. When a call ends its
 * per-leg statistics are put on the {@link Call} (and so into its record) and its ports released.
 */
public final class AnchoredMedia implements MediaNegotiator {
  private final MediaEngine engine;
  private final Map<String, MediaSession> sessions = new ConcurrentHashMap<>();

  public AnchoredMedia(MediaEngine engine) {
    this.engine = engine;
  }

  @Override
  public String relay(Call call, Side from, Kind kind, String sdp) throws SdpException {
    MediaSession s = session(call);
    try {
      return kind == Kind.OFFER ? s.offer(side(from), sdp) : s.answer(side(from), sdp);
    } catch (SdpParseException e) {
      throw new SdpException(e.getMessage());
    }
  }

  @Override
  public String relayOffer(Call call, Side from, String sdp, boolean toBrowser)
      throws SdpException {
    try {
      return session(call).offer(side(from), sdp, toBrowser ? Profile.WEBRTC : Profile.PLAIN);
    } catch (SdpParseException e) {
      throw new SdpException(e.getMessage());
    }
  }

  /** The media session of a call, for APIs that drive it directly (trickle ICE). */
  public MediaSession session(Call call) {
    return sessions.computeIfAbsent(call.id(), id -> {
      MediaSession created = engine.createSession(id);
      call.setLiveMediaStats(() -> format(created.stats(), created.transports()));
      return created;
    });
  }

  private static MediaSession.Side side(Side from) {
    return from == Side.CALLER ? MediaSession.Side.CALLER : MediaSession.Side.CALLEE;
  }

  @Override
  public void release(Call call) {
    MediaSession s = sessions.remove(call.id());
    if (s != null) {
      call.setMediaStats(format(s.stats(), s.transports()));
      s.close();
    }
  }

  @Override
  public void onMediaTimeout(Consumer<String> callIdHandler) {
    engine.onInactivity(s -> callIdHandler.accept(s.id()));
  }

  /** Compact JSON of every stream's per-leg statistics (stored in the call record). */
  /**
   * Compact JSON of every stream's per-leg statistics (stored in the call record); a browser
   * leg also gets its transport's state (ICE, DTLS, SRTP) under {@code transport}.
   */
  static String format(List<MediaSession.StreamStats> streams,
      List<MediaSession.TransportStats> transports) {
    StringBuilder sb = new StringBuilder("[");
    for (MediaSession.StreamStats st : streams) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append("{\"type\":\"").append(st.type()).append("\",\"caller\":");
      leg(sb, st.caller(), transportOf(transports, MediaSession.Side.CALLER));
      sb.append(",\"callee\":");
      leg(sb, st.callee(), transportOf(transports, MediaSession.Side.CALLEE));
      sb.append('}');
    }
    return sb.append(']').toString();
  }

  private static MediaSession.TransportStats transportOf(
      List<MediaSession.TransportStats> transports, MediaSession.Side side) {
    for (MediaSession.TransportStats t : transports) {
      if (t.side() == side) {
        return t;
      }
    }
    return null;
  }

  private static void leg(StringBuilder sb, LegStats.Snapshot s,
      MediaSession.TransportStats t) {
    sb.append(String.format(Locale.ROOT, "{\"packetsIn\":%d,\"bytesIn\":%d,\"packetsOut\":%d,"
            + "\"bytesOut\":%d,\"rtcpIn\":%d,\"lost\":%d,\"jitterMs\":%.2f,"
            + "\"remoteFractionLost\":%.3f,\"remoteCumulativeLost\":%d,\"rttMs\":%d,"
            + "\"malformed\":%d,\"strangers\":%d,\"notNegotiated\":%d",
        s.packetsIn(), s.bytesIn(), s.packetsOut(), s.bytesOut(), s.rtcpIn(), s.lost(),
        s.jitterMs(), s.remoteFractionLost(), s.remoteCumulativeLost(), s.rttMillis(),
        s.malformed(), s.strangers(), s.unknownPayloadType()));
    if (t != null) {
      sb.append(String.format(Locale.ROOT, ",\"transport\":{\"ice\":\"%s\",\"selectedPair\":%s,"
              + "\"dtls\":\"%s\",\"dtlsFailure\":%s,\"srtpAuthFailures\":%d,"
              + "\"srtpReplays\":%d,\"droppedBeforeKeys\":%d,\"unroutable\":%d,"
              + "\"malformed\":%d}",
          t.ice(), quote(t.selectedPair()), t.dtls(), quote(t.dtlsFailure()),
          t.srtpAuthFailures(), t.srtpReplays(), t.droppedBeforeKeys(), t.unroutable(),
          t.malformed()));
    }
    sb.append('}');
  }

  private static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }


}
