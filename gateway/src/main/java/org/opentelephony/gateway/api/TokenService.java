package org.opentelephony.gateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opentelephony.sip.auth.Account;
import org.opentelephony.sip.auth.AccountStore;
import org.opentelephony.sip.auth.DigestAlgorithm;
import org.opentelephony.sip.util.Clock;

/**
 * Short-lived, stateless API tokens: {@code base64url(user|expiresAtMillis).base64url(HMAC)}
 * signed with a key kept in the data folder (so tokens survive a restart). Passwords are checked
 * against the account's stored HA1; nothing about a token is stored.
 */
public final class TokenService {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** Why a token was refused. */
  public enum Problem { INVALID, EXPIRED }

  /** The outcome of a check: the user, or the problem. */
  public record Check(String user, Problem problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  private final byte[] key;
  private final Duration ttl;
  private final AccountStore accounts;
  private final String realm;
  private final Clock clock;

  public TokenService(byte[] key, Duration ttl, AccountStore accounts, String realm, Clock clock) {
    this.key = key.clone();
    this.ttl = ttl;
    this.accounts = accounts;
    this.realm = realm;
    this.clock = clock;
  }

  /** The signing key from {@code dataDir/api-token.key}, created (owner-only) when missing. */
  public static byte[] loadKey(Path dataDir) throws IOException {
    Path file = dataDir.resolve("api-token.key");
    if (Files.exists(file)) {
      byte[] b = Files.readAllBytes(file);
      if (b.length >= 32) {
        return b;
      }
    }
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    Files.write(file, k);
    try {
      Files.setPosixFilePermissions(file,
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    return k;
  }

  public Duration ttl() {
    return ttl;
  }

  /** The account if {@code password} is right (compared through the stored MD5 HA1). */
  public Optional<Account> authenticate(String user, String password) {
    if (user == null || password == null) {
      return Optional.empty();
    }
    Optional<Account> a = accounts.find(user);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String ha1 = DigestAlgorithm.MD5.ha1(user, realm, password);
    boolean ok = MessageDigest.isEqual(ha1.getBytes(StandardCharsets.US_ASCII),
        a.get().ha1Md5().getBytes(StandardCharsets.US_ASCII));
    return ok ? a : Optional.empty();
  }

  /** A token for {@code user} valid for the configured lifetime. */
  public String issue(String user) {
    return issue(user, clock.millis() + ttl.toMillis());
  }

  /** A token for {@code user} that expires at {@code expiresAt} (epoch ms). */
  public String issue(String user, long expiresAt) {
    String payload = B64.encodeToString((user + "|" + expiresAt)
        .getBytes(StandardCharsets.UTF_8));
    return payload + "." + B64.encodeToString(mac(payload));
  }

  public Check check(String token) {
    if (token == null || token.length() > 1024) {
      return new Check(null, Problem.INVALID);
    }
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return new Check(null, Problem.INVALID);
    }
    String payload = token.substring(0, dot);
    byte[] sig;
    String text;
    try {
      sig = B64D.decode(token.substring(dot + 1));
      text = new String(B64D.decode(payload), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Check(null, Problem.INVALID);
    }
    if (!MessageDigest.isEqual(sig, mac(payload))) {
      return new Check(null, Problem.INVALID);
    }
    int bar = text.lastIndexOf('|');
    if (bar <= 0) {
      return new Check(null, Problem.INVALID);
    }
    long expiresAt;
    try {
      expiresAt = Long.parseLong(text.substring(bar + 1));
    } catch (NumberFormatException e) {
      return new Check(null, Problem.INVALID);
    }
    String user = text.substring(0, bar);
    if (accounts.find(user).isEmpty()) {
      return new Check(null, Problem.INVALID);
    }
    if (expiresAt <= clock.millis()) {
      return new Check(user, Problem.EXPIRED);
    }
    return new Check(user, null);
  }

  private byte[] mac(String payload) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
