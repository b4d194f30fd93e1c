package org.opentelephony.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Small helpers shared by the API's HTTP endpoints: JSON answers and Bearer tokens. */
final class HttpJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private HttpJson() {
  }

  static void send(Response response, Callback callback, int status, Object body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (Exception e) {
      status = 500;
      text = "{\"error\":\"internal\"}";
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, StandardCharsets.UTF_8.encode(text), callback);
  }

  static void error(Response response, Callback callback, int status, String error) {
    send(response, callback, status, Map.of("error", error));
  }

  /** The token of an {@code Authorization: Bearer ...} header, or null. */
  static String bearer(Request request) {
    String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return h.substring(7).trim();
  }
}
