package org.opentelephony.gateway.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.cdr.CallRecordRepository;

/**
 * {@code GET /api/calls?limit=N} with {@code Authorization: Bearer TOKEN}: the logged-in user's
 * call history from the call records, newest first.
 */
public final class CallHistoryHandler extends Handler.Abstract {
  private static final int MAX_LIMIT = 500;
  private final TokenService tokens;
  private final CallRecordRepository records;

  public CallHistoryHandler(TokenService tokens, CallRecordRepository records) {
    this.tokens = tokens;
    this.records = records;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!"/api/calls".equals(Request.getPathInContext(request))) {
      return false;
    }
    if (!"GET".equals(request.getMethod())) {
      response.getHeaders().put("Allow", "GET");
      HttpJson.error(response, callback, 405, "method_not_allowed");
      return true;
    }
    TokenService.Check check = tokens.check(HttpJson.bearer(request));
    if (!check.ok()) {
      response.getHeaders().put("WWW-Authenticate", "Bearer");
      HttpJson.error(response, callback, 401, check.problem() == TokenService.Problem.EXPIRED
          ? "token_expired" : "invalid_token");
      return true;
    }
    int limit = 50;
    String l = Request.extractQueryParameters(request).getValue("limit");
    if (l != null) {
      try {
        limit = Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(l)));
      } catch (NumberFormatException e) {
        HttpJson.error(response, callback, 400, "limit must be a number");
        return true;
      }
    }
    String user = check.user();
    List<Map<String, Object>> calls = new ArrayList<>();
    for (CallRecord r : records.recent(user, limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("callId", r.clientRef() != null ? r.clientRef() : r.callId());
      m.put("recordId", r.callId());
      m.put("caller", r.caller());
      m.put("callee", r.callee());
      m.put("direction", user.equals(r.caller()) ? "outgoing" : "incoming");
      m.put("audio", r.audio());
      m.put("video", r.video());
      m.put("startedAt", java.time.Instant.ofEpochMilli(r.startedAt()).toString());
      m.put("answeredAt", r.answeredAt() == null ? null
          : java.time.Instant.ofEpochMilli(r.answeredAt()).toString());
      m.put("endedAt", java.time.Instant.ofEpochMilli(r.endedAt()).toString());
      m.put("durationMs", r.durationMs());
      m.put("endReason", r.endReason());
      m.put("sipStatus", r.sipStatus());
      calls.add(m);
    }
    HttpJson.send(response, callback, 200, Map.of("calls", calls));
    return true;
  }
}
