package org.opentelephony.media.sdp;

import java.util.List;

/**
 * Writes the SDP the relay hands to one leg: our origin and address, each media section with
 * the port the relay opened for that leg and the formats it chose.
 */
public final class SdpWriter {
  private final StringBuilder sb = new StringBuilder(512);
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

  /** Appends a media section; {@code port} 0 rejects it. */
  public SdpWriter media(MediaDescription source, int port, List<Codec> codecs,
      Direction direction) {
    StringBuilder m = new StringBuilder("m=").append(source.type()).append(' ').append(port)
        .append(' ').append(source.protocol());
    List<Codec> list = codecs.isEmpty() ? source.codecs() : codecs;
    for (Codec c : list) {
      m.append(' ').append(c.payloadType());
    }
    line(m.toString());
    if (port == 0) {
      return this;
    }
    for (Codec c : list) {
      if (c.payloadType() >= 96 || !Codec.staticType(c.payloadType()).sameFormat(c)) {
        line("a=" + "rtpmap:" + c.rtpmap());
      }
      if (c.fmtp() != null && !c.fmtp().isEmpty()) {
        line("a=fmtp:" + c.payloadType() + " " + c.fmtp());
      }
    }
    for (String l : source.otherLines()) {
      if (!l.startsWith("a=rtcp:")) {
        line(l);
      }
    }
    line("a=" + direction.attribute());
    return this;
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
