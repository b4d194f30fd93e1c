package org.opentelephony.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** Digest hash algorithms of RFC 8760 / RFC 7616 that the server offers, with their names. */
public enum DigestAlgorithm {
  MD5("MD5", "MD5"),
  SHA_256("SHA-256", "SHA-256");

  private final String sipName;
  private final String jcaName;

  DigestAlgorithm(String sipName, String jcaName) {
    this.sipName = sipName;
    this.jcaName = jcaName;
  }

  /** The token used in the {@code algorithm} parameter. */
  public String sipName() {
    return sipName;
  }

  /** Lower-case hex of the hash of {@code text} (UTF-8). */
  public String hex(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance(jcaName);
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " missing from the JRE", e);
    }
  }

  /** HA1 = H(user:realm:password), the only form in which passwords are stored. */
  public String ha1(String user, String realm, String password) {
    return hex(user + ":" + realm + ":" + password);
  }

  /** Parses the {@code algorithm} parameter; absent means MD5 (RFC 3261). */
  public static Optional<DigestAlgorithm> parse(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of(MD5);
    }
    String n = name.toUpperCase(Locale.ROOT);
    for (DigestAlgorithm a : values()) {
      if (a.sipName.equals(n)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
