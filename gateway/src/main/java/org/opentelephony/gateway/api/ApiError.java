package org.opentelephony.gateway.api;

/**
 * An error event: HTTP-like {@code code} (400 bad message, 401 not logged in, 403 not permitted,
 * 404 unknown call, 409 wrong state, 413 too large) and a message naming the problem.
 */
final class ApiError extends Exception {
  private static final long serialVersionUID = 1L;
  final int code;

  ApiError(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }
}
