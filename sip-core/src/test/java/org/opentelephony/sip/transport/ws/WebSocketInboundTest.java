package org.opentelephony.sip.transport.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebSocketInboundTest {
  private static final String HANDSHAKE = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: foo, sip\r\n\r\n";
  private static final String OPTIONS = "OPTIONS sip:localhost SIP/2.0\r\nVia: SIP/2.0/WS a.invalid"
      + "\r\nCall-ID: 1\r\nContent-Length: 4\r\n\r\nbody";

  /** A client frame (masked) with {@code opcode} and {@code fin}. */
  static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write((fin ? 0x80 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65536) {
      f.write(0x80 | 126);
      f.write(n >> 8);
      f.write(n);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) n >> (8 * i)));
      }
    }
    byte[] mask = {1, 2, 3, 4};
    f.writeBytes(mask);
    for (int i = 0; i < n; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    return f.toByteArray();
  }

  static byte[] text(String s) {
    return frame(1, true, s.getBytes(StandardCharsets.UTF_8));
  }

  private static WebSocketInbound open() {
    WebSocketInbound in = new WebSocketInbound(1000);
    List<WebSocketInbound.Action> a = in.feed(HANDSHAKE.getBytes(StandardCharsets.US_ASCII));
    assertEquals(1, a.size());
    String passed = new String(((WebSocketInbound.Pass) a.get(0)).bytes(), StandardCharsets.US_ASCII);
    assertTrue(passed.endsWith("Sec-WebSocket-Protocol: sip\r\n\r\n"), passed);
    return in;
  }

  @Test
  void aSipMessageIsPassedAsReceivedEvenByteByByte() {
    WebSocketInbound in = open();
    byte[] f = text(OPTIONS);
    ByteArrayOutputStream passed = new ByteArrayOutputStream();
    for (byte b : f) {
      for (WebSocketInbound.Action a : in.feed(new byte[] {b})) {
        passed.writeBytes(((WebSocketInbound.Pass) a).bytes());
      }
    }
    assertArrayEquals(f, passed.toByteArray());
  }

  @Test
  void handshakeWithoutSipIsRefused() {
    WebSocketInbound in = new WebSocketInbound(1000);
    List<WebSocketInbound.Action> a = in.feed(HANDSHAKE.replace("foo, sip", "chat")
        .getBytes(StandardCharsets.US_ASCII));
    assertInstanceOf(WebSocketInbound.Fail.class, a.get(0));
    assertEquals(WebSocketInbound.State.CLOSED, in.state());
  }

  static Stream<Arguments> badFrames() {
    return Stream.of(
        Arguments.of("garbage text", text("hello"), "not SIP"),
        Arguments.of("truncated", text("OPTIONS sip:a SIP/2.0\r\nVia: x\r\n"), "not SIP"),
        Arguments.of("short body", text(OPTIONS.replace("body", "b")), "Content-Length mismatch"),
        Arguments.of("binary garbage", frame(2, true, new byte[] {0, 1, 2}), "not SIP"),
        Arguments.of("oversized", text("X".repeat(1001)), "oversized"),
        Arguments.of("fragment", frame(1, false, OPTIONS.getBytes(StandardCharsets.US_ASCII)),
            "fragmented"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  void badFramesAreDroppedAndTheNextMessageStillPasses(String name, byte[] bad, String reason) {
    WebSocketInbound in = open();
    byte[] good = text(OPTIONS);
    byte[] both = new byte[bad.length + good.length];
    System.arraycopy(bad, 0, both, 0, bad.length);
    System.arraycopy(good, 0, both, bad.length, good.length);
    List<WebSocketInbound.Action> a = in.feed(both);
    assertEquals(new WebSocketInbound.Drop(reason), a.get(0));
    assertArrayEquals(good, ((WebSocketInbound.Pass) a.get(a.size() - 1)).bytes());
  }

  static Stream<Arguments> violations() {
    byte[] unmasked = {(byte) 0x81, 0x02, 'h', 'i'};
    byte[] rsv = text("x");
    rsv[0] |= 0x40;
    return Stream.of(Arguments.of("unmasked", unmasked), Arguments.of("rsv", rsv),
        Arguments.of("reserved opcode", frame(3, true, new byte[0])),
        Arguments.of("fragmented ping", frame(9, false, new byte[0])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void protocolViolationsCloseTheConnection(String name, byte[] frame) {
    WebSocketInbound in = open();
    assertInstanceOf(WebSocketInbound.Fail.class, in.feed(frame).get(0));
    assertTrue(in.feed(text(OPTIONS)).isEmpty(), "nothing more after a violation");
  }

  @Test
  void pingIsAnsweredAndCloseIsEchoed() {
    WebSocketInbound in = open();
    WebSocketInbound.Reply pong = (WebSocketInbound.Reply) in.feed(frame(9, true, new byte[] {7}))
        .get(0);
    assertArrayEquals(new byte[] {(byte) 0x8A, 1, 7}, pong.bytes());
    WebSocketInbound.Close close = (WebSocketInbound.Close) in.feed(
        frame(8, true, new byte[] {0x03, (byte) 0xE9})).get(0);
    assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE9}, close.reply());
  }
}
