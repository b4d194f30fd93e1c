package org.opentelephony.media.sdp;

import java.util.Locale;

/**
 * How a leg carries media, read from the protocol of its {@code m=} lines: a plain phone's RTP
 * (RFC 3551 {@code RTP/AVP}) or a browser's ICE + DTLS-SRTP with feedback (RFC 8829
 * {@code UDP/TLS/RTP/SAVPF}). The server speaks each leg's own profile and bridges between them.
 */
public enum Profile {
  PLAIN("RTP/AVP"),
  WEBRTC("UDP/TLS/RTP/SAVPF");

  private final String protocol;

  Profile(String protocol) {
    this.protocol = protocol;
  }

  /** The protocol the server writes on {@code m=} lines of this profile. */
  public String protocol() {
    return protocol;
  }

  /** WEBRTC for any DTLS-SRTP protocol (also the older {@code RTP/SAVPF}), PLAIN otherwise. */
  public static Profile of(String protocol) {
    String p = protocol.toUpperCase(Locale.ROOT);
    return p.contains("TLS") || p.equals("RTP/SAVPF") ? WEBRTC : PLAIN;
  }

  /** The profile of a whole body: its first RTP media line decides (BUNDLE shares one). */
  public static Profile of(SessionDescription sd) {
    for (MediaDescription m : sd.media()) {
      if (m.isRtp() && !m.rejected()) {
        return of(m.protocol());
      }
    }
    return sd.media().isEmpty() ? PLAIN : of(sd.media().get(0).protocol());
  }
}
