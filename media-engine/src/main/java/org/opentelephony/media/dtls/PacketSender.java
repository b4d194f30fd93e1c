package org.opentelephony.media.dtls;

import java.io.IOException;

/** Sends one datagram to the peer (over the leg's ICE-selected pair, or a test's pipe). */
@FunctionalInterface
public interface PacketSender {
  void send(byte[] buf, int off, int len) throws IOException;
}
