package org.opentelephony.sip.auth;

/** The outcome of checking a request's digest credentials. */
public record AuthResult(Outcome outcome, String user) {

  /** What the server must do next. */
  public enum Outcome {
    /** Credentials valid: proceed as {@link #user}. */
    OK,
    /** No credentials for our realm: challenge. */
    MISSING,
    /** A nonce we issued but that has expired: challenge with {@code stale=true}. */
    STALE,
    /** A nonce we did not issue (or from before a key change): challenge afresh. */
    BAD_NONCE,
    /** Wrong password, unknown user or a mismatched user: 403. */
    FORBIDDEN,
    /** Required parameters missing or an unsupported algorithm/qop: 400. */
    MALFORMED
  }

  public static AuthResult ok(String user) {
    return new AuthResult(Outcome.OK, user);
  }

  public static AuthResult of(Outcome o) {
    return new AuthResult(o, null);
  }
}
