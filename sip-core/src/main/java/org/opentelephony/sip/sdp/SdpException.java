package org.opentelephony.sip.sdp;

/** An SDP body the server cannot accept; the message goes into a Warning header of the 488. */
public final class SdpException extends Exception {
  private static final long serialVersionUID = 1L;

  public SdpException(String message) {
    super(message);
  }
}
