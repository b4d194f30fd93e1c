package org.opentelephony.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The client messages of docs/API.md as a table (type to fields) and their validation: every
 * malformed message gets one {@link ApiError} naming the type or field at fault.
 */
final class Protocol {
  enum Kind { STRING, BOOLEAN, NUMBER }

  record Field(String name, Kind kind, boolean required, int maxLength) {
  }

  static final int MAX_SDP = 60_000;
  static final int MAX_EXTRA = 1024;
  static final int MAX_INFO = 4096;

  private static Field req(String name, Kind k, int max) {
    return new Field(name, k, true, max);
  }

  private static Field opt(String name, Kind k, int max) {
    return new Field(name, k, false, max);
  }

  private static final Field CALL_ID = req("callId", Kind.STRING, 64);
  private static final Field SDP = req("sdp", Kind.STRING, MAX_SDP);

  static final Map<String, List<Field>> MESSAGES = Map.ofEntries(
      Map.entry("call.make", List.of(CALL_ID, req("to", Kind.STRING, 256),
          opt("audio", Kind.BOOLEAN, 0), opt("video", Kind.BOOLEAN, 0),
          opt("extraParam", Kind.STRING, MAX_EXTRA), SDP)),
      Map.entry("call.answer", List.of(CALL_ID, opt("video", Kind.BOOLEAN, 0), SDP)),
      Map.entry("call.reject", List.of(CALL_ID, opt("reason", Kind.STRING, 16))),
      Map.entry("call.end", List.of(CALL_ID)),
      Map.entry("call.update", List.of(CALL_ID, req("info", Kind.STRING, MAX_INFO))),
      Map.entry("call.hold", List.of(CALL_ID, SDP)),
      Map.entry("call.resume", List.of(CALL_ID, SDP)),
      Map.entry("call.mute", List.of(CALL_ID, req("kind", Kind.STRING, 8),
          req("muted", Kind.BOOLEAN, 0))),
      Map.entry("call.sdp", List.of(CALL_ID, req("sdpType", Kind.STRING, 8), SDP)),
      Map.entry("call.candidate", List.of(CALL_ID, req("candidate", Kind.STRING, 1024),
          opt("sdpMid", Kind.STRING, 32), opt("sdpMLineIndex", Kind.NUMBER, 0))),
      Map.entry("ping", List.of()));

  private Protocol() {
  }

  /** Checks {@code msg} against the table; returns its type. */
  static String validate(JsonNode msg) throws ApiError {
    if (msg == null || !msg.isObject()) {
      throw ApiError.badRequest("a message must be a JSON object");
    }
    JsonNode t = msg.get("type");
    if (t == null || !t.isTextual()) {
      throw ApiError.badRequest("missing field: type");
    }
    String type = t.asText();
    List<Field> fields = MESSAGES.get(type);
    if (fields == null) {
      throw ApiError.badRequest("unknown message type: " + abbreviate(type));
    }
    for (Field f : fields) {
      JsonNode v = msg.get(f.name());
      if (v == null || v.isNull()) {
        if (f.required()) {
          throw ApiError.badRequest("missing field: " + f.name());
        }
        continue;
      }
      boolean ok = switch (f.kind()) {
        case STRING -> v.isTextual();
        case BOOLEAN -> v.isBoolean();
        case NUMBER -> v.isIntegralNumber();
      };
      if (!ok) {
        throw ApiError.badRequest("invalid field: " + f.name() + " must be a "
            + f.kind().name().toLowerCase(java.util.Locale.ROOT));
      }
      if (f.kind() == Kind.STRING && v.asText().length() > f.maxLength()) {
        throw ApiError.badRequest("invalid field: " + f.name() + " longer than "
            + f.maxLength() + " characters");
      }
      if (f.kind() == Kind.STRING && f.required() && v.asText().isEmpty()
          && !f.name().equals("candidate")) {
        throw ApiError.badRequest("invalid field: " + f.name() + " is empty");
      }
    }
    return type;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
