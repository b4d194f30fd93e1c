package org.opentelephony.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.opentelephony.media.srtp.SrtpProfile;

/** The active end: BouncyCastle's client offering use_srtp and checking the server's fingerprint. */
final class DtlsClient extends DefaultTlsClient {
  /**
   * ECDSA suites first (browsers' certificates are ECDSA); ECDHE_RSA kept so a peer with an RSA
   * certificate (older SIP/WebRTC gateways) still connects when it is the server.
   */
  private static final int[] SUITES = {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
  };

  private final Handshake hs;
  private SrtpProfile profile;

  DtlsClient(Handshake hs) {
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
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Hashtable getClientExtensions() throws IOException {
    Hashtable ext = super.getClientExtensions();
    TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(Handshake.offer(), TlsUtils.EMPTY_BYTES));
    return ext;
  }

  @Override
  public void processServerExtensions(Hashtable serverExtensions) throws IOException {
    super.processServerExtensions(serverExtensions);
    UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
    int[] ids = chosen == null ? new int[0] : chosen.getProtectionProfiles();
    // RFC 5764 4.1.1: the server answers with exactly one of the profiles we offered.
    profile = ids.length == 1 ? Handshake.choose(ids) : null;
    if (profile == null) {
      hs.fail(Handshake.REASON_NO_PROFILE + ": server answered "
          + (chosen == null ? "no use_srtp" : DtlsServer.describe(ids)));
      throw new TlsFatalAlert(AlertDescription.illegal_parameter, "no common SRTP profile");
    }
  }

  @Override
  public TlsAuthentication getAuthentication() {
    return new TlsAuthentication() {
      @Override
      public void notifyServerCertificate(TlsServerCertificate serverCertificate)
          throws IOException {
        hs.checkPeer(serverCertificate.getCertificate());
      }

      @Override
      public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
        return hs.signer(context);
      }
    };
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
}
