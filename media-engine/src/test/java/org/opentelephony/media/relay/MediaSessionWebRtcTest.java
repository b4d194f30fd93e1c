package org.opentelephony.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentelephony.media.MediaConfig;
import org.opentelephony.media.ice.IceConfig;
import org.opentelephony.media.relay.MediaSession.Side;
import org.opentelephony.media.sdp.Profile;
import org.opentelephony.media.sdp.SdpParseException;

/**
 * SDP translation between a browser's profile (ICE, DTLS-SRTP, BUNDLE) and a phone's plain RTP
 * through a {@link MediaSession}: what each leg is handed, in both call directions.
 */
class MediaSessionWebRtcTest {
  private MediaEngine engine;

  @BeforeEach
  void start() throws Exception {
    int base = 44000 + (int) (ProcessHandle.current().pid() % 400) * 20;
    engine = MediaEngine.start(new MediaConfig("127.0.0.1", "127.0.0.1", base, base + 19, 1,
        Duration.ofSeconds(30), IceConfig.defaults().withPort(0)));
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  private static String chromeOffer() throws Exception {
    try (InputStream in = MediaSessionWebRtcTest.class.getResourceAsStream(
        "/sdp/chrome-offer-audio-video.sdp")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String phone(String media) {
    return "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" + media;
  }

  /** A browser's answer to the server's offer, as Chrome writes it (setup:active). */
  private static String browserAnswer(String media) {
    return "v=0\r\no=- 9 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" + media;
  }

  private static final String BROWSER_AUDIO_ANSWER = "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
      + "c=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserpassword0123456789\r\n"
      + "a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:"
      + "77:88:99:00:AA:BB:CC:DD:EE:FF\r\na=setup:active\r\na=sendrecv\r\na=rtcp-mux\r\n"
      + "a=rtpmap:0 PCMU/8000\r\na=ssrc:555 cname:b\r\n";

  private static List<String> lines(String sdp) {
    return List.of(sdp.split("\r\n"));
  }

  private static String mLine(String sdp, String type) {
    Matcher m = Pattern.compile("m=" + type + " [^\r\n]*").matcher(sdp);
    assertTrue(m.find(), "no m=" + type + " in\n" + sdp);
    return m.group();
  }

  @Test
  void browserCallsPhone() throws Exception {
    MediaSession s = engine.createSession("b2p");
    String toPhone = s.offer(Side.CALLER, chromeOffer(), Profile.PLAIN);
    assertTrue(mLine(toPhone, "audio").matches("m=audio \\d+ RTP/AVP 111 9 0 8 13 110 126"),
        "red (63) is left out, the rest offered as the browser ordered them:\n" + toPhone);
    assertTrue(mLine(toPhone, "video").matches("m=video \\d+ RTP/AVP 96 98"),
        "rtx (97, 99) is left out:\n" + toPhone);
    for (String gone : List.of("a=ice-", "a=fingerprint", "a=setup", "a=candidate", "a=mid",
        "a=ssrc", "a=msid", "a=extmap", "a=rtcp-fb", "a=group", "a=rtcp-mux")) {
      assertFalse(toPhone.contains(gone), gone + " reached the phone:\n" + toPhone);
    }
    int audioPort = Integer.parseInt(mLine(toPhone, "audio").split(" ")[1]);
    String phoneAnswer = phone("m=audio 30000 RTP/AVP 0\r\na=sendrecv\r\n"
        + "m=video 30002 RTP/AVP 100\r\na=rtpmap:100 VP8/90000\r\n");
    String toBrowser = s.answer(Side.CALLEE, phoneAnswer);
    assertEquals("m=audio " + portOf(toBrowser) + " UDP/TLS/RTP/SAVPF 0", mLine(toBrowser, "audio"));
    assertEquals("m=video " + portOf(toBrowser) + " UDP/TLS/RTP/SAVPF 96",
        mLine(toBrowser, "video"), "the browser's own payload type for VP8");
    List<String> l = lines(toBrowser);
    assertTrue(l.contains("a=group:BUNDLE 0 1"), toBrowser);
    assertTrue(l.contains("a=setup:passive"), "the server answers actpass with passive");
    assertTrue(l.contains("a=fingerprint:" + engine.certificate().fingerprint()));
    assertTrue(l.contains("a=mid:0") && l.contains("a=mid:1"), "the browser's mids");
    assertTrue(l.contains("a=rtcp-mux"));
    assertTrue(l.contains("a=rtcp-fb:96 nack pli") && l.contains("a=rtcp-fb:96 ccm fir"));
    assertTrue(l.stream().anyMatch(x -> x.matches("a=candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 "
        + portOf(toBrowser) + " typ host.*")), toBrowser);
    assertTrue(l.stream().anyMatch(x -> x.startsWith("a=ice-ufrag:")));
    assertFalse(toBrowser.contains("a=extmap"), "no header extensions are negotiated");
    assertTrue(audioPort >= 44000, "the phone got a relay port");
    assertEquals(Profile.WEBRTC, s.profile(Side.CALLER));
    assertEquals(Profile.PLAIN, s.profile(Side.CALLEE));
    assertEquals(1, s.transports().size(), "one browser transport, for the caller");
    s.close();
  }

  private static int portOf(String webrtcSdp) {
    Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(webrtcSdp);
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }

  @Test
  void phoneCallsBrowser() throws Exception {
    MediaSession s = engine.createSession("p2b");
    String toBrowser = s.offer(Side.CALLER, phone("m=audio 30000 RTP/AVP 0 8 101\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n"), Profile.WEBRTC);
    List<String> l = lines(toBrowser);
    assertTrue(mLine(toBrowser, "audio").startsWith("m=audio " + portOf(toBrowser)
        + " UDP/TLS/RTP/SAVPF 0 8 101"), toBrowser);
    assertTrue(l.contains("a=setup:actpass"), "offers leave the DTLS role to the browser");
    assertTrue(l.contains("a=group:BUNDLE 0") && l.contains("a=mid:0"));
    assertTrue(l.contains("a=end-of-candidates"));
    assertTrue(l.contains("a=ptime:20"), "media attributes pass");
    String toPhone = s.answer(Side.CALLEE, browserAnswer(BROWSER_AUDIO_ANSWER));
    assertTrue(mLine(toPhone, "audio").matches("m=audio \\d+ RTP/AVP 0"), toPhone);
    assertFalse(toPhone.contains("a=ice-") || toPhone.contains("a=fingerprint")
        || toPhone.contains("a=ssrc"), toPhone);
    assertEquals(Profile.WEBRTC, s.profile(Side.CALLEE));
    var t = s.transports();
    assertEquals(1, t.size());
    assertEquals(Side.CALLEE, t.get(0).side());
    s.close();
  }

  @Test
  void browserToBrowserPassesTheSendersSsrcAndMidsOfEachSide() throws Exception {
    MediaSession s = engine.createSession("b2b");
    String toCallee = s.offer(Side.CALLER, chromeOffer(), Profile.WEBRTC);
    assertTrue(lines(toCallee).contains("a=ssrc:1001 cname:Qm5YkDq"), toCallee);
    assertFalse(toCallee.contains("a=ssrc:2002"), "the rtx SSRC stays out:\n" + toCallee);
    assertFalse(toCallee.contains("msid:3b2f5e0c"), "the server's own msid is written");
    String answer = browserAnswer(BROWSER_AUDIO_ANSWER.replace("a=group", "")
        + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n");
    String toCaller = s.answer(Side.CALLEE, answer);
    assertTrue(lines(toCaller).contains("a=ssrc:555 cname:b"), toCaller);
    assertTrue(mLine(toCaller, "video").startsWith("m=video 0 "), "video rejected:\n" + toCaller);
    assertTrue(lines(toCaller).contains("a=group:BUNDLE 0"), toCaller);
    assertEquals(2, s.transports().size());
    s.close();
  }

  @Test
  void forkOfferedInBothProfilesKeepsOnlyTheWinnersTransport() throws Exception {
    MediaSession s = engine.createSession("fork");
    String offer = phone("m=audio 30000 RTP/AVP 0\r\n");
    String toBrowser = s.offer(Side.CALLER, offer, Profile.WEBRTC);
    String toPhone = s.offer(Side.CALLER, offer, Profile.PLAIN);
    assertTrue(toBrowser.contains("UDP/TLS/RTP/SAVPF") && toPhone.contains("RTP/AVP"));
    assertEquals(1, s.transports().size(), "a browser transport waits for the browser fork");
    s.answer(Side.CALLEE, phone("m=audio 30010 RTP/AVP 0\r\n"));
    assertEquals(0, s.transports().size(), "the phone answered: the browser transport is gone");
    s.close();
  }

  @Test
  void aBrowserBodyWithoutFingerprintIsRefused() throws Exception {
    MediaSession s = engine.createSession("bad");
    String noFingerprint = chromeOffer().replaceAll("a=fingerprint:[^\r\n]*\r?\n", "");
    SdpParseException e = assertThrows(SdpParseException.class,
        () -> s.offer(Side.CALLER, noFingerprint, Profile.PLAIN));
    assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    s.close();
  }

  @Test
  void aDataChannelLineIsRejectedNotRelayed() throws Exception {
    MediaSession s = engine.createSession("dc");
    String offer = chromeOffer().replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
        + "a=mid:2\r\na=sctp-port:5000\r\n";
    String toPhone = s.offer(Side.CALLER, offer, Profile.PLAIN);
    assertTrue(toPhone.contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel"), toPhone);
    s.close();
  }

  @Test
  void browserMediaIsRefusedWhenTheServerHasItOff() throws Exception {
    try (MediaEngine plainOnly = MediaEngine.start(new MediaConfig("127.0.0.1", "127.0.0.1",
        46000, 46019, 1, Duration.ofSeconds(30)))) {
      MediaSession s = plainOnly.createSession("off");
      assertThrows(SdpParseException.class, () -> s.offer(Side.CALLER, chromeOffer()));
      s.close();
    }
  }
}
