package org.opentelephony.media;

import java.time.Duration;
import org.opentelephony.media.ice.IceConfig;

/**
 * Settings of the media engine.
 *
 * @param bindAddress       where relay sockets are bound
 * @param advertisedAddress the address written into SDP for peers (behind NAT: the public one)
 * @param portMin           first port of the relay range (RTP on even ports, RTCP on the next)
 * @param portMax           last port of the range
 * @param threads           relay threads (each a selector loop owning whole streams)
 * @param inactivityTimeout calls with no RTP/RTCP in either direction for this long are ended
 * @param ice               ICE for browser (DTLS-SRTP) legs; null turns browser media off
 */
public record MediaConfig(String bindAddress, String advertisedAddress, int portMin, int portMax,
    int threads, Duration inactivityTimeout, IceConfig ice) {

  /** Settings without browser media. */
  public MediaConfig(String bindAddress, String advertisedAddress, int portMin, int portMax,
      int threads, Duration inactivityTimeout) {
    this(bindAddress, advertisedAddress, portMin, portMax, threads, inactivityTimeout, null);
  }
}
