package org.opentelephony.media.ice;

import java.util.Locale;

/**
 * One ICE candidate as written in SDP ({@code a=candidate:...}, RFC 8839 section 5.1), parsed or
 * formatted without touching the network. Only what a full ICE agent on UDP needs is kept.
 *
 * @param foundation the candidate's foundation
 * @param component  1 for RTP (everything, with rtcp-mux and bundle), 2 for RTCP
 * @param transport  lower-case transport, "udp" or "tcp"
 * @param priority   the candidate's priority
 * @param address    an IP literal, or an mDNS name ending in ".local"
 * @param port       the candidate's port
 * @param type       host, srflx, prflx or relay
 * @param relAddress the related address, or null
 * @param relPort    the related port, or -1
 */
record SdpCandidate(String foundation, int component, String transport, long priority,
    String address, int port, String type, String relAddress, int relPort) {

  /** Why a remote candidate was not used. */
  enum Rejection { MALFORMED, TCP, MDNS, RTCP_COMPONENT, HOSTNAME }

  /** A candidate that cannot be used, with the reason (for counters) and a message (for logs). */
  static final class RejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    final Rejection reason;

    RejectedException(Rejection reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /**
   * Parses a candidate attribute value ({@code candidate:...}, with or without a leading
   * {@code a=}) and checks that this transport can use it: UDP, component 1, an IP literal.
   */
  static SdpCandidate parseUsable(String value) throws RejectedException {
    SdpCandidate c = parse(value);
    if (!"udp".equals(c.transport)) {
      throw new RejectedException(Rejection.TCP, "not UDP: " + value);
    }
    if (c.address.toLowerCase(Locale.ROOT).endsWith(".local")) {
      throw new RejectedException(Rejection.MDNS, "mDNS name: " + value);
    }
    if (!isIpLiteral(c.address)) {
      // resolving would block the caller on DNS; browsers send literals or mDNS names
      throw new RejectedException(Rejection.HOSTNAME, "not an IP literal: " + value);
    }
    if (c.component != 1) {
      throw new RejectedException(Rejection.RTCP_COMPONENT, "component " + c.component);
    }
    return c;
  }

  /** Parses the grammar only. */
  static SdpCandidate parse(String value) throws RejectedException {
    if (value == null) {
      throw new RejectedException(Rejection.MALFORMED, "null candidate");
    }
    String v = value.strip();
    if (v.startsWith("a=")) {
      v = v.substring(2);
    }
    if (!v.startsWith("candidate:")) {
      throw new RejectedException(Rejection.MALFORMED, "no candidate: prefix: " + value);
    }
    String[] f = v.substring("candidate:".length()).split("\\s+");
    if (f.length < 8 || !"typ".equals(f[6])) {
      throw new RejectedException(Rejection.MALFORMED, "too few fields: " + value);
    }
    try {
      int component = Integer.parseInt(f[1]);
      long priority = Long.parseLong(f[3]);
      int port = Integer.parseInt(f[5]);
      if (component < 1 || component > 256 || priority < 0 || priority > 0xFFFFFFFFL
          || port < 0 || port > 65535 || f[0].isEmpty() || f[0].length() > 32) {
        throw new RejectedException(Rejection.MALFORMED, "field out of range: " + value);
      }
      String type = f[7].toLowerCase(Locale.ROOT);
      if (!type.equals("host") && !type.equals("srflx") && !type.equals("prflx")
          && !type.equals("relay")) {
        throw new RejectedException(Rejection.MALFORMED, "unknown type: " + value);
      }
      String relAddr = null;
      int relPort = -1;
      // extensions come as name/value pairs; only raddr/rport matter here
      for (int i = 8; i + 1 < f.length; i += 2) {
        if (f[i].equals("raddr")) {
          relAddr = f[i + 1];
        } else if (f[i].equals("rport")) {
          relPort = Integer.parseInt(f[i + 1]);
        }
      }
      return new SdpCandidate(f[0], component, f[2].toLowerCase(Locale.ROOT), priority, f[4],
          port, type, relAddr, relPort);
    } catch (NumberFormatException e) {
      throw new RejectedException(Rejection.MALFORMED, "bad number: " + value);
    }
  }

  /** The attribute value, without {@code a=}: the caller writes {@code "a=" + format()}. */
  String format() {
    StringBuilder b = new StringBuilder(96).append("candidate:").append(foundation).append(' ')
        .append(component).append(' ').append(transport).append(' ').append(priority).append(' ')
        .append(address).append(' ').append(port).append(" typ ").append(type);
    if (relAddress != null) {
      b.append(" raddr ").append(relAddress).append(" rport ").append(relPort);
    }
    return b.append(" generation 0").toString();
  }

  static boolean isIpLiteral(String a) {
    if (a.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String part : a.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    return a.indexOf(':') >= 0 && a.matches("[0-9A-Fa-f:.]+");
  }
}
