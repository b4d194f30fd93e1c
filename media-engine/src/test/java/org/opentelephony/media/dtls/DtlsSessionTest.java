package org.opentelephony.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentelephony.media.srtp.SrtpKeys;
import org.opentelephony.media.srtp.SrtpProfile;
import org.opentelephony.media.srtp.SrtpSession;

/** Two sessions wired back to back through in-memory pipes; no sockets. */
class DtlsSessionTest {
  private static DtlsCertificate clientCert;
  private static DtlsCertificate serverCert;
  private static DtlsCertificate strangerCert;

  private final List<ExecutorService> wires = new ArrayList<>();

  @BeforeAll
  static void certificates() {
    clientCert = DtlsCertificate.generate();
    serverCert = DtlsCertificate.generate();
    strangerCert = DtlsCertificate.generate();
  }

  @AfterEach
  void stopWires() {
    wires.forEach(ExecutorService::shutdownNow);
  }

  @Test
  void clientAndServerConnectWithMirroredKeysThatCarryMedia() throws Exception {
    Pair p = pair(clientCert.fingerprint(), serverCert.fingerprint(), Duration.ofSeconds(10),
        false);
    p.start();

    SrtpKeys clientKeys = p.clientOutcome.connected.get(10, TimeUnit.SECONDS);
    SrtpKeys serverKeys = p.serverOutcome.connected.get(10, TimeUnit.SECONDS);
    assertEquals(DtlsSession.State.CONNECTED, p.client.state());
    assertEquals(DtlsSession.State.CONNECTED, p.server.state());
    assertEquals(SrtpProfile.AEAD_AES_128_GCM, clientKeys.profile(), "GCM preferred");
    assertEquals(serverKeys.mirrored(), clientKeys, "client local == server remote and back");

    SrtpSession clientSrtp = new SrtpSession(clientKeys);
    SrtpSession serverSrtp = new SrtpSession(serverKeys);
    String rtp = "80601234" + "00000190" + "cafebabe" + "0102030405060708";
    assertEquals(rtp, carry(clientSrtp, serverSrtp, rtp), "client to server");
    assertEquals(rtp, carry(serverSrtp, clientSrtp, rtp), "server to client");

    System.out.printf("DTLS handshake: client %d ms, server %d ms%n",
        p.client.handshakeDuration().toMillis(), p.server.handshakeDuration().toMillis());
    p.close();
  }

  @Test
  void serverRejectsAClientWhoseCertificateIsNotTheOneInTheSdp() throws Exception {
    Pair p = pair(strangerCert.fingerprint(), serverCert.fingerprint(), Duration.ofSeconds(10),
        false);
    p.start();

    String serverView = p.serverOutcome.failed.get(10, TimeUnit.SECONDS);
    String clientView = p.clientOutcome.failed.get(10, TimeUnit.SECONDS);
    assertTrue(serverView.startsWith("fingerprint mismatch"), serverView);
    assertTrue(serverView.contains(clientCert.fingerprint()), "names what the peer presented");
    assertTrue(clientView.startsWith("alert received: bad_certificate"), clientView);
    assertEquals(DtlsSession.State.FAILED, p.server.state());
    assertEquals(DtlsSession.State.FAILED, p.client.state());
    assertEquals(serverView, p.server.failureReason());
  }

  @Test
  void clientRejectsAServerWhoseCertificateIsNotTheOneInTheSdp() throws Exception {
    Pair p = pair(clientCert.fingerprint(), strangerCert.fingerprint(), Duration.ofSeconds(10),
        false);
    p.start();

    String clientView = p.clientOutcome.failed.get(10, TimeUnit.SECONDS);
    String serverView = p.serverOutcome.failed.get(10, TimeUnit.SECONDS);
    assertTrue(clientView.startsWith("fingerprint mismatch"), clientView);
    assertTrue(serverView.startsWith("alert received: bad_certificate"), serverView);
  }

  @Test
  void fingerprintWithAnotherHashIsAcceptedWhenItMatches() throws Exception {
    String sha1 = DtlsCertificate.fingerprintOf(clientCert.encoded(), "sha-1").toLowerCase();
    Pair p = pair(sha1, serverCert.fingerprint(), Duration.ofSeconds(10), false);
    p.start();
    assertNotNull(p.serverOutcome.connected.get(10, TimeUnit.SECONDS));
    p.close();
  }

  @Test
  void aSilentPeerFailsWithATimeout() throws Exception {
    Outcome clientOutcome = new Outcome();
    DtlsSession client = new DtlsSession(clientCert, DtlsRole.CLIENT, serverCert.fingerprint(),
        (b, o, l) -> { }, clientOutcome, "lonely-client", Duration.ofMillis(300));
    Outcome serverOutcome = new Outcome();
    DtlsSession server = new DtlsSession(serverCert, DtlsRole.SERVER, clientCert.fingerprint(),
        (b, o, l) -> { }, serverOutcome, "lonely-server", Duration.ofMillis(300));
    client.start();
    server.start();

    String clientReason = clientOutcome.failed.get(10, TimeUnit.SECONDS);
    String serverReason = serverOutcome.failed.get(10, TimeUnit.SECONDS);
    assertTrue(clientReason.startsWith("handshake timeout"), clientReason);
    assertTrue(serverReason.startsWith("handshake timeout"), serverReason);
    assertEquals(DtlsSession.State.FAILED, client.state());
  }

  @Test
  void garbageIsDroppedWithoutBreakingTheHandshake() throws Exception {
    Pair p = pair(clientCert.fingerprint(), serverCert.fingerprint(), Duration.ofSeconds(10),
        true);
    p.start();
    assertNotNull(p.clientOutcome.connected.get(10, TimeUnit.SECONDS));
    assertNotNull(p.serverOutcome.connected.get(10, TimeUnit.SECONDS));
    assertTrue(p.server.stats().droppedNotDtls() > 0, "non-DTLS datagrams dropped before BC");
    assertTrue(p.server.stats().received() > p.serverOutcome.realRecords, "junk records reached BC");
    p.close();
  }

  @Test
  void closeSendsCloseNotifyAndThePeerCloses() throws Exception {
    Pair p = pair(clientCert.fingerprint(), serverCert.fingerprint(), Duration.ofSeconds(10),
        false);
    p.start();
    p.clientOutcome.connected.get(10, TimeUnit.SECONDS);
    p.serverOutcome.connected.get(10, TimeUnit.SECONDS);

    p.client.close();
    assertEquals(DtlsSession.State.CLOSED, p.client.state());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (p.server.state() != DtlsSession.State.CLOSED && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(DtlsSession.State.CLOSED, p.server.state(), "close_notify reached the server");
    assertEquals(null, p.server.failureReason());
  }

  @Test
  void closingBeforeTheHandshakeEndsReportsNoFailure() throws Exception {
    Outcome o = new Outcome();
    DtlsSession s = new DtlsSession(clientCert, DtlsRole.CLIENT, serverCert.fingerprint(),
        (b, off, l) -> { }, o, "closed-early");
    s.start();
    s.close();
    assertEquals(DtlsSession.State.CLOSED, s.state());
    Thread.sleep(200);
    assertTrue(!o.failed.isDone(), "no onFailed after close()");
  }

  // ---- plumbing ----

  private static String carry(SrtpSession from, SrtpSession to, String rtpHex) {
    byte[] rtp = HexFormat.of().parseHex(rtpHex);
    byte[] buf = new byte[rtp.length + SrtpSession.MAX_OVERHEAD];
    System.arraycopy(rtp, 0, buf, 0, rtp.length);
    int len = from.protectRtp(buf, 0, rtp.length);
    int plain = to.unprotectRtp(buf, 0, len);
    return HexFormat.of().formatHex(buf, 0, plain);
  }

  /** Records the one outcome of a session. */
  static final class Outcome implements DtlsSession.Listener {
    final CompletableFuture<SrtpKeys> connected = new CompletableFuture<>();
    final CompletableFuture<String> failed = new CompletableFuture<>();
    volatile long realRecords;

    @Override
    public void onConnected(SrtpKeys keys) {
      connected.complete(keys);
    }

    @Override
    public void onFailed(String reason) {
      failed.complete(reason);
    }
  }

  /** A client and a server session and what each reported. */
  record Pair(DtlsSession client, DtlsSession server, Outcome clientOutcome,
      Outcome serverOutcome) {
    void start() {
      server.start();
      client.start();
    }

    void close() {
      client.close();
      server.close();
    }
  }

  /**
   * Client and server whose senders deliver to each other on a wire thread each (as a socket's
   * receive thread would); with {@code junk}, every real datagram follows a non-DTLS datagram
   * and a DTLS-looking record of garbage.
   */
  private Pair pair(String clientFingerprintInServerSdp, String serverFingerprintInClientSdp,
      Duration timeout, boolean junk) {
    DtlsSession[] sessions = new DtlsSession[2];
    Outcome clientOutcome = new Outcome();
    Outcome serverOutcome = new Outcome();
    ExecutorService toServer = wire("to-server");
    ExecutorService toClient = wire("to-client");
    PacketSender clientSends = wire(toServer, p -> sessions[1].onPacket(p, 0, p.length), junk,
        serverOutcome);
    PacketSender serverSends = wire(toClient, p -> sessions[0].onPacket(p, 0, p.length), junk,
        clientOutcome);
    sessions[0] = new DtlsSession(clientCert, DtlsRole.CLIENT, serverFingerprintInClientSdp,
        clientSends, clientOutcome, "client", timeout);
    sessions[1] = new DtlsSession(serverCert, DtlsRole.SERVER, clientFingerprintInServerSdp,
        serverSends, serverOutcome, "server", timeout);
    return new Pair(sessions[0], sessions[1], clientOutcome, serverOutcome);
  }

  private PacketSender wire(ExecutorService thread, Consumer<byte[]> deliver, boolean junk,
      Outcome receiverOutcome) {
    return (buf, off, len) -> {
      byte[] copy = new byte[len];
      System.arraycopy(buf, off, copy, 0, len);
      receiverOutcome.realRecords++;
      thread.execute(() -> {
        if (junk) {
          deliver.accept(HexFormat.of().parseHex("80e0123400000000deadbeef00000000"));
          deliver.accept(HexFormat.of().parseHex("16fefd0000000000000000001a"
              + "0102030405060708090a0b0c0d0e0f101112131415161718191a"));
        }
        deliver.accept(copy);
      });
    };
  }

  /** One delivery thread per direction, like a socket's receive thread. */
  private ExecutorService wire(String name) {
    ExecutorService e = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    wires.add(e);
    return e;
  }
}
