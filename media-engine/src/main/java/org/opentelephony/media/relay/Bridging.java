package org.opentelephony.media.relay;

import java.util.ArrayList;
import java.util.List;
import org.opentelephony.media.codec.G711;
import org.opentelephony.media.codec.G711ToOpusTranscoder;
import org.opentelephony.media.codec.OpusToG711Transcoder;
import org.opentelephony.media.codec.Transcoder;
import org.opentelephony.media.sdp.Codec;

/**
 * Which formats the server can bridge by transcoding (Opus 48 kHz <-> PCMU/PCMA 8 kHz) and the
 * transcoder for a pair. Everything else (video, other audio codecs) is only ever relayed.
 */
final class Bridging {
  private static final Codec OPUS = new Codec(111, "opus", 48000, 2, "useinbandfec=1");
  private static final Codec PCMU = Codec.staticType(0);
  private static final Codec PCMA = Codec.staticType(8);

  private Bridging() {
  }

  /** Formats to add to an audio offer so that the other leg may pick what this one lacks. */
  static List<Codec> addable(List<Codec> offered) {
    boolean opus = offered.stream().anyMatch(Codec::isOpus);
    boolean g711 = offered.stream().anyMatch(Bridging::isG711);
    List<Codec> out = new ArrayList<>();
    if (opus && !g711) {
      out.add(PCMU);
      out.add(PCMA);
    } else if (g711 && !opus) {
      out.add(OPUS.withPayloadType(freeDynamicType(offered)));
    }
    return out;
  }

  /** The offerer's format to transcode to and from the answerer's chosen {@code a}. */
  static Codec partner(Codec a, List<Codec> offered) {
    for (Codec o : offered) {
      if (a.isOpus() ? isG711(o) : isG711(a) && o.isOpus()) {
        return o;
      }
    }
    return null;
  }

  static Transcoder transcoder(Codec from, Codec to) {
    return from.isOpus() ? new OpusToG711Transcoder(law(to)) : new G711ToOpusTranscoder(law(from));
  }

  /** True when a list holds a real media format, not only telephone-event or comfort noise. */
  static boolean hasMedia(List<Codec> codecs) {
    return codecs.stream().anyMatch(Codec::isMedia);
  }

  private static boolean isG711(Codec c) {
    return c.sameFormat(PCMU) || c.sameFormat(PCMA);
  }

  private static G711 law(Codec c) {
    return c.sameFormat(PCMA) ? G711.PCMA : G711.PCMU;
  }

  private static int freeDynamicType(List<Codec> used) {
    for (int pt : new int[] {111, 109, 120, 96, 97, 98, 99, 100, 102, 103, 104, 105, 106, 107}) {
      final int candidate = pt;
      if (used.stream().noneMatch(c -> c.payloadType() == candidate)) {
        return pt;
      }
    }
    return 127;
  }
}
