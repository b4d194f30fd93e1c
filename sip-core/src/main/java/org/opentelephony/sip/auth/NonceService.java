package org.opentelephony.sip.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opentelephony.sip.util.Clock;

/**
 * Stateless digest nonces: issue time and a random salt, signed with an HMAC key. Nothing is
 * stored per challenge, so a flood of unanswered challenges costs no memory; the key can be kept
 * in the data folder so that nonces stay valid across a restart.
 */
public final class NonceService {
  /** What a nonce from a request turned out to be. */
  public enum Verdict { VALID, STALE, INVALID }

  private static final int SALT = 8;
  private static final int MAC = 16;

  private final SecretKeySpec key;
  private final Duration lifetime;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ThreadLocal<Mac> macs;

  public NonceService(byte[] secret, Duration lifetime, Clock clock) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.lifetime = lifetime;
    this.clock = clock;
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A fresh random key for {@link #NonceService}. */
  public static byte[] newSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  public String issue() {
    byte[] salt = new byte[SALT];
    random.nextBytes(salt);
    ByteBuffer buf = ByteBuffer.allocate(8 + SALT + MAC);
    buf.putLong(clock.millis()).put(salt).put(sign(buf.array(), 8 + SALT));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
  }

  public Verdict check(String nonce) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return Verdict.INVALID;
    }
    if (raw.length != 8 + SALT + MAC) {
      return Verdict.INVALID;
    }
    byte[] expected = sign(raw, 8 + SALT);
    byte[] actual = new byte[MAC];
    System.arraycopy(raw, 8 + SALT, actual, 0, MAC);
    if (!MessageDigest.isEqual(expected, actual)) {
      return Verdict.INVALID;
    }
    long issued = ByteBuffer.wrap(raw).getLong();
    long age = clock.millis() - issued;
    return age < 0 || age > lifetime.toMillis() ? Verdict.STALE : Verdict.VALID;
  }

  private byte[] sign(byte[] data, int len) {
    Mac mac = macs.get();
    mac.update(data, 0, len);
    byte[] full = mac.doFinal();
    byte[] out = new byte[MAC];
    System.arraycopy(full, 0, out, 0, MAC);
    return out;
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
