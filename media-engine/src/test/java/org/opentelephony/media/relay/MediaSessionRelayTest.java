package org.opentelephony.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentelephony.media.MediaConfig;
import org.opentelephony.media.rtp.RtpPacket;
import org.opentelephony.media.sdp.SdpParseException;

/** Offer/answer through a session and real packets through the relay threads, on loopback. */
class MediaSessionRelayTest {
  private static final InetAddress LO = InetAddress.getLoopbackAddress();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private MediaEngine engine;
  private final List<DatagramSocket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    int base = 42000 + (int) (ProcessHandle.current().pid() % 500) * 20;
    engine = MediaEngine.start(new MediaConfig("127.0.0.1", "127.0.0.1", base, base + 19, 1,
        Duration.ofSeconds(30)), now::get);
  }

  @AfterEach
  void stop() {
    engine.close();
    sockets.forEach(DatagramSocket::close);
  }

  private DatagramSocket phone() throws Exception {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0));
    s.setSoTimeout(2000);
    sockets.add(s);
    return s;
  }

  private static String sdp(int port, String formats, String extra) {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + port + " RTP/AVP " + formats + "\r\n" + extra;
  }

  private static int port(String sdp) {
    Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(sdp);
    assertTrue(m.find(), sdp);
    return Integer.parseInt(m.group(1));
  }

  private static byte[] rtp(int pt, int seq, long ssrc) {
    byte[] b = new byte[12 + 160];
    b[0] = (byte) 0x80;
    RtpPacket.setPayloadType(b, 0, pt);
    RtpPacket.setSequence(b, 0, seq);
    RtpPacket.setTimestamp(b, 0, seq * 160L);
    RtpPacket.setSsrc(b, 0, ssrc);
    return b;
  }

  private static void send(DatagramSocket from, byte[] b, int toPort) throws Exception {
    from.send(new DatagramPacket(b, b.length, LO, toPort));
  }

  private static DatagramPacket receive(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    s.receive(p);
    return p;
  }

  private static DatagramPacket receiveOrNull(DatagramSocket s, int ms) throws Exception {
    s.setSoTimeout(ms);
    try {
      return receive(s);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  @Test
  void eachLegIsPointedAtTheServerAndPacketsAreRelayedWithMappedPayloadTypes() throws Exception {
    DatagramSocket alice = phone();
    DatagramSocket bob = phone();
    MediaSession s = engine.createSession("call-1");
    String toBob = s.offer(MediaSession.Side.CALLER, sdp(alice.getLocalPort(), "0 101",
        "a=rtpmap:101 telephone-event/8000\r\n"));
    int relayForBob = port(toBob);
    assertNotEquals(alice.getLocalPort(), relayForBob);
    assertTrue(toBob.contains("c=IN IP4 127.0.0.1"), toBob);
    // bob numbers telephone-event 96: the relay maps 101 <-> 96
    String toAlice = s.answer(MediaSession.Side.CALLEE, sdp(bob.getLocalPort(), "0 96",
        "a=rtpmap:96 telephone-event/8000\r\n"));
    int relayForAlice = port(toAlice);
    assertTrue(toAlice.contains("m=audio " + relayForAlice + " RTP/AVP 0 101"), toAlice);

    send(alice, rtp(0, 1, 0xA11CE), relayForAlice);
    DatagramPacket atBob = receive(bob);
    assertEquals(relayForBob, atBob.getPort(), "bob hears the relay, not alice");
    assertEquals(0, RtpPacket.payloadType(atBob.getData(), 0));
    send(alice, rtp(101, 2, 0xA11CE), relayForAlice);
    assertEquals(96, RtpPacket.payloadType(receive(bob).getData(), 0));

    send(bob, rtp(96, 1, 0xB0B), relayForBob);
    DatagramPacket atAlice = receive(alice);
    assertEquals(relayForAlice, atAlice.getPort());
    assertEquals(101, RtpPacket.payloadType(atAlice.getData(), 0));

    MediaSession.StreamStats st = s.stats().get(0);
    assertEquals(2, st.caller().packetsIn());
    assertEquals(2, st.callee().packetsOut());
    assertEquals(1, st.callee().packetsIn());
  }

  @Test
  void latchesOnTheFirstSourceAndDropsStrangersAndMalformedPackets() throws Exception {
    DatagramSocket alice = phone();
    DatagramSocket aliceBehindNat = phone(); // alice's packets really come from here
    DatagramSocket bob = phone();
    DatagramSocket stranger = phone();
    MediaSession s = engine.createSession("call-2");
    int relayForBob = port(s.offer(MediaSession.Side.CALLER, sdp(alice.getLocalPort(), "0", "")));
    int relayForAlice = port(s.answer(MediaSession.Side.CALLEE,
        sdp(bob.getLocalPort(), "0", "")));

    // before alice sends anything, bob's packets go to the address in alice's SDP
    send(bob, rtp(0, 1, 2), relayForBob);
    assertEquals(relayForAlice, receive(alice).getPort());

    send(aliceBehindNat, rtp(0, 1, 1), relayForAlice); // first packet: latch here
    receive(bob);
    send(bob, rtp(0, 2, 2), relayForBob);
    assertEquals(relayForAlice, receive(aliceBehindNat).getPort(), "sent where alice really is");
    assertNull(receiveOrNull(alice, 200), "no longer to the SDP address");

    send(stranger, rtp(0, 9, 666), relayForAlice);
    send(alice, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, relayForAlice);
    assertNull(receiveOrNull(bob, 300), "strangers and garbage are not relayed");
    LegStats.Snapshot caller = s.stats().get(0).caller();
    assertEquals(1, caller.strangers());
    assertEquals(1, caller.malformed());
    assertEquals(1, engine.metrics().get("media_packets_dropped{reason=\"stranger\"}"));

    // a re-INVITE moving alice re-latches
    s.offer(MediaSession.Side.CALLER, sdp(alice.getLocalPort() + 0, "0", ""));
    s.answer(MediaSession.Side.CALLEE, sdp(bob.getLocalPort(), "0", ""));
    send(stranger, rtp(0, 10, 666), relayForAlice);
    assertNull(receiveOrNull(bob, 300), "same SDP address: no re-latch, still a stranger");
  }

  @Test
  void legsWithoutACommonCodecAreTranscodedOpusToPcmuAndBack() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        org.opentelephony.media.codec.OpusLibrary.isAvailable(), "Opus JNI library");
    DatagramSocket phone = phone(); // G.711 only
    DatagramSocket browser = phone(); // Opus only
    MediaSession s = engine.createSession("transcoded");
    String toBrowser = s.offer(MediaSession.Side.CALLER, sdp(phone.getLocalPort(), "0", ""));
    assertTrue(toBrowser.contains("a=rtpmap:111 opus/48000/2"), "Opus added: " + toBrowser);
    String toPhone = s.answer(MediaSession.Side.CALLEE, sdp(browser.getLocalPort(), "111",
        "a=rtpmap:111 opus/48000/2\r\n"));
    assertTrue(toPhone.contains("m=audio " + port(toPhone) + " RTP/AVP 0\r\n"), toPhone);
    assertTrue(s.transcoding());

    // phone -> browser: 20 ms of PCMU in, Opus out
    byte[] pcmu = rtp(0, 1, 0x1111);
    java.util.Arrays.fill(pcmu, 12, pcmu.length, (byte) 0xFF);
    send(phone, pcmu, port(toPhone));
    DatagramPacket opus = receive(browser);
    assertEquals(111, RtpPacket.payloadType(opus.getData(), 0));
    assertEquals(160L * 6, RtpPacket.timestamp(opus.getData(), 0), "timestamps on 48 kHz");

    // browser -> phone: a real Opus frame in, 160 bytes of PCMU out
    byte[] frame = new byte[400];
    int n;
    try (var enc = new org.opentelephony.media.codec.OpusEncoder(48000, 1)) {
      n = enc.encode(new short[960], 0, 960, frame, 0, frame.length);
    }
    byte[] packet = new byte[12 + n];
    System.arraycopy(rtp(111, 5, 0x2222), 0, packet, 0, 12);
    System.arraycopy(frame, 0, packet, 12, n);
    send(browser, packet, port(toBrowser));
    DatagramPacket g711 = receive(phone);
    assertEquals(0, RtpPacket.payloadType(g711.getData(), 0));
    assertEquals(12 + 160, g711.getLength());
  }

  @Test
  void theAnswersCodecIsUsedAndVideoIsRelayedOnItsOwnStream() throws Exception {
    DatagramSocket aliceAudio = phone();
    DatagramSocket aliceVideo = phone();
    DatagramSocket bobAudio = phone();
    DatagramSocket bobVideo = phone();
    MediaSession s = engine.createSession("av");
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + aliceAudio.getLocalPort() + " RTP/AVP 0 8\r\n"
        + "m=video " + aliceVideo.getLocalPort() + " RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";
    String toBob = s.offer(MediaSession.Side.CALLER, offer);
    // bob picks PCMA (second in the offer) and numbers VP8 100
    String answer = "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + bobAudio.getLocalPort() + " RTP/AVP 8\r\n"
        + "m=video " + bobVideo.getLocalPort() + " RTP/AVP 100\r\na=rtpmap:100 VP8/90000\r\n";
    String toAlice = s.answer(MediaSession.Side.CALLEE, answer);
    assertTrue(toAlice.contains(" RTP/AVP 8\r\n"), "alice is told PCMA: " + toAlice);
    Matcher video = Pattern.compile("m=video (\\d+) ").matcher(toAlice);
    assertTrue(video.find(), toAlice);

    send(aliceAudio, rtp(8, 1, 1), port(toAlice));
    assertEquals(8, RtpPacket.payloadType(receive(bobAudio).getData(), 0));
    send(aliceAudio, rtp(0, 2, 1), port(toAlice)); // PCMU was not chosen: not relayed
    assertNull(receiveOrNull(bobAudio, 300));
    send(aliceVideo, rtp(96, 1, 2), Integer.parseInt(video.group(1)));
    DatagramPacket v = receive(bobVideo);
    assertEquals(100, RtpPacket.payloadType(v.getData(), 0), "VP8 relayed, payload type mapped");
    assertEquals(2, s.stats().size());
    assertTrue(toBob.contains("m=video"), toBob);
  }

  @Test
  void roundTripTimeOfALegComesFromItsReportOnARelayedSenderReport() throws Exception {
    DatagramSocket alice = phone();
    DatagramSocket aliceRtcp = phone();
    DatagramSocket bob = phone();
    DatagramSocket bobRtcp = phone();
    MediaSession s = engine.createSession("rtt");
    int relayForBob = port(s.offer(MediaSession.Side.CALLER, sdp(alice.getLocalPort(), "0",
        "a=rtcp:" + aliceRtcp.getLocalPort() + "\r\n")));
    String toAlice = s.answer(MediaSession.Side.CALLEE, sdp(bob.getLocalPort(), "0",
        "a=rtcp:" + bobRtcp.getLocalPort() + "\r\n"));
    int relayRtcpForAlice = port(toAlice) + 1;
    // alice's SR: NTP seconds 0x00001234, fraction 0x56780000 -> middle 32 bits 0x12345678
    byte[] sr = java.util.HexFormat.of().parseHex("80c80006" + "0000000a" + "00001234"
        + "56780000" + "00000000" + "00000001" + "000000a0");
    aliceRtcp.send(new DatagramPacket(sr, sr.length, LO, relayRtcpForAlice));
    DatagramPacket atBob = new DatagramPacket(new byte[200], 200);
    bobRtcp.receive(atBob);
    assertEquals(relayForBob + 1, atBob.getPort(), "SR relayed from the relay's RTCP port");
    now.addAndGet(150); // 150 ms later bob reports, having held the SR for 50 ms (DLSR)
    byte[] rr = java.util.HexFormat.of().parseHex("81c90007" + "0000000b" + "0000000a"
        + "00000000" + "00000000" + "00000000" + "12345678" + "00000ccd");
    bobRtcp.send(new DatagramPacket(rr, rr.length, LO, relayForBob + 1));
    DatagramPacket atAlice = new DatagramPacket(new byte[200], 200);
    aliceRtcp.receive(atAlice);
    long rtt = s.stats().get(0).callee().rttMillis();
    assertTrue(rtt >= 95 && rtt <= 105, "server <-> bob round trip 150 - 50 ms, got " + rtt);
  }

  @Test
  void answerWithoutCommonFormatIsRefusedNamingBothSets() throws Exception {
    MediaSession s = engine.createSession("call-3");
    s.offer(MediaSession.Side.CALLER, sdp(4000, "0", ""));
    SdpParseException e = assertThrows(SdpParseException.class,
        () -> s.answer(MediaSession.Side.CALLEE, sdp(5000, "8", ""))); // PCMA: not bridgeable
    assertTrue(e.getMessage().contains("PCMU/8000") && e.getMessage().contains("PCMA/8000"),
        e.getMessage());
  }

  @Test
  void silentCallTimesOutButNotWhileOnHold() throws Exception {
    List<String> timedOut = new ArrayList<>();
    engine.onInactivity(ms -> timedOut.add(ms.id()));
    MediaSession talking = engine.createSession("talking");
    talking.offer(MediaSession.Side.CALLER, sdp(4000, "0", ""));
    talking.answer(MediaSession.Side.CALLEE, sdp(5000, "0", ""));
    MediaSession held = engine.createSession("held");
    held.offer(MediaSession.Side.CALLER, sdp(4002, "0", "a=sendonly\r\n"));
    held.answer(MediaSession.Side.CALLEE, sdp(5002, "0", "a=recvonly\r\n"));
    MediaSession ringing = engine.createSession("ringing"); // offer only: no answer yet
    ringing.offer(MediaSession.Side.CALLER, sdp(4004, "0", ""));

    now.addAndGet(29_000);
    engine.checkInactivity();
    assertEquals(List.of(), timedOut);
    now.addAndGet(2_000);
    engine.checkInactivity();
    engine.checkInactivity();
    assertEquals(List.of("talking"), timedOut, "reported once, and only the silent live call");
  }

  /** STYLE.md: no allocation per packet on a pure relay; measured on the relay thread itself. */
  @Test
  void relayingAllocatesNothingPerPacket() throws Exception {
    DatagramSocket alice = phone();
    DatagramSocket bob = phone();
    MediaSession s = engine.createSession("alloc");
    s.offer(MediaSession.Side.CALLER, sdp(alice.getLocalPort(), "0", ""));
    int relayForAlice = port(s.answer(MediaSession.Side.CALLEE, sdp(bob.getLocalPort(), "0", "")));
    byte[] packet = rtp(0, 1, 7);
    for (int i = 0; i < 2_000; i++) { // warm up: JIT, selector and socket caches
      RtpPacket.setSequence(packet, 0, i);
      send(alice, packet, relayForAlice);
      receive(bob);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long relayThread = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("media-relay-0")).findFirst().orElseThrow().getId();
    long before = threads.getThreadAllocatedBytes(relayThread);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      RtpPacket.setSequence(packet, 0, i);
      send(alice, packet, relayForAlice);
      receive(bob);
    }
    long perPacket = (threads.getThreadAllocatedBytes(relayThread) - before) / n;
    System.out.println("relay allocation per packet: " + perPacket + " bytes");
    assertTrue(perPacket < 16, "relay thread allocated " + perPacket + " bytes per packet");
  }

  @Test
  void portsAreReleasedWhenSessionsClose() throws Exception {
    // the range holds 10 pairs: far fewer than the sessions opened one after another here
    for (int i = 0; i < 200; i++) {
      MediaSession s = engine.createSession("c" + i);
      s.offer(MediaSession.Side.CALLER, sdp(4000, "0", ""));
      s.answer(MediaSession.Side.CALLEE, sdp(5000, "0", ""));
      s.close();
    }
    assertEquals(0, engine.activeSessions());
  }
}
