package org.opentelephony.sip.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SdpValidatorTest {
  private static final String AUDIO = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n";

  @Test
  void audioOfferIsValid() throws Exception {
    assertEquals(new SdpSummary(true, false), SdpValidator.validate(AUDIO));
  }

  @Test
  void audioAndVideoWithMediaLevelConnection() throws Exception {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\n"
        + "m=video 4002 RTP/AVP 96\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:96 VP8/90000\r\n";
    assertEquals(new SdpSummary(true, true), SdpValidator.validate(sdp));
  }

  @Test
  void rejectedStreamDoesNotCount() throws Exception {
    String sdp = AUDIO + "m=video 0 RTP/AVP 96\r\n";
    assertEquals(new SdpSummary(true, false), SdpValidator.validate(sdp));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty body|''|empty",
      "not SDP at all|hello world|SDP",
      "no media|v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\nc=IN IP4 127.0.0.1\\r\\nt=0 0\\r\\n|no media",
      "no connection|v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\nm=audio 4000 RTP/AVP 0\\r\\n|connection",
      "no origin|v=0\\r\\ns=-\\r\\nc=IN IP4 127.0.0.1\\r\\nt=0 0\\r\\nm=audio 4000 RTP/AVP 0\\r\\n|origin",
      "wrong version|v=1\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\nc=IN IP4 127.0.0.1\\r\\nt=0 0\\r\\nm=audio 4000 RTP/AVP 0\\r\\n|version",
  })
  void badBodiesAreRejectedWithAReason(String name, String body, String reasonFragment) {
    String sdp = body.replace("\\r\\n", "\r\n");
    SdpException e = assertThrows(SdpException.class, () -> SdpValidator.validate(sdp));
    assertTrue(e.getMessage().toLowerCase().contains(reasonFragment.toLowerCase()),
        name + ": " + e.getMessage());
  }
}
