package org.opentelephony.sip.call;

import org.opentelephony.sip.sdp.SdpException;

/**
 * The seam where the media engine takes part in offer/answer. Every SDP body crossing the B2BUA
 * from one leg to the other passes through {@link #relay}; the media engine will rewrite it to
 * anchor media on the server. {@link #release} frees what a call held.
 */
public interface MediaNegotiator {
  /** Which side of the call a body came from. */
  enum Side { CALLER, CALLEE }

  /** The body's role in RFC 3264 offer/answer, which the SIP layer knows from where it came. */
  enum Kind { OFFER, ANSWER }

  /**
   * The body to hand to the other leg for an SDP that arrived from {@code from}.
   *
   * @throws SdpException when the body cannot be bridged (the request is answered 488)
   */
  String relay(Call call, Side from, Kind kind, String sdp) throws SdpException;

  /**
   * The offer for one fork of a new call: {@code toBrowser} asks for the browser profile
   * (ICE, DTLS-SRTP) instead of plain RTP. The same offer may be asked for in both profiles.
   */
  default String relayOffer(Call call, Side from, String sdp, boolean toBrowser)
      throws SdpException {
    return relay(call, from, Kind.OFFER, sdp);
  }

  void release(Call call);

  /** Registers who ends a call (by {@link Call#id()}) whose media stopped; default: never. */
  default void onMediaTimeout(java.util.function.Consumer<String> callIdHandler) {
  }

  /** Hands bodies over unchanged: each leg's media flows directly between the endpoints. */
  MediaNegotiator PASS_THROUGH = new MediaNegotiator() {
    @Override
    public String relay(Call call, Side from, Kind kind, String sdp) {
      return sdp;
    }

    @Override
    public void release(Call call) {
    }
  };
}
