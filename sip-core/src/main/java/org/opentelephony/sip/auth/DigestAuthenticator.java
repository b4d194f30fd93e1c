package org.opentelephony.sip.auth;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Verifies RFC 3261 / RFC 8760 digest credentials (MD5 and SHA-256, qop=auth or none) against
 * stored HA1 hashes. Knows nothing of SIP messages: the SIP layer extracts the credentials.
 */
public final class DigestAuthenticator {
  private final String realm;
  private final AccountStore accounts;
  private final NonceService nonces;

  public DigestAuthenticator(String realm, AccountStore accounts, NonceService nonces) {
    this.realm = realm;
    this.accounts = accounts;
    this.nonces = nonces;
  }

  public String realm() {
    return realm;
  }

  public NonceService nonces() {
    return nonces;
  }

  /**
   * Checks credentials sent with a request of {@code method}.
   *
   * @param creds the credentials for our realm, or null when the request carried none
   */
  public AuthResult verify(String method, DigestCredentials creds) {
    if (creds == null) {
      return AuthResult.of(AuthResult.Outcome.MISSING);
    }
    if (creds.username() == null || creds.nonce() == null || creds.uri() == null
        || creds.response() == null) {
      return AuthResult.of(AuthResult.Outcome.MALFORMED);
    }
    Optional<DigestAlgorithm> alg = DigestAlgorithm.parse(creds.algorithm());
    if (alg.isEmpty()) {
      return AuthResult.of(AuthResult.Outcome.MALFORMED);
    }
    String qop = creds.qop();
    boolean withQop = qop != null && !qop.isEmpty();
    if (withQop && (!qop.equalsIgnoreCase("auth") || creds.nonceCount() == null
        || creds.cnonce() == null)) {
      return AuthResult.of(AuthResult.Outcome.MALFORMED);
    }
    switch (nonces.check(creds.nonce())) {
      case INVALID:
        return AuthResult.of(AuthResult.Outcome.BAD_NONCE);
      case STALE:
        return AuthResult.of(AuthResult.Outcome.STALE);
      default:
        break;
    }
    Optional<Account> account = accounts.find(creds.username());
    if (account.isEmpty()) {
      return AuthResult.of(AuthResult.Outcome.FORBIDDEN);
    }
    DigestAlgorithm a = alg.get();
    String expected = expectedResponse(a, account.get().ha1(a), creds.nonce(),
        creds.nonceCount(), creds.cnonce(), withQop ? qop : null, method, creds.uri());
    boolean match = MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        creds.response().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    return match ? AuthResult.ok(account.get().user()) : AuthResult.of(AuthResult.Outcome.FORBIDDEN);
  }

  /** The {@code response} value of RFC 7616 section 3.4.1 (RFC 2069 form when qop is null). */
  static String expectedResponse(DigestAlgorithm a, String ha1, String nonce, String nc,
      String cnonce, String qop, String method, String uri) {
    String ha2 = a.hex(method + ":" + uri);
    return qop != null
        ? a.hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":"
            + qop.toLowerCase(java.util.Locale.ROOT) + ":" + ha2)
        : a.hex(ha1 + ":" + nonce + ":" + ha2);
  }
}
