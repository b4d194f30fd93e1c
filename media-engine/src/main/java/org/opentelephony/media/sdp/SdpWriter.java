package org.opentelephony.media.sdp;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes the SDP the relay hands to one leg: our origin and address, each media section with
 * the port the relay opened for that leg and the formats it chose. A browser leg's sections also
 * get the server's own ICE, DTLS and BUNDLE lines ({@link WebRtcSection}); attributes that only
 * describe the other leg's transport are never passed across.
 */
public final class SdpWriter {
  /**
   * Attributes describing one leg's transport, identity or RTP extensions. They mean nothing to
   * the other leg, which talks to the server's transport, so they are dropped when a body
   * crosses into or out of the WebRTC profile.
   */
  private static final Set<String> TRANSPORT_ATTRIBUTES = Set.of("ice-ufrag", "ice-pwd",
      "ice-options", "ice-lite", "ice-pacing", "fingerprint", "setup", "tls-id", "mid", "msid",
      "ssrc", "ssrc-group", "rtcp-mux", "rtcp-mux-only", "rtcp-rsize", "rtcp-fb", "extmap",
      "extmap-allow-mixed", "candidate", "remote-candidates", "end-of-candidates", "rid",
      "simulcast", "crypto", "connection", "sctp-port", "max-message-size", "sctpmap",
      "identity", "rtcp", "bundle-only");

  private final StringBuilder sb = new StringBuilder(1024);
  private final String address;

  /**
   * @param sessionId      stays the same for every body sent to the leg (RFC 3264 8)
   * @param sessionVersion goes up by one with each new body sent to the leg
   */
  public SdpWriter(String address, long sessionId, long sessionVersion, List<String> sessionLines) {
    this.address = address;
    String ipv = address.contains(":") ? "IP6" : "IP4";
    line("v=0");
    line("o=- " + sessionId + " " + sessionVersion + " IN " + ipv + " " + address);
    line("s=-");
    line("c=IN " + ipv + " " + address);
    line("t=0 0");
    for (String l : sessionLines) {
      line(l);
    }
  }

  /** Appends a plain media section with the source's protocol; {@code port} 0 rejects it. */
  public SdpWriter media(MediaDescription source, int port, List<Codec> codecs,
      Direction direction) {
    return media(source, port, codecs, direction, null);
  }

  /**
   * Appends a media section; {@code webrtc} is null for a plain leg. Port 0 rejects the section.
   */
  public SdpWriter media(MediaDescription source, int port, List<Codec> codecs,
      Direction direction, WebRtcSection webrtc) {
    boolean crossing = webrtc != null || Profile.of(source.protocol()) == Profile.WEBRTC;
    String protocol = !source.isRtp() ? source.protocol()
        : webrtc != null ? Profile.WEBRTC.protocol()
        : crossing ? Profile.PLAIN.protocol() : source.protocol();
    StringBuilder m = new StringBuilder("m=").append(source.type()).append(' ').append(port)
        .append(' ').append(protocol);
    List<Codec> list = codecs.isEmpty() ? source.codecs() : codecs;
    for (Codec c : list) {
      m.append(' ').append(c.payloadType());
    }
    if (source.rawFormats != null) {
      m.append(' ').append(source.rawFormats);
    }
    line(m.toString());
    if (port == 0) {
      if (webrtc != null) {
        line("a=mid:" + webrtc.mid());
      }
      return this;
    }
    if (webrtc != null) {
      webrtcLines(webrtc, direction);
    }
    for (Codec c : list) {
      if (c.payloadType() >= 96 || !Codec.staticType(c.payloadType()).sameFormat(c)) {
        line("a=" + "rtpmap:" + c.rtpmap());
      }
      if (c.fmtp() != null && !c.fmtp().isEmpty()) {
        line("a=fmtp:" + c.payloadType() + " " + c.fmtp());
      }
      if (webrtc != null && !source.isAudio() && c.isMedia()) {
        line("a=rtcp-fb:" + c.payloadType() + " nack");
        line("a=rtcp-fb:" + c.payloadType() + " nack pli");
        line("a=rtcp-fb:" + c.payloadType() + " ccm fir");
      }
    }
    for (String l : source.otherLines()) {
      if (l.startsWith("a=rtcp:") || crossing && isTransportAttribute(l)) {
        continue;
      }
      line(l);
    }
    if (webrtc != null) {
      for (String l : webrtc.ssrcLines()) {
        line(l);
      }
    } else {
      line("a=" + direction.attribute());
    }
    return this;
  }

  private void webrtcLines(WebRtcSection w, Direction direction) {
    line("a=mid:" + w.mid());
    for (String c : w.candidates()) {
      line("a=" + c);
    }
    line("a=end-of-candidates");
    line("a=ice-ufrag:" + w.iceUfrag());
    line("a=ice-pwd:" + w.icePwd());
    line("a=fingerprint:" + w.fingerprint());
    line("a=setup:" + w.setup());
    line("a=" + direction.attribute());
    line("a=msid:" + w.streamId() + " " + w.trackId());
    line("a=rtcp-mux");
  }

  static boolean isTransportAttribute(String line) {
    if (!line.startsWith("a=")) {
      return false;
    }
    int end = line.indexOf(':');
    String name = (end < 0 ? line.substring(2) : line.substring(2, end)).toLowerCase(Locale.ROOT);
    return TRANSPORT_ATTRIBUTES.contains(name);
  }

  private void line(String l) {
    sb.append(l).append("\r\n");
  }

  public String address() {
    return address;
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
