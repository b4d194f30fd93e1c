package org.opentelephony.media.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.opentelephony.media.rtp.RtcpPacket;

/**
 * Asks a video sender for a keyframe (RFC 4585 Picture Loss Indication): a decoder that joins a
 * stream mid-way, as the relay's receiver does when forwarding starts or a browser leg's
 * transport comes up, shows nothing until the next keyframe.
 */
final class Keyframes {
  /** The SSRC the server reports as: any value works, receivers only read the media SSRC. */
  static final long SERVER_SSRC = 0x0E1E_1E1EL;

  private Keyframes() {
  }

  /** Sends a PLI for {@code mediaSsrc} to the device of leg {@code sender}; false if it can't. */
  static boolean request(Endpoint sender, long mediaSsrc) {
    if (mediaSsrc < 0 || !sender.canSend()) {
      return false;
    }
    byte[] pli = new byte[12 + PacketPath.TAIL_ROOM];
    pli[0] = (byte) 0x81; // V=2, FMT=1 (PLI)
    pli[1] = (byte) RtcpPacket.PSFB;
    pli[3] = 2; // length in 32-bit words minus one
    putInt(pli, 4, SERVER_SSRC);
    putInt(pli, 8, mediaSsrc);
    try {
      return sender.sendRtcp(pli, ByteBuffer.wrap(pli), 12);
    } catch (IOException e) {
      return false;
    }
  }

  private static void putInt(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
