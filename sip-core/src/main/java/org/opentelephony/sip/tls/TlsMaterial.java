package org.opentelephony.sip.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.opentelephony.sip.config.SipConfig.TlsSettings;

/**
 * The server's TLS identity, shared by SIP over secure WebSocket and the HTTPS connector: a
 * configured key store, or a self-signed certificate generated once and kept under
 * {@code <data-dir>/tls/} so that it survives restarts (a browser trusts it once, not after every
 * start). The generated store's random password sits beside it, readable by the owner only.
 * Passwords are never logged; the certificate's SHA-256 fingerprint is.
 */
public final class TlsMaterial {
  private static final Logger LOG = LogManager.getLogger(TlsMaterial.class);
  static final String STORE_FILE = "server.p12";
  static final String PASSWORD_FILE = "server.pass";
  static final String ALIAS = "server";
  /** Short enough for browsers' limits on certificate lifetime (398 days). */
  static final Duration VALIDITY = Duration.ofDays(397);

  private final Path path;
  private final String type;
  private final char[] password;
  private final KeyStore keyStore;
  private final X509Certificate certificate;

  private TlsMaterial(Path path, String type, char[] password, KeyStore keyStore,
      X509Certificate certificate) {
    this.path = path;
    this.type = type;
    this.password = password;
    this.keyStore = keyStore;
    this.certificate = certificate;
  }

  /**
   * The configured key store, or the self-signed one under {@code dataDir} (created, or renewed
   * when it expires within a day). {@code hosts} go into a new certificate's subjectAltName.
   */
  public static TlsMaterial load(TlsSettings settings, Path dataDir, List<String> hosts)
      throws IOException, GeneralSecurityException {
    if (settings.configured()) {
      Path p = Path.of(settings.keyStore());
      char[] pw = settings.keyStorePassword().toCharArray();
      KeyStore ks = read(p, settings.keyStoreType(), pw);
      TlsMaterial m = new TlsMaterial(p, settings.keyStoreType(), pw, ks, firstKeyCertificate(ks, p));
      LOG.info("TLS: key store {} (certificate {}, SHA-256 {})", p,
          m.certificate.getSubjectX500Principal().getName(), m.fingerprint());
      return m;
    }
    Path dir = dataDir.resolve("tls");
    Path store = dir.resolve(STORE_FILE);
    Path pwFile = dir.resolve(PASSWORD_FILE);
    if (Files.exists(store) && Files.exists(pwFile)) {
      char[] pw = Files.readString(pwFile, StandardCharsets.UTF_8).trim().toCharArray();
      KeyStore ks = read(store, "PKCS12", pw);
      X509Certificate cert = firstKeyCertificate(ks, store);
      if (cert.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
        TlsMaterial m = new TlsMaterial(store, "PKCS12", pw, ks, cert);
        LOG.info("TLS: self-signed certificate {} (SHA-256 {}), valid until {}", store,
            m.fingerprint(), cert.getNotAfter().toInstant());
        return m;
      }
      LOG.info("TLS: self-signed certificate {} expired: generating a new one", store);
    }
    return generate(dir, hosts);
  }

  private static TlsMaterial generate(Path dir, List<String> hosts)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = kpg.generateKeyPair();
    X509Certificate cert = selfSign(kp, hosts);
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    char[] pw = Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(ALIAS, kp.getPrivate(), pw, new Certificate[] {cert});
    Path pwFile = dir.resolve(PASSWORD_FILE);
    Path store = dir.resolve(STORE_FILE);
    writeOwnerOnly(pwFile, new String(pw).getBytes(StandardCharsets.UTF_8));
    try (OutputStream out = Files.newOutputStream(store)) {
      ks.store(out, pw);
    }
    ownerOnly(store);
    TlsMaterial m = new TlsMaterial(store, "PKCS12", pw, ks, cert);
    LOG.info("TLS: generated a self-signed certificate {} for {} (SHA-256 {})", store, hosts,
        m.fingerprint());
    return m;
  }

  private static X509Certificate selfSign(KeyPair kp, List<String> hosts)
      throws GeneralSecurityException, IOException {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    names.addAll(hosts);
    List<GeneralName> alt = new ArrayList<>();
    for (String h : names) {
      if (h.isBlank() || h.equals("0.0.0.0") || h.equals("::")) {
        continue;
      }
      boolean ip = h.matches("[0-9.]+") || h.contains(":");
      alt.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=opentelephony self-signed");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
        new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(alt.toArray(GeneralName[]::new)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the certificate", e);
    }
  }

  private static KeyStore read(Path p, String type, char[] pw)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, pw);
    }
    return ks;
  }

  private static X509Certificate firstKeyCertificate(KeyStore ks, Path p)
      throws GeneralSecurityException {
    for (String alias : java.util.Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
        return c;
      }
    }
    throw new GeneralSecurityException("no private key with a certificate in " + p);
  }

  private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Files.write(file, content);
    ownerOnly(file);
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }

  /** The key store file (what JAIN-SIP reads through {@code javax.net.ssl.keyStore}). */
  public Path path() {
    return path;
  }

  public String type() {
    return type;
  }

  /** The key store password: only for handing to the TLS libraries, never for logs. */
  public String password() {
    return new String(password);
  }

  public KeyStore keyStore() {
    return keyStore;
  }

  /** The server certificate (for clients, such as tests, that must trust it explicitly). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** A server-side TLS context over this key material. */
  public SSLContext serverContext() throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** SHA-256 of the certificate, colon-separated hex (what browsers show). */
  public String fingerprint() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (GeneralSecurityException e) {
      return "?";
    }
  }
}
