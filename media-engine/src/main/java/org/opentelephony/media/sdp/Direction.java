package org.opentelephony.media.sdp;

/** Stream direction attribute of RFC 3264 6.1, as seen by the side that wrote the SDP. */
public enum Direction {
  SENDRECV, SENDONLY, RECVONLY, INACTIVE;

  /** What the other side must answer (or see in the mirrored offer) for this direction. */
  public Direction reverse() {
    return switch (this) {
      case SENDONLY -> RECVONLY;
      case RECVONLY -> SENDONLY;
      default -> this;
    };
  }

  public boolean sends() {
    return this == SENDRECV || this == SENDONLY;
  }

  public boolean receives() {
    return this == SENDRECV || this == RECVONLY;
  }

  public String attribute() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Both sides' directions combined: media flows only where one sends and the other receives. */
  public Direction intersect(Direction other) {
    boolean send = sends() && other.reverse().sends();
    boolean recv = receives() && other.reverse().receives();
    return send && recv ? SENDRECV : send ? SENDONLY : recv ? RECVONLY : INACTIVE;
  }
}
