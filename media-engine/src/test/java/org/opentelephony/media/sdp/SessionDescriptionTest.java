package org.opentelephony.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionDescriptionTest {
  static final String BARESIP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.5\r\n"
      + "t=0 0\r\nm=audio 4000 RTP/AVP 96 0 101\r\na=rtpmap:96 opus/48000/2\r\n"
      + "a=fmtp:96 stereo=1\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n"
      + "a=rtcp:4005\r\na=sendonly\r\n";

  @Test
  void parsesFormatsDirectionAndAttributes() throws Exception {
    SessionDescription sd = SessionDescription.parse(BARESIP);
    MediaDescription m = sd.media().get(0);
    assertEquals("audio", m.type());
    assertEquals(4000, m.port());
    assertEquals("10.0.0.5", sd.connectionOf(m));
    assertEquals(Direction.SENDONLY, m.direction());
    assertEquals(List.of("opus", "PCMU", "telephone-event"),
        m.codecs().stream().map(Codec::name).toList());
    assertEquals(48000, m.codecs().get(0).clockRate());
    assertEquals("stereo=1", m.codecs().get(0).fmtp());
    assertTrue(m.otherLines().contains("a=ptime:20"));
  }

  @Test
  void writerPutsOurAddressPortAndChosenFormats() throws Exception {
    SessionDescription sd = SessionDescription.parse(BARESIP);
    MediaDescription m = sd.media().get(0);
    String out = new SdpWriter("192.0.2.1", 7, 3, List.of())
        .media(m, 20000, List.of(m.codecs().get(1), m.codecs().get(2)), Direction.RECVONLY)
        .toString();
    assertTrue(out.contains("o=- 7 3 IN IP4 192.0.2.1\r\n"), out);
    assertTrue(out.contains("c=IN IP4 192.0.2.1\r\n"), out);
    assertTrue(out.contains("m=audio 20000 RTP/AVP 0 101\r\n"), out);
    assertTrue(out.contains("a=rtpmap:101 telephone-event/8000\r\n"), out);
    assertTrue(out.contains("a=recvonly\r\n"), out);
    assertTrue(!out.contains("a=rtcp:4005"), "the peer's RTCP port is not ours: " + out);
    assertTrue(!out.contains("opus"), out);
  }

  @Test
  void badBodiesAreRejectedWithAReason() {
    assertReason("", "empty");
    assertReason("v=0\r\nc=IN IP4 1.2.3.4\r\n", "no media");
    assertReason("v=0\r\nm=audio 4000 RTP/AVP 0\r\n", "connection");
    assertReason("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n", "port");
    assertReason("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP\r\n", "formats");
    assertReason("v=0\r\nc=IN IP4 not-an-ip\r\nm=audio 4000 RTP/AVP 0\r\n", "IPv4");
    assertReason("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 200\r\n", "payload type");
    assertReason("c=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\n", "v=0");
  }

  private static void assertReason(String sdp, String fragment) {
    SdpParseException e = assertThrows(SdpParseException.class,
        () -> SessionDescription.parse(sdp));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void rfc2543HoldAddressMeansSendOnly() throws Exception {
    SessionDescription sd = SessionDescription.parse(
        "v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 4000 RTP/AVP 0\r\n");
    assertEquals(Direction.SENDONLY, sd.media().get(0).direction());
  }

  @Test
  void directionsCombine() {
    assertEquals(Direction.RECVONLY, Direction.SENDONLY.reverse());
    assertEquals(Direction.INACTIVE, Direction.SENDONLY.intersect(Direction.SENDONLY));
    assertEquals(Direction.SENDONLY, Direction.SENDONLY.intersect(Direction.RECVONLY));
  }
}
