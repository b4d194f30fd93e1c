package org.opentelephony.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code m=} section: media type, port, protocol, formats with their rtpmap/fmtp, direction,
 * connection address and every other attribute line kept verbatim (in order) so that rewriting
 * changes only what the relay must change.
 */
public final class MediaDescription {
  final String type;
  int port;
  final String protocol;
  final List<Codec> codecs = new ArrayList<>();
  final List<String> otherLines = new ArrayList<>(); // a= lines we do not interpret, b= lines
  String connection; // media-level c= address, or null
  Direction direction = Direction.SENDRECV;
  boolean explicitDirection;
  /** The formats of a non-RTP line as written (RTP lines use {@link #codecs}). */
  String rawFormats;

  MediaDescription(String type, int port, String protocol) {
    this.type = type;
    this.port = port;
    this.protocol = protocol;
  }

  public String type() {
    return type;
  }

  public int port() {
    return port;
  }

  public String protocol() {
    return protocol;
  }

  public List<Codec> codecs() {
    return codecs;
  }

  public Direction direction() {
    return direction;
  }

  /** Port 0 rejects a line, unless it is bundled onto another one (RFC 8843 6: bundle-only). */
  public boolean rejected() {
    return port == 0 && !otherLines.contains("a=bundle-only");
  }

  public boolean isAudio() {
    return type.toLowerCase(Locale.ROOT).equals("audio");
  }

  /** True for RTP-based media (not, for example, a data channel's SCTP over DTLS). */
  public boolean isRtp() {
    return protocol.toUpperCase(Locale.ROOT).contains("RTP");
  }

  /** The RFC 5888 media identification tag, or null. */
  public String mid() {
    for (String l : otherLines) {
      if (l.startsWith("a=mid:")) {
        return l.substring(6).trim();
      }
    }
    return null;
  }

  /** The attribute lines kept as they are (without the {@code a=} prefix for a= lines). */
  public List<String> otherLines() {
    return otherLines;
  }
}
