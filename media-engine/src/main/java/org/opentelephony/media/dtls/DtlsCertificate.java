package org.opentelephony.media.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Our DTLS identity: a self-signed ECDSA P-256 certificate. WebRTC authenticates it by the
 * fingerprint carried in the (signalling-protected) SDP, never by a CA, so the subject and the
 * validity dates are placeholders.
 */
public final class DtlsCertificate {
  /** Hash used for our own {@code a=fingerprint}: what every browser sends and checks. */
  public static final String DEFAULT_HASH = "sha-256";

  private static final Duration VALIDITY = Duration.ofDays(30);

  private final byte[] der;
  private final AsymmetricKeyParameter privateKey;
  private final String fingerprint;

  private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
    this.der = der;
    this.privateKey = privateKey;
    this.fingerprint = fingerprintOf(der, DEFAULT_HASH);
  }

  /** The certificate shared by all legs of this process, made on first use (~tens of ms). */
  public static DtlsCertificate forProcess() {
    return ProcessCertificate.INSTANCE;
  }

  private static final class ProcessCertificate {
    static final DtlsCertificate INSTANCE = generate();
  }

  /** A new key pair and certificate. */
  public static DtlsCertificate generate() {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = kpg.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=opentelephony");
      // Positive 63-bit serial: unique enough for self-signed certificates nobody chains.
      BigInteger serial = BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE);
      X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, serial,
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name,
          kp.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
      return new DtlsCertificate(holder.getEncoded(),
          PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make an ECDSA P-256 certificate", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SDP form of our fingerprint: {@code "sha-256 AB:CD:..."}. */
  public String fingerprint() {
    return fingerprint;
  }

  /** DER encoding of the certificate. */
  public byte[] encoded() {
    return der.clone();
  }

  AsymmetricKeyParameter privateKey() {
    return privateKey;
  }

  /**
   * SDP fingerprint of a DER certificate with one of the hashes peers use in
   * {@code a=fingerprint} (RFC 8122 5): sha-1, sha-256, sha-384, sha-512.
   *
   * @throws IllegalArgumentException for another hash name
   */
  public static String fingerprintOf(byte[] der, String hash) {
    String name = hash.toLowerCase(Locale.ROOT);
    String jca = switch (name) {
      case "sha-1" -> "SHA-1";
      case "sha-256" -> "SHA-256";
      case "sha-384" -> "SHA-384";
      case "sha-512" -> "SHA-512";
      default -> throw new IllegalArgumentException("unsupported fingerprint hash " + hash);
    };
    try {
      byte[] digest = MessageDigest.getInstance(jca).digest(der);
      return name + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jca + " missing from the JDK", e);
    }
  }

  /**
   * Whether {@code der} has the SDP fingerprint {@code expected} ("hash HEX:HEX..."), compared
   * without regard to case or surrounding spaces. False for a malformed or unsupported value.
   */
  public static boolean matches(String expected, byte[] der) {
    if (expected == null) {
      return false;
    }
    String[] parts = expected.trim().split("\\s+", 2);
    if (parts.length != 2) {
      return false;
    }
    String normalized = parts[0].toLowerCase(Locale.ROOT) + " " + parts[1].toUpperCase(Locale.ROOT);
    try {
      String actual = fingerprintOf(der, parts[0]);
      // Constant time, though a fingerprint is public: habit for anything that authenticates.
      return MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
          normalized.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

}
