package org.opentelephony.media.ice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.ice4j.ice.harvest.HarvestConfig;
import org.ice4j.ice.harvest.MappingCandidateHarvesters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server-side leg on the shared port against an ice4j peer standing in for the browser. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IceTransportTest {
  private static final Logger LOG = LogManager.getLogger(IceTransportTest.class);
  private static IceService svc;

  @BeforeAll
  static void startService() throws IOException {
    svc = new IceService(IceConfig.defaults().withPort(0));
  }

  @AfterAll
  static void stopService() {
    svc.close();
  }

  /** A leg plus what its handler and listener saw. */
  static final class Leg implements AutoCloseable {
    final BlockingQueue<byte[]> packets = new LinkedBlockingQueue<>();
    final BlockingQueue<IceState> states = new LinkedBlockingQueue<>();
    final IceTransport t;

    Leg(String name, boolean controlling) throws IOException {
      t = new IceTransport(svc, name, controlling,
          (buf, off, len) -> packets.add(Arrays.copyOfRange(buf, off, off + len)),
          (from, to) -> states.add(to));
    }

    void awaitState(IceState... wanted) throws InterruptedException {
      List<IceState> w = List.of(wanted);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        IceState s = states.poll(100, TimeUnit.MILLISECONDS);
        if (s != null && w.contains(s)) {
          return;
        }
      }
      throw new AssertionError(t + " never reached " + w);
    }

    @Override
    public void close() {
      t.close();
    }
  }

  /** Offer/answer both ways, checks, both ends connected. Returns the time it took in ms. */
  static long connect(Leg leg, TestPeer peer) throws Exception {
    long t0 = System.nanoTime();
    leg.t.setRemote(peer.ufrag(), peer.pwd(), peer.candidates());
    leg.t.start();
    peer.setRemote(leg.t);
    peer.start();
    leg.awaitState(IceState.CONNECTED, IceState.COMPLETED);
    assertTrue(peer.awaitCompleted(10), "peer completed");
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void assertFlowsBothWays(Leg leg, TestPeer peer, String tag) throws Exception {
    byte[] toPeer = ("srtp-" + tag).getBytes(StandardCharsets.US_ASCII);
    toPeer[0] = (byte) 0x80; // RTP-like first byte
    leg.t.send(toPeer, 0, toPeer.length);
    assertArrayEquals(toPeer, peer.received.poll(5, TimeUnit.SECONDS), "server -> peer");
    byte[] toServer = ("dtls-" + tag).getBytes(StandardCharsets.US_ASCII);
    toServer[0] = 22; // DTLS handshake first byte
    peer.send(toServer);
    assertArrayEquals(toServer, leg.packets.poll(5, TimeUnit.SECONDS), "peer -> server");
  }

  @Test
  void controlledServerAnswersBrowserOffer() throws Exception {
    long t0 = System.nanoTime();
    try (TestPeer peer = new TestPeer(true, 0); Leg leg = new Leg("answerer", false)) {
      long gather = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(IceState.NEW, leg.t.state());
      assertNull(leg.t.selectedPair());
      assertTrue(leg.t.localCandidates().get(0).matches(
          "candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 " + svc.port() + " typ host generation 0"),
          leg.t.localCandidates().toString());
      long sentBefore = svc.counters().sendNoPair();
      leg.t.send(new byte[10], 0, 10);
      assertEquals(sentBefore + 1, svc.counters().sendNoPair(), "dropped before selection");
      long checks = connect(leg, peer);
      LOG.info("loopback, controlled: agents created in {} ms, checks {} ms", gather, checks);
      System.out.printf("ICE timing (controlled): gathering %d ms, checks %d ms%n", gather, checks);
      assertEquals("127.0.0.1:" + svc.port() + " <-> 127.0.0.1:" + peer.port() + " host/host",
          leg.t.selectedPair());
      assertFlowsBothWays(leg, peer, "a");
      leg.t.endOfRemoteCandidates();
      leg.awaitState(IceState.COMPLETED);
    }
  }

  @Test
  void controllingServerOffers() throws Exception {
    long t0 = System.nanoTime();
    try (Leg leg = new Leg("offerer", true); TestPeer peer = new TestPeer(false, 0)) {
      long gather = (System.nanoTime() - t0) / 1_000_000;
      long checks = connect(leg, peer);
      System.out.printf("ICE timing (controlling): gathering %d ms, checks %d ms%n", gather,
          checks);
      assertNotNull(leg.t.selectedPair());
      assertFlowsBothWays(leg, peer, "b");
    }
  }

  @Test
  void trickledCandidateAfterStartConnects() throws Exception {
    try (TestPeer peer = new TestPeer(true, 0); Leg leg = new Leg("trickle", false)) {
      long rejected = svc.counters().snapshot().get("ice_remote_candidates_ignored");
      leg.t.setRemote(peer.ufrag(), peer.pwd(), List.of());
      leg.t.start();
      assertEquals(IceState.CHECKING, leg.t.state());
      leg.t.addRemoteCandidate("candidate:9 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active");
      leg.t.addRemoteCandidate("candidate:8 1 udp 2122260223 3f1c-aa.local 51000 typ host");
      leg.t.addRemoteCandidate("candidate:garbage");
      assertEquals(rejected + 3,
          (long) svc.counters().snapshot().get("ice_remote_candidates_ignored"));
      assertEquals(IceState.CHECKING, leg.t.state());
      peer.setRemote(leg.t);
      peer.start();
      leg.t.addRemoteCandidate("a=" + peer.candidates().get(0));
      leg.t.endOfRemoteCandidates();
      leg.awaitState(IceState.CONNECTED, IceState.COMPLETED);
      assertTrue(peer.awaitCompleted(10));
      assertFlowsBothWays(leg, peer, "c");
    }
  }

  @Test
  void strayStunIsNotAnsweredWithSuccessAndSessionSurvives() throws Exception {
    try (TestPeer peer = new TestPeer(true, 0); Leg leg = new Leg("stray", false);
        DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      connect(leg, peer);
      raw.setSoTimeout(700);
      long unknown = svc.counters().unknownUfrag();
      long badMi = svc.counters().badIntegrity();

      send(raw, bindingRequest("nosuchufrag:" + peer.ufrag()));
      assertNull(receive(raw), "unknown ufrag: silence");
      assertEquals(unknown + 1, svc.counters().unknownUfrag());

      send(raw, bindingRequest(leg.t.localUfrag() + ":" + peer.ufrag()));
      byte[] answer = receive(raw);
      if (answer != null) {
        int type = ((answer[0] & 0xff) << 8) | (answer[1] & 0xff);
        assertNotEquals(0x0101, type, "bad MESSAGE-INTEGRITY must not succeed");
        assertEquals(0x0111, type, "an error response (401)");
      }
      assertEquals(badMi + 1, svc.counters().badIntegrity());

      // garbage from the stranger is not delivered either
      send(raw, new byte[] {22, 1, 2, 3});
      assertTrue(leg.t.state().isConnected());
      assertFlowsBothWays(leg, peer, "d");
      assertTrue(leg.packets.isEmpty(), "nothing from the stranger");
    }
  }

  @Test
  void iceRestartReconnectsFromTheSameAddress() throws Exception {
    try (Leg leg = new Leg("restart", false)) {
      int port;
      String oldUfrag = leg.t.localUfrag();
      try (TestPeer peer = new TestPeer(true, 0)) {
        connect(leg, peer);
        assertFlowsBothWays(leg, peer, "e");
        port = peer.port();
      }
      // the browser keeps its socket and address across a restart: the hard case on a shared port
      try (TestPeer peer2 = new TestPeer(true, port)) {
        long t0 = System.nanoTime();
        leg.t.restart(peer2.ufrag(), peer2.pwd(), peer2.candidates());
        assertEquals(IceState.CHECKING, leg.t.state());
        assertNotEquals(oldUfrag, leg.t.localUfrag());
        peer2.setRemote(leg.t);
        peer2.start();
        leg.awaitState(IceState.CONNECTED, IceState.COMPLETED);
        assertTrue(peer2.awaitCompleted(10));
        System.out.printf("ICE restart: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertFlowsBothWays(leg, peer2, "f");
      }
    }
  }

  @Test
  void closeFreesThreadsAndFiftyCyclesLeaveNothing() throws Exception {
    cycle(); // warm up ice4j's shared pools
    awaitQuiet();
    List<String> baseline = ownThreads();
    long t0 = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      cycle();
    }
    System.out.printf("50 create/connect/close cycles: %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    assertEquals(0, svc.activeTransports());
    awaitQuiet();
    List<String> after = ownThreads();
    assertTrue(baseline.containsAll(after), "threads left: " + after + " before: " + baseline);
    assertTrue(after.stream().noneMatch(n -> n.startsWith("ice-rx-")), after.toString());
    // ice4j's static pools (NetAccessManager, STUN transactions) are shared by all Agents and
    // bounded; 50 legs must not have grown them per leg
    long shared = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ice4j.")).count();
    assertTrue(shared < 20, "ice4j threads: " + shared);
  }

  private static void cycle() throws Exception {
    IceState[] last = new IceState[1];
    try (TestPeer peer = new TestPeer(true, 0); Leg leg = new Leg("cycle", false)) {
      connect(leg, peer);
      leg.t.close();
      leg.t.close(); // idempotent
      assertEquals(IceState.CLOSED, leg.t.state());
      assertNull(leg.t.selectedPair());
      last[0] = leg.t.state();
    }
    assertEquals(IceState.CLOSED, last[0]);
  }

  /**
   * Threads that would betray a leak: all but ice4j's static pools, which every Agent shares and
   * which keep idle threads (its cached executor for 60 s) by design; counted separately.
   */
  private static List<String> ownThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> !n.startsWith("ice4j."))
        .sorted().collect(Collectors.toList());
  }

  private static void awaitQuiet() throws InterruptedException {
    // threads end asynchronously after close (interrupted readers, STUN transaction timers)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    int prev = -1;
    while (System.nanoTime() < deadline) {
      int now = ownThreads().size();
      if (now == prev) {
        return;
      }
      prev = now;
      Thread.sleep(1000);
    }
  }

  @Test
  void expiredConsentDisconnectsAndStopsSending() throws Exception {
    try (TestPeer peer = new TestPeer(true, 0); Leg leg = new Leg("consent", false)) {
      connect(leg, peer);
      // as the event thread's once-a-second check would see it 31 s later with no response.
      // The live peer still answers ice4j's own consent checks, and a fresh answer rightly
      // reconnects the leg: when one slips in between, expire consent again (bounded).
      boolean stopped = false;
      for (int attempt = 0; attempt < 5 && !stopped; attempt++) {
        leg.t.checkConsent(System.currentTimeMillis() + 31_000, 30_000);
        assertEquals(IceState.DISCONNECTED, leg.t.state());
        long dropped = svc.counters().sendNoPair();
        leg.t.send(new byte[] {(byte) 0x80, 0}, 0, 2);
        stopped = svc.counters().sendNoPair() == dropped + 1;
        if (!stopped) {
          peer.received.clear(); // that one went out while a consent answer had reconnected
        }
      }
      assertTrue(stopped, "RFC 7675: no sending while consent has expired");
      leg.awaitState(IceState.DISCONNECTED);
      assertNull(peer.received.poll(300, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void nothingReachesForCloudMetadata() {
    assertFalse(HarvestConfig.config.enableAwsHarvester());
    assertEquals(0, MappingCandidateHarvesters.getHarvesters().length);
    assertTrue(HarvestConfig.config.stunMappingCandidateHarvesterAddresses().isEmpty());
  }

  // ---- raw STUN --------------------------------------------------------------------------

  /** A Binding request with USERNAME and a MESSAGE-INTEGRITY of random bytes. */
  static byte[] bindingRequest(String username) {
    byte[] user = username.getBytes(StandardCharsets.UTF_8);
    int userPadded = (user.length + 3) & ~3;
    int len = 4 + userPadded + 4 + 8 + 4 + 20; // USERNAME, PRIORITY, ICE-CONTROLLING, MI
    ByteBuffer b = ByteBuffer.allocate(20 + len + 4 + 4);
    byte[] tid = new byte[12];
    ThreadLocalRandom.current().nextBytes(tid);
    b.putShort((short) 0x0001).putShort((short) len).putInt(0x2112A442).put(tid);
    b.putShort((short) 0x0006).putShort((short) user.length).put(user);
    b.put(new byte[userPadded - user.length]);
    b.putShort((short) 0x0024).putShort((short) 4).putInt(1853824767);
    b.putShort((short) 0x802A).putShort((short) 8).putLong(42);
    byte[] junk = new byte[20];
    ThreadLocalRandom.current().nextBytes(junk);
    b.putShort((short) 0x0008).putShort((short) 20).put(junk);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static void send(DatagramSocket s, byte[] b) throws IOException {
    s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), svc.port()));
  }

  private static byte[] receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      s.receive(p);
      return Arrays.copyOf(buf, p.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}
