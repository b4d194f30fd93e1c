package org.opentelephony.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {
  private static final String REALM = "localhost";

  /** Accounts in a map: the authenticator only needs lookups. */
  static final class MapAccounts implements AccountStore {
    final Map<String, Account> map = new HashMap<>();

    @Override
    public Optional<Account> find(String user) {
      return Optional.ofNullable(map.get(user));
    }

    @Override
    public void save(Account a) {
      map.put(a.user(), a);
    }
  }

  private final long[] now = {1_000_000};
  private final NonceService nonces =
      new NonceService(NonceService.newSecret(), Duration.ofSeconds(300), () -> now[0]);
  private final MapAccounts accounts = new MapAccounts();
  private final DigestAuthenticator auth = new DigestAuthenticator(REALM, accounts, nonces);

  DigestAuthenticatorTest() {
    accounts.save(Account.withPassword("alice", REALM, "alice123"));
  }

  private DigestCredentials answer(DigestAlgorithm alg, String user, String password,
      String nonce, String method, String uri) {
    String ha1 = alg.ha1(user, REALM, password);
    String resp = DigestAuthenticator.expectedResponse(alg, ha1, nonce, "00000001", "c0ffee",
        "auth", method, uri);
    return new DigestCredentials(user, REALM, nonce, uri, resp,
        alg == DigestAlgorithm.MD5 ? null : alg.sipName(), "auth", "00000001", "c0ffee");
  }

  @Test
  void rfc2617KnownAnswerMd5() {
    String ha1 = DigestAlgorithm.MD5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
    assertEquals("6629fae49393a05397450978507c4ef1", DigestAuthenticator.expectedResponse(
        DigestAlgorithm.MD5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b",
        "auth", "GET", "/dir/index.html"));
  }

  @Test
  void rfc7616KnownAnswerSha256() {
    String ha1 = DigestAlgorithm.SHA_256.ha1("Mufasa", "http-auth@example.org", "Circle of Life");
    assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
        DigestAuthenticator.expectedResponse(DigestAlgorithm.SHA_256, ha1,
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", "GET", "/dir/index.html"));
  }

  @Test
  void correctPasswordIsAcceptedWithEitherAlgorithm() {
    for (DigestAlgorithm alg : DigestAlgorithm.values()) {
      AuthResult r = auth.verify("REGISTER",
          answer(alg, "alice", "alice123", nonces.issue(), "REGISTER", "sip:localhost"));
      assertEquals(AuthResult.Outcome.OK, r.outcome(), alg.name());
      assertEquals("alice", r.user());
    }
  }

  @Test
  void rfc2069StyleWithoutQopIsAccepted() {
    String nonce = nonces.issue();
    String ha1 = DigestAlgorithm.MD5.ha1("alice", REALM, "alice123");
    String resp = DigestAuthenticator.expectedResponse(DigestAlgorithm.MD5, ha1, nonce, null,
        null, null, "INVITE", "sip:bob@localhost");
    DigestCredentials c = new DigestCredentials("alice", REALM, nonce, "sip:bob@localhost", resp,
        "MD5", null, null, null);
    assertEquals(AuthResult.Outcome.OK, auth.verify("INVITE", c).outcome());
  }

  @Test
  void wrongPasswordUnknownUserAndWrongMethodAreForbidden() {
    assertEquals(AuthResult.Outcome.FORBIDDEN, auth.verify("REGISTER",
        answer(DigestAlgorithm.MD5, "alice", "wrong", nonces.issue(), "REGISTER",
            "sip:localhost")).outcome());
    assertEquals(AuthResult.Outcome.FORBIDDEN, auth.verify("REGISTER",
        answer(DigestAlgorithm.MD5, "mallory", "x", nonces.issue(), "REGISTER",
            "sip:localhost")).outcome());
    // a response computed for REGISTER does not authorise an INVITE
    assertEquals(AuthResult.Outcome.FORBIDDEN, auth.verify("INVITE",
        answer(DigestAlgorithm.MD5, "alice", "alice123", nonces.issue(), "REGISTER",
            "sip:localhost")).outcome());
  }

  @Test
  void expiredNonceIsStaleAndForeignNonceIsBad() {
    String nonce = nonces.issue();
    now[0] += Duration.ofSeconds(301).toMillis();
    assertEquals(AuthResult.Outcome.STALE, auth.verify("REGISTER",
        answer(DigestAlgorithm.MD5, "alice", "alice123", nonce, "REGISTER",
            "sip:localhost")).outcome());
    NonceService other = new NonceService(NonceService.newSecret(), Duration.ofSeconds(300),
        () -> now[0]);
    assertEquals(AuthResult.Outcome.BAD_NONCE, auth.verify("REGISTER",
        answer(DigestAlgorithm.MD5, "alice", "alice123", other.issue(), "REGISTER",
            "sip:localhost")).outcome());
    assertEquals(AuthResult.Outcome.BAD_NONCE, auth.verify("REGISTER",
        answer(DigestAlgorithm.MD5, "alice", "alice123", "not-base64!", "REGISTER",
            "sip:localhost")).outcome());
  }

  @Test
  void missingAndMalformedCredentials() {
    assertEquals(AuthResult.Outcome.MISSING, auth.verify("REGISTER", null).outcome());
    String nonce = nonces.issue();
    assertEquals(AuthResult.Outcome.MALFORMED, auth.verify("REGISTER", new DigestCredentials(
        "alice", REALM, nonce, null, "00", null, null, null, null)).outcome());
    assertEquals(AuthResult.Outcome.MALFORMED, auth.verify("REGISTER", new DigestCredentials(
        "alice", REALM, nonce, "sip:localhost", "00", "SHA-512-256", null, null, null))
        .outcome());
    assertEquals(AuthResult.Outcome.MALFORMED, auth.verify("REGISTER", new DigestCredentials(
        "alice", REALM, nonce, "sip:localhost", "00", null, "auth", null, "abc")).outcome());
  }

  @Test
  void passwordsAreNeverInToString() {
    Account a = Account.withPassword("alice", REALM, "alice123");
    assertEquals("Account[alice]", a.toString());
  }
}
