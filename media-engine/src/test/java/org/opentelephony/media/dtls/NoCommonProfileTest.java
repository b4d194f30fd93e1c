package org.opentelephony.media.dtls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.opentelephony.media.srtp.SrtpKeys;

/** A client offering only SRTP_AES128_CM_HMAC_SHA1_32, which we do not accept. */
class NoCommonProfileTest {
  @Test
  void serverFailsNamingTheProfilesTheClientOffered() throws Exception {
    CompletableFuture<String> failed = new CompletableFuture<>();
    ExecutorService wire = Executors.newSingleThreadExecutor();
    DatagramTransport[] clientSide = new DatagramTransport[1];
    BlockingQueue<byte[]> toClient = new LinkedBlockingQueue<>();
    DtlsSession server = new DtlsSession(DtlsCertificate.generate(), DtlsRole.SERVER,
        "sha-256 00:11", (b, o, l) -> toClient.add(Arrays.copyOfRange(b, o, o + l)),
        new DtlsSession.Listener() {
          @Override
          public void onConnected(SrtpKeys keys) {
          }

          @Override
          public void onFailed(String reason) {
            failed.complete(reason);
          }
        }, "server");
    server.start();
    clientSide[0] = new DatagramTransport() {
      @Override
      public int getReceiveLimit() {
        return 1500;
      }

      @Override
      public int getSendLimit() {
        return 1200;
      }

      @Override
      public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        try {
          byte[] p = toClient.poll(waitMillis, TimeUnit.MILLISECONDS);
          if (p == null) {
            return -1;
          }
          System.arraycopy(p, 0, buf, off, p.length);
          return p.length;
        } catch (InterruptedException e) {
          throw new InterruptedIOException();
        }
      }

      @Override
      public void send(byte[] buf, int off, int len) {
        byte[] copy = Arrays.copyOfRange(buf, off, off + len);
        wire.execute(() -> server.onPacket(copy, 0, copy.length));
      }

      @Override
      public void close() {
      }
    };
    Thread client = new Thread(() -> {
      try {
        new DTLSClientProtocol().connect(new Sha132Client(), clientSide[0]);
      } catch (IOException expected) {
        // the server's handshake_failure alert
      }
    });
    client.setDaemon(true);
    client.start();

    String reason = failed.get(10, TimeUnit.SECONDS);
    assertTrue(reason.startsWith("no common SRTP profile"), reason);
    assertTrue(reason.contains("0x0002"), reason);
    wire.shutdownNow();
  }

  private static final class Sha132Client extends DefaultTlsClient {
    Sha132Client() {
      super(new BcTlsCrypto(new SecureRandom()));
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
      Hashtable ext = super.getClientExtensions();
      TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(
          new int[] {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32}, TlsUtils.EMPTY_BYTES));
      return ext;
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate c) {
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest r) {
          return null;
        }
      };
    }
  }
}
