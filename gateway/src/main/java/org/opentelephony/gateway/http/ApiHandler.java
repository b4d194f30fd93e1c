package org.opentelephony.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.opentelephony.sip.SipServer;
import org.opentelephony.sip.cdr.CallRecord;

/**
 * Operator endpoints on the HTTP port: {@code GET /health}, {@code GET /metrics} (Prometheus
 * text), {@code GET /api/cdrs?user=&limit=} (call detail records, newest first) and
 * {@code GET /api/calls/active} (live calls with their media statistics).
 */
final class ApiHandler extends Handler.Abstract.NonBlocking {
  private static final int MAX_LIMIT = 1000;

  private final SipServer sip;
  private final java.util.function.Supplier<Map<String, Long>> mediaMetrics;
  private final ObjectMapper json = new ObjectMapper();

  ApiHandler(SipServer sip, java.util.function.Supplier<Map<String, Long>> mediaMetrics) {
    this.sip = sip;
    this.mediaMetrics = mediaMetrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!"GET".equals(request.getMethod())) {
      return false;
    }
    switch (path) {
      case "/health" -> send(response, callback, HttpStatus.OK_200, "application/json",
          json.writeValueAsString(Map.of("status", "up", "activeCalls", sip.calls().size())));
      case "/metrics" -> send(response, callback, HttpStatus.OK_200,
          "text/plain; version=0.0.4", metrics());
      case "/api/cdrs" -> cdrs(request, response, callback);
      case "/api/calls/active" -> send(response, callback, HttpStatus.OK_200, "application/json",
          activeCalls());
      default -> {
        return false;
      }
    }
    return true;
  }

  private void cdrs(Request request, Response response, Callback callback) throws Exception {
    Fields q = Request.extractQueryParameters(request);
    String user = q.getValue("user");
    int limit = 100;
    String l = q.getValue("limit");
    if (l != null) {
      try {
        limit = Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(l)));
      } catch (NumberFormatException e) {
        send(response, callback, HttpStatus.BAD_REQUEST_400, "application/json",
            json.writeValueAsString(Map.of("error", "limit must be a number")));
        return;
      }
    }
    List<CallRecord> records = sip.records().recent(user, limit);
    send(response, callback, HttpStatus.OK_200, "application/json",
        json.writeValueAsString(Map.of("records", records)));
  }

  /** The live calls with their state and live media statistics (for operators). */
  private String activeCalls() throws Exception {
    java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (org.opentelephony.sip.call.Call c : sip.calls().active()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("callId", c.id());
      m.put("caller", c.caller());
      m.put("callee", c.callee());
      m.put("state", c.state().name());
      m.put("startedAt", c.startedAt());
      m.put("answeredAt", c.answeredAt() > 0 ? c.answeredAt() : null);
      m.put("media", json.readTree(c.mediaStats()));
      out.add(m);
    }
    return json.writeValueAsString(Map.of("calls", out));
  }

  private String metrics() {
    Map<String, Long> m = new LinkedHashMap<>(sip.metrics().snapshot());
    m.put("calls_active", (long) sip.calls().size());
    m.put("registrations_active", (long) sip.location().size());
    m.put("storage_pending_writes", (long) sip.pendingWrites());
    m.putAll(mediaMetrics.get());
    m.put("jvm_heap_used_bytes", Runtime.getRuntime().totalMemory()
        - Runtime.getRuntime().freeMemory());
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
    return sb.toString();
  }

  private static void send(Response response, Callback callback, int status, String type,
      String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
    response.write(true, StandardCharsets.UTF_8.encode(body), callback);
  }
}
