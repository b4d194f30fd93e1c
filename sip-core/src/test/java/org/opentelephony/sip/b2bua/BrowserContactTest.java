package org.opentelephony.sip.b2bua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentelephony.sip.registrar.Binding;

/** Which registered contacts get browser media (DTLS-SRTP) from the B2BUA. */
class BrowserContactTest {
  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
      "sip:alice@127.0.0.1:5070;ot-webrtc, udp, true",
      "sip:alice@127.0.0.1:5070;ot-webrtc;transport=udp, udp, true",
      "sip:alice@127.0.0.1:5070;ot-webrtc=1, udp, true",
      "sip:alice@127.0.0.1:5070, udp, false",
      "sip:alice@127.0.0.1:5070;ot-webrtcx, udp, false",
      "sip:ot-webrtc@127.0.0.1:5070, udp, false",
      "sip:abc@df7jal23ls0d.invalid;transport=ws, ws, true",
      "sip:abc@127.0.0.1;transport=wss, wss, true",
  })
  void browserContacts(String contact, String transport, boolean browser) {
    Binding b = new Binding("alice", contact, "", transport, "cid", 1, Long.MAX_VALUE, "ua");
    assertEquals(browser, b.isBrowser());
  }
}
