package org.opentelephony.media.sdp;

import java.util.Locale;

/**
 * A payload format offered in SDP: its payload type on one leg and its identity (encoding name,
 * clock rate, channels) which is what matches formats across legs.
 */
public record Codec(int payloadType, String name, int clockRate, int channels, String fmtp) {

  /** Static payload types of RFC 3551 that may appear without an rtpmap. */
  public static Codec staticType(int pt) {
    return switch (pt) {
      case 0 -> new Codec(0, "PCMU", 8000, 1, null);
      case 8 -> new Codec(8, "PCMA", 8000, 1, null);
      case 9 -> new Codec(9, "G722", 8000, 1, null);
      case 18 -> new Codec(18, "G729", 8000, 1, null);
      case 3 -> new Codec(3, "GSM", 8000, 1, null);
      case 13 -> new Codec(13, "CN", 8000, 1, null);
      default -> new Codec(pt, "PT" + pt, 0, 1, null);
    };
  }

  /** Same format, whatever its payload type: name (case-insensitive), clock rate, channels. */
  public boolean sameFormat(Codec o) {
    return name.equalsIgnoreCase(o.name) && clockRate == o.clockRate
        && (channels == o.channels || isOpus()) // opus/48000/2 is the only spelling (RFC 7587)
        && sameVariant(o);
  }

  /**
   * Video formats that share a name can still be different formats: H.264 by profile and
   * packetization mode (RFC 6184 8.2.2), VP9 by profile, AV1 by profile. Each is its own.
   */
  private boolean sameVariant(Codec o) {
    String n = name.toUpperCase(Locale.ROOT);
    return switch (n) {
      case "H264" -> param("packetization-mode", "0").equals(o.param("packetization-mode", "0"))
          && profile(param("profile-level-id", "42000a"))
              .equals(profile(o.param("profile-level-id", "42000a")));
      case "VP9" -> param("profile-id", "0").equals(o.param("profile-id", "0"));
      case "AV1" -> param("profile", "0").equals(o.param("profile", "0"));
      default -> true;
    };
  }

  /** The profile part of an H.264 profile-level-id (the level may differ, RFC 6184 8.1). */
  private static String profile(String profileLevelId) {
    String p = profileLevelId.toLowerCase(Locale.ROOT);
    return p.length() >= 4 ? p.substring(0, 4) : p;
  }

  /** A parameter of the fmtp line, or {@code absent}. */
  String param(String key, String absent) {
    if (fmtp == null) {
      return absent;
    }
    for (String kv : fmtp.split(";")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).trim().equalsIgnoreCase(key)) {
        return kv.substring(eq + 1).trim();
      }
    }
    return absent;
  }

  public boolean isOpus() {
    return name.equalsIgnoreCase("opus");
  }

  public boolean isTelephoneEvent() {
    return name.equalsIgnoreCase("telephone-event");
  }

  /**
   * Retransmission, redundancy and FEC formats (RFC 4588, 2198, 5109, 8627): they reference
   * other streams by SSRC, which the relay does not translate, so it never negotiates them.
   */
  public boolean isRepair() {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("rtx") || n.equals("red") || n.equals("ulpfec") || n.startsWith("flexfec");
  }

  /** A format carrying media itself, not events, comfort noise or repair data. */
  public boolean isMedia() {
    return !isTelephoneEvent() && !name.equalsIgnoreCase("CN") && !isRepair();
  }

  public String key() {
    return name.toUpperCase(Locale.ROOT) + "/" + clockRate;
  }

  public Codec withPayloadType(int pt) {
    return new Codec(pt, name, clockRate, channels, fmtp);
  }

  /** The {@code a=rtpmap} value. */
  public String rtpmap() {
    return payloadType + " " + name + "/" + clockRate + (channels > 1 ? "/" + channels : "");
  }
}
