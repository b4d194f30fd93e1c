package org.opentelephony.sip.sdp;

import java.util.Vector;
import javax.sdp.Connection;
import javax.sdp.Media;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SdpParseException;
import javax.sdp.SessionDescription;

/**
 * Parses and validates an SDP body (RFC 4566 / RFC 3264 offer or answer) well enough that relaying
 * it will not hand a peer something unusable, and tells which media it carries.
 */
public final class SdpValidator {

  private SdpValidator() {
  }

  public static SdpSummary validate(String body) throws org.opentelephony.sip.sdp.SdpException {
    if (body == null || body.isBlank()) {
      throw new org.opentelephony.sip.sdp.SdpException("empty SDP body");
    }
    SessionDescription sd;
    try {
      sd = SdpFactory.getInstance().createSessionDescription(body);
    } catch (SdpParseException e) {
      throw new org.opentelephony.sip.sdp.SdpException("unparsable SDP: " + e.getMessage());
    }
    try {
      if (sd.getVersion() == null || sd.getVersion().getVersion() != 0) {
        throw new org.opentelephony.sip.sdp.SdpException("SDP version must be 0 (v=0)");
      }
      if (sd.getOrigin() == null) {
        throw new org.opentelephony.sip.sdp.SdpException("SDP has no origin (o=)");
      }
      Connection sessionConnection = sd.getConnection();
      @SuppressWarnings("unchecked")
      Vector<MediaDescription> media = sd.getMediaDescriptions(false);
      if (media == null || media.isEmpty()) {
        throw new org.opentelephony.sip.sdp.SdpException("SDP has no media (m=)");
      }
      boolean audio = false;
      boolean video = false;
      for (MediaDescription md : media) {
        Media m = md.getMedia();
        if (m == null) {
          throw new org.opentelephony.sip.sdp.SdpException("media description without m= line");
        }
        int port = m.getMediaPort();
        if (port < 0 || port > 65535) {
          throw new org.opentelephony.sip.sdp.SdpException("media port out of range: " + port);
        }
        Vector<?> formats = m.getMediaFormats(false);
        if (formats == null || formats.isEmpty()) {
          throw new org.opentelephony.sip.sdp.SdpException("m=" + m.getMediaType()
              + " lists no formats");
        }
        if (port > 0 && sessionConnection == null && md.getConnection() == null) {
          throw new org.opentelephony.sip.sdp.SdpException("m=" + m.getMediaType()
              + " has no connection address (c=)");
        }
        if (port > 0) {
          audio |= "audio".equalsIgnoreCase(m.getMediaType());
          video |= "video".equalsIgnoreCase(m.getMediaType());
        }
      }
      return new SdpSummary(audio, video);
    } catch (SdpParseException e) {
      throw new org.opentelephony.sip.sdp.SdpException("bad SDP field: " + e.getMessage());
    } catch (SdpException e) {
      throw new org.opentelephony.sip.sdp.SdpException("bad SDP: " + e.getMessage());
    }
  }
}
