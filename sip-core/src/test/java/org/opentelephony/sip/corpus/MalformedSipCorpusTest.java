package org.opentelephony.sip.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentelephony.sip.SipServer;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.transport.LoopMarker;

/**
 * Sends every message of the corpus in {@code sip-corpus/} (RFC 4475 torture messages and our
 * own) to a running server over UDP and checks the status of its answer, or that none comes when
 * no answer is possible. After all of them the server must still serve a normal request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedSipCorpusTest {
  private static final Path CORPUS = Path.of("src", "test", "resources", "sip-corpus");
  private SipServer server;
  private int port;

  @BeforeAll
  void start() throws Exception {
    port = freePort();
    Path data = Files.createTempDirectory("corpus");
    server = SipServer.start(SipConfig.from(ConfigFactory.parseMap(Map.of(
        "data-dir", data.toString(), "sip.port", port, "sip.ws.enabled", false,
        "sip.wss.enabled", false))
        .withFallback(ConfigFactory.defaultReference()).resolve()), MediaNegotiator.PASS_THROUGH);
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  static Stream<Arguments> corpus() throws IOException {
    List<Arguments> rows = new ArrayList<>();
    for (String line : Files.readAllLines(CORPUS.resolve("expected.tsv"))) {
      String[] f = line.split("\t");
      if (f[0].equals("file") || f[0].startsWith("generated:") || f[0].startsWith("#")) {
        continue;
      }
      rows.add(Arguments.of(f[0], f[2], f.length > 3 ? f[3] : ""));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("corpus")
  void eachMessageGetsTheRightAnswer(String file, String expected, String why) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      byte[] msg = substitute(Files.readAllBytes(CORPUS.resolve(file)), socket.getLocalPort());
      socket.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
      Integer status = firstStatus(socket, expected.equals("drop") ? 400 : 2000);
      switch (expected) {
        case "drop" -> assertNull(status, file + " should get no answer (" + why + ")");
        case "any4xx" -> assertTrue(status != null && status >= 400 && status < 500,
            file + " got " + status + " (" + why + ")");
        default -> assertEquals(Integer.valueOf(expected), status, file + ": " + why);
      }
    }
  }

  static Stream<Arguments> authedCorpus() throws IOException {
    List<Arguments> rows = new ArrayList<>();
    for (String line : Files.readAllLines(CORPUS.resolve("expected-authed.tsv"))) {
      String[] f = line.split("\t");
      if (f[0].equals("file") || f[0].startsWith("#")) {
        continue;
      }
      rows.add(Arguments.of(f[0], Integer.valueOf(f[2])));
    }
    return rows.stream();
  }

  /** What hides behind the challenge: the final answer once alice's credentials are given. */
  @ParameterizedTest(name = "{0} (authenticated) -> {1}")
  @MethodSource("authedCorpus")
  void authenticatedMessagesGetTheRightAnswer(String file, int expected) throws Exception {
    boolean wrongPassword = file.equals("generated:register-wrong-password");
    String name = wrongPassword ? "own-register-alice.sip" : file;
    try (DatagramSocket socket = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      String first = new String(substitute(Files.readAllBytes(CORPUS.resolve(name)),
          socket.getLocalPort()), StandardCharsets.ISO_8859_1);
      String challenge = send(socket, first);
      int status = statusOf(challenge);
      assertTrue(status == 401 || status == 407, name + " was not challenged: " + status);
      String retry = DigestRetry.answer(first, challenge, "alice",
          wrongPassword ? "not-alice123" : "alice123");
      assertEquals(expected, statusOf(send(socket, retry)), file);
    }
  }

  @Test
  void requestComingBackUnchangedIsALoopButASpiralIsNot() throws Exception {
    String ruri = "sip:bob@localhost";
    String branch = LoopMarker.branchFor(ruri, "loop-call@test", "looptag", 1);
    try (DatagramSocket socket = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      String loop = "INVITE " + ruri + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bKproxy1\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=" + branch + "\r\n"
          + "From: <sip:alice@localhost>;tag=looptag\r\nTo: <sip:bob@localhost>\r\n"
          + "Call-ID: loop-call@test\r\nCSeq: 1 INVITE\r\nMax-Forwards: 60\r\n"
          + "Content-Length: 0\r\n\r\n";
      assertEquals(482, statusOf(send(socket, loop)));
      String spiral = loop.replace("INVITE " + ruri, "INVITE sip:carol@localhost")
          .replace("z9hG4bKproxy1", "z9hG4bKproxy2");
      assertEquals(407, statusOf(send(socket, spiral)), "changed Request-URI: a spiral");
    }
  }

  private String send(DatagramSocket socket, String msg) throws IOException {
    byte[] b = msg.getBytes(StandardCharsets.ISO_8859_1);
    socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    socket.setSoTimeout(3000);
    byte[] buf = new byte[65_535];
    while (true) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      socket.receive(p);
      String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
      if (text.startsWith("SIP/2.0 ") && statusOf(text) >= 200) {
        return text;
      }
    }
  }

  @Test
  void oversizedRequestOverTcpIs513() throws Exception {
    String pad = "x".repeat(70_000);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(3000);
      String msg = options("TCP", "127.0.0.1:" + s.getLocalPort(), "X-Padding: " + pad + "\r\n");
      s.getOutputStream().write(msg.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = in.read(buf);
      assertTrue(n > 0, "no answer");
      assertEquals(513, statusOf(new String(buf, 0, n, StandardCharsets.US_ASCII)));
    }
  }

  @Test
  void largestUdpDatagramIsStillServed() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      String head = options("UDP", "127.0.0.1:" + socket.getLocalPort(), "X-Padding: ");
      String msg = head.replace("X-Padding: \r\n", "X-Padding: "
          + "y".repeat(65_507 - head.length()) + "\r\n");
      byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
      assertEquals(65_507, b.length);
      socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
      assertEquals(200, firstStatus(socket, 3000));
    }
  }

  @Test
  void serverStillServesAfterTheCorpus() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      byte[] b = options("UDP", "127.0.0.1:" + socket.getLocalPort(), "")
          .getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
      assertEquals(200, firstStatus(socket, 3000));
    }
  }

  private String options(String transport, String client, String extraHeader) {
    String branch = "z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    String extra = extraHeader.isEmpty() ? "" : extraHeader + (extraHeader.endsWith("\r\n")
        ? "" : "\r\n");
    return "OPTIONS sip:localhost SIP/2.0\r\n"
        + "Via: SIP/2.0/" + transport + " " + client + ";branch=" + branch + "\r\n"
        + "From: <sip:probe@localhost>;tag=1\r\nTo: <sip:localhost>\r\n"
        + "Call-ID: " + branch + "@test\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        + extra + "Content-Length: 0\r\n\r\n";
  }

  private byte[] substitute(byte[] raw, int clientPort) {
    String s = new String(raw, StandardCharsets.ISO_8859_1)
        .replace("${CLIENT}", "127.0.0.1:" + clientPort)
        .replace("${SERVER}", "127.0.0.1:" + port);
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The status code of the first response, or null if none arrives in time. */
  private static Integer firstStatus(DatagramSocket socket, int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    byte[] buf = new byte[65_535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
      if (text.startsWith("SIP/2.0 ")) {
        int status = statusOf(text);
        if (status >= 200) {
          return status;
        }
      }
    }
    return null;
  }

  private static int statusOf(String response) {
    return Integer.parseInt(response.substring(8, 11));
  }

  private static int freePort() throws IOException {
    for (int i = 0; i < 100; i++) {
      int p = ThreadLocalRandom.current().nextInt(41000, 60000);
      try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", p));
           ServerSocket t = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException busy) {
        // try another
      }
    }
    throw new IOException("no free port");
  }
}
