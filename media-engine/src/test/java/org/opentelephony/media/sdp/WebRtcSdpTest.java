package org.opentelephony.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a browser's body and writing each profile's media sections. */
class WebRtcSdpTest {
  static String chromeOffer() throws IOException {
    try (InputStream in = WebRtcSdpTest.class.getResourceAsStream(
        "/sdp/chrome-offer-audio-video.sdp")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void profileComesFromTheProtocol() throws Exception {
    assertEquals(Profile.WEBRTC, Profile.of(SessionDescription.parse(chromeOffer())));
    assertEquals(Profile.WEBRTC, Profile.of("RTP/SAVPF"));
    assertEquals(Profile.PLAIN, Profile.of("RTP/AVP"));
    assertEquals(Profile.PLAIN, Profile.of("RTP/AVPF"));
  }

  @Test
  void readsIceAndDtlsParametersOfTheBundledTransport() throws Exception {
    TransportParams p = TransportParams.of(SessionDescription.parse(chromeOffer()));
    assertEquals("Jx5q", p.iceUfrag());
    assertEquals("Uvl1x0mGJpW5zEJ0x9Zc5gQ2", p.icePwd());
    assertTrue(p.fingerprint().startsWith("sha-256 9B:1F"));
    assertEquals("actpass", p.setup());
    assertEquals(2, p.candidates().size(), "candidates of the first media line");
    assertTrue(p.candidates().get(0).startsWith("candidate:1467250027 1 udp"));
  }

  @Test
  void aBodyWithoutCredentialsOrFingerprintIsRefused() throws Exception {
    String noFingerprint = chromeOffer().replaceAll("a=fingerprint:[^\\r\\n]*\\r?\\n", "");
    assertThrows(SdpParseException.class,
        () -> TransportParams.of(SessionDescription.parse(noFingerprint)));
    String noUfrag = chromeOffer().replaceAll("a=ice-ufrag:[^\\r\\n]*\\r?\\n", "");
    assertThrows(SdpParseException.class,
        () -> TransportParams.of(SessionDescription.parse(noUfrag)));
  }

  @Test
  void plainSectionFromABrowserOfferKeepsNoTransportAttributes() throws Exception {
    MediaDescription audio = SessionDescription.parse(chromeOffer()).media().get(0);
    String out = new SdpWriter("127.0.0.1", 1, 1, List.of())
        .media(audio, 20000, List.of(Codec.staticType(0)), Direction.SENDRECV).toString();
    assertTrue(out.contains("m=audio 20000 RTP/AVP 0\r\n"), out);
    for (String gone : List.of("a=ice-", "a=fingerprint", "a=setup", "a=mid", "a=msid",
        "a=ssrc", "a=rtcp-mux", "a=rtcp-fb", "a=extmap", "a=candidate", "a=rtcp:")) {
      assertFalse(out.contains(gone), gone + " must not reach a phone:\n" + out);
    }
    assertTrue(out.contains("a=sendrecv"));
  }

  @Test
  void webrtcSectionFromAPhoneOfferHasTheServersTransport() throws Exception {
    String phone = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=video 30000 RTP/AVP 100\r\na=rtpmap:100 VP8/90000\r\na=rtcp:30001\r\n"
        + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:xyz\r\n";
    MediaDescription video = SessionDescription.parse(phone).media().get(0);
    WebRtcSection w = new WebRtcSection("0", "uf", "pw", "sha-256 AA:BB", "actpass",
        List.of("candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host"), "st", "video0",
        List.of("a=ssrc:42 cname:x"));
    String out = new SdpWriter("127.0.0.1", 1, 1, List.of("a=group:BUNDLE 0"))
        .media(video, 10000, video.codecs(), Direction.SENDRECV, w).toString();
    assertTrue(out.contains("m=video 10000 UDP/TLS/RTP/SAVPF 100\r\n"), out);
    for (String line : List.of("a=mid:0", "a=ice-ufrag:uf", "a=ice-pwd:pw",
        "a=fingerprint:sha-256 AA:BB", "a=setup:actpass", "a=rtcp-mux", "a=msid:st video0",
        "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host", "a=end-of-candidates",
        "a=rtcp-fb:100 nack pli", "a=rtcp-fb:100 ccm fir", "a=ssrc:42 cname:x",
        "a=group:BUNDLE 0")) {
      assertTrue(out.contains(line + "\r\n"), line + " missing:\n" + out);
    }
    assertFalse(out.contains("a=crypto"), "SDES keys of the phone's leg never reach a browser");
    assertFalse(out.contains("a=rtcp:"), out);
  }

  @Test
  void repairFormatsAreRecognised() throws Exception {
    MediaDescription video = SessionDescription.parse(chromeOffer()).media().get(1);
    long repair = video.codecs().stream().filter(Codec::isRepair).count();
    assertEquals(2, repair, "two rtx formats");
    MediaDescription audio = SessionDescription.parse(chromeOffer()).media().get(0);
    assertTrue(audio.codecs().stream().anyMatch(c -> c.name().equals("red") && c.isRepair()));
    assertFalse(audio.codecs().stream().filter(c -> c.name().equals("CN"))
        .anyMatch(Codec::isMedia));
  }
}
