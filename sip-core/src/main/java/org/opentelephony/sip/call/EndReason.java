package org.opentelephony.sip.call;

/** Why a call ended; stored in the call record and shown to API clients. */
public enum EndReason {
  HANGUP_CALLER,
  HANGUP_CALLEE,
  CANCELED,
  REJECTED_BUSY,
  REJECTED_DECLINED,
  REJECTED,
  NO_ANSWER,
  NOT_FOUND,
  OFFLINE,
  FORBIDDEN,
  MEDIA_TIMEOUT,
  SERVER_SHUTDOWN,
  /** The connection of one leg (a browser's WebSocket) closed while the call was up. */
  CONNECTION_CLOSED,
  FAILED;

  /** Maps a final error status from the callee side to the reason users understand. */
  public static EndReason fromCalleeStatus(int status) {
    return switch (status) {
      case 486, 600 -> REJECTED_BUSY;
      case 603 -> REJECTED_DECLINED;
      case 404, 604 -> NOT_FOUND;
      case 480 -> OFFLINE;
      case 408 -> NO_ANSWER;
      case 487 -> CANCELED;
      case 403 -> FORBIDDEN;
      default -> status >= 500 && status < 600 ? FAILED : REJECTED;
    };
  }
}
