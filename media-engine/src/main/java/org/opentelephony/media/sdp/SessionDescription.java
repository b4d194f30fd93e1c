package org.opentelephony.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of an SDP body (RFC 4566) the relay needs, parsed leniently but validated where a
 * wrong value would break media: version, connection address, media ports, formats. Unknown
 * attribute lines are kept and written back unchanged.
 */
public final class SessionDescription {
  private final List<String> sessionLines = new ArrayList<>(); // a=, b= lines at session level
  private final List<MediaDescription> media = new ArrayList<>();
  private String connection;

  private SessionDescription() {
  }

  public List<MediaDescription> media() {
    return media;
  }

  /** The connection address of a media section (its own c= or the session's). */
  public String connectionOf(MediaDescription m) {
    return m.connection != null ? m.connection : connection;
  }

  public static SessionDescription parse(String text) throws SdpParseException {
    if (text == null || text.isBlank()) {
      throw new SdpParseException("empty SDP");
    }
    SessionDescription sd = new SessionDescription();
    MediaDescription current = null;
    Direction sessionDirection = null;
    boolean sawVersion = false;
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != '=') {
        throw new SdpParseException("not an SDP line: " + abbreviate(line));
      }
      char kind = line.charAt(0);
      String value = line.substring(2);
      switch (kind) {
        case 'v' -> {
          if (!value.equals("0")) {
            throw new SdpParseException("SDP version must be 0");
          }
          sawVersion = true;
        }
        case 'm' -> {
          current = parseMedia(value);
          sd.media.add(current);
        }
        case 'c' -> {
          String addr = parseConnection(value);
          if (current == null) {
            sd.connection = addr;
          } else {
            current.connection = addr;
          }
        }
        case 'a' -> {
          Direction d = direction(value);
          if (current == null) {
            if (d != null) {
              sessionDirection = d;
            } else {
              sd.sessionLines.add(line);
            }
          } else {
            attribute(current, value, d);
          }
        }
        case 'b' -> {
          if (current != null) {
            current.otherLines.add(line);
          } else {
            sd.sessionLines.add(line);
          }
        }
        default -> {
          // o=, s=, t=, i=, u=, e=, p=, r=, z=, k=: regenerated or irrelevant to media
        }
      }
    }
    if (!sawVersion) {
      throw new SdpParseException("SDP has no v=0 line");
    }
    if (sd.media.isEmpty()) {
      throw new SdpParseException("SDP has no media (m=)");
    }
    for (MediaDescription m : sd.media) {
      if (sessionDirection != null && !m.explicitDirection) {
        m.direction = sessionDirection;
      }
      if (!m.rejected() && sd.connectionOf(m) == null) {
        throw new SdpParseException("m=" + m.type + " has no connection address (c=)");
      }
      if (!m.rejected() && isHoldAddress(sd.connectionOf(m))
          && Profile.of(m.protocol()) == Profile.PLAIN) {
        // (a browser writes 0.0.0.0 with port 9 when its address is in ICE candidates instead)
        // RFC 2543 hold: "do not send to me", what a=sendonly (or inactive) says today
        m.direction = m.direction.receives() ? m.direction.sends() ? Direction.SENDONLY
            : Direction.INACTIVE : m.direction;
      }
      resolveStaticTypes(m);
    }
    return sd;
  }

  /** True for the RFC 2543 hold address 0.0.0.0. */
  public static boolean isHoldAddress(String address) {
    return "0.0.0.0".equals(address);
  }

  private static MediaDescription parseMedia(String value) throws SdpParseException {
    String[] f = value.split(" +");
    if (f.length < 4) {
      throw new SdpParseException("m= line lists no formats: " + abbreviate(value));
    }
    int port;
    try {
      port = Integer.parseInt(f[1].contains("/") ? f[1].substring(0, f[1].indexOf('/')) : f[1]);
    } catch (NumberFormatException e) {
      throw new SdpParseException("bad media port: " + f[1]);
    }
    if (port < 0 || port > 65535) {
      throw new SdpParseException("media port out of range: " + port);
    }
    MediaDescription m = new MediaDescription(f[0], port, f[2]);
    if (!m.isRtp()) {
      // e.g. a data channel (UDP/DTLS/SCTP webrtc-datachannel): never relayed, only rejected
      m.rawFormats = String.join(" ", java.util.Arrays.copyOfRange(f, 3, f.length));
      return m;
    }
    for (int i = 3; i < f.length; i++) {
      int pt;
      try {
        pt = Integer.parseInt(f[i]);
      } catch (NumberFormatException e) {
        throw new SdpParseException("bad payload type: " + f[i]);
      }
      if (pt < 0 || pt > 127) {
        throw new SdpParseException("payload type out of range: " + pt);
      }
      m.codecs.add(new Codec(pt, "", 0, 1, null)); // filled by rtpmap or the static table
    }
    return m;
  }

  private static String parseConnection(String value) throws SdpParseException {
    String[] f = value.split(" +");
    if (f.length < 3 || !f[0].equals("IN") || !(f[1].equals("IP4") || f[1].equals("IP6"))) {
      throw new SdpParseException("bad connection line: c=" + abbreviate(value));
    }
    String addr = f[2].contains("/") ? f[2].substring(0, f[2].indexOf('/')) : f[2];
    if (f[1].equals("IP4") && !addr.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new SdpParseException("bad IPv4 connection address: " + abbreviate(addr));
    }
    return addr;
  }

  private static void attribute(MediaDescription m, String value, Direction d)
      throws SdpParseException {
    if (d != null) {
      m.direction = d;
      m.explicitDirection = true;
    } else if (value.startsWith("rtpmap:")) {
      String[] f = value.substring(7).split(" +", 2);
      int pt = parsePt(f[0]);
      if (f.length < 2) {
        throw new SdpParseException("bad rtpmap: " + abbreviate(value));
      }
      String[] enc = f[1].split("/");
      int rate;
      int channels;
      try {
        rate = enc.length > 1 ? Integer.parseInt(enc[1].trim()) : 0;
        channels = enc.length > 2 ? Integer.parseInt(enc[2].trim()) : 1;
      } catch (NumberFormatException e) {
        throw new SdpParseException("bad rtpmap: " + abbreviate(value));
      }
      replace(m, pt, c -> new Codec(pt, enc[0].trim(), rate, channels, c.fmtp()));
    } else if (value.startsWith("fmtp:")) {
      String[] f = value.substring(5).split(" +", 2);
      int pt = parsePt(f[0]);
      replace(m, pt, c -> new Codec(pt, c.name(), c.clockRate(), c.channels(),
          f.length > 1 ? f[1] : ""));
    } else if (value.startsWith("rtcp:")) {
      // the relay puts RTCP on RTP port + 1 on its own side; the peer's is read from here later
      m.otherLines.add("a=" + value);
    } else {
      m.otherLines.add("a=" + value);
    }
  }

  private static int parsePt(String s) throws SdpParseException {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new SdpParseException("bad payload type in attribute: " + abbreviate(s));
    }
  }

  private static void replace(MediaDescription m, int pt,
      java.util.function.UnaryOperator<Codec> f) {
    for (int i = 0; i < m.codecs.size(); i++) {
      if (m.codecs.get(i).payloadType() == pt) {
        m.codecs.set(i, f.apply(m.codecs.get(i)));
        return;
      }
    }
    // attributes for formats not on the m= line are ignored, as RFC 4566 allows
  }

  private static void resolveStaticTypes(MediaDescription m) {
    for (int i = 0; i < m.codecs.size(); i++) {
      Codec c = m.codecs.get(i);
      if (c.name().isEmpty()) {
        Codec s = Codec.staticType(c.payloadType());
        m.codecs.set(i, new Codec(s.payloadType(), s.name(), s.clockRate(), s.channels(),
            c.fmtp()));
      }
    }
  }

  private static Direction direction(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "sendrecv" -> Direction.SENDRECV;
      case "sendonly" -> Direction.SENDONLY;
      case "recvonly" -> Direction.RECVONLY;
      case "inactive" -> Direction.INACTIVE;
      default -> null;
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** Session-level attribute and bandwidth lines kept from the parsed body. */
  List<String> sessionLines() {
    return sessionLines;
  }
}
