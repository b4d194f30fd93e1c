package org.opentelephony.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.opentelephony.media.srtp.SrtpProfile;

/** The passive end: BouncyCastle's server restricted to what a WebRTC leg needs. */
final class DtlsServer extends DefaultTlsServer {
  /**
   * ECDHE with our ECDSA certificate only: DefaultTlsServer would also accept RSA suites, and a
   * client picking one gets internal_error since we hold no RSA key.
   */
  private static final int[] SUITES = {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
  };

  private final Handshake hs;
  private SrtpProfile profile;

  DtlsServer(Handshake hs) {
    super(hs.crypto);
    this.hs = hs;
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
  }

  @Override
  protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
    return hs.signer(context);
  }

  /** The client must show a certificate: its fingerprint is what the SDP vouches for. */
  @Override
  public CertificateRequest getCertificateRequest() {
    short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
    return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context),
        null);
  }

  @Override
  public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
    hs.checkPeer(clientCertificate);
  }

  @Override
  public void processClientExtensions(Hashtable clientExtensions) throws IOException {
    super.processClientExtensions(clientExtensions);
    UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
    profile = offered == null ? null : Handshake.choose(offered.getProtectionProfiles());
    if (profile == null) {
      hs.fail(Handshake.REASON_NO_PROFILE + ": client offered "
          + (offered == null ? "no use_srtp" : describe(offered.getProtectionProfiles())));
      throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP profile");
    }
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Hashtable getServerExtensions() throws IOException {
    Hashtable ext = super.getServerExtensions();
    // No MKI: WebRTC never uses one (RFC 8827 6.5).
    TlsSRTPUtils.addUseSRTPExtension(ext,
        new UseSRTPData(new int[] {profile.dtlsId()}, TlsUtils.EMPTY_BYTES));
    return ext;
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    hs.exportKeys(context, profile);
  }

  @Override
  public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
    hs.alert(true, level, description, message);
  }

  @Override
  public void notifyAlertReceived(short level, short description) {
    hs.alert(false, level, description, null);
  }

  static String describe(int[] ids) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ids.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format("0x%04x", ids[i]));
    }
    return sb.append(']').toString();
  }
}
