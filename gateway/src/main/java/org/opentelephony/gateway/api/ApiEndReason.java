package org.opentelephony.gateway.api;

import java.util.Locale;

/** Why an API call ended, as the protocol names it ({@code hangup_local}, ...). */
enum ApiEndReason {
  HANGUP_LOCAL, HANGUP_REMOTE, CANCELED, REJECTED, BUSY, NO_ANSWER, NOT_FOUND, OFFLINE,
  FORBIDDEN, MEDIA_TIMEOUT, DISCONNECTED, FAILED;

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The reason for a final error response to the user's INVITE. The B2BUA answers an unanswered
   * call 480 "No Answer", an unreachable callee 480 "Temporarily Unavailable".
   */
  static ApiEndReason fromStatus(int status, String phrase) {
    return switch (status) {
      case 486, 600 -> BUSY;
      case 603 -> REJECTED;
      case 404, 604 -> NOT_FOUND;
      case 480 -> phrase != null && phrase.equalsIgnoreCase("No Answer") ? NO_ANSWER : OFFLINE;
      case 408 -> NO_ANSWER;
      case 487 -> CANCELED;
      case 401, 403, 407 -> FORBIDDEN;
      default -> FAILED;
    };
  }
}
