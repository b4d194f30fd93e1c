package org.opentelephony.gateway.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The JSON call API's WebSocket endpoint at {@code /ws}: the Origin is checked at the handshake
 * (403), the token ({@code ?token=}) right after it (close 4401, so that browsers can read why),
 * and each text frame is size-checked and handed to the user's {@link ApiSession}.
 */
public final class ApiWebSocket {
  private static final Logger LOG = LogManager.getLogger(ApiWebSocket.class);
  public static final int CLOSE_UNAUTHORIZED = 4401;

  private ApiWebSocket() {
  }

  /** The upgrade handler for {@code /ws}, wrapping {@code next} for every other request. */
  public static WebSocketUpgradeHandler handler(Server server, ApiService api) {
    ApiConfig cfg = api.config();
    return WebSocketUpgradeHandler.from(server, container -> {
      // frames up to the hard limit reach us (and get a 413 error event beyond
      // max-frame-bytes); only beyond it does the WebSocket layer close the connection (1009)
      long hard = Math.max(4L * cfg.maxFrameBytes(), 1 << 20);
      container.setMaxTextMessageSize(hard);
      container.setMaxBinaryMessageSize(1024);
      container.setIdleTimeout(Duration.ofMinutes(5));
      container.addMapping("/ws", (req, resp, cb) -> {
        String origin = req.getHeaders().get(HttpHeader.ORIGIN);
        if (!cfg.originAllowed(origin)) {
          LOG.info("WebSocket from origin {} refused", origin);
          Response.writeError(req, resp, cb, 403, "origin not allowed");
          return null;
        }
        String token = Request.extractQueryParameters(req).getValue("token");
        return new Endpoint(api, token);
      });
    });
  }

  /** One connection. */
  public static final class Endpoint implements Session.Listener.AutoDemanding, ApiSession.Socket {
    private final ApiService api;
    private final String token;
    private volatile Session session;
    private volatile ApiSession user;

    Endpoint(ApiService api, String token) {
      this.api = api;
      this.token = token;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      this.session = s;
      TokenService.Check check = api.tokens().check(token);
      if (!check.ok()) {
        s.close(CLOSE_UNAUTHORIZED, check.problem() == TokenService.Problem.EXPIRED
            ? "token expired" : "invalid token", Callback.NOOP);
        return;
      }
      api.connect(check.user(), this);
      user = api.session(check.user());
    }

    @Override
    public void onWebSocketText(String text) {
      ApiSession u = user;
      if (u == null) {
        send("{\"type\":\"error\",\"code\":401,\"message\":\"not logged in\"}");
        return;
      }
      int limit = api.config().maxFrameBytes();
      if (text.length() > limit || text.getBytes(StandardCharsets.UTF_8).length > limit) {
        u.executor.execute(() -> u.sendError(new ApiError(413, "message larger than "
            + limit + " bytes"), null, null));
        return;
      }
      u.executor.execute(() -> u.onText(this, text));
    }

    @Override
    public void onWebSocketBinary(java.nio.ByteBuffer payload, Callback callback) {
      callback.succeed();
      send("{\"type\":\"error\",\"code\":400,\"message\":\"binary frames are not supported\"}");
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
      ApiSession u = user;
      if (u != null) {
        u.executor.execute(() -> u.detach(this));
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      LOG.debug("API WebSocket error: {}", cause.toString());
    }

    @Override
    public void send(String text) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.sendText(text, Callback.NOOP);
      }
    }

    @Override
    public void close(int code, String reason) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.close(code, reason, Callback.NOOP);
      }
    }
  }
}
