package org.opentelephony.sip.registrar;

/**
 * One registered contact of a user (one device).
 *
 * @param contactUri the Contact URI exactly as the device sent it (the Request-URI used to reach it)
 * @param received   where to reach a device behind NAT or on a connection it opened
 *                   ({@code ip:port} the REGISTER came from); empty to route by the contact URI
 * @param expiresAt  epoch milliseconds
 */
public record Binding(
    String user,
    String contactUri,
    String received,
    String transport,
    String callId,
    long cseq,
    long expiresAt,
    String userAgent) {

  /**
   * A device registered over SIP over WebSocket is a browser: it gets DTLS-SRTP media. So is a
   * contact marked with the URI parameter {@code ot-webrtc} (the JSON call API's in-process
   * user agent, whose users are browsers).
   */
  public boolean isBrowser() {
    if (transport != null && (transport.equalsIgnoreCase("ws")
        || transport.equalsIgnoreCase("wss"))) {
      return true;
    }
    return contactUri != null && contactUri.toLowerCase(java.util.Locale.ROOT)
        .matches(".*;ot-webrtc(=[^;>]*)?(;.*|>.*)?$");
  }

  public boolean expired(long now) {
    return expiresAt <= now;
  }

  /** Seconds left, as reported in the Contact's {@code expires} parameter. */
  public int secondsLeft(long now) {
    return (int) Math.max(0, (expiresAt - now + 999) / 1000);
  }
}
