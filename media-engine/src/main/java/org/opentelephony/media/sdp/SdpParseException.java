package org.opentelephony.media.sdp;

/** An SDP body the media engine cannot work with; the message says why. */
public final class SdpParseException extends Exception {
  private static final long serialVersionUID = 1L;

  public SdpParseException(String message) {
    super(message);
  }
}
