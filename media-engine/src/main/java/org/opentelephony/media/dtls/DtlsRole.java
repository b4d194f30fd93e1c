package org.opentelephony.media.dtls;

import java.util.Locale;

/**
 * Which end of the DTLS handshake we are, decided by SDP {@code a=setup} (RFC 8842 / RFC 4145):
 * the "active" end sends the ClientHello.
 */
public enum DtlsRole {
  CLIENT,
  SERVER;

  /**
   * Our role from the peer's {@code a=setup}: remote {@code active} makes us SERVER; remote
   * {@code passive} makes us CLIENT; to an offer of {@code actpass} we answer {@code passive}, so
   * we are SERVER (the browser, having offered, then connects to us: no extra round trip while we
   * wait for its ICE to settle, as JSEP expects of answerers).
   *
   * @throws IllegalArgumentException for {@code holdconn} or anything unknown
   */
  public static DtlsRole fromRemoteSetup(String remoteSetup) {
    return switch (remoteSetup.trim().toLowerCase(Locale.ROOT)) {
      case "active", "actpass" -> SERVER;
      case "passive" -> CLIENT;
      default -> throw new IllegalArgumentException("unusable a=setup:" + remoteSetup);
    };
  }

  /** The {@code a=setup} value we put in our own description for this role. */
  public String localSetup() {
    return this == SERVER ? "passive" : "active";
  }
}
