package org.opentelephony.sip;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.b2bua.B2bua;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.registrar.LocationService;
import org.opentelephony.sip.transport.SipMetrics;
import org.opentelephony.sip.transport.ws.WsHooks;

/**
 * What happens when a browser's WebSocket closes: its registrations go at once (memory and
 * storage: it can only be reached over that connection) and its calls end. Told by the
 * WebSocket processors on the stack's selector thread; the work runs on a worker.
 */
final class WebSocketConnections implements WsHooks {
  private static final Logger LOG = LogManager.getLogger(WebSocketConnections.class);

  private final LocationService location;
  private final B2bua b2bua;
  private final SipMetrics metrics;
  private final Executor executor;
  private final int maxFrame;

  WebSocketConnections(LocationService location, B2bua b2bua, SipMetrics metrics,
      Executor executor, int maxFrame) {
    this.location = location;
    this.b2bua = b2bua;
    this.metrics = metrics;
    this.executor = executor;
    this.maxFrame = maxFrame;
  }

  @Override
  public void closed(String transport, String ip, int port) {
    metrics.count("ws_connections_closed");
    String address = ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]:" + port
        : ip + ":" + port;
    try {
      executor.execute(() -> cleanUp(transport, address));
    } catch (RejectedExecutionException e) {
      // shutting down: the bindings are dropped at the next start (see dropConnectionBound)
    }
  }

  private void cleanUp(String transport, String address) {
    List<Binding> gone = location.removeIf(b -> SipConfig.isWebSocket(b.transport())
        && address.equals(b.received()));
    b2bua.onConnectionClosed(address);
    LOG.debug("{} connection {} closed: {} registrations removed", transport, address,
        gone.size());
  }

  /**
   * Bindings over WebSocket restored from storage: their connections died with the previous
   * run, so they can never be reached. Removed at start.
   */
  static int dropConnectionBound(LocationService location) {
    return location.removeIf(b -> SipConfig.isWebSocket(b.transport())).size();
  }

  @Override
  public void dropped(String reason) {
    metrics.count("ws_frames_dropped");
    LOG.debug("WebSocket frame dropped: {}", reason);
  }

  @Override
  public void protocolError(String reason) {
    metrics.count("ws_protocol_errors");
    LOG.debug("WebSocket closed for a protocol violation: {}", reason);
  }

  @Override
  public int maxFrame() {
    return maxFrame;
  }
}
