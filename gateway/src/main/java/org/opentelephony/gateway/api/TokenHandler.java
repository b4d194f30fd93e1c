package org.opentelephony.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/token} with {@code {"user","password"}} (JSON): answers a short-lived token,
 * or 401 {@code invalid_credentials}.
 */
public final class TokenHandler extends Handler.Abstract {
  private static final int MAX_BODY = 4096;
  private final TokenService tokens;

  public TokenHandler(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!"/api/token".equals(Request.getPathInContext(request))) {
      return false;
    }
    if (!"POST".equals(request.getMethod())) {
      response.getHeaders().put("Allow", "POST");
      HttpJson.error(response, callback, 405, "method_not_allowed");
      return true;
    }
    if (request.getLength() > MAX_BODY) {
      HttpJson.error(response, callback, 413, "body_too_large");
      return true;
    }
    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
    JsonNode json;
    try {
      json = body.length() > MAX_BODY ? null : HttpJson.JSON.readTree(body);
    } catch (Exception e) {
      json = null;
    }
    if (json == null || !json.path("user").isTextual() || !json.path("password").isTextual()) {
      HttpJson.error(response, callback, 400, "expected {\"user\":...,\"password\":...}");
      return true;
    }
    String user = json.get("user").asText();
    if (tokens.authenticate(user, json.get("password").asText()).isEmpty()) {
      HttpJson.error(response, callback, 401, "invalid_credentials");
      return true;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", tokens.issue(user));
    out.put("expiresIn", tokens.ttl().toSeconds());
    out.put("user", user);
    HttpJson.send(response, callback, 200, out);
    return true;
  }
}
