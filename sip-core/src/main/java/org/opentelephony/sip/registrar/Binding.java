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

  public boolean expired(long now) {
    return expiresAt <= now;
  }

  /** Seconds left, as reported in the Contact's {@code expires} parameter. */
  public int secondsLeft(long now) {
    return (int) Math.max(0, (expiresAt - now + 999) / 1000);
  }
}
