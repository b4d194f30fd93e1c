package org.opentelephony.sip.b2bua;

import java.nio.charset.StandardCharsets;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Message;

/** Reading message bodies: whether there is one, whether it is SDP, its text. */
final class Bodies {
  private Bodies() {
  }

  static boolean hasBody(Message m) {
    byte[] raw = m.getRawContent();
    return raw != null && raw.length > 0;
  }

  static boolean isSdp(Message m) {
    ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
    return ct != null && "application".equalsIgnoreCase(ct.getContentType())
        && "sdp".equalsIgnoreCase(ct.getContentSubType());
  }

  static String bodyOf(Message m) {
    byte[] raw = m.getRawContent();
    return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
  }
}
