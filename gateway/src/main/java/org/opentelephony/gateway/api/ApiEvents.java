package org.opentelephony.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/**
 * The outgoing side of one session: builds its JSON events and sends them to the socket that is
 * current at the time, if any. Shared by the session's parts (client messages, SIP events,
 * statistics) so that every event has the same envelope and an event to a detached session is
 * dropped in one place. Used only on the session's serial executor.
 */
final class ApiEvents {
  static final ObjectMapper JSON = new ObjectMapper();

  // a supplier, not a field: the session alone decides which socket is current
  private final Supplier<ApiSession.Socket> socket;

  ApiEvents(Supplier<ApiSession.Socket> socket) {
    this.socket = socket;
  }

  /** A new event of {@code type}, about {@code c} when not null. */
  static ObjectNode event(String type, ApiCall c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", type);
    if (c != null) {
      o.put("callId", c.id);
    }
    return o;
  }

  /** Whether a socket is attached (else events are dropped). */
  boolean connected() {
    return socket.get() != null;
  }

  void send(ObjectNode event) {
    ApiSession.Socket s = socket.get();
    if (s != null) {
      s.send(event.toString());
    }
  }

  void sendError(ApiError e, String callId, String reqId) {
    ObjectNode o = event("error", null);
    o.put("code", e.code);
    o.put("message", e.getMessage());
    if (callId != null) {
      o.put("callId", callId);
    }
    if (reqId != null) {
      o.put("reqId", reqId);
    }
    send(o);
  }
}
