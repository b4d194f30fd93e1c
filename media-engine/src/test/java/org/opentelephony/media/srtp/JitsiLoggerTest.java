package org.opentelephony.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** jitsi-srtp's per-packet SEVERE lines (send-side replays) end up at DEBUG, never above. */
class JitsiLoggerTest {
  @Test
  void sendSideReplayLogsNothingAboveDebug() {
    Logger jitsi = (Logger) LogManager.getLogger("org.opentelephony.media.srtp.jitsi");
    List<LogEvent> events = new CopyOnWriteArrayList<>();
    AbstractAppender capture = new AbstractAppender("capture", null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        events.add(event.toImmutable());
      }
    };
    capture.start();
    Level before = jitsi.getLevel();
    boolean additive = jitsi.isAdditive();
    jitsi.addAppender(capture);
    jitsi.setAdditive(false);
    jitsi.setLevel(Level.ALL);
    try {
      SrtpSession s = new SrtpSession(SrtpSessionTest.keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 12));
      byte[] rtp = new byte[12 + 20 + SrtpSession.MAX_OVERHEAD];
      rtp[0] = (byte) 0x80;
      s.protectRtp(rtp.clone(), 0, 32);
      assertEquals(SrtpSession.Failure.REPLAYED.code(), s.protectRtp(rtp.clone(), 0, 32));
    } finally {
      jitsi.removeAppender(capture);
      jitsi.setAdditive(additive);
      jitsi.setLevel(before);
    }
    assertTrue(events.stream().anyMatch(e -> e.getMessage().getFormattedMessage()
        .contains("Discarding RTP packet")), "jitsi-srtp did report it: " + events);
    assertTrue(events.stream().noneMatch(e -> e.getLevel().isMoreSpecificThan(Level.INFO)),
        "nothing above DEBUG: " + events);
  }
}
