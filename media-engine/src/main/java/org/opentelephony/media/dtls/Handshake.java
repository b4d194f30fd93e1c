package org.opentelephony.media.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.opentelephony.media.srtp.SrtpKeys;
import org.opentelephony.media.srtp.SrtpProfile;

/**
 * What the client and server strategies share in one handshake: our credentials, the peer's
 * expected fingerprint, the first reason for failing, and the SRTP keys once done. Written from
 * the handshake thread, read by the session after it.
 */
final class Handshake {
  /** Our preference, also the order offered as client: GCM first (one pass, stronger tag). */
  static final SrtpProfile[] PROFILES = {SrtpProfile.AEAD_AES_128_GCM,
      SrtpProfile.AES_CM_128_HMAC_SHA1_80};

  static final String REASON_TIMEOUT = "handshake timeout";
  static final String REASON_FINGERPRINT = "fingerprint mismatch";
  static final String REASON_ALERT_RECEIVED = "alert received";
  static final String REASON_ALERT_SENT = "alert sent";
  static final String REASON_NO_PROFILE = "no common SRTP profile";

  final DtlsRole role;
  final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
  final int timeoutMillis;
  private final DtlsCertificate local;
  private final String remoteFingerprint;
  private final AtomicReference<String> reason = new AtomicReference<>();
  private volatile SrtpKeys keys;
  private volatile boolean peerClosed;
  private volatile Runnable onPeerClose = () -> { };

  Handshake(DtlsCertificate local, DtlsRole role, String remoteFingerprint, int timeoutMillis) {
    this.local = local;
    this.role = role;
    this.remoteFingerprint = remoteFingerprint;
    this.timeoutMillis = timeoutMillis;
  }

  /** Records why the handshake fails; the first cause wins over the alerts it leads to. */
  void fail(String why) {
    reason.compareAndSet(null, why);
  }

  String reason() {
    return reason.get();
  }

  SrtpKeys keys() {
    return keys;
  }

  boolean peerClosed() {
    return peerClosed;
  }

  /** Called on the handshake thread when the peer's close_notify arrives. */
  void onPeerClose(Runnable action) {
    onPeerClose = action;
  }

  /** Our certificate chain and signing key, bound to this connection's parameters. */
  TlsCredentialedSigner signer(TlsContext context) throws IOException {
    TlsCertificate cert = crypto.createCertificate(local.encoded());
    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
        local.privateKey(), new Certificate(new TlsCertificate[] {cert}),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
  }

  /**
   * Checks the peer's end-entity certificate against the SDP fingerprint (RFC 8122 5, RFC 5763
   * 6.7.1). Without it anyone on the path could complete the handshake.
   */
  void checkPeer(Certificate chain) throws IOException {
    if (chain == null || chain.isEmpty()) {
      fail(REASON_FINGERPRINT + ": peer sent no certificate");
      throw new TlsFatalAlert(AlertDescription.bad_certificate, "no certificate");
    }
    byte[] der = chain.getCertificateAt(0).getEncoded();
    if (!DtlsCertificate.matches(remoteFingerprint, der)) {
      String hash = remoteFingerprint == null ? DtlsCertificate.DEFAULT_HASH
          : remoteFingerprint.trim().split(" ", 2)[0];
      String actual;
      try {
        actual = DtlsCertificate.fingerprintOf(der, hash);
      } catch (IllegalArgumentException e) {
        actual = "(unsupported hash " + hash + ")";
      }
      fail(REASON_FINGERPRINT + ": SDP says " + remoteFingerprint + ", peer certificate is "
          + actual);
      throw new TlsFatalAlert(AlertDescription.bad_certificate, "fingerprint mismatch");
    }
  }

  /** Our preferred profile among those the client offers, or none. */
  static SrtpProfile choose(int[] offered) {
    for (SrtpProfile p : PROFILES) {
      for (int id : offered) {
        if (id == p.dtlsId()) {
          return p;
        }
      }
    }
    return null;
  }

  static int[] offer() {
    return Arrays.stream(PROFILES).mapToInt(SrtpProfile::dtlsId).toArray();
  }

  /**
   * Exports the SRTP master keys (RFC 5764 4.2): client key, server key, client salt, server
   * salt; ours is the client's half when we are the client.
   */
  void exportKeys(TlsContext context, SrtpProfile profile) {
    int k = profile.keyLength();
    int s = profile.saltLength();
    byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (k + s));
    byte[] clientKey = Arrays.copyOfRange(m, 0, k);
    byte[] serverKey = Arrays.copyOfRange(m, k, 2 * k);
    byte[] clientSalt = Arrays.copyOfRange(m, 2 * k, 2 * k + s);
    byte[] serverSalt = Arrays.copyOfRange(m, 2 * k + s, 2 * k + 2 * s);
    keys = role == DtlsRole.CLIENT
        ? new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
        : new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    Arrays.fill(m, (byte) 0);
  }

  /** An alert we sent or received: a fatal one explains a failure, close_notify a close. */
  void alert(boolean sent, short level, short description, String message) {
    if (description == AlertDescription.close_notify) {
      if (!sent) {
        peerClosed = true;
        onPeerClose.run();
      }
      return;
    }
    if (level == AlertLevel.fatal) {
      fail((sent ? REASON_ALERT_SENT : REASON_ALERT_RECEIVED) + ": "
          + AlertDescription.getText(description) + (message == null ? "" : " (" + message + ")"));
    }
  }
}
